package lib.sync;

import lib.core.Platforms;
import lib.core.SyncError;
import lib.engine.ProcessRunner;
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
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batch loop as a person at a terminal sees it: started lines, a heartbeat, coloured statuses, one live progress line. */
class BatchTest {
    @Test
    void aTerminalSeesEachImageStartAHeartbeatColoursAndProgress(@TempDir Path tmp) throws Exception {
        String manifest = SyncerTest.ARM64;
        java.util.concurrent.atomic.AtomicBoolean copied = new java.util.concurrent.atomic.AtomicBoolean();
        ProcessRunner slowCopy = command -> {
            String joined = String.join(" ", command.args());
            if (joined.contains("skopeo copy")) {
                copied.set(true);
                try {
                    Thread.sleep(2500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new ProcessRunner.Result(0, new byte[0], "");
            }
            if (joined.contains("docker://docker.io/library/app:1")) {
                return new ProcessRunner.Result(0, SyncerTest.INDEX.getBytes(StandardCharsets.UTF_8), "");
            }
            if (joined.contains("acr.io/ns/linux_arm64_app:1") && !copied.get()) {
                return new ProcessRunner.Result(1, new byte[0], "msg=\"manifest unknown\"");
            }
            return new ProcessRunner.Result(0, manifest.getBytes(StandardCharsets.UTF_8), "");
        };
        Skopeo skopeo = new Skopeo(slowCopy, null, Set.of(), true);
        Syncer syncer = new Syncer(null, skopeo, skopeo, SyncerTest.ONE_TRY, List.of(SyncerTest.ALIYUN),
                new Syncer.Options(false, false), SyncState.load(null, w -> { }), new PullBudget(null, 0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
        Console console = new Console(stream, stream, false, true);
        ImageSpec spec = ImageList.parseLine(1, "--platform=linux/arm64 app:1", Platforms.DEFAULT, "docker.io");

        List<ImageResult> results = new Batch(syncer, console, 1, Duration.ofMinutes(1), tmp, Duration.ofSeconds(1))
                .run(List.of(new Plan.Item(spec, spec.targetName())));

        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(Status.COPIED, results.get(0).targets().get(0).status(), text);
        assertTrue(text.contains("[1/1] app:1 (linux/arm64) started"), text);
        assertTrue(text.contains("[1/1] app:1 (linux/arm64) still running after 1"), "a heartbeat while the copy runs:\n" + text);
        assertTrue(text.contains("\033[32mcopied (new)\033[0m"), "the status in colour:\n" + text);
        assertTrue(text.contains("\r\033[K1/1 images · 1 copied, 0 skipped, 0 failed · "), "one live progress line:\n" + text);
        assertTrue(text.endsWith("\r\033[K"), "the progress line is cleared at the end");
        try (var left = Files.list(tmp)) {
            assertEquals(0, left.count(), "the image's temporary directory was removed");
        }
    }

    /**
     * Whatever fails around an image, before its sync even starts (here its log), fails that image with its message:
     * the batch ends, with a result for every image, instead of waiting for it forever; and its watchdog thread goes.
     */
    @Test
    void aFailureBeforeTheImageStartsFailsThatImageAndTheBatchEnds(@TempDir Path tmp) {
        FakeRunner none = new FakeRunner();
        Skopeo skopeo = new Skopeo(none, null, Set.of(), true);
        Syncer syncer = new Syncer(null, skopeo, skopeo, SyncerTest.ONE_TRY, List.of(SyncerTest.ALIYUN),
                new Syncer.Options(false, false), SyncState.load(null, w -> { }), new PullBudget(null, 0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
        Console console = new Console(stream, stream, false);
        BatchLog broken = new BatchLog() {
            @Override
            public ImageLog image(int index, int total, ImageSpec spec) {
                BatchLog.ImageLog real = console.image(index, total, spec);
                return new BatchLog.ImageLog() {
                    @Override
                    public void started() {
                        throw new IllegalStateException("the log broke");
                    }

                    @Override
                    public void stillRunning(String elapsed) {
                        real.stillRunning(elapsed);
                    }

                    @Override
                    public void add(ImageResult image) {
                        real.add(image);
                    }

                    @Override
                    public void flush() {
                        real.flush();
                    }

                    @Override
                    public void warn(String line) {
                        real.warn(line);
                    }
                };
            }

            @Override
            public void progress(String line) {
            }

            @Override
            public void endProgress() {
            }

            @Override
            public void warn(String line) {
                console.warn(line);
            }
        };
        ImageSpec spec = ImageList.parseLine(1, "app:1", Platforms.DEFAULT, "docker.io");

        List<ImageResult> results = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> new Batch(syncer, broken, 1, Duration.ofMinutes(1), tmp,
                Duration.ofSeconds(30)).run(List.of(new Plan.Item(spec, spec.targetName()))));

        TargetResult failed = results.get(0).targets().get(0);
        assertEquals(Status.FAILED, failed.status());
        assertEquals(SyncError.Kind.INTERNAL, failed.kind());
        assertEquals("app:1: internal error: IllegalStateException: the log broke", failed.error());
        assertEquals(List.of(), none.commands, "the image itself never started");
        assertTrue(watchdogsGone(), "the watchdog thread was stopped");
    }

    /** Whether every batch's watchdog thread has ended, within a second. */
    private static boolean watchdogsGone() {
        for (int i = 0; i < 50; i++) {
            if (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("image-watchdog"))) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
