import lib.core.Retry;
import lib.engine.ProcessRunner;
import lib.engine.ZtExecRunner;
import support.FaultProxy;
import support.Fixtures;
import support.Registries;
import support.Registry;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults in front of real registries: a fault-injecting proxy (5xx, 429 with Retry-After, hangs, dropped
 * uploads, garbage), a registry killed and restarted mid-copy, no temporary space, corrupt and lying state.
 * Each case checks every image's status, the exit code, the report, what the target holds and the time taken.
 */
@Tag("registry")
class FaultTest {
    static final String PASSWORD = "fault-pw-123";
    @RegisterExtension
    static final Registries registries = new Registries("fault-it-");
    static final Registry source = registries.open("source");
    static final Registry target = registries.open("target");

    /** Aliyun-shaped settings for {@code targetHost}, bare names read from {@code sourceHost}; every host insecure (plain HTTP). */
    static Map<String, String> env(Path work, String sourceHost, String targetHost) {
        Map<String, String> env = new HashMap<>(Tools.cleanEnv());
        env.put("HOME", work.toString());
        env.put("ALIYUN_REGISTRY", targetHost);
        env.put("ALIYUN_NAMESPACE", "ns");
        env.put("ALIYUN_USERNAME", "u");
        env.put("ALIYUN_PASSWORD", PASSWORD);
        env.put("SOURCE_REGISTRY", sourceHost);
        env.put("INSECURE_REGISTRIES", String.join(",", sourceHost, targetHost));
        env.put("SYNC_STATE", work.resolve("state.json").toString());
        return env;
    }

    static Fixtures.Layout push(Path work, String repoTag) throws IOException {
        Fixtures.Layout layout = Fixtures.multiArch(Files.createTempDirectory(work, "layout"), Fixtures.threeArch("2024-01-01T00:00:00Z", repoTag));
        Registry.push(layout, source.host + "/library/" + repoTag, null);
        return layout;
    }

    record Run(Tools.Result result, JsonNode report, Duration took) {
        List<String> statuses() {
            return SyncIntegrationTest.statuses(report);
        }

        String error(int image) {
            return report.at("/images/" + image + "/targets/0/error").asText();
        }
    }

    static Run sync(Path work, Map<String, String> env, Retry retry, String... args) throws IOException {
        Files.deleteIfExists(work.resolve("r.json"));
        long start = System.nanoTime();
        Tools.Result r = Cli.toAliyun(work, env, retry, args);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertFalse(r.all().contains(PASSWORD), r.all());
        assertTrue(Files.exists(work.resolve("r.json")), "no report was written:\n" + r.all());
        return new Run(r, Cli.report(work), took);
    }

    static Run sync(Path work, Map<String, String> env, String... args) throws IOException {
        return sync(work, env, SyncIntegrationTest.FAST_RETRY, args);
    }

    /** What the target holds under ns/{@code repoTag}, read straight from it; null when the tag does not exist. */
    static String at(String repoTag) {
        return Registry.digestAt(target.host + "/ns/" + repoTag, null);
    }

    // ---- the proxy's faults -------------------------------------------------------------------

    @Test
    void transient503sAreRetriedAndTheImageIsCopied(@TempDir Path work) throws IOException {
        Fixtures.Layout image = push(work, "flaky:1");
        try (FaultProxy proxy = FaultProxy.start(source.host)) {
            proxy.on("*", "/v2/library/flaky/manifests/.*").times(2).status(503);
            Run run = sync(work, env(work, proxy.host, target.host), "flaky:1");
            assertEquals(0, run.result().exit(), run.result().all());
            assertEquals(List.of("aliyun:copied:new"), run.statuses());
            assertEquals(2, proxy.faults());
            assertTrue(run.result().all().contains("HTTP 503") && run.result().all().contains("(try 1/4, retrying in"), run.result().all());
            assertEquals(image.digests().get("linux/amd64"), at("flaky:1"));
        }
    }

    @Test
    void retryAfterIsWaitedForAndOneOfADayFailsTheImageAtOnce(@TempDir Path work) throws IOException {
        Fixtures.Layout patient = push(work, "patient:1");
        push(work, "throttled:1");
        try (FaultProxy proxy = FaultProxy.start(source.host)) {
            // Twice: the first answers the checks asked ahead of the images (which never wait), the second the image's own.
            proxy.on("HEAD", "/v2/library/patient/manifests/.*").times(2).status(429, Map.of("Retry-After", "2"));
            proxy.on("HEAD", "/v2/library/throttled/manifests/.*").status(429, Map.of("Retry-After", "100000"));
            Files.writeString(work.resolve("images.txt"), "patient:1\nthrottled:1\n");
            Run run = sync(work, env(work, proxy.host, target.host));

            assertEquals(1, run.result().exit(), run.result().all());
            assertEquals(List.of("aliyun:copied:new", "aliyun:failed:null"), run.statuses());
            assertTrue(run.result().all().contains("(Retry-After: 2) (try 1/4, retrying in 2s)"), run.result().all());
            assertTrue(run.error(1).contains("429") && run.error(1).contains("Retry-After: 100000"), run.error(1));
            assertTrue(run.took().compareTo(Duration.ofSeconds(2)) >= 0 && run.took().compareTo(Duration.ofSeconds(30)) < 0, run.took().toString());
            assertEquals(patient.digests().get("linux/amd64"), at("patient:1"));
            assertNull(at("throttled:1"));
            assertEquals(0, proxy.count("GET", "/v2/library/throttled/manifests/.*"), "no pull was spent on a registry that asked to wait");
        }
    }

    @Test
    void aPermanent500OnTheManifestPutFailsThatImageOnly(@TempDir Path work) throws IOException {
        Fixtures.Layout good = push(work, "good500:1");
        push(work, "bad500:1");
        try (FaultProxy proxy = FaultProxy.start(target.host)) {
            proxy.on("PUT", "/v2/ns/bad500/manifests/.*").status(500);
            Files.writeString(work.resolve("images.txt"), "bad500:1\ngood500:1\n");
            Map<String, String> env = env(work, source.host, proxy.host);
            Run run = sync(work, env);

            assertEquals(1, run.result().exit(), run.result().all());
            assertEquals(List.of("aliyun:failed:null", "aliyun:copied:new"), run.statuses());
            assertTrue(run.error(0).contains("500"), run.error(0));
            assertEquals(4, proxy.count("PUT", "/v2/ns/bad500/manifests/.*"), "four tries, then the image fails");
            assertEquals(good.digests().get("linux/amd64"), at("good500:1"));
            assertNull(at("bad500:1"));
        }
    }

    @Test
    void aSourceThatNeverAnswersIsBoundedByTheImageTimeout(@TempDir Path work) throws IOException {
        Fixtures.Layout good = push(work, "answering:1");
        push(work, "silent:1");
        try (FaultProxy proxy = FaultProxy.start(source.host)) {
            proxy.on("*", ".*").hang();
            Files.writeString(work.resolve("images.txt"), "silent:1\n" + source.host + "/library/answering:1\n");
            Map<String, String> env = env(work, proxy.host, target.host);
            env.put("INSECURE_REGISTRIES", env.get("INSECURE_REGISTRIES") + "," + source.host);
            Run run = sync(work, env, "--image-timeout", "6s");

            assertEquals(1, run.result().exit(), run.result().all());
            assertEquals(List.of("aliyun:failed:null", "aliyun:copied:new"), run.statuses());
            assertTrue(run.error(0).contains("gave up after 6s (--image-timeout)"), run.error(0));
            assertTrue(run.took().compareTo(Duration.ofSeconds(25)) < 0, "took " + run.took());
            String hostPrefix = source.host.replace('.', '-').replace(':', '-');
            assertEquals(good.digests().get("linux/amd64"), at(hostPrefix + "_library_answering:1"));
        }
    }

    @Test
    void aManifestThatIsNotJsonFailsTheImageWithAClearMessage(@TempDir Path work) throws IOException {
        push(work, "junk:1");
        try (FaultProxy proxy = FaultProxy.start(source.host)) {
            proxy.on("GET", "/v2/library/junk/manifests/.*").garbage();
            Run run = sync(work, env(work, proxy.host, target.host), "junk:1");
            assertEquals(1, run.result().exit(), run.result().all());
            assertEquals(List.of("aliyun:failed:null"), run.statuses());
            assertTrue(run.error(0).contains("not valid JSON"), run.error(0));
            assertNull(at("junk:1"));
        }
    }

    @Test
    void aConnectionDroppedDuringTheUploadIsRetried(@TempDir Path work) throws IOException {
        Fixtures.Layout image = push(work, "dropped:1");
        try (FaultProxy proxy = FaultProxy.start(target.host)) {
            proxy.on("PATCH", "/v2/ns/dropped/blobs/uploads/.*").times(1).drop();
            Run run = sync(work, env(work, source.host, proxy.host), "dropped:1");
            assertEquals(0, run.result().exit(), run.result().all());
            assertEquals(List.of("aliyun:copied:new"), run.statuses());
            // skopeo sees the cut as a reset or as its own write failing, depending on which side notices first.
            assertTrue(run.result().out().contains("try 1/4") && (run.result().out().contains("connection reset by peer")
                    || run.result().out().contains("use of closed network connection")), run.result().all());
            assertEquals(image.digests().get("linux/amd64"), at("dropped:1"));
        }
    }

    @Test
    void aManifestPutThatHangsIsStoppedByTheImageTimeout(@TempDir Path work) throws IOException {
        Fixtures.Layout fine = push(work, "fine-put:1");
        push(work, "stuck:1");
        try (FaultProxy proxy = FaultProxy.start(target.host)) {
            proxy.on("PUT", "/v2/ns/stuck/manifests/.*").hang();
            Files.writeString(work.resolve("images.txt"), "stuck:1\nfine-put:1\n");
            Run run = sync(work, env(work, source.host, proxy.host), "--image-timeout", "8s");

            assertEquals(1, run.result().exit(), run.result().all());
            assertEquals(List.of("aliyun:failed:null", "aliyun:copied:new"), run.statuses());
            assertTrue(run.error(0).contains("gave up after 8s"), run.error(0));
            assertTrue(run.took().compareTo(Duration.ofSeconds(25)) < 0, "took " + run.took());
            assertEquals(fine.digests().get("linux/amd64"), at("fine-put:1"));
            assertNull(at("stuck:1"));
        }
    }

    @Test
    void aTargetKilledMidCopyAndBackSoonIsRetried(@TempDir Path work) throws Exception {
        Fixtures.Layout image = push(work, "phoenix:1");
        try (FaultProxy proxy = FaultProxy.start(target.host)) {
            proxy.on("PATCH", "/v2/ns/phoenix/blobs/uploads/.*").times(1).delay(Duration.ofSeconds(2));
            AtomicReference<Exception> failure = new AtomicReference<>();
            CompletableFuture<Void> crash = CompletableFuture.runAsync(() -> {
                try {
                    while (proxy.count("PATCH", "/v2/ns/phoenix/blobs/uploads/.*") == 0) {
                        Thread.sleep(50);
                    }
                    target.kill();
                    Thread.sleep(3000);
                    target.restart();
                } catch (Exception e) {
                    failure.set(e);
                }
            });
            Retry patient = new Retry(6, Duration.ofSeconds(1), Duration.ofSeconds(60), d -> Thread.sleep(d.toMillis()), () -> 1.0);
            Run run = sync(work, env(work, source.host, proxy.host), patient, "phoenix:1");
            crash.get(30, TimeUnit.SECONDS);
            assertNull(failure.get());

            assertEquals(0, run.result().exit(), run.result().all());
            assertEquals(List.of("aliyun:copied:new"), run.statuses());
            assertTrue(run.result().out().contains("retrying in"), run.result().out());
            assertEquals(image.digests().get("linux/amd64"), at("phoenix:1"));
            assertEquals(image.digests().get("linux/amd64"), run.report().at("/images/0/targets/0/digest").asText());
        }
    }

    // ---- resources and files ------------------------------------------------------------------

    @Test
    void noTemporarySpaceFailsEveryImageButTheRunStillReports(@TempDir Path work) throws Exception {
        push(work, "nospace-a:1");
        push(work, "nospace-b:1");
        Path tiny = Files.createDirectories(work.resolve("tiny"));
        // Four inodes: the mount, image-sync, the run's directory and its auth file; no image directory fits.
        Tools.Result mount = Tools.run("mount", "-t", "tmpfs", "-o", "size=256k,nr_inodes=4,mode=0700", "tmpfs", tiny.toString());
        Assumptions.assumeTrue(mount.exit() == 0, "cannot mount a tmpfs here (needs root): " + mount.stderr());
        try {
            Map<String, String> env = env(work, source.host, target.host);
            env.put("XDG_RUNTIME_DIR", tiny.toString());
            Files.writeString(work.resolve("images.txt"), "nospace-a:1\nnospace-b:1\n");
            Run run = sync(work, env);

            assertEquals(1, run.result().exit(), run.result().all());
            assertEquals(List.of("aliyun:failed:null", "aliyun:failed:null"), run.statuses());
            for (int i = 0; i < 2; i++) {
                assertTrue(run.error(i).contains("cannot create a temporary directory") && run.error(i).contains("No space left on device"), run.error(i));
            }
            assertTrue(Files.isRegularFile(work.resolve("state.json")), "the state is still saved");
            assertNull(at("nospace-a:1"));
        } finally {
            Tools.run("umount", tiny.toString());
        }
    }

    @Test
    void everyCorruptStateFormIsAWarningAndIsReplaced(@TempDir Path work) throws IOException {
        Fixtures.Layout image = push(work, "stateful:1");
        Map<String, String> env = env(work, source.host, target.host);
        assertEquals(0, sync(work, env, "stateful:1").result().exit());
        String key = source.host + "/library/stateful:1 linux/amd64";
        Path state = work.resolve("state.json");
        for (String corrupt : List.of("", "null", "[]", "\"hello\"", "{\"images\":null}", "{\"images\": [garbage")) {
            Files.writeString(state, corrupt);
            Run run = sync(work, env, "stateful:1");
            assertEquals(0, run.result().exit(), corrupt + ": " + run.result().all());
            assertTrue(run.result().stderr().contains("the state file " + state + " is unreadable"), corrupt + ": " + run.result().stderr());
            assertEquals(List.of("aliyun:skipped:digest"), run.statuses());
            JsonNode rewritten = Fixtures.JSON.readTree(state.toFile());
            assertEquals(image.digests().get("linux/amd64"), rewritten.at("/images/" + key.replace("/", "~1") + "/digest").asText(), corrupt);
        }
        Files.delete(state);
        Files.createDirectory(state);
        Run run = sync(work, env, "stateful:1");
        assertEquals(0, run.result().exit(), run.result().all());
        assertTrue(run.result().stderr().contains("--state / SYNC_STATE " + state + " is a directory: this run keeps no state"), run.result().stderr());
        assertFalse(run.result().stderr().contains("could not save") || run.result().stderr().contains("replaced at the end"), run.result().stderr());
        try (Stream<Path> left = Files.list(work)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".state-")).toList(), "temporary files left behind");
        }
    }

    /**
     * A state entry pointing at another platform's manifest (or at nothing) cannot prove itself against the source's
     * HEAD, so the source is read before anything is copied, and the entry is rewritten with what proves it.
     */
    @Test
    void aLyingStateEntryIsCheckedBeforeItCopiesAndDropped(@TempDir Path work) throws IOException {
        Fixtures.Layout liar = push(work, "liar:1");
        Fixtures.Layout ghost = push(work, "ghost:1");
        String liarKey = source.host + "/library/liar:1 linux/amd64";
        String ghostKey = source.host + "/library/ghost:1 linux/amd64";
        Files.writeString(work.resolve("state.json"), "{\"images\":{"
                + "\"" + liarKey + "\":{\"top\":\"" + liar.top() + "\",\"digest\":\"" + liar.digests().get("linux/arm64") + "\"},"
                + "\"" + ghostKey + "\":{\"top\":\"" + ghost.top() + "\",\"digest\":\"sha256:" + "0".repeat(64) + "\"}}}");
        Files.writeString(work.resolve("images.txt"), "liar:1\nghost:1\n");
        Run run = sync(work, env(work, source.host, target.host));

        assertEquals(0, run.result().exit(), run.result().all());
        assertEquals(List.of("aliyun:copied:new", "aliyun:copied:new"), run.statuses());
        assertEquals(liar.digests().get("linux/amd64"), at("liar:1"), "the amd64 image, not the arm64 one the state named");
        assertEquals(ghost.digests().get("linux/amd64"), at("ghost:1"));
        JsonNode state = Fixtures.JSON.readTree(work.resolve("state.json").toFile());
        assertEquals(liar.top(), Fixtures.sha256(state.at("/images/" + liarKey.replace("/", "~1") + "/source").binaryValue()),
                "the entry now carries the source index it follows from");
        assertEquals(liar.digests().get("linux/amd64"), state.at("/images/" + liarKey.replace("/", "~1") + "/digest").asText());
        assertEquals(ghost.digests().get("linux/amd64"), state.at("/images/" + ghostKey.replace("/", "~1") + "/digest").asText());
    }

    @Test
    void twoRunsOnOneStateFileKeepEachOthersEntries(@TempDir Path work) throws Exception {
        push(work, "left:1");
        push(work, "right:1");
        Map<String, String> env = env(work, source.host, target.host);
        CompletableFuture<Run> left = CompletableFuture.supplyAsync(() -> uncheckedSync(work, env, "left:1"));
        CompletableFuture<Run> right = CompletableFuture.supplyAsync(() -> uncheckedSync(work.resolve("right-dir"), env, "right:1"));
        assertEquals(0, left.get(60, TimeUnit.SECONDS).result().exit());
        assertEquals(0, right.get(60, TimeUnit.SECONDS).result().exit());
        JsonNode images = Fixtures.JSON.readTree(work.resolve("state.json").toFile()).get("images");
        assertTrue(images.has(source.host + "/library/left:1 linux/amd64") && images.has(source.host + "/library/right:1 linux/amd64"), images.toString());
    }

    private static Run uncheckedSync(Path work, Map<String, String> env, String image) {
        try {
            Files.createDirectories(work);
            return sync(work, new HashMap<>(env), image);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- one image's failure stays that image's -----------------------------------------------

    @Test
    void anInternalErrorOrAVanishedToolFailsOnlyItsImage(@TempDir Path work) throws IOException {
        Fixtures.Layout fine = push(work, "unharmed:1");
        push(work, "boom:1");
        push(work, "vanish:1");
        ProcessRunner real = new ZtExecRunner();
        ProcessRunner faulty = command -> {
            String joined = String.join(" ", command.args());
            if (joined.contains("/library/boom")) {
                throw new StackOverflowError();
            }
            if (joined.contains("/library/vanish")) {
                throw new ProcessRunner.NotFound("skopeo");
            }
            return real.run(command);
        };
        Files.writeString(work.resolve("images.txt"), "boom:1\nvanish:1\nunharmed:1\n");
        Map<String, String> env = env(work, source.host, target.host);
        Files.deleteIfExists(work.resolve("r.json"));
        Tools.Result r = SyncIntegrationTest.checked(Cli.sync(work, env, faulty, SyncIntegrationTest.FAST_RETRY, "--to", "aliyun", "--report", "r.json"));
        JsonNode report = Cli.report(work);

        assertEquals(1, r.exit(), r.all());
        assertEquals(List.of("aliyun:failed:null", "aliyun:failed:null", "aliyun:copied:new"), SyncIntegrationTest.statuses(report));
        assertEquals("boom:1: internal error: StackOverflowError", report.at("/images/0/targets/0/error").asText());
        assertEquals("vanish:1: skopeo is not installed or cannot be run", report.at("/images/1/targets/0/error").asText());
        assertEquals(fine.digests().get("linux/amd64"), at("unharmed:1"));
    }

    // ---- a cancelled run ----------------------------------------------------------------------

    @Test
    @Tag("process")
    void aSigtermStillWritesTheReportWithUnfinishedImagesCancelled(@TempDir Path work) throws Exception {
        Fixtures.Layout first = push(work, "before-term:1");
        push(work, "hanging-term:1");
        push(work, "after-term:1");
        try (FaultProxy proxy = FaultProxy.start(target.host)) {
            proxy.on("PUT", "/v2/ns/hanging-term/manifests/.*").hang();
            Files.writeString(work.resolve("images.txt"), "before-term:1\nhanging-term:1\nafter-term:1\n");
            Map<String, String> env = env(work, source.host, proxy.host);
            ProcessBuilder pb = new ProcessBuilder(Tools.REPO.resolve("jbang").toString(), Tools.REPO.resolve("scripts/sync.java").toString(),
                    "--to", "aliyun", "--jobs", "1", "--report", "r.json").directory(work.toFile())
                    .redirectOutput(work.resolve("out.log").toFile()).redirectError(work.resolve("err.log").toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (proxy.count("PUT", "/v2/ns/hanging-term/manifests/.*") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(proxy.count("PUT", "/v2/ns/hanging-term/manifests/.*") > 0, "the second image never reached its manifest PUT: " + Files.readString(work.resolve("err.log")));
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the run did not end on SIGTERM");
            assertTrue(ProcessHandle.allProcesses().noneMatch(h -> h.info().commandLine().orElse("").contains("ns/hanging-term")),
                    "the hanging copy's skopeo outlived the run");

            String out = Files.readString(work.resolve("out.log")) + Files.readString(work.resolve("err.log"));
            assertFalse(out.contains(PASSWORD) || out.contains("\tat "), out);
            JsonNode report = Fixtures.JSON.readTree(work.resolve("r.json").toFile());
            assertEquals(List.of("aliyun:copied:new", "aliyun:cancelled:null", "aliyun:cancelled:null"), SyncIntegrationTest.statuses(report), out);
            assertEquals(2, report.at("/summary/cancelled").asInt());
            assertEquals(first.digests().get("linux/amd64"), at("before-term:1"));
            assertTrue(out.contains("2 cancelled"), out);
        }
    }

    // ---- how many requests are in flight -------------------------------------------------------

    /**
     * The cheap checks of a run are asked up front, --registry-requests at a time per registry, whatever --jobs is:
     * with one job the target still sees that many HEADs at once, and never more. Each is held a moment by the proxy,
     * so requests that overlap are all held together.
     */
    @Test
    void theChecksGoOutRegistryRequestsAtATimeEvenWithOneJob(@TempDir Path work) throws IOException {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            push(work, "many" + i + ":1");
            list.append("many").append(i).append(":1\n--platform=linux/arm64 many").append(i).append(":1\n");
        }
        Files.writeString(work.resolve("images.txt"), list.toString());
        Map<String, String> direct = env(work, source.host, target.host);
        assertEquals(List.of("aliyun:copied:new"), sync(work, direct).statuses().subList(0, 1));
        try (FaultProxy proxy = FaultProxy.start(target.host)) {
            FaultProxy.Rule heads = proxy.on("HEAD", "/v2/ns/.*/manifests/.*").delay(Duration.ofMillis(300));
            Run run = sync(work, env(work, source.host, proxy.host), "--jobs", "1", "--registry-requests", "5");
            assertEquals(0, run.result().exit(), run.result().all());
            assertEquals(12, run.statuses().stream().filter(s -> s.equals("aliyun:skipped:digest")).count(), run.statuses().toString());
            assertEquals(12, heads.fired(), "one HEAD per image at the target");
            assertEquals(5, heads.mostAtOnce(), "HEADs in flight at once at the target");
        }
    }

    // ---- the engine and the report path, checked before anything is copied -------------------

    @Test
    void aDockerEngineWithoutADaemonStopsBeforeAnyImage(@TempDir Path work) throws IOException {
        push(work, "nodaemon:1");
        Path fake = work.resolve("docker");
        Files.writeString(fake, "#!/bin/sh\necho 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2\nexit 1\n");
        fake.toFile().setExecutable(true);
        Map<String, String> env = env(work, source.host, target.host);
        env.put("DOCKER", fake.toString());
        Tools.Result r = SyncIntegrationTest.checked(Cli.sync(work, env, null, null, "--to", "aliyun", "--engine", "docker", "nodaemon:1"));
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.all().contains("the docker engine cannot be used") && r.all().contains("Cannot connect to the Docker daemon"), r.all());
        assertEquals(1, r.all().lines().filter(l -> l.contains("Cannot connect")).count(), "said once, not per image");
        assertNull(at("nodaemon:1"));
    }

    @Test
    void anUnwritableReportPathStopsTheRunBeforeItCopies(@TempDir Path work) throws IOException {
        push(work, "noreport:1");
        Files.writeString(work.resolve("a-file"), "x");
        long puts = target.manifestRequests("PUT");
        for (String bad : List.of("a-file/report.json", ".")) {
            Tools.Result r = SyncIntegrationTest.checked(Cli.sync(work, env(work, source.host, target.host), null, null, "--to", "aliyun", "--report", bad, "noreport:1"));
            assertEquals(2, r.exit(), r.all());
            assertTrue(r.stderr().startsWith("error: --report "), r.stderr());
        }
        assertEquals(puts, target.manifestRequests("PUT"));
        assertNull(at("noreport:1"));
    }

    // ---- hosts that cannot be reached -------------------------------------------------------

    /** Real waits, short: 0.4 + 0.8 + 1.6 + 3.2 s between five tries, one sequence of 6 s. */
    static final Retry SEQUENCE = new Retry(5, Duration.ofMillis(800), Duration.ofSeconds(60), d -> Thread.sleep(d.toMillis()), () -> 0.0);
    static final Duration ONE_SEQUENCE = Duration.ofMillis(400 + 800 + 1600 + 3200);

    /**
     * A source host that does not resolve, five images from it and four jobs: one image's first failure is retried as
     * the policy says while the others wait; then the verdict fails every image at once with the same reason and the
     * fix --doctor gives. Before, each image retried on its own (one sequence per image, in parallel and in turn).
     */
    @Test
    void anUnresolvableSourceHostIsOneRetrySequenceAndOneVerdictForEveryImage(@TempDir Path work) throws IOException {
        StringBuilder list = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            list.append("nosuch.invalid/team/app-").append(i).append(":1\n");
        }
        Files.writeString(work.resolve("images.txt"), list);
        Run run = sync(work, env(work, source.host, target.host), SEQUENCE, "--jobs", "4");

        assertEquals(1, run.result().exit(), run.result().all());
        String verdict = "cannot reach nosuch.invalid: no such host — fix: check the images from nosuch.invalid in the list, "
                + "or this machine's DNS and proxy (HTTPS_PROXY)";
        for (int i = 0; i < 5; i++) {
            assertEquals(verdict, run.error(i), "image " + i);
            assertEquals("unknown-host", run.report().at("/images/" + i + "/targets/0/kind").asText());
        }
        List<String> retries = run.result().all().lines().filter(l -> l.contains("nosuch.invalid") && l.contains("retrying in")).toList();
        assertEquals(4, retries.size(), "one sequence of five tries for the host, not one per image:\n" + run.result().all());
        assertEquals(1, run.result().all().lines().filter(l -> l.contains("every image that needs it fails at once")).count(), run.result().all());
        assertTrue(run.took().compareTo(ONE_SEQUENCE.plusSeconds(8)) < 0, "took " + run.took() + " for one sequence of " + ONE_SEQUENCE);
        assertFalse(run.result().all().contains("pinging container registry"), run.result().all());
    }

    /**
     * A target whose port refuses connections: its login is one retry sequence, said in words (skopeo's "pinging
     * container registry … dial tcp …" never shows), then one line with the reason and the fix, and the run stops
     * before any image, as a failed login does.
     */
    @Test
    void aTargetThatRefusesConnectionsIsOneVerdictWithItsFixAndNoSkopeoText(@TempDir Path work) throws IOException {
        for (int i = 1; i <= 5; i++) {
            push(work, "refused-" + i + ":1");
        }
        String closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = "127.0.0.1:" + s.getLocalPort();
        }
        Files.writeString(work.resolve("images.txt"), "refused-1:1\nrefused-2:1\nrefused-3:1\nrefused-4:1\nrefused-5:1\n");
        long start = System.nanoTime();
        Tools.Result r = SyncIntegrationTest.checked(Cli.sync(work, env(work, source.host, closed), null, SEQUENCE, "--to", "aliyun"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("error: cannot reach " + closed + ": connection refused — fix: check ALIYUN_REGISTRY and that a registry "
                + "runs there, or this machine's network and proxy (HTTPS_PROXY)\n"), r.stderr());
        assertEquals(4, r.all().lines().filter(l -> l.contains(closed) && l.contains("retrying in")).count(), r.all());
        assertTrue(r.all().lines().filter(l -> l.contains("retrying in")).allMatch(l -> l.contains("login to " + closed + ": cannot reach " + closed
                + ": connection refused (try ")), r.all());
        assertFalse(r.all().contains("pinging container registry") || r.all().contains("dial tcp"), r.all());
        assertTrue(took.compareTo(ONE_SEQUENCE.plusSeconds(8)) < 0, "took " + took);
    }
}
