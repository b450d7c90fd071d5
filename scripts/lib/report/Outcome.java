package lib.report;

import lib.list.Shard;
import lib.sync.ImageResult;
import lib.sync.SyncState;
import lib.sync.TargetResult;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The end of a run, whichever way it ends (done, or cancelled by a signal): the state saved, the report, the
 * summary table and the step summary written, once. Also keeps the seconds each phase took, for the report.
 */
public final class Outcome {
    private final Console console;
    private final Shard shard;
    private final String stepSummary;
    private final Path report;
    private final boolean saveState;
    private final int failingDays;
    private final long started;
    private final Map<String, Double> phases = new LinkedHashMap<>();
    private long phaseStart;
    private int exit;
    private Report written;

    /**
     * {@code shard}: the part of the plan this run syncs (null: all of it); {@code saveState} false: a dry run, which
     * learns nothing worth remembering; {@code failingDays}: how long a failure lasts before it is chronic (SYNC_FAILING_DAYS).
     */
    public Outcome(Console console, Shard shard, String stepSummary, Path report, boolean saveState, int failingDays, long started) {
        this.console = console;
        this.shard = shard;
        this.stepSummary = stepSummary;
        this.report = report;
        this.saveState = saveState;
        this.failingDays = failingDays;
        this.started = started;
        phase("plan");
    }

    /** Ends the current phase under {@code name}. */
    public synchronized void phase(String name) {
        long now = System.nanoTime();
        phases.put(name, seconds((phases.isEmpty() ? started : phaseStart), now));
        phaseStart = now;
    }

    /** What the run cost, as numbers: requests the registry client sent, processes started, quotas announced. */
    public record Costs(Map<String, Map<String, Long>> requests, Map<String, Long> processes, Map<String, Report.Quota> quotas) {}

    public void logQuotas(Map<String, Report.Quota> quotas, int reserve) {
        quotas.forEach((registry, q) -> console.info("pull quota at " + registry + ": " + q.remainingAtStart() + " of " + q.limit()
                + " left (keeping " + reserve + " in reserve)"));
    }

    /**
     * Writes everything once and returns the report; {@link #exit} then says how the run ended: 1 when an image failed
     * or was cancelled (or the report could not be written), else 0.
     */
    public synchronized Report finish(List<ImageResult> results, SyncState state, Costs costs) {
        if (written != null) {
            return written;
        }
        phase("sync");
        List<ImageResult> images = shard == null ? results : results.stream().map(r -> r.inShard(shard.index())).toList();
        if (saveState) {
            images = state.remember(images, LocalDate.now(TargetResult.Failing.ZONE), failingDays);
            try {
                state.save();
            } catch (IOException | RuntimeException e) {
                console.warn("could not save the state file: " + e.getMessage() + " (the next run checks every source in full)");
            }
        }
        phases.put("total", seconds(started, System.nanoTime()));
        Report result = Report.of(images).withStats(new Report.Stats(costs.requests(), costs.processes(), phases, costs.quotas()));
        Summary.print(console, result);
        costs.quotas().forEach((registry, q) -> console.info("pull quota at " + registry + ": " + q.remainingAtStart() + " of " + q.limit()
                + " left at the start, " + q.remainingAtEnd() + " at the end"));
        console.stepSummary(stepSummary, Summary.markdown(result));
        exit = result.summary().failed() + result.summary().cancelled() > 0 ? 1 : 0;
        if (report != null) {
            try {
                result.write(report);
                console.info("report written to " + report);
            } catch (IOException e) {
                console.error("could not write the report to " + report + ": " + e.getMessage());
                exit = 1;
            }
        }
        written = result;
        return result;
    }

    public synchronized int exit() {
        return exit;
    }

    private static double seconds(long from, long to) {
        return Math.round((to - from) / 1e7) / 100.0;
    }
}
