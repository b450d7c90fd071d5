package lib.sync;

import lib.core.Context;
import lib.core.Deadline;
import lib.core.Digest;
import lib.core.Platforms;
import lib.core.Retry;
import lib.core.Secret;
import lib.core.Target;
import lib.engine.Skopeo;
import lib.list.ImageList;
import lib.list.ImageSpec;
import lib.list.Plan;
import lib.report.Console;
import support.FakeRunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static support.Digests.d;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-image flow with a fake skopeo: what is read, how often, and what gets copied where. */
class SyncerTest {
    /** One try, and every host answers: what is tested here is the image, not the retries or the verdicts. */
    static final Reachability ONE_TRY = new Reachability(new Retry(1, Duration.ZERO, Duration.ZERO, x -> { }, () -> 0.0), host -> { }, host -> "check " + host);

    static final String ARM64 = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" + d("config-arm64") + "\"}}";
    static final String ARM64_DIGEST = Digest.of(ARM64.getBytes(StandardCharsets.UTF_8)).value();
    static final String INDEX = "{\"manifests\":["
            + "{\"digest\":\"" + d("aa") + "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
            + "{\"digest\":\"" + ARM64_DIGEST + "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
            + "{\"digest\":\"" + d("cc") + "\",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}}]}";
    static final Target ALIYUN = new Target("aliyun", "acr.io", "ns", "u", new Secret("p"), "ALIYUN");
    static final Target GHCR = new Target("ghcr", "ghcr.io", "me", "u", new Secret("t"), "GHCR");

    final FakeRunner runner = new FakeRunner();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8), false);

    ImageResult sync(Path tmp, String line, boolean dryRun, Target... targets) {
        ImageSpec spec = ImageList.parseLine(1, line, Platforms.DEFAULT, "docker.io");
        Skopeo skopeo = new Skopeo(runner, null, Set.of(), true);
        Syncer syncer = new Syncer(null, skopeo, skopeo, ONE_TRY,
                List.of(targets), new Syncer.Options(false, dryRun), SyncState.load(null, w -> { }), new PullBudget(null, 0));
        Console.ImageLog log = console.image(1, 1, spec);
        ImageResult result = syncer.sync(new Plan.Item(spec, spec.targetName()), new Context(Deadline.after(Duration.ofHours(1)), tmp, log));
        log.add(result);
        log.flush();
        return result;
    }

    @Test
    void theSourceIsReadOnceAndOnlyTheStaleTargetIsWritten(@TempDir Path tmp) {
        String armDigest = ARM64_DIGEST;
        runner.answer("docker://docker.io/library/app:1", INDEX)
                .answer("docker://docker.io/library/app@" + ARM64_DIGEST, ARM64)
                .answer("docker://acr.io/ns/linux_arm64_app:1", ARM64)
                .fail("docker://ghcr.io/me/linux_arm64_app:1", "msg=\"manifest unknown: manifest unknown\"")
                .answer("docker://ghcr.io/me/linux_arm64_app:1", ARM64)
                .answer("skopeo copy", "");

        ImageResult r = sync(tmp, "--platform=linux/arm64 app:1", false, ALIYUN, GHCR);

        assertEquals(Status.SKIPPED, r.targets().get(0).status());
        assertEquals("digest", r.targets().get(0).reason());
        assertEquals(Status.COPIED, r.targets().get(1).status());
        assertEquals("new", r.targets().get(1).reason());
        assertEquals(armDigest, r.targets().get(1).digest(), "the digest is the one read back from the target");
        assertEquals(1, runner.count("inspect --raw docker://docker.io/library/app:1"));
        assertEquals(0, runner.count("inspect --raw docker://docker.io/library/app@"), "the platform manifest was not needed");
        assertEquals(0, runner.count("--config"), "no config was needed to decide");
        assertEquals(List.of(List.of("skopeo", "copy", "--retry-times", "0", "--preserve-digests",
                "docker://docker.io/library/app@" + armDigest, "docker://ghcr.io/me/linux_arm64_app:1")),
                runner.args().stream().filter(a -> a.get(1).equals("copy")).toList());
        assertEquals(armDigest, r.targets().get(0).digest(), "a skipped target reports what it holds");
    }

    @Test
    void aTargetHoldingAnotherImageMakesTheLadderReadThePlatformManifest(@TempDir Path tmp) {
        String other = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" + d("config-arm64") + "\"},\"annotations\":{\"re\":\"encoded\"}}";
        runner.answer("docker://docker.io/library/app:1", INDEX)
                .answer("docker://docker.io/library/app@" + ARM64_DIGEST, ARM64)
                .answer("docker://acr.io/ns/linux_arm64_app:1", other)
                .answer("--config", "{\"created\":\"2024-01-01T00:00:00Z\",\"os\":\"linux\",\"architecture\":\"arm64\"}");
        ImageResult r = sync(tmp, "--platform=linux/arm64 app:1", false, ALIYUN);
        assertEquals(Status.SKIPPED, r.targets().get(0).status());
        assertEquals("image-id", r.targets().get(0).reason());
        assertEquals(Digest.of(other.getBytes(StandardCharsets.UTF_8)).value(), r.targets().get(0).digest(), "what the target holds, not the source's digest");
        assertEquals(1, runner.count("inspect --raw docker://docker.io/library/app@" + ARM64_DIGEST));
    }

    @Test
    void aPlatformManifestThatDoesNotMatchItsDigestIsRefused(@TempDir Path tmp) {
        runner.answer("docker://docker.io/library/app:1", INDEX)
                .answer("docker://docker.io/library/app@" + ARM64_DIGEST, ARM64 + " ")
                .answer("docker://acr.io/ns/linux_arm64_app:1", "{\"schemaVersion\":2,\"config\":{\"digest\":\"" + d("x") + "\"}}");
        ImageResult r = sync(tmp, "--platform=linux/arm64 app:1", false, ALIYUN);
        assertEquals(Status.FAILED, r.targets().get(0).status());
        assertTrue(r.targets().get(0).error().contains("is not the platform manifest with that digest"), r.targets().get(0).error());
    }

    @Test
    void aMissingPlatformFailsEveryTargetWithTheOfferedPlatforms(@TempDir Path tmp) {
        runner.answer("docker://docker.io/library/app:1", INDEX);
        ImageResult r = sync(tmp, "--platform=linux/s390x app:1", false, ALIYUN, GHCR);
        for (TargetResult t : r.targets()) {
            assertEquals(Status.FAILED, t.status());
            assertEquals("source docker.io/library/app:1 has no linux/s390x image; it offers linux/amd64, linux/arm64/v8: choose one of those with --platform", t.error());
        }
        assertEquals(1, runner.commands.size());
    }

    @Test
    void aSinglePlatformSourceMustMatchTheRequestedPlatform(@TempDir Path tmp) {
        runner.answer("docker://docker.io/library/solo:1", "{\"config\":{\"digest\":\"" + d("c") + "\"}}")
                .answer("--config", "{\"os\":\"linux\",\"architecture\":\"amd64\",\"created\":\"2024-01-01T00:00:00Z\"}");
        ImageResult r = sync(tmp, "--platform=linux/arm64 solo:1", false, ALIYUN);
        assertTrue(r.targets().get(0).error().contains("is a single-platform image for linux/amd64, not linux/arm64"), r.targets().get(0).error());
    }

    @Test
    void dryRunDecidesButNeverCopies(@TempDir Path tmp) throws Exception {
        runner.answer("docker://docker.io/library/app:1", INDEX)
                .answer("docker://docker.io/library/app@" + d("aa"), "{\"config\":{\"digest\":\"" + d("x") + "\"}}")
                .fail("docker://acr.io/ns/app:1", "msg=\"manifest unknown\"");
        ImageResult r = sync(tmp, "app:1", true, ALIYUN);
        assertNull(r.targets().get(0).digest(), "the target holds nothing yet");
        assertEquals(Status.WOULD_COPY, r.targets().get(0).status());
        assertEquals("new", r.targets().get(0).reason());
        assertEquals(0, runner.count(" copy "));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("[1/1] app:1 (linux/amd64) → aliyun acr.io/ns/app:1  would-copy (new)"));
    }

    /** The image ID decides, and the created times only go into the report: same created, other config, is a change. */
    @Test
    void aTargetWithTheSameCreatedTimeButAnotherImageIsChangedAndTheTimesAreReported(@TempDir Path tmp) {
        String target = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" + d("config-older-build") + "\"}}";
        runner.answer("docker://docker.io/library/app:1", INDEX)
                .answer("docker://docker.io/library/app@" + ARM64_DIGEST, ARM64)
                .answer("docker://acr.io/ns/linux_arm64_app:1", target)
                .answer("--config", "{\"created\":\"2024-05-02T00:00:00Z\",\"os\":\"linux\",\"architecture\":\"arm64\"}")
                .answer("skopeo copy", "");
        ImageResult r = sync(tmp, "--platform=linux/arm64 app:1", false, ALIYUN);
        assertEquals(Status.COPIED, r.targets().get(0).status(), r.toString());
        assertEquals("changed", r.targets().get(0).reason());
        assertEquals(new TargetResult.Created("2024-05-02T00:00:00Z", "2024-05-02T00:00:00Z"), r.targets().get(0).created());
    }

    /**
     * skopeo's words when Docker Hub hides a repository (or the registry client could not ask): taken for what they mean
     * at a source, not for a login problem; a failure of that image only.
     */
    @Test
    void aSourceReadRefusedAfterAGoodLoginIsNotFoundOrPrivate(@TempDir Path tmp) {
        runner.fail("docker://docker.io/library/nosuch:1", "time=\"2024\" level=fatal msg=\"initializing source docker://nosuch:1: reading manifest 1 in "
                + "docker.io/library/nosuch: requested access to the resource is denied\"");
        ImageResult r = sync(tmp, "nosuch:1", false, ALIYUN);
        assertEquals(Status.FAILED, r.targets().get(0).status());
        assertEquals(lib.core.SyncError.Kind.NOT_FOUND, r.targets().get(0).kind());
        assertEquals("reading source docker.io/library/nosuch:1: not found, or private: check the name (Docker Hub does not say which)",
                r.targets().get(0).error());
    }
}
