package lib.registry;

import lib.core.Context;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.Login;
import lib.core.Retry;
import lib.core.Secret;
import lib.core.SyncError;
import lib.settings.Auth;
import support.FaultProxy;
import support.Fixtures;
import support.Registries;
import support.Registry;
import support.RegistryFront;
import support.TagPages;
import support.Tools;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry client against real registries: open, Basic-protected, and behind a Bearer token front. */
@Tag("registry")
class RegistryClientTest {
    /** What library/tagged holds: versions, v-prefixed, pre-releases, suffixed, partial, and tags that are no version. */
    static final List<String> TAGS = List.of("0.0.1", "0.9.0", "1.0.0", "1.0.1", "1.1.0", "1.2.0", "1.2.3", "1.10.0", "2.0.0",
            "2.1.0", "2.1.1", "v1.0.0", "v2.0.0", "v2.1.1", "v3.0.0", "2.0.0-rc.1", "2.0.0-beta.2", "3.0.0-alpha", "3.0.0-rc.1",
            "1.2.3-alpine", "2.1.1-alpine", "2.1.1-bookworm", "2.1-alpine", "2-alpine", "2", "2.1", "1.2", "8.0", "latest",
            "stable", "edge", "alpine", "20240101", "sha-abc123");
    static final String TAGS_LIST = "/v2/library/tagged/tags/list";
    @RegisterExtension
    static final Registries registries = new Registries("client-it-");
    static final Registry open = registries.open("open");
    static final Registry basic = registries.withPassword("basic", "carol", "carol-pw");
    static Fixtures.Layout image;

    @BeforeAll
    static void pushFixtures() throws IOException {
        image = Fixtures.multiArch(Files.createDirectories(registries.root().resolve("layout")), Fixtures.threeArch("2024-01-01T00:00:00Z", "client"));
        Registry.push(image, open.host + "/library/app:1", null);
        Registry.push(image, basic.host + "/ns/app:1", registries.authFile());
        tagAll(open.host, "library/tagged", TAGS);
    }

    /**
     * One small image under every tag of {@code tags}: skopeo pushes it once, then its manifest is PUT under each
     * other tag, which is all a tag is to a registry (a skopeo run per tag would cost seconds).
     */
    static void tagAll(String host, String repository, List<String> tags) throws IOException {
        Fixtures.Layout one = Fixtures.single(Files.createDirectories(registries.root().resolve("tagged")), new Fixtures.Image("linux/amd64", "2024-01-01T00:00:00Z", "tagged"));
        Registry.push(one, host + "/" + repository + ":" + tags.get(0), null);
        byte[] manifest = Files.readAllBytes(one.dir().resolve("blobs/sha256/" + one.top().substring("sha256:".length())));
        HttpClient http = HttpClient.newHttpClient();
        for (String tag : tags.subList(1, tags.size())) {
            HttpRequest put = HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repository + "/manifests/" + tag))
                    .header("Content-Type", Fixtures.OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build();
            try {
                HttpResponse<String> r = http.send(put, HttpResponse.BodyHandlers.ofString());
                assertEquals(201, r.statusCode(), tag + ": " + r.body());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static String skopeoDigest(String reference, Path auth) {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "inspect", "--raw", "--tls-verify=false"));
        if (auth != null) {
            cmd.addAll(List.of("--authfile", auth.toString()));
        }
        cmd.add("docker://" + reference);
        Tools.Result r = Tools.run(cmd, null, null, null);
        assertEquals(0, r.exit(), r.stderr());
        return Fixtures.sha256(r.stdout());
    }

    static final Context JOB = Context.outside(Duration.ofMinutes(1), w -> { });

    static RegistryClient client(Map<String, Login> logins, Set<String> insecure, List<Duration> unused) {
        return new RegistryClient(logins, insecure, 4, Map.of());
    }

    static RegistryClient.Head head(RegistryClient c, String registry, String repository, String reference) {
        return c.head(new ImageRef(registry, repository, Digest.valid(reference) ? null : reference, Digest.parseOrNull(reference), false), JOB);
    }

    @Test
    void anonymousHeadReadsTheSameDigestSkopeoDoesWithoutAGet() {
        RegistryClient c = client(Map.of(), Set.of(open.host), new ArrayList<>());
        long gets = open.manifestRequests("GET");
        RegistryClient.Head head = head(c, open.host, "library/app", "1");
        assertTrue(head.found());
        assertEquals(skopeoDigest(open.host + "/library/app:1", null), head.digest().value());
        assertEquals(image.top(), head.digest().value());
        assertEquals(image.digests().get("linux/arm64"), head(c, open.host, "library/app", image.digests().get("linux/arm64")).digest().value());
        assertFalse(head(c, open.host, "library/app", "no-such-tag").found());
        assertFalse(head(c, open.host, "library/nothing", "1").found());
        assertEquals(gets + 1, open.manifestRequests("GET"), "only skopeo's inspect above sent a GET");
        assertEquals(Map.of("HEAD", 4L, "GET", 1L), c.requests().get(open.host), "4 HEADs and the /v2/ ping");
    }

    /** The manifest bytes skopeo inspect --raw reads, by tag and by digest, with one GET each; none for a missing tag. */
    @Test
    void aManifestGetReadsTheBytesSkopeoReads() {
        RegistryClient c = client(Map.of(), Set.of(open.host), new ArrayList<>());
        long gets = open.manifestRequests("GET");
        byte[] top = c.manifest(new ImageRef(open.host, "library/app", "1", null, false), JOB);
        Tools.Result skopeo = Tools.run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + open.host + "/library/app:1");
        assertEquals(new String(skopeo.stdout(), java.nio.charset.StandardCharsets.UTF_8), new String(top, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(image.top(), Fixtures.sha256(top));
        String arm = image.digests().get("linux/arm64");
        assertEquals(arm, Fixtures.sha256(c.manifest(new ImageRef(open.host, "library/app", null, new Digest(arm), false), JOB)));
        assertEquals(null, c.manifest(new ImageRef(open.host, "library/app", "no-such-tag", null, false), JOB));
        assertEquals(gets + 4, open.manifestRequests("GET"), "three GETs here, one by skopeo");
    }

    @Test
    void basicAuthUsesTheLoginAndIsRememberedForTheRepository() {
        RegistryClient c = client(Map.of(basic.host, new Login("carol", new Secret("carol-pw"))), Set.of(basic.host), new ArrayList<>());
        assertEquals(image.top(), head(c, basic.host, "ns/app", "1").digest().value());
        assertEquals(image.top(), head(c, basic.host, "ns/app", "1").digest().value());
        assertEquals(Map.of("HEAD", 2L, "GET", 1L), c.requests().get(basic.host), "the ping learns the challenge: no HEAD is refused");
        assertFalse(head(c, basic.host, "ns/other", "1").found());
        assertEquals(Map.of("HEAD", 3L, "GET", 1L), c.requests().get(basic.host), "another repository: one HEAD");
    }

    @Test
    void aLoginIsCheckedWithoutAProcess() throws IOException {
        RegistryClient c = client(Map.of(), Set.of(basic.host, open.host), new ArrayList<>());
        assertNull(c.unconfirmedLogin(basic.host, new Login("carol", new Secret("carol-pw")), JOB.deadline()));
        assertEquals("GET /v2/ with the login answered HTTP 401", c.unconfirmedLogin(basic.host, new Login("carol", new Secret("wrong")), JOB.deadline()));
        assertNull(c.unconfirmedLogin(open.host, new Login("anyone", new Secret("x")), JOB.deadline()), "an open registry accepts any login, as skopeo login does");
        try (RegistryFront front = new RegistryFront(open.host)) {
            front.bearer = true;
            front.users.put("dave", "dave-pw");
            front.anonymous = false;
            RegistryClient b = client(Map.of(), Set.of(front.host), new ArrayList<>());
            assertNull(b.unconfirmedLogin(front.host, new Login("dave", new Secret("dave-pw")), JOB.deadline()));
            assertTrue(b.unconfirmedLogin(front.host, new Login("dave", new Secret("nope")), JOB.deadline()).contains("answered HTTP 401"),
                    "a refused login says so; skopeo then has the last word");
        }
        assertTrue(c.unconfirmedLogin("127.0.0.1:1", new Login("x", new Secret("y")), JOB.deadline()).startsWith("connection refused"),
                "unreachable: left to skopeo, with the reason kept");
    }

    @Test
    void withoutALoginABasicRegistryIsLeftToSkopeo() {
        RegistryClient c = client(Map.of(), Set.of(basic.host), new ArrayList<>());
        assertThrows(RegistryClient.Unsupported.class, () -> head(c, basic.host, "ns/app", "1"));
        RegistryClient wrong = client(Map.of(basic.host, new Login("carol", new Secret("nope"))), Set.of(basic.host), new ArrayList<>());
        assertThrows(RegistryClient.Unsupported.class, () -> head(wrong, basic.host, "ns/app", "1"));
    }

    @Test
    void bearerTokensComeFromTheRealmWithTheLogin() throws IOException {
        try (RegistryFront front = new RegistryFront(open.host)) {
            front.bearer = true;
            front.users.put("dave", "dave-pw");
            front.anonymous = false;
            RegistryClient c = client(Map.of(front.host, new Login("dave", new Secret("dave-pw"))), Set.of(front.host), new ArrayList<>());
            assertEquals(image.top(), head(c, front.host, "library/app", "1").digest().value());
            assertEquals(image.top(), head(c, front.host, "library/app", "1").digest().value());
            assertEquals(1, front.tokenRequests.get(), "the token is reused for the same repository");
            head(c, front.host, "library/other", "1");
            assertEquals(2, front.tokenRequests.get(), "a new repository gets its own token");
            assertEquals(Map.of("HEAD", 3L, "GET", 3L), c.requests().get(front.host), "one HEAD per request; GETs: the /v2/ ping and two tokens");

            RegistryClient anonymous = client(Map.of(), Set.of(front.host), new ArrayList<>());
            assertThrows(RegistryClient.Unsupported.class, () -> head(anonymous, front.host, "library/app", "1"), "the token service refuses anonymous");
            front.anonymous = true;
            assertEquals(image.top(), head(anonymous, front.host, "library/app", "1").digest().value(), "anonymous tokens, as Docker Hub gives them");
        }
    }

    @Test
    void rateLimitHeadersAreReadAnd429IsLeftToTheRetryLayerWithItsRetryAfter() throws IOException {
        try (RegistryFront front = new RegistryFront(open.host)) {
            front.remaining = 76;
            front.throttled = 2;
            RegistryClient c = client(Map.of(), Set.of(front.host), null);
            SyncError e = assertThrows(SyncError.class, () -> head(c, front.host, "library/app", "1"), "the client itself never waits");
            assertEquals(SyncError.Kind.TRANSIENT, e.kind);
            assertEquals(Duration.ofSeconds(7), e.retryAfter);
            assertTrue(e.getMessage().contains("HTTP 429 Too Many Requests (Retry-After: 7)"), e.getMessage());
            List<Duration> slept = new ArrayList<>();
            Retry retry = new Retry(4, Duration.ofSeconds(2), Duration.ofSeconds(60), slept::add, () -> 0.5);
            assertEquals(image.top(), retry.run(() -> head(c, front.host, "library/app", "1"), JOB).digest().value());
            assertEquals(List.of(Duration.ofSeconds(7)), slept, "the second throttled answer waited as the registry asked");
            assertEquals(new RateLimits.RateLimit(100, 76), c.rateLimits().first(front.host));
            front.remaining = 70;
            head(c, front.host, "library/app", "1");
            assertEquals(new RateLimits.RateLimit(100, 76), c.rateLimits().first(front.host));
            assertEquals(new RateLimits.RateLimit(100, 70), c.rateLimits().last(front.host));
        }
    }

    static ImageRef repository(String host, String name) {
        return new ImageRef(host, name, "latest", null, false);
    }

    static List<String> sorted(List<String> tags) {
        return tags.stream().sorted().toList();
    }

    /**
     * The paging front, and a FaultProxy before it: the proxy answers the client's first HTTPS attempt at once, where
     * the JDK's server would hold it for the 3 s the client allows, and it can fault chosen pages.
     */
    static FaultProxy proxyFor(TagPages pages) {
        return FaultProxy.start(pages.host);
    }

    @Test
    void tagsAreListedPageByPageFollowingTheRegistrysLinks() throws IOException {
        try (TagPages pages = new TagPages(open.host); FaultProxy proxy = proxyFor(pages)) {
            RegistryClient c = client(Map.of(), Set.of(proxy.host), new ArrayList<>());
            assertEquals(sorted(TAGS), c.tags(repository(proxy.host, "library/tagged"), 7, JOB), "every tag once, in the registry's order");
            assertEquals(5, pages.pages.get(), "34 tags, 7 a page");
            assertEquals(Map.of("GET", 6L), c.requests().get(proxy.host), "the /v2/ ping and five pages");

            pages.absoluteLinks = true;
            assertEquals(sorted(TAGS), c.tags(repository(proxy.host, "library/tagged"), 10, JOB), "a Link may be a full URL on the same host");
            assertEquals(Map.of("GET", 10L), c.requests().get(proxy.host), "four more pages: the ping was once for the registry");
            assertThrows(IllegalArgumentException.class, () -> c.tags(repository(proxy.host, "library/tagged"), 0, JOB), "a page holds a tag at least");
        }
    }

    @Test
    void aRegistryThatIgnoresThePageSizeAnswersInOnePage() {
        RegistryClient c = client(Map.of(), Set.of(open.host), new ArrayList<>());
        assertEquals(sorted(TAGS), sorted(c.tags(repository(open.host, "library/tagged"), 7, JOB)), "Debian's registry 2.8 sends all 34 at once");
        assertEquals(Map.of("GET", 2L), c.requests().get(open.host), "the /v2/ ping and one page");
        assertEquals(List.of("1"), c.tags(repository(open.host, "library/app"), 7, JOB));
    }

    @Test
    void anUnknownRepositoryIsNotFoundRatherThanEmpty() {
        RegistryClient c = client(Map.of(), Set.of(open.host), new ArrayList<>());
        SyncError e = assertThrows(SyncError.class, () -> c.tags(repository(open.host, "library/nothing"), 7, JOB));
        assertEquals(SyncError.Kind.NOT_FOUND, e.kind);
        assertEquals("listing the tags of " + open.host + "/library/nothing: repository not found; check the image name", e.getMessage());
    }

    @Test
    void tagsAreListedWithTheSameAuthorizationAsAHead() throws IOException {
        RegistryClient c = client(Map.of(basic.host, new Login("carol", new Secret("carol-pw"))), Set.of(basic.host), new ArrayList<>());
        assertEquals(List.of("1"), c.tags(repository(basic.host, "ns/app"), 7, JOB));
        assertEquals(Map.of("GET", 2L), c.requests().get(basic.host), "the ping learns the challenge: the list is not refused first");
        RegistryClient anonymous = client(Map.of(), Set.of(basic.host), new ArrayList<>());
        assertThrows(RegistryClient.Unsupported.class, () -> anonymous.tags(repository(basic.host, "ns/app"), 7, JOB), "no login: left to skopeo");

        try (RegistryFront front = new RegistryFront(open.host)) {
            front.bearer = true;
            RegistryClient b = client(Map.of(), Set.of(front.host), new ArrayList<>());
            assertEquals(sorted(TAGS), sorted(b.tags(repository(front.host, "library/tagged"), 7, JOB)));
            assertEquals(1, front.tokenRequests.get(), "an anonymous pull token, as Docker Hub gives");
            assertEquals(Map.of("GET", 3L), b.requests().get(front.host), "the ping, the token and one page");
        }
    }

    @Test
    void aThrottledPageIsLeftToTheRetryLayerWithItsRetryAfter() throws IOException {
        try (TagPages pages = new TagPages(open.host); FaultProxy proxy = proxyFor(pages)) {
            proxy.on("GET", TAGS_LIST).times(1).pass();
            proxy.on("GET", TAGS_LIST).times(1).status(429, Map.of("Retry-After", "7"));
            RegistryClient c = client(Map.of(), Set.of(proxy.host), new ArrayList<>());
            ImageRef tagged = repository(proxy.host, "library/tagged");
            SyncError e = assertThrows(SyncError.class, () -> c.tags(tagged, 7, JOB), "the client itself never waits");
            assertEquals(SyncError.Kind.TRANSIENT, e.kind);
            assertEquals(Duration.ofSeconds(7), e.retryAfter);
            assertEquals("listing the tags of " + proxy.host + "/library/tagged (page 2): HTTP 429 Too Many Requests (Retry-After: 7)", e.getMessage());

            List<Duration> slept = new ArrayList<>();
            Retry retry = new Retry(4, Duration.ofSeconds(2), Duration.ofSeconds(60), slept::add, () -> 0.5);
            assertEquals(sorted(TAGS), retry.run(() -> c.tags(tagged, 7, JOB), JOB), "the retry lists from the first page again");
            assertEquals(List.of(), slept, "nothing left to refuse: no wait");
            assertEquals(2 + 5, proxy.count("GET", TAGS_LIST), "two pages, then five");
        }
    }

    @Test
    void aDroppedOrFailingPageIsTransient() throws IOException {
        try (TagPages pages = new TagPages(open.host); FaultProxy proxy = proxyFor(pages)) {
            RegistryClient c = client(Map.of(), Set.of(proxy.host), new ArrayList<>());
            ImageRef tagged = repository(proxy.host, "library/tagged");
            proxy.on("GET", TAGS_LIST).times(2).pass();
            // Twice: the JDK's client sends a GET again, once, when its connection drops before an answer.
            proxy.on("GET", TAGS_LIST).times(2).drop();
            proxy.on("GET", TAGS_LIST).times(1).status(503);
            SyncError dropped = assertThrows(SyncError.class, () -> c.tags(tagged, 7, JOB));
            assertEquals(SyncError.Kind.TRANSIENT, dropped.kind);
            assertTrue(dropped.getMessage().startsWith("listing the tags of " + proxy.host + "/library/tagged (page 3): "), dropped.getMessage());
            SyncError failing = assertThrows(SyncError.class, () -> c.tags(tagged, 7, JOB));
            assertEquals(SyncError.Kind.TRANSIENT, failing.kind);
            assertEquals("listing the tags of " + proxy.host + "/library/tagged: HTTP 503 from the registry", failing.getMessage());
            assertEquals(sorted(TAGS), c.tags(tagged, 7, JOB), "the faults are spent");
        }
    }

    @Test
    void aRegistryThatPaginatesBadlyIsStoppedWithAClearMessage() throws IOException {
        try (TagPages pages = new TagPages(open.host); FaultProxy proxy = proxyFor(pages)) {
            RegistryClient c = client(Map.of(), Set.of(proxy.host), new ArrayList<>());
            ImageRef tagged = repository(proxy.host, "library/tagged");
            String what = "listing the tags of " + proxy.host + "/library/tagged";
            Map<String, String> json = Map.of("Content-Type", "application/json");

            proxy.on("GET", TAGS_LIST).times(1).status(200, Map.of("Link", "<" + TAGS_LIST + "?n=7>; rel=\"next\""), "{\"name\":\"library/tagged\",\"tags\":[\"a\"]}");
            SyncError loop = assertThrows(SyncError.class, () -> c.tags(tagged, 7, JOB));
            assertEquals(SyncError.Kind.PERMANENT, loop.kind);
            assertEquals(what + ": the registry's next page (" + TAGS_LIST + "?n=7) is one already read; its pagination is broken", loop.getMessage());

            // Each is the line's failure, not a question left to skopeo, which follows such lists further.
            proxy.on("GET", TAGS_LIST).times(1).status(200, Map.of("Link", "<https://elsewhere.example" + TAGS_LIST + "?last=a>; rel=\"next\""), "{\"tags\":[\"a\"]}");
            SyncError elsewhere = assertThrows(SyncError.class, () -> c.tags(tagged, 7, JOB));
            assertEquals(SyncError.Kind.PERMANENT, elsewhere.kind);
            assertEquals(what + ": the registry's next page is on another host (https://elsewhere.example" + TAGS_LIST
                    + "?last=a); pages are followed on the registry itself only", elsewhere.getMessage());

            proxy.on("GET", TAGS_LIST).times(1).garbage();
            SyncError garbage = assertThrows(SyncError.class, () -> c.tags(tagged, 7, JOB));
            assertEquals(SyncError.Kind.PERMANENT, garbage.kind);
            assertEquals(what + ": the registry's answer is not JSON", garbage.getMessage());

            proxy.on("GET", TAGS_LIST).times(1).status(200, json, "{\"name\":\"library/tagged\",\"tags\":[\"a\",");
            assertEquals(what + ": the registry's answer is not JSON", assertThrows(SyncError.class, () -> c.tags(tagged, 7, JOB)).getMessage(), "cut short");
            proxy.on("GET", TAGS_LIST).times(1).status(200, json, "{\"name\":\"library/tagged\",\"tags\":{\"a\":1}}");
            assertEquals(what + ": the registry's answer has no list of tags", assertThrows(SyncError.class, () -> c.tags(tagged, 7, JOB)).getMessage());
            proxy.on("GET", TAGS_LIST).times(1).status(200, json,
                    "{\"child\":[],\"manifest\":{\"sha256:1\":{\"tag\":[\"x\"],\"imageSizeBytes\":\"1\"}},\"name\":\"library/tagged\",\"tags\":[\"1.0\",\"2.0\"]}");
            assertEquals(List.of("1.0", "2.0"), c.tags(tagged, 7, JOB), "what else a page carries (as Google's registries add) is skipped");

            proxy.on("GET", TAGS_LIST).times(1).status(200, json, "{\"name\":\"library/tagged\",\"tags\":null}");
            assertEquals(List.of(), c.tags(tagged, 7, JOB), "a repository whose tags were all deleted lists none");

            pages.endless = true;
            SyncError endless = assertThrows(SyncError.class, () -> c.tags(tagged, 100, 20, RegistryClient.TAG_LIST, JOB),
                    "20 pages stand for the 1000 of a real run");
            assertEquals(SyncError.Kind.PERMANENT, endless.kind);
            assertEquals(what + ": the registry still had more after 20 pages of 100; name the tags to copy instead of a policy", endless.getMessage());
            assertEquals(20, pages.pages.get());

            SyncError total = assertThrows(SyncError.class, () -> c.tags(tagged, 100, 1000, 1024, JOB), "1 KiB stands for the 16 MiB of a real run");
            assertEquals(SyncError.Kind.PERMANENT, total.kind);
            assertTrue(total.getMessage().matches(java.util.regex.Pattern.quote(what) + ": the registry's tag list is over 1 KiB after \\d+ pages, "
                    + "the most this tool reads; name the tags to copy instead of a policy"), total.getMessage());
            assertTrue(pages.pages.get() < 20 + 40, "a page is about 50 bytes: the listing stopped at the total, not at the page count");
        }
    }

    /**
     * A source that answers a manifest, a page of tags or a token with a body without end: the client stops at the cap
     * (4 MiB, 4 MiB, 1 MiB), without reading on, and the failure is permanent: there is nothing to try again.
     */
    @Test
    void anAnswerOverItsCapIsAPermanentFailureAndIsNotReadOn() throws IOException {
        try (FaultProxy proxy = FaultProxy.start(open.host)) {
            RegistryClient c = client(Map.of(), Set.of(proxy.host), new ArrayList<>());
            String app = "/v2/library/app/manifests/1";
            FaultProxy.Rule manifest = proxy.on("GET", app).times(1).huge(600L * BoundedBody.MIB);
            long start = System.nanoTime();
            SyncError big = assertThrows(SyncError.class, () -> c.manifest(new ImageRef(proxy.host, "library/app", "1", null, false), JOB));
            assertEquals(SyncError.Kind.PERMANENT, big.kind);
            assertEquals("GET " + proxy.host + "/library/app:1: the answer is over 4 MiB, the most this tool reads for a manifest", big.getMessage());
            assertTrue(manifest.sent() < 64 * BoundedBody.MIB, "the client read on: " + manifest.sent() + " bytes sent");
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0);

            proxy.on("GET", app).times(1).status(200, Map.of("Content-Type", "application/json"), "x".repeat((int) (5 * BoundedBody.MIB)));
            assertEquals(big.getMessage(), assertThrows(SyncError.class, () -> c.manifest(new ImageRef(proxy.host, "library/app", "1", null, false), JOB))
                    .getMessage(), "a Content-Length over the cap is refused before the body is read");
            assertEquals(image.top(), Fixtures.sha256(c.manifest(new ImageRef(proxy.host, "library/app", "1", null, false), JOB)), "4 MiB is far above a real manifest");

            proxy.on("GET", "/v2/library/app/tags/list").times(1).huge(600L * BoundedBody.MIB);
            SyncError page = assertThrows(SyncError.class, () -> c.tags(repository(proxy.host, "library/app"), 7, JOB));
            assertEquals(SyncError.Kind.PERMANENT, page.kind);
            assertEquals("listing the tags of " + proxy.host + "/library/app: the answer is over 4 MiB, the most this tool reads for a page of tags", page.getMessage());
        }
        try (FaultProxy proxy = FaultProxy.start(open.host)) {
            String realm = "http://" + proxy.host + "/token";
            proxy.on("GET", "/v2/").status(401, Map.of("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"fault\""));
            proxy.on("GET", "/token").huge(600L * BoundedBody.MIB);
            RegistryClient c = client(Map.of(), Set.of(proxy.host), new ArrayList<>());
            SyncError token = assertThrows(SyncError.class, () -> head(c, proxy.host, "library/app", "1"));
            assertEquals(SyncError.Kind.PERMANENT, token.kind);
            assertEquals("the token service of " + proxy.host + ": the answer is over 1 MiB, the most this tool reads for a token", token.getMessage());
        }
    }

    /**
     * The JDK's request timeout ends with the headers: a body that drips a byte a second would be read for ever. The
     * whole answer is bounded by what is left of the deadline; the retry layer then gives up at the deadline.
     */
    @Test
    void aBodyThatDripsEndsAtTheDeadline() throws IOException {
        try (FaultProxy proxy = FaultProxy.start(open.host)) {
            RegistryClient c = client(Map.of(), Set.of(proxy.host), new ArrayList<>());
            head(c, proxy.host, "library/app", "1");
            proxy.on("GET", "/v2/library/app/manifests/1").drip(Duration.ofSeconds(1));
            proxy.on("GET", "/v2/library/app/tags/list").drip(Duration.ofSeconds(1));
            List<Duration> slept = new ArrayList<>();
            Retry retry = new Retry(4, Duration.ofSeconds(2), Duration.ofSeconds(60), slept::add, () -> 0.5);

            Context three = Context.outside(Duration.ofSeconds(3), w -> { });
            long start = System.nanoTime();
            SyncError manifest = assertThrows(SyncError.class, () -> retry.run(() -> c.manifest(new ImageRef(proxy.host, "library/app", "1", null, false), three), three));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(SyncError.Kind.GAVE_UP, manifest.kind);
            assertTrue(manifest.getMessage().matches("GET " + java.util.regex.Pattern.quote(proxy.host) + "/library/app:1: timed out: a manifest was still "
                    + "arriving after [23]\\.\\ds: gave up after 3s \\(--image-timeout\\)"), manifest.getMessage());
            assertTrue(took.compareTo(Duration.ofMillis(2800)) > 0 && took.compareTo(Duration.ofSeconds(6)) < 0, "took " + took);

            Context two = Context.outside(Duration.ofSeconds(2), w -> { });
            start = System.nanoTime();
            SyncError tags = assertThrows(SyncError.class, () -> retry.run(() -> c.tags(repository(proxy.host, "library/app"), 7, two), two));
            took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(SyncError.Kind.GAVE_UP, tags.kind);
            assertTrue(tags.getMessage().contains("timed out: a page of tags was still arriving after"), tags.getMessage());
            assertTrue(took.compareTo(Duration.ofMillis(1800)) > 0 && took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
            assertEquals(List.of(), slept, "nothing was left to wait for");
        }
    }

    @Test
    void aBlobIsAskedForWithAHead() {
        RegistryClient c = client(Map.of(), Set.of(open.host), new ArrayList<>());
        ImageRef app = repository(open.host, "library/app");
        byte[] arm = c.manifest(app.withDigest(new Digest(image.digests().get("linux/arm64"))), JOB);
        for (Digest blob : lib.core.Manifests.blobs(arm)) {
            assertTrue(c.hasBlob(app, blob, JOB), blob.value());
        }
        assertFalse(c.hasBlob(app, new Digest(FaultProxy.WRONG_DIGEST), JOB));
        assertFalse(c.hasBlob(repository(open.host, "library/nothing"), lib.core.Manifests.blobs(arm).get(0), JOB), "a blob of another repository is not this one's");
    }

    @Test
    void retryAfterIsReadAsTheRegistryWroteIt() {
        assertEquals(Duration.ofSeconds(7), RegistryClient.retryAfter("7"));
        assertEquals(Duration.ofSeconds(3600), RegistryClient.retryAfter("3600"), "the cap is the retry layer's to apply");
        assertEquals(Duration.ofSeconds(1), RegistryClient.retryAfter("soon"));
        assertEquals(Duration.ZERO, RegistryClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT"));
        assertEquals(null, RegistryClient.retryAfter(null));
        assertEquals(100, RateLimits.rate("100;w=21600"));
    }

    @Test
    void proxiesComeFromTheEnvironmentAndNoProxyIsHonoured() {
        Http.EnvProxies p = new Http.EnvProxies(Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "NO_PROXY", "localhost,.internal,127.0.0.1"));
        assertEquals("proxy.corp:3128", p.select(java.net.URI.create("https://ghcr.io/v2/")).get(0).address().toString().replace("/<unresolved>", ""));
        assertEquals(java.net.Proxy.NO_PROXY, p.select(java.net.URI.create("https://reg.internal/v2/")).get(0));
        assertEquals(java.net.Proxy.NO_PROXY, p.select(java.net.URI.create("http://127.0.0.1:5000/v2/")).get(0));
        assertEquals(java.net.Proxy.NO_PROXY, p.select(java.net.URI.create("http://ghcr.io/v2/")).get(0), "no HTTP_PROXY set");
    }

    @Test
    void theRunsAuthFileGivesTheClientItsLogins(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("auth.json");
        String enc = Base64.getEncoder().encodeToString("u:p:w".getBytes(StandardCharsets.UTF_8));
        Files.writeString(file, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + enc + "\"},\"reg.io:5000\":{\"auth\":\"" + enc + "\"}}}");
        Map<String, Login> logins = Auth.logins(file);
        assertEquals("u", logins.get("docker.io").username());
        assertEquals("p:w", new String(logins.get("reg.io:5000").password().bytes(), StandardCharsets.UTF_8));
    }
}
