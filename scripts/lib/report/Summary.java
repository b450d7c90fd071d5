package lib.report;

import lib.core.Target;
import lib.list.ImageSpec;
import lib.list.Plan;
import lib.sync.ImageResult;
import lib.sync.Status;
import lib.sync.TargetResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tables people read: the plan, the end-of-run summary with its pull commands and failures, and the same as
 * Markdown for GitHub's step summary. Rendered from the plan or the report alone, columns as wide as their text.
 */
public final class Summary {
    private Summary() {}

    public static String counts(Report.Summary s) {
        return s.copied() + " copied, " + s.skipped() + " skipped, " + s.failed() + " failed"
                + (s.wouldCopy() > 0 ? ", " + s.wouldCopy() + " would-copy" : "")
                + (s.deferred() > 0 ? ", " + s.deferred() + " deferred (pull reserve reached: they are synced on a later run)" : "")
                + (s.cancelled() > 0 ? ", " + s.cancelled() + " cancelled (the run was interrupted)" : "");
    }

    /**
     * --plan's table: every image and where it would go (without targets, where it would go in any namespace);
     * a tag-policy line as written, since only an online run lists the tags it selects.
     */
    public static void plan(Console console, List<Plan.Item> items, List<ImageSpec> policies, List<Target> targets) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("LINE", "SOURCE", "PLATFORM", "TARGET"));
        for (Plan.Item item : items) {
            ImageSpec spec = item.spec();
            for (String destination : destinations(spec, targets)) {
                rows.add(List.of(line(spec), spec.source().display(), spec.platform().toString(), "→ " + destination));
            }
        }
        for (ImageSpec spec : policies) {
            for (String destination : destinations(spec.withTag("TAG"), targets)) {
                rows.add(List.of(line(spec), spec.policy().describe() + " " + spec.source().display(), spec.platform().toString(),
                        "→ " + destination + " for each tag it selects (listed when the run starts)"));
            }
        }
        table(rows, "").forEach(console::info);
        console.info(items.size() + " image(s)" + (policies.isEmpty() ? "" : " and " + policies.size() + " tag-policy line(s)") + (targets.isEmpty()
                ? "; no target configured yet (set the ALIYUN_* or GHCR_* variables to see full target names)" : ""));
    }

    /** Where an image lands at each target, by the target's naming; without targets, in any namespace. */
    private static List<String> destinations(ImageSpec spec, List<Target> targets) {
        return targets.isEmpty() ? List.of("<registry>/<namespace>/" + spec.targetName())
                : targets.stream().map(t -> t.id() + " " + t.reference(spec.targetName(t.naming())).display()).toList();
    }

    private static String line(ImageSpec spec) {
        return spec.line() == null ? "-" : spec.line().toString();
    }

    public static void print(Console console, Report report) {
        console.info("");
        console.info("Summary: " + counts(report.summary()));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("STATUS", "REASON", "SOURCE", "PLATFORM", "TARGET"));
        List<String> failures = new ArrayList<>();
        for (ImageResult image : report.images()) {
            for (TargetResult t : image.targets()) {
                rows.add(List.of(t.status().label, t.reason() == null ? "-" : t.reason(), label(image.source()), image.platform(), t.target() + " " + t.image()));
                if (t.status() == Status.FAILED) {
                    failures.add("  " + label(image.source()) + " (" + image.platform() + ") → " + t.target() + ": " + t.error()
                            + (t.failedBefore() ? " [" + t.failing().describe() + "]" : ""));
                }
            }
        }
        table(rows, "  ").forEach(console::info);
        List<String> pulls = pullCommands(report);
        if (!pulls.isEmpty()) {
            console.info("");
            console.info("Pull commands:");
            pulls.forEach(p -> console.info("  " + p));
        }
        if (!failures.isEmpty()) {
            console.info("");
            console.info("Failures:");
            failures.forEach(console::info);
        }
    }

    /**
     * GitHub refuses a step summary over 1 MiB ("supports content up to a size of 1024k"); a summary stays under this
     * many bytes (UTF-8), whatever the size of the run.
     */
    public static final int MAX_BYTES = 1_000_000;
    static final String TABLE_HEAD = "| Source | Platform | Target | Status | Pull command |\n|---|---|---|---|---|\n";

    /**
     * GitHub's step summary, from the report alone: what sync.java writes at the end of a run, and report.java for any
     * report. Every row when they fit in {@link #MAX_BYTES}; else {@link #compact}.
     */
    public static String markdown(Report report) {
        return markdown(report, MAX_BYTES);
    }

    static String markdown(Report report, int maxBytes) {
        StringBuilder md = new StringBuilder(heading(report)).append(TABLE_HEAD);
        for (ImageResult image : report.images()) {
            for (TargetResult t : image.targets()) {
                md.append(row(image, t));
            }
        }
        String full = md.append(quotas(report)).append('\n').toString();
        return bytes(full) < maxBytes ? full : compact(report, maxBytes);
    }

    /**
     * A summary too big for GitHub: failures (new ones first), then the other changes (copied, deferred, ...) row by
     * row, then the unchanged rows counted per target and listed as far as they fit, and a line saying how many rows
     * were left out and where the full table is. Failures and changes are cut only when they alone would not fit.
     */
    static String compact(Report report, int maxBytes) {
        List<String> failures = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        Map<String, Integer> unchangedAt = new TreeMap<>();
        for (ImageResult image : report.images()) {
            for (TargetResult t : image.targets()) {
                if (t.status() == Status.SKIPPED) {
                    unchanged.add(row(image, t));
                    unchangedAt.merge(t.target(), 1, Integer::sum);
                } else if (t.failedBefore()) {
                    failing.add(row(image, t));
                } else {
                    (t.status() == Status.FAILED ? failures : changes).add(row(image, t));
                }
            }
        }
        failures.addAll(failing);
        int rows = failures.size() + changes.size() + unchanged.size();
        StringBuilder counted = new StringBuilder("\n#### Unchanged (skipped: the target already had them)\n\n| Target | Images |\n|---|---|\n");
        unchangedAt.forEach((target, n) -> counted.append("| ").append(target).append(" | ").append(n).append(" |\n"));
        String tail = quotas(report) + '\n';
        // The fixed parts, with the longest "left out" line there could be: what is left is for rows.
        int budget = maxBytes - 1 - bytes(heading(report)) - 2 * bytes(TABLE_HEAD) - bytes(counted.toString()) - bytes(tail)
                - bytes(leftOut(rows, rows));
        List<String> shown = new ArrayList<>();
        for (List<String> part : List.of(failures, changes, unchanged)) {
            List<String> fitting = new ArrayList<>();
            for (String row : part) {
                if (bytes(row) > budget) {
                    break;
                }
                budget -= bytes(row);
                fitting.add(row);
            }
            shown.add(String.join("", fitting));
            rows -= fitting.size();
            if (fitting.size() < part.size()) {
                budget = 0;
            }
        }
        StringBuilder md = new StringBuilder(heading(report));
        if (!failures.isEmpty() || !changes.isEmpty()) {
            md.append(TABLE_HEAD).append(shown.get(0)).append(shown.get(1));
        }
        md.append(counted);
        if (!shown.get(2).isEmpty()) {
            md.append('\n').append(TABLE_HEAD).append(shown.get(2));
        }
        return md.append(rows == 0 ? "" : leftOut(rows, failures.size() + changes.size() + unchanged.size())).append(tail).toString();
    }

    private static String leftOut(int left, int rows) {
        return "\n" + left + " of " + rows + " row(s) left out to keep this summary under GitHub's size limit: the full table is in the report, "
                + "the run's `sync-report` artifact (sync-report.json).\n";
    }

    /**
     * The counts, and when some failures are not new, how many failed before this run (and how many of those for
     * longer than SYNC_FAILING_DAYS), so they are told apart from the new ones.
     */
    private static String heading(Report report) {
        List<TargetResult> failed = report.images().stream().flatMap(i -> i.targets().stream()).filter(t -> t.status() == Status.FAILED).toList();
        long repeated = failed.stream().filter(TargetResult::failedBefore).count();
        long chronic = failed.stream().filter(t -> t.failedBefore() && t.failing().chronic()).count();
        return "### Image sync: " + counts(report.summary()) + "\n\n" + (repeated == 0 ? "" : (failed.size() - repeated) + " new failure(s); "
                + repeated + " failing since an earlier run"
                + (chronic == 0 ? "" : ", " + chronic + " of them for SYNC_FAILING_DAYS days or more: fix or remove those lines") + ".\n\n");
    }

    private static String row(ImageResult image, TargetResult t) {
        return "| `" + image.source() + "` | " + image.platform() + " | `" + t.image() + "` | " + t.status().label
                + (t.reason() == null ? "" : " (" + t.reason() + ")") + (t.failedBefore() ? ", " + t.failing().describe() : "")
                + (t.error() == null ? "" : ": " + t.error().replace("|", "\\|"))
                + " | " + (pullable(t) ? "`docker pull " + t.image() + "`" : "") + " |\n";
    }

    private static String quotas(Report report) {
        StringBuilder md = new StringBuilder();
        if (report.stats() != null && report.stats().rateLimits() != null) {
            report.stats().rateLimits().forEach((registry, q) -> md.append("\nPull quota at `").append(registry).append("`: ")
                    .append(q.remainingAtStart()).append(" of ").append(q.limit()).append(" left at the start, ")
                    .append(q.remainingAtEnd()).append(" at the end.\n"));
        }
        return md.toString();
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    static List<String> pullCommands(Report report) {
        return report.images().stream().flatMap(i -> i.targets().stream()).filter(Summary::pullable)
                .map(t -> "docker pull " + t.image()).toList();
    }

    private static boolean pullable(TargetResult t) {
        return t.status() == Status.COPIED || t.status() == Status.SKIPPED;
    }

    /** A source as people name it: Docker Hub's official images without "docker.io/library/", others without "docker.io/". */
    static String label(String source) {
        return source.startsWith("docker.io/library/") ? source.substring("docker.io/library/".length())
                : source.startsWith("docker.io/") ? source.substring("docker.io/".length()) : source;
    }

    /** Rows as aligned lines: every column but the last padded to its widest cell. */
    static List<String> table(List<List<String>> rows, String indent) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        rows.forEach(r -> {
            for (int c = 0; c < columns - 1; c++) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        });
        List<String> out = new ArrayList<>();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int c = 0; c < columns; c++) {
                line.append(c < columns - 1 ? String.format(Locale.ROOT, "%-" + (width[c] + 2) + "s", r.get(c)) : r.get(c));
            }
            out.add(line.toString().stripTrailing());
        }
        return out;
    }
}
