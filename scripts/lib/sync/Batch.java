package lib.sync;

import lib.core.Context;
import lib.core.Deadline;
import lib.core.SyncError;
import lib.engine.ProcessRunner;
import lib.list.Plan;

import org.apache.commons.io.file.PathUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * The batch loop: images in parallel (--jobs), each in isolation. Whatever happens inside one image (any
 * exception or error, a tool that vanished, no temporary space, its --image-timeout running out) ends that
 * image as failed with one line saying why, and every other image is still processed. A cancelled run
 * (SIGINT/SIGTERM) marks every image it did not finish as cancelled, so a report can still be written.
 */
public final class Batch {
    /** How long past its deadline an image may take to stop by itself before it is abandoned. */
    static final Duration GRACE = Duration.ofSeconds(30);
    /** How often a long image says it is still at work: a multi-GB copy is minutes of silence otherwise. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(30);

    private final Syncer syncer;
    private final BatchLog log;
    private final int jobs;
    private final Duration imageTimeout;
    private final Path tmpRoot;
    private final Duration heartbeat;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemons("image-watchdog"));
    private volatile ExecutorService pool;
    private volatile boolean cancelled;
    private List<Plan.Item> items = List.of();
    private AtomicReferenceArray<ImageResult> slots = new AtomicReferenceArray<>(0);
    private final List<BatchLog.ImageLog> logs = new ArrayList<>();
    private CountDownLatch done = new CountDownLatch(0);
    private final java.util.Map<Status, Integer> counts = new java.util.EnumMap<>(Status.class);
    private long started = System.nanoTime();

    public Batch(Syncer syncer, BatchLog log, int jobs, Duration imageTimeout, Path tmpRoot, Duration heartbeat) {
        this.syncer = syncer;
        this.log = log;
        this.jobs = jobs;
        this.imageTimeout = imageTimeout;
        this.tmpRoot = tmpRoot;
        this.heartbeat = heartbeat;
    }

    /** Syncs every item; the results are in the items' order, one per item, whatever happened. */
    public synchronized List<ImageResult> run(List<Plan.Item> items) throws InterruptedException {
        this.items = items;
        slots = new AtomicReferenceArray<>(items.size());
        done = new CountDownLatch(items.size());
        started = System.nanoTime();
        for (int i = 0; i < items.size(); i++) {
            logs.add(log.image(i + 1, items.size(), items.get(i).spec()));
        }
        pool = Executors.newFixedThreadPool(Math.max(1, Math.min(jobs, items.size())), daemons("image"));
        try {
            for (int i = 0; i < items.size(); i++) {
                int index = i;
                pool.submit(() -> work(index));
            }
            done.await();
        } finally {
            pool.shutdown();
            watchdog.shutdownNow();
            log.endProgress();
        }
        return results();
    }

    private void work(int index) {
        if (cancelled) {
            return;
        }
        Plan.Item item = items.get(index);
        Thread self = Thread.currentThread();
        long start = System.nanoTime();
        ScheduledFuture<?> stop = null;
        ScheduledFuture<?> beat = null;
        try {
            logs.get(index).started();
            stop = watchdog.schedule(() -> {
                if (fill(index, failed(item, SyncError.Kind.GAVE_UP, Deadline.format(imageTimeout)
                        + " (--image-timeout) passed and the image did not stop by itself: abandoned"))) {
                    self.interrupt();
                }
            }, imageTimeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
            beat = watchdog.scheduleAtFixedRate(
                    () -> logs.get(index).stillRunning(Deadline.format(Duration.ofNanos(System.nanoTime() - start))),
                    heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            fill(index, one(item, logs.get(index)));
        } catch (Throwable e) {
            // Whatever fails around the image (its log, the watchdog) fails that image: the batch must not wait for it forever.
            fill(index, failed(item, SyncError.Kind.INTERNAL, "internal error: " + describe(e)));
        } finally {
            if (stop != null) {
                stop.cancel(false);
            }
            if (beat != null) {
                beat.cancel(false);
            }
        }
    }

    private ImageResult one(Plan.Item item, BatchLog.ImageLog log) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory(tmpRoot, "image-");
        } catch (IOException | RuntimeException e) {
            return failed(item, SyncError.Kind.INTERNAL, "cannot create a temporary directory under " + tmpRoot + ": " + describe(e)
                    + " (is the disk full? set TMPDIR to a directory with free space)");
        }
        try {
            return syncer.sync(item, new Context(Deadline.after(imageTimeout), tmp, log));
        } catch (ProcessRunner.NotFound e) {
            return failed(item, SyncError.Kind.PERMANENT, e.getMessage());
        } catch (Throwable e) {
            // One image's bug or exhausted resource must not take the batch, its report or its state with it.
            return failed(item, SyncError.Kind.INTERNAL, "internal error: " + describe(e));
        } finally {
            try {
                PathUtils.deleteDirectory(tmp);
            } catch (IOException | RuntimeException e) {
                log.warn("could not remove temporary files in " + tmp + ": " + describe(e));
            }
        }
    }

    /** Records an image's result once (the first of worker, watchdog and cancel wins) and prints its lines. */
    private boolean fill(int index, ImageResult result) {
        if (!slots.compareAndSet(index, null, result)) {
            return false;
        }
        try {
            logs.get(index).add(result);
            logs.get(index).flush();
            synchronized (counts) {
                result.targets().forEach(t -> counts.merge(t.status(), 1, Integer::sum));
                int finished = slots.length() - (int) done.getCount() + 1;
                log.progress(progress(finished));
            }
        } finally {
            done.countDown();
        }
        return true;
    }

    /**
     * From a shutdown hook: every image not finished yet is recorded as cancelled first, then the running ones
     * are interrupted, which stops their processes; the hook waits a little for that, so none outlives the run.
     */
    public void cancel() {
        cancelled = true;
        for (int i = 0; i < slots.length(); i++) {
            fill(i, Syncer.atEvery(syncer.targets(), items.get(i), TargetResult.At::cancelled));
        }
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The results so far; after {@link #cancel()} or {@link #run}, one per item. */
    public List<ImageResult> results() {
        List<ImageResult> out = new ArrayList<>();
        for (int i = 0; i < slots.length(); i++) {
            out.add(slots.get(i));
        }
        return out;
    }

    private ImageResult failed(Plan.Item item, SyncError.Kind kind, String error) {
        return Syncer.atEvery(syncer.targets(), item, at -> at.failed(kind, item.spec().label() + ": " + error, null));
    }

    /** "12/40 images · 3 copied, 8 skipped, 1 failed · 1m05s, about 2m20s left" */
    private String progress(int finished) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        Duration left = elapsed.multipliedBy(slots.length() - finished).dividedBy(Math.max(finished, 1));
        return finished + "/" + slots.length() + " images · " + counts.getOrDefault(Status.COPIED, 0) + " copied, "
                + counts.getOrDefault(Status.SKIPPED, 0) + " skipped, " + counts.getOrDefault(Status.FAILED, 0) + " failed · "
                + Deadline.format(elapsed) + (finished < slots.length() ? ", about " + Deadline.format(left) + " left" : "");
    }

    static String describe(Throwable e) {
        String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
