import lib.core.Retry;
import support.Fixtures;
import support.Registries;
import support.Registry;
import support.RegistryFront;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end, as a user runs it: ./jbang scripts/sync.java against real registries (one open source,
 * two htpasswd-protected targets) holding fixture images the tests write themselves.
 */
@Tag("registry")
class SyncIntegrationTest {
    static final String T1 = "2024-03-01T10:00:00Z";
    static final String T2 = "2024-06-01T10:00:00Z";
    static final String EPOCH = "1970-01-01T00:00:00Z";
    static final String ALIYUN_PASSWORD = "pw-aliyun-" + UUID.randomUUID();
    static final String GHCR_TOKEN = "pw-ghcr-" + UUID.randomUUID();

    @RegisterExtension
    static final Registries registries = new Registries("sync-it-");
    static final Registry source = registries.open("source");
    static final Registry aliyun = registries.withPassword("aliyun", "alice", ALIYUN_PASSWORD);
    static final Registry ghcr = registries.withPassword("ghcr", "bob", GHCR_TOKEN);
    static Path shimDir;
    static Path argsLog;

    /** A skopeo that records its arguments, to prove no secret is ever passed on a command line. */
    @BeforeAll
    static void recordingSkopeo() throws IOException {
        String skopeo = Tools.require("skopeo", "skopeo");
        shimDir = Files.createDirectories(registries.root().resolve("shim"));
        argsLog = registries.root().resolve("skopeo-args.log");
        Path shim = shimDir.resolve("skopeo");
        Files.writeString(shim, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + argsLog + "'\nexec '" + skopeo + "' \"$@\"\n");
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    // ---- helpers -------------------------------------------------------------------------------

    static Map<String, String> env() {
        Map<String, String> env = Tools.cleanEnv();
        env.put("PATH", shimDir + ":" + env.get("PATH"));
        env.put("ALIYUN_REGISTRY", aliyun.host);
        env.put("ALIYUN_NAMESPACE", "ns1");
        env.put("ALIYUN_USERNAME", "alice");
        env.put("ALIYUN_PASSWORD", ALIYUN_PASSWORD);
        env.put("GHCR_REGISTRY", ghcr.host);
        env.put("GHCR_NAMESPACE", "Owner2");
        env.put("GHCR_USERNAME", "bob");
        env.put("GHCR_TOKEN", GHCR_TOKEN);
        env.put("SOURCE_REGISTRY", source.host);
        env.put("INSECURE_REGISTRIES", source.host + "," + aliyun.host + "," + ghcr.host);
        return env;
    }

    /** In this JVM (see {@link Cli}), with a retry layer that waits a tenth of the real delays. */
    static Tools.Result sync(Path work, Map<String, String> env, String... args) {
        env.putIfAbsent("SYNC_STATE", work.resolve("state.json").toString());
        return checked(Cli.sync(work, env, null, FAST_RETRY, args));
    }

    /** As a user runs it: ./jbang scripts/sync.java in its own process, in {@code work}. */
    static Tools.Result syncProcess(Path work, Map<String, String> env, String... args) {
        env.putIfAbsent("SYNC_STATE", work.resolve("state.json").toString());
        List<String> cmd = new ArrayList<>(List.of(Tools.REPO.resolve("jbang").toString(), Tools.REPO.resolve("scripts/sync.java").toString()));
        cmd.addAll(List.of(args));
        return checked(Tools.run(cmd, env, work, null));
    }

    static final Retry FAST_RETRY = new Retry(4, java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(60),
            d -> Thread.sleep(d.toMillis()), () -> 0.5);

    static Tools.Result checked(Tools.Result r) {
        String all = r.all();
        assertFalse(all.contains(ALIYUN_PASSWORD) || all.contains(GHCR_TOKEN), "a secret was printed:\n" + all);
        assertFalse(all.contains("\tat "), "stack trace printed:\n" + all);
        return r;
    }

    static Tools.Result sync(Path work, String... args) {
        return sync(work, env(), args);
    }

    static Fixtures.Layout pushSource(Path tmp, String repoTag, List<Fixtures.Image> images) throws IOException {
        Fixtures.Layout layout = Fixtures.multiArch(Files.createTempDirectory(tmp, "layout"), images);
        push(layout, source.host + "/library/" + repoTag);
        return layout;
    }

    static void push(Fixtures.Layout layout, String destination) {
        Registry.push(layout, destination, registries.authFile());
    }

    /** The digest of the manifest a tag points at, read straight from the registry; null when the tag does not exist. */
    static String digestAt(String reference) {
        return Registry.digestAt(reference, registries.authFile());
    }

    static JsonNode report(Path file) throws IOException {
        return Fixtures.JSON.readTree(file.toFile());
    }

    static List<String> statuses(JsonNode report) {
        List<String> out = new ArrayList<>();
        for (JsonNode image : report.get("images")) {
            for (JsonNode t : image.get("targets")) {
                out.add(t.get("target").asText() + ":" + t.get("status").asText() + ":" + t.get("reason").asText());
            }
        }
        return out;
    }

    static long targetPuts() {
        return aliyun.manifestRequests("PUT") + ghcr.manifestRequests("PUT");
    }

    // ---- scenarios -----------------------------------------------------------------------------

    @Test
    @Tag("process")
    void firstSyncCopiesEachPlatformThenASecondRunCopiesNothing(@TempDir Path work) throws IOException {
        Fixtures.Layout src = pushSource(work, "first:1.0", Fixtures.threeArch(T1, "first"));
        Files.writeString(work.resolve("images.txt"), "# three architectures of one tag\nfirst:1.0\n--platform=linux/arm64 first:1.0\n--platform linux/arm/v7 first:1.0\n");
        Files.deleteIfExists(argsLog);

        Tools.Result first = syncProcess(work, env(), "--report", "report.json");
        assertEquals(0, first.exit(), first.all());
        JsonNode report = report(work.resolve("report.json"));
        assertEquals(6, report.at("/summary/copied").asInt(), first.all());
        assertEquals(3, report.at("/images/1/line").asInt());
        assertEquals("linux/arm64", report.at("/images/1/platform").asText());
        assertEquals(source.host + "/library/first:1.0", report.at("/images/1/source").asText());
        for (String target : List.of(aliyun.host + "/ns1/", ghcr.host + "/owner2/")) {
            assertEquals(src.digests().get("linux/amd64"), digestAt(target + "first:1.0"));
            assertEquals(src.digests().get("linux/arm64"), digestAt(target + "linux_arm64_first:1.0"));
            assertEquals(src.digests().get("linux/arm/v7"), digestAt(target + "linux_arm_v7_first:1.0"));
        }
        assertEquals(src.digests().get("linux/arm64"), report.at("/images/1/targets/0/digest").asText());
        assertTrue(first.out().contains("docker pull " + aliyun.host + "/ns1/linux_arm64_first:1.0"), first.out());
        String args = Files.readString(argsLog);
        assertTrue(args.contains("copy"), args);
        assertFalse(args.contains(ALIYUN_PASSWORD) || args.contains(GHCR_TOKEN), "a secret reached skopeo's arguments");

        long putsBefore = targetPuts();
        Path summary = work.resolve("step-summary.md");
        Map<String, String> env = env();
        env.put("GITHUB_ACTIONS", "true");
        env.put("GITHUB_STEP_SUMMARY", summary.toString());
        Tools.Result second = sync(work, env, "--report", "report2.json");
        assertEquals(0, second.exit(), second.all());
        assertEquals(putsBefore, targetPuts(), "the second run wrote a manifest to a target");
        JsonNode again = report(work.resolve("report2.json"));
        assertEquals(List.of("aliyun:skipped:digest", "ghcr:skipped:digest", "aliyun:skipped:digest", "ghcr:skipped:digest",
                "aliyun:skipped:digest", "ghcr:skipped:digest"), statuses(again));
        assertTrue(second.out().contains("::group::[2/3] first:1.0 (linux/arm64)"), second.out());
        assertTrue(second.out().matches("(?s).*\\[2/3] first:1\\.0 \\(linux/arm64\\) → aliyun " + aliyun.host.replace(".", "\\.")
                + "/ns1/linux_arm64_first:1\\.0  skipped \\(digest\\)  \\d+\\.\\ds.*"), second.out());
        String md = Files.readString(summary);
        assertTrue(md.contains("| `" + source.host + "/library/first:1.0` | linux/arm64 | `" + aliyun.host + "/ns1/linux_arm64_first:1.0` | skipped (digest) |"), md);
    }

    /** The first sync leaves a state behind, so this is also the moved tag of the fast path: its HEAD differs from the state. */
    @Test
    void aChangedSourceIsCopiedAgainAndForceAlwaysCopies(@TempDir Path work) throws IOException {
        pushSource(work, "changing:1", Fixtures.threeArch(T1, "v1"));
        assertEquals(0, sync(work, "--to", "aliyun", "changing:1").exit());
        assertTrue(Files.readString(work.resolve("state.json")).contains("/library/changing:1 linux/amd64"));
        Fixtures.Layout v2 = pushSource(work, "changing:1", Fixtures.threeArch(T2, "v2"));

        Tools.Result r = sync(work, "--to", "aliyun", "--report", "r.json", "changing:1");
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("aliyun:copied:changed"), statuses(report(work.resolve("r.json"))));
        assertEquals(v2.digests().get("linux/amd64"), digestAt(aliyun.host + "/ns1/changing:1"));

        long puts = aliyun.manifestRequests("PUT");
        Tools.Result forced = sync(work, "--to", "aliyun", "--force", "--report", "f.json", "changing:1");
        assertEquals(0, forced.exit(), forced.all());
        assertEquals(List.of("aliyun:copied:forced"), statuses(report(work.resolve("f.json"))));
        assertTrue(aliyun.manifestRequests("PUT") > puts, "--force did not write the manifest");
    }

    @Test
    void aTargetHoldingTheSameImageReEncodedIsSkippedByImageId(@TempDir Path work) throws IOException {
        Fixtures.Image image = new Fixtures.Image("linux/amd64", T1, "reenc");
        Fixtures.Layout src = Fixtures.single(Files.createTempDirectory(work, "l"), image);
        push(src, source.host + "/library/reenc:1");
        // Same config and layers, different manifest bytes: what a registry's re-encoding leaves behind.
        Fixtures.Layout reencoded = Fixtures.single(Files.createTempDirectory(work, "l"),
                new Fixtures.Image("linux/amd64", T1, "reenc", Map.of("re-encoded", "yes")));
        push(reencoded, aliyun.host + "/ns1/reenc:1");
        assertNotEquals(src.top(), reencoded.top());

        Tools.Result r = sync(work, "--to", "aliyun", "--report", "r.json", "reenc:1");
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("aliyun:skipped:image-id"), statuses(report(work.resolve("r.json"))));
        assertEquals(reencoded.top(), digestAt(aliyun.host + "/ns1/reenc:1"));
    }

    /**
     * The seed's "created" check kept v2 forever when v3 was built with the same pinned time (SOURCE_DATE_EPOCH,
     * reproducible builds at 1970): a different config is a different image, whatever the times say.
     */
    @Test
    void aSourceThatMovedButKeptItsCreatedTimeIsCopiedAndTheTimesAreOnlyReported(@TempDir Path work) throws IOException {
        String pinned = "2024-05-02T00:00:00Z";
        pushSource(work, "pinned-time:1", List.of(new Fixtures.Image("linux/amd64", pinned, "v2")));
        pushSource(work, "repro:1", List.of(new Fixtures.Image("linux/amd64", EPOCH, "old-content")));
        Files.writeString(work.resolve("list.txt"), "pinned-time:1\nrepro:1\n");
        assertEquals(0, sync(work, "-f", "list.txt", "--to", "aliyun").exit());
        Fixtures.Layout v3 = pushSource(work, "pinned-time:1", List.of(new Fixtures.Image("linux/amd64", pinned, "v3")));
        Fixtures.Layout repro = pushSource(work, "repro:1", List.of(new Fixtures.Image("linux/amd64", EPOCH, "new-content")));

        Tools.Result r = sync(work, "-f", "list.txt", "--to", "aliyun", "--report", "r.json");
        assertEquals(0, r.exit(), r.all());
        JsonNode report = report(work.resolve("r.json"));
        assertEquals(List.of("aliyun:copied:changed", "aliyun:copied:changed"), statuses(report));
        assertEquals(v3.digests().get("linux/amd64"), digestAt(aliyun.host + "/ns1/pinned-time:1"));
        assertEquals(repro.digests().get("linux/amd64"), digestAt(aliyun.host + "/ns1/repro:1"));
        assertEquals(pinned, report.at("/images/0/targets/0/created/source").asText(), report.toString());
        assertEquals(pinned, report.at("/images/0/targets/0/created/target").asText());
        assertEquals(v3.digests().get("linux/amd64"), report.at("/images/0/targets/0/digest").asText());
    }

    @Test
    void onlyTheTargetThatLacksTheImageIsWritten(@TempDir Path work) throws IOException {
        Fixtures.Layout src = pushSource(work, "dual:2", Fixtures.threeArch(T1, "dual"));
        assertEquals(0, sync(work, "--to", "aliyun", "dual:2").exit());
        long aliyunPuts = aliyun.manifestRequests("PUT");

        Tools.Result r = sync(work, "--report", "r.json", "dual:2");
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("aliyun:skipped:digest", "ghcr:copied:new"), statuses(report(work.resolve("r.json"))));
        assertEquals(aliyunPuts, aliyun.manifestRequests("PUT"));
        assertEquals(src.digests().get("linux/amd64"), digestAt(ghcr.host + "/owner2/dual:2"));
    }

    @Test
    void oneBadImageDoesNotStopTheBatch(@TempDir Path work) throws IOException {
        pushSource(work, "multi:1", Fixtures.threeArch(T1, "multi"));
        Fixtures.Layout good = pushSource(work, "good:1", Fixtures.threeArch(T1, "good"));
        Files.writeString(work.resolve("images.txt"), "--platform=linux/s390x multi:1\nmissing:404\ngood:1\n");

        Tools.Result r = sync(work, "--to", "aliyun", "--report", "r.json");
        assertEquals(1, r.exit(), r.all());
        JsonNode report = report(work.resolve("r.json"));
        assertEquals(List.of("aliyun:failed:null", "aliyun:failed:null", "aliyun:copied:new"), statuses(report));
        assertEquals(good.digests().get("linux/amd64"), digestAt(aliyun.host + "/ns1/good:1"));
        String platformError = report.at("/images/0/targets/0/error").asText();
        assertTrue(platformError.contains("has no linux/s390x image; it offers linux/amd64, linux/arm64, linux/arm/v7"), platformError);
        String missingError = report.at("/images/1/targets/0/error").asText();
        assertTrue(missingError.contains("library/missing:404") && missingError.contains("not found"), missingError);
        assertFalse(missingError.contains("\n"));
        assertTrue(r.all().contains(platformError) && r.all().contains(missingError));
        assertEquals(1, report.at("/summary/copied").asInt());
        assertEquals(2, report.at("/summary/failed").asInt());
    }

    @Test
    void aWrongPasswordStopsBeforeCopyingWithAClearMessage(@TempDir Path work) throws IOException {
        pushSource(work, "guarded:1", Fixtures.threeArch(T1, "guarded"));
        Map<String, String> env = env();
        String wrong = "wrong-" + UUID.randomUUID();
        env.put("ALIYUN_PASSWORD", wrong);
        long puts = targetPuts();

        Tools.Result r = sync(work, env, "guarded:1");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.all().contains("login to " + aliyun.host) && r.all().contains("ALIYUN_PASSWORD"), r.all());
        assertTrue(r.all().contains("invalid username/password"), "skopeo's own answer is the one shown: " + r.all());
        assertFalse(r.all().contains(wrong), "the wrong password was printed");
        assertEquals(puts, targetPuts(), "something was copied despite the failed login");
        assertNull(digestAt(ghcr.host + "/owner2/guarded:1"));
    }

    @Test
    void malformedLinesAreAllReportedAndNothingIsCopied(@TempDir Path work) throws IOException {
        pushSource(work, "fine:1", Fixtures.threeArch(T1, "fine"));
        Files.writeString(work.resolve("images.txt"), "fine:1\n--plattform=linux/arm64 nginx\n\nUPPER CASE:1\n--platform=linux nginx:1\nnginx@sha256:abc\n");
        long puts = targetPuts();

        Tools.Result r = sync(work);
        assertEquals(2, r.exit(), r.all());
        for (String line : List.of("images.txt:2:", "images.txt:4:", "images.txt:5:", "images.txt:6:")) {
            assertTrue(r.stderr().contains(line), line + " missing in:\n" + r.stderr());
        }
        assertEquals(puts, targetPuts());
        assertNull(digestAt(aliyun.host + "/ns1/fine:1"));
    }

    @Test
    void twoLinesWithTheSameTargetAreACollision(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "nginx:1\nquay.io/x/y:1\n--name=nginx quay.io/other/nginx:1\n");
        Tools.Result r = sync(work);
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("images.txt:3") && r.stderr().contains("line 1") && r.stderr().contains("nginx:1"), r.stderr());
    }

    @Test
    void dryRunChecksEverythingAndCopiesNothing(@TempDir Path work) throws IOException {
        pushSource(work, "dry:1", Fixtures.threeArch(T1, "dry"));
        long puts = targetPuts();
        Tools.Result r = sync(work, "--dry-run", "--report", "r.json", "dry:1");
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("aliyun:would-copy:new", "ghcr:would-copy:new"), statuses(report(work.resolve("r.json"))));
        assertEquals(puts, targetPuts());
    }

    @Test
    void aDigestPinnedReferenceIsCopiedByDigestAndTaggedWithItsTag(@TempDir Path work) throws IOException {
        Fixtures.Layout old = pushSource(work, "pinned:1", Fixtures.threeArch(T1, "old"));
        pushSource(work, "pinned:1", Fixtures.threeArch(T2, "new"));
        Tools.Result r = sync(work, "--to", "ghcr", "--platform", "linux/arm64", "--name", "Pinned-App", "pinned:1@" + old.top());
        assertEquals(0, r.exit(), r.all());
        assertEquals(old.digests().get("linux/arm64"), digestAt(ghcr.host + "/owner2/pinned-app:1"));
    }

    @Test
    @Tag("process")
    void theWorkflowsCommandLineTakesEmptyInputsAsNotGiven(@TempDir Path work) throws IOException {
        Fixtures.Layout src = pushSource(work, "wf:1", Fixtures.threeArch(T1, "wf"));
        // As sync-double.yml runs it on a manual run where only image_name was filled in.
        Tools.Result r = syncProcess(work, env(), "--to=both", "--platform=", "--name=", "--force=", "--report", "r.json", "--", "wf:1");
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("aliyun:copied:new", "ghcr:copied:new"), statuses(report(work.resolve("r.json"))));
        // image_name may carry the list syntax, and force_sync arrives as "true".
        Tools.Result arm = syncProcess(work, env(), "--to=", "--platform=", "--name=wf-arm", "--force=true", "--report", "a.json", "--", "--platform=linux/arm64 wf:1");
        assertEquals(0, arm.exit(), arm.all());
        assertEquals(List.of("aliyun:copied:forced", "ghcr:copied:forced"), statuses(report(work.resolve("a.json"))));
        assertEquals(src.digests().get("linux/arm64"), digestAt(ghcr.host + "/owner2/wf-arm:1"));
    }

    // ---- the no-op fast path -------------------------------------------------------------------

    static long sourceRequests(String method) {
        return source.manifestRequests(method);
    }

    @Test
    void aNoOpRunWithWarmStateSendsNoManifestGetAndStartsNoSkopeo(@TempDir Path work) throws IOException {
        for (String name : List.of("quiet-a", "quiet-b", "quiet-c")) {
            pushSource(work, name + ":1", Fixtures.threeArch(T1, name));
        }
        Files.writeString(work.resolve("images.txt"), "quiet-a:1\n--platform=linux/arm64 quiet-b:1\nquiet-c:1\n");
        assertEquals(0, sync(work, "--report", "cold.json").exit());
        // Even the first sync reads the sources with the registry client: skopeo only copies.
        assertEquals("{\"skopeo copy\":6}", report(work.resolve("cold.json")).at("/stats/processes").toString());
        assertTrue(Files.readString(work.resolve("state.json")).contains(source.host + "/library/quiet-b:1 linux/arm64"));

        long gets = sourceRequests("GET");
        long heads = sourceRequests("HEAD");
        long aliyunHeads = aliyun.manifestRequests("HEAD");
        long ghcrHeads = ghcr.manifestRequests("HEAD");
        long puts = targetPuts();
        Tools.Result r = sync(work, "--report", "noop.json");

        assertEquals(0, r.exit(), r.all());
        JsonNode report = report(work.resolve("noop.json"));
        assertEquals(List.of("aliyun:skipped:digest", "ghcr:skipped:digest", "aliyun:skipped:digest", "ghcr:skipped:digest",
                "aliyun:skipped:digest", "ghcr:skipped:digest"), statuses(report));
        assertEquals(gets, sourceRequests("GET"), "a manifest GET reached the source");
        assertEquals(heads + 3, sourceRequests("HEAD"), "one HEAD per image at the source");
        assertEquals(aliyunHeads + 3, aliyun.manifestRequests("HEAD"), "one HEAD per image at each target");
        assertEquals(ghcrHeads + 3, ghcr.manifestRequests("HEAD"));
        assertEquals(puts, targetPuts());
        JsonNode processes = report.at("/stats/processes");
        assertEquals(0, processes.size(), "skopeo was started: " + processes);
        assertEquals(3, report.at("/stats/requests/" + source.host.replace("/", "~1") + "/HEAD").asInt(), report.at("/stats").toString());
        assertTrue(report.at("/stats/seconds/total").asDouble() > 0);
    }

    @Test
    void aDeletedTargetAndACorruptStateAreEachHandled(@TempDir Path work) throws IOException {
        Fixtures.Layout moved = pushSource(work, "moving:1", Fixtures.threeArch(T1, "m1"));
        assertEquals(0, sync(work, "--to", "aliyun", "moving:1").exit());

        Tools.Result delete = Tools.run(List.of("skopeo", "delete", "--tls-verify=false", "--authfile", registries.authFile().toString(),
                "docker://" + aliyun.host + "/ns1/moving:1"), null, null, null);
        assertEquals(0, delete.exit(), delete.stderr());
        Tools.Result r2 = sync(work, "--to", "aliyun", "--report", "r2.json", "moving:1");
        assertEquals(List.of("aliyun:copied:new"), statuses(report(work.resolve("r2.json"))), r2.all());
        assertEquals(moved.digests().get("linux/amd64"), digestAt(aliyun.host + "/ns1/moving:1"));

        Files.writeString(work.resolve("state.json"), "{\"images\": [garbage");
        Tools.Result r3 = sync(work, "--to", "aliyun", "--report", "r3.json", "moving:1");
        assertEquals(0, r3.exit(), r3.all());
        assertTrue(r3.stderr().contains("the state file") && r3.stderr().contains("unreadable"), r3.stderr());
        assertEquals(List.of("aliyun:skipped:digest"), statuses(report(work.resolve("r3.json"))));
        assertTrue(Fixtures.JSON.readTree(work.resolve("state.json").toFile()).at("/images").size() == 1, "the state was rewritten");
    }

    @Test
    void imagesThatWouldDipIntoThePullReserveAreDeferred(@TempDir Path work) throws IOException {
        pushSource(work, "quota-a:1", Fixtures.threeArch(T1, "qa"));
        pushSource(work, "quota-b:1", Fixtures.threeArch(T1, "qb"));
        try (RegistryFront hub = new RegistryFront(source.host)) {
            Map<String, String> env = env();
            env.put("SOURCE_REGISTRY", hub.host);
            env.put("INSECURE_REGISTRIES", env.get("INSECURE_REGISTRIES") + "," + hub.host);
            hub.remaining = 90;
            Tools.Result warm = sync(work, env, "--to", "aliyun", "quota-a:1");
            assertEquals(0, warm.exit(), warm.all());
            assertTrue(warm.out().contains("pull quota at " + hub.host + ": 90 of 100 left"), warm.out());

            hub.remaining = 11;
            int getsBefore = hub.manifestGets.get();
            Files.writeString(work.resolve("images.txt"), "quota-a:1\nquota-b:1\n");
            env.put("GITHUB_STEP_SUMMARY", work.resolve("summary.md").toString());
            Tools.Result r = sync(work, env, "--to", "aliyun", "--pull-reserve", "10", "--report", "r.json");

            assertEquals(0, r.exit(), r.all());
            JsonNode report = report(work.resolve("r.json"));
            assertEquals(List.of("aliyun:skipped:digest", "aliyun:deferred:pull-reserve"), statuses(report));
            assertEquals(1, report.at("/summary/deferred").asInt());
            assertEquals(getsBefore, hub.manifestGets.get(), "no pull was spent");
            assertEquals(11, report.at("/stats/rateLimits/" + hub.host + "/remainingAtEnd").asInt(), report.at("/stats").toString());
            assertTrue(r.out().contains("1 deferred"), r.out());
            assertTrue(Files.readString(work.resolve("summary.md")).contains("Pull quota at `" + hub.host + "`: 11 of 100 left at the start, 11 at the end."));
            assertNull(digestAt(aliyun.host + "/ns1/quota-b:1"));
        }
    }
}
