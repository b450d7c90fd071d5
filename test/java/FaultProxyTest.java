import support.FaultProxy;
import support.Fixtures;
import support.Registries;
import support.Registry;
import support.Tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FaultProxy in front of a real registry: transparent for skopeo when no rule matches, and each fault does what it says. */
@Tag("registry")
class FaultProxyTest {
    static final String MANIFESTS = "/v2/.*/manifests/.*";
    static final String UPLOADS = "/v2/.*/blobs/uploads/.*";
    /**
     * What Go's HTTP stack says when the other end of a connection vanishes mid-exchange. Which one depends on
     * whether its reading or its writing side notices first: a cut upload has shown all but broken pipe.
     */
    static final String CONNECTION_ERROR = "(?s).*(connection reset by peer|broken pipe|EOF|use of closed network connection).*";

    @RegisterExtension
    static final Registries registries = new Registries("fault-proxy-");
    static final Registry registry = registries.open("registry");
    /** An image pushed straight to the registry, for the tests that only read. */
    static Fixtures.Layout base;

    FaultProxy proxy;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void pushBase() throws IOException {
        base = layout("base");
        Tools.Result r = copy(base, registry.host + "/library/base:1");
        assertEquals(0, r.exit(), r.stderr());
    }

    @BeforeEach
    void startProxy() {
        proxy = FaultProxy.start(registry.host);
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A two-platform index whose layers and configs no other test has, so no upload is skipped as already there. */
    static Fixtures.Layout layout(String name) throws IOException {
        String marker = name + "-" + UUID.randomUUID();
        return Fixtures.multiArch(Files.createTempDirectory(registries.root(), "layout"), List.of(
                new Fixtures.Image("linux/amd64", "2024-03-01T10:00:00Z", marker + "-amd64"),
                new Fixtures.Image("linux/arm64", "2024-03-01T10:00:00Z", marker + "-arm64")));
    }

    /** skopeo copy with no retries, so a fault shows as the failure it causes rather than being retried away. */
    static Tools.Result copy(Fixtures.Layout layout, String destination) {
        return Tools.run(List.of("skopeo", "copy", "--all", "--preserve-digests", "--retry-times", "0", "--dest-tls-verify=false",
                "oci:" + layout.dir() + ":fixture", "docker://" + destination), null, null, null);
    }

    static Tools.Result inspectRaw(String reference) {
        return Tools.run("skopeo", "inspect", "--raw", "--retry-times", "0", "--tls-verify=false", "docker://" + reference);
    }

    HttpResponse<byte[]> send(String method, String hostPath) throws IOException, InterruptedException {
        return http.send(request(method, hostPath).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpRequest.Builder request(String method, String hostPath) {
        return HttpRequest.newBuilder(URI.create("http://" + hostPath)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Accept", Fixtures.OCI_INDEX);
    }

    String baseManifest() {
        return proxy.host + "/v2/library/base/manifests/1";
    }

    // ---- tests ---------------------------------------------------------------------------------

    @Test
    void skopeoPushesAndPullsThroughItAsDirectly() throws IOException {
        Fixtures.Layout layout = layout("through");
        Tools.Result push = copy(layout, proxy.host + "/library/through:1");
        assertEquals(0, push.exit(), push.stderr());

        Tools.Result viaProxy = inspectRaw(proxy.host + "/library/through:1");
        Tools.Result direct = inspectRaw(registry.host + "/library/through:1");
        assertEquals(0, viaProxy.exit(), viaProxy.stderr());
        assertEquals(0, direct.exit(), direct.stderr());
        assertEquals(layout.top(), Fixtures.sha256(viaProxy.stdout()));
        assertEquals(layout.top(), Fixtures.sha256(direct.stdout()));

        Path pulled = Files.createTempDirectory(registries.root(), "pulled");
        Tools.Result pull = Tools.run("skopeo", "copy", "--all", "--preserve-digests", "--retry-times", "0", "--src-tls-verify=false",
                "docker://" + proxy.host + "/library/through:1", "oci:" + pulled + ":copy");
        assertEquals(0, pull.exit(), pull.stderr());
        for (String digest : layout.digests().values()) {
            assertTrue(Files.isRegularFile(pulled.resolve("blobs/sha256/" + digest.substring("sha256:".length()))), digest);
        }

        assertEquals(3, proxy.count("PUT", MANIFESTS), "two platform manifests and the index");
        assertTrue(proxy.count("PATCH", UPLOADS) >= 4, "two layers and two configs uploaded through the proxy");
        assertTrue(proxy.count("GET", "/v2/.*/blobs/sha256:.*") >= 4, "layers and configs pulled through the proxy");
        assertEquals(0, proxy.faults());
    }

    @Test
    void chunkedBodiesAndLocationsPassThrough() throws Exception {
        HttpResponse<byte[]> started = send("POST", proxy.host + "/v2/library/chunked/blobs/uploads/");
        assertEquals(202, started.statusCode());
        String location = started.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("http://" + proxy.host + "/"), "the registry saw the proxy's Host: " + location);

        byte[] blob = new byte[300_000];
        new java.util.Random(7).nextBytes(blob);
        String digest = Fixtures.sha256(blob);
        // A body of unknown length goes out chunked.
        HttpRequest put = HttpRequest.newBuilder(URI.create(location + (location.contains("?") ? "&" : "?") + "digest=" + digest))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(blob))).build();
        HttpResponse<String> finished = http.send(put, HttpResponse.BodyHandlers.ofString());
        assertEquals(201, finished.statusCode(), finished.body());

        HttpResponse<byte[]> got = send("GET", proxy.host + "/v2/library/chunked/blobs/" + digest);
        assertEquals(200, got.statusCode());
        assertArrayEquals(blob, got.body());
    }

    @Test
    void aStatusFaultAppliesItsNumberOfTimesThenRequestsPass() throws Exception {
        proxy.on("*", MANIFESTS).times(2).status(503);
        List<Integer> statuses = new ArrayList<>();
        for (String method : List.of("HEAD", "GET", "HEAD")) {
            statuses.add(send(method, baseManifest()).statusCode());
        }
        assertEquals(List.of(503, 503, 200), statuses);
        assertEquals(base.top(), send("HEAD", baseManifest()).headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(2, proxy.faults());
        assertEquals(4, proxy.count("*", MANIFESTS));
        assertEquals(3, proxy.count("HEAD", MANIFESTS));
    }

    @Test
    void rulesApplyInTheOrderAdded() throws Exception {
        FaultProxy.Rule first = proxy.on("GET", MANIFESTS).times(1).status(500);
        FaultProxy.Rule second = proxy.on("*", ".*").status(502);
        assertEquals(500, send("GET", baseManifest()).statusCode());
        assertEquals(502, send("GET", baseManifest()).statusCode());
        assertEquals(502, send("GET", proxy.host + "/v2/").statusCode());
        assertEquals(1, first.fired());
        assertEquals(2, second.fired());
    }

    @Test
    void tooManyRequestsCarriesRetryAfter() throws Exception {
        proxy.on("GET", MANIFESTS).status(429, Map.of("Retry-After", "3"));
        HttpResponse<byte[]> r = send("GET", baseManifest());
        assertEquals(429, r.statusCode());
        assertEquals("3", r.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(200, send("HEAD", baseManifest()).statusCode(), "HEAD is not GET");
    }

    @Test
    void aHungRequestTimesOutAndClearReleasesIt() throws Exception {
        proxy.on("GET", MANIFESTS).hang();
        long started = System.nanoTime();
        assertThrows(HttpTimeoutException.class, () -> http.send(request("GET", baseManifest()).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding()));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 1900);
        proxy.clear();
        assertEquals(200, send("GET", baseManifest()).statusCode());
        assertEquals(1, proxy.faults());
    }

    @Test
    void aDroppedUploadFailsSkopeoWithAConnectionError() throws IOException {
        Fixtures.Layout layout = layout("dropped");
        proxy.on("PATCH", UPLOADS).drop();
        Tools.Result failed = copy(layout, proxy.host + "/library/dropped:1");
        assertNotEquals(0, failed.exit());
        assertTrue(failed.stderr().matches(CONNECTION_ERROR), failed.stderr());
        assertTrue(proxy.faults() >= 1);
        assertEquals(0, proxy.count("PUT", MANIFESTS), "nothing got as far as a manifest");

        proxy.clear();
        Tools.Result ok = copy(layout, proxy.host + "/library/dropped:1");
        assertEquals(0, ok.exit(), ok.stderr());
        assertEquals(layout.top(), Fixtures.sha256(inspectRaw(registry.host + "/library/dropped:1").stdout()));
    }

    @Test
    void anUploadCutShortFailsSkopeoAndLeavesNoBlob() throws Exception {
        Fixtures.Layout layout = Fixtures.large(Files.createTempDirectory(registries.root(), "large"), "linux/amd64", 1 << 20);
        JsonNode manifest = Fixtures.JSON.readTree(layout.dir().resolve("blobs/sha256/" + layout.top().substring("sha256:".length())).toFile());
        JsonNode layer = manifest.get("layers").get(0);
        assertTrue(layer.get("size").asLong() > 1 << 20);
        String blobUrl = registry.host + "/v2/library/large/blobs/" + layer.get("digest").asText();

        FaultProxy.Rule cut = proxy.on("PATCH", UPLOADS).dropAfter(64 * 1024);
        Tools.Result failed = copy(layout, proxy.host + "/library/large:1");
        assertNotEquals(0, failed.exit());
        assertTrue(failed.stderr().matches(CONNECTION_ERROR), failed.stderr());
        assertEquals(1, cut.fired());
        // The registry read exactly the allowed bytes, then the end of its input; it logs that when it notices,
        // which may be a moment after skopeo has given up.
        long until = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        boolean logged = false;
        while (!logged && System.nanoTime() < until) {
            logged = Files.readAllLines(registry.log).stream().anyMatch(l -> l.contains("client disconnected during blob PATCH")
                    && l.contains("copied=65536 ") && l.contains("library/large"));
            if (!logged) {
                Thread.sleep(100);
            }
        }
        assertTrue(logged, "no PATCH cut at 65536 bytes in " + registry.log);
        assertEquals(404, send("HEAD", blobUrl).statusCode(), "the registry kept no part of the layer");

        proxy.clear();
        Tools.Result ok = copy(layout, proxy.host + "/library/large:1");
        assertEquals(0, ok.exit(), ok.stderr());
        HttpResponse<byte[]> stored = send("HEAD", blobUrl);
        assertEquals(200, stored.statusCode());
        assertEquals(layer.get("size").asText(), stored.headers().firstValue("Content-Length").orElseThrow());
    }

    @Test
    void garbageIsNotJsonAndNotWhatItsDigestSays() throws Exception {
        proxy.on("GET", MANIFESTS).garbage();
        HttpResponse<byte[]> r = send("GET", baseManifest());
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        assertThrows(JsonProcessingException.class, () -> Fixtures.JSON.readTree(r.body()));
        assertNotEquals(Fixtures.sha256(r.body()), r.headers().firstValue("Docker-Content-Digest").orElseThrow());

        // skopeo inspect --raw prints whatever it gets, even by digest; parsing it is what fails.
        Tools.Result inspect = Tools.run("skopeo", "inspect", "--retry-times", "0", "--tls-verify=false", "docker://" + proxy.host + "/library/base:1");
        assertNotEquals(0, inspect.exit());
        assertTrue(inspect.stderr().contains("invalid character '<' looking for beginning of value"), inspect.stderr());
    }

    @Test
    void aDelayHoldsTheRequestThenForwardsIt() throws Exception {
        proxy.on("*", ".*").times(1).delay(Duration.ofMillis(700));
        long started = System.nanoTime();
        HttpResponse<byte[]> r = send("GET", baseManifest());
        assertEquals(200, r.statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 650);
        assertEquals(base.top(), Fixtures.sha256(r.body()));
    }
}
