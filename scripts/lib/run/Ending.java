package lib.run;

import lib.core.Log;
import lib.core.Target;
import lib.list.ImageSpec;
import lib.list.Plan;
import lib.report.Outcome;
import lib.report.Report;
import lib.settings.Auth;
import lib.sync.Batch;
import lib.sync.ImageResult;
import lib.sync.SyncState;
import lib.sync.Syncer;
import lib.sync.TagExpansion;
import lib.sync.TargetResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How a sync ends, whichever way it ends: what the run knows so far (the images planned, the tag-policy lines not
 * listed yet, the lines that failed before their tags were chosen, the batch once it runs), and, once, the report,
 * the summaries and the state written from it. A SIGINT or SIGTERM at any moment ends here too, from a shutdown
 * hook: every image not done is recorded as cancelled, the batch's processes are stopped, and the run's private
 * directory (its credentials) is removed; the JVM then exits 130 or 143.
 */
final class Ending {
    private static final Outcome.Costs NOTHING_YET = new Outcome.Costs(Map.of(), Map.of(), Map.of());

    private final Outcome outcome;
    private final List<Target> targets;
    private final Log log;
    private List<Plan.Item> planned = List.of();
    private List<ImageSpec> unlisted = List.of();
    private List<ImageResult> failed = List.of();
    private Batch batch;
    private SyncState state;
    private Supplier<Outcome.Costs> costs = () -> NOTHING_YET;
    private Path privateDir;

    Ending(Outcome outcome, List<Target> targets, Log log) {
        this.outcome = outcome;
        this.targets = targets;
        this.log = log;
    }

    /** The images the list names, and the tag-policy lines whose tags are still to be listed. */
    synchronized void planned(List<Plan.Item> items, List<ImageSpec> policyLines) {
        planned = items;
        unlisted = policyLines;
    }

    /** The tags are chosen: the images to sync, and the lines that failed before that. */
    synchronized void expanded(List<Plan.Item> items, List<ImageResult> failedLines) {
        planned = items;
        unlisted = List.of();
        failed = failedLines;
    }

    synchronized void privateDir(Path dir) {
        privateDir = dir;
    }

    synchronized void working(SyncState runState, Supplier<Outcome.Costs> runCosts) {
        state = runState;
        costs = runCosts;
    }

    synchronized void running(Batch running) {
        batch = running;
    }

    /** The run is done: its report. */
    synchronized Report finish(List<ImageResult> results) {
        return outcome.finish(concat(failed, results), state, costs.get());
    }

    /** From the shutdown hook: whatever is not done is cancelled, and everything is written as for a finished run. */
    void interrupted() {
        Batch running;
        synchronized (this) {
            running = batch;
        }
        // Outside the lock: cancelling waits for the images' threads, which may be recording their results here.
        if (running != null) {
            running.cancel();
        }
        synchronized (this) {
            List<ImageResult> results = new ArrayList<>(running == null ? List.of() : running.results());
            if (results.isEmpty()) {
                planned.forEach(item -> results.add(Syncer.atEvery(targets, item, TargetResult.At::cancelled)));
                unlisted.forEach(line -> results.add(TagExpansion.line(line, targets, TargetResult.At::cancelled)));
            }
            finish(results);
            if (privateDir != null) {
                Auth.deletePrivateDir(privateDir, log);
            }
        }
    }

    private static List<ImageResult> concat(List<ImageResult> first, List<ImageResult> then) {
        List<ImageResult> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }
}
