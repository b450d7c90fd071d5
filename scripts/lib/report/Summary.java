package lib.report;

import lib.core.Target;
import lib.list.ImageSpec;
import lib.list.Plan;
import lib.sync.ImageResult;
import lib.sync.Status;
import lib.sync.TargetResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
                    failures.add("  " + label(image.source()) + " (" + image.platform() + ") → " + t.target() + ": " + t.error());
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

    /** GitHub's step summary, from the report alone: what sync.java writes at the end of a run, and report.java for any report. */
    public static String markdown(Report report) {
        StringBuilder md = new StringBuilder("### Image sync: ").append(counts(report.summary())).append("\n\n")
                .append("| Source | Platform | Target | Status | Pull command |\n|---|---|---|---|---|\n");
        for (ImageResult image : report.images()) {
            for (TargetResult t : image.targets()) {
                md.append("| `").append(image.source()).append("` | ").append(image.platform()).append(" | `").append(t.image()).append("` | ")
                        .append(t.status().label).append(t.reason() == null ? "" : " (" + t.reason() + ")")
                        .append(t.error() == null ? "" : ": " + t.error().replace("|", "\\|"))
                        .append(" | ").append(pullable(t) ? "`docker pull " + t.image() + "`" : "").append(" |\n");
            }
        }
        if (report.stats() != null && report.stats().rateLimits() != null) {
            report.stats().rateLimits().forEach((registry, q) -> md.append("\nPull quota at `").append(registry).append("`: ")
                    .append(q.remainingAtStart()).append(" of ").append(q.limit()).append(" left at the start, ")
                    .append(q.remainingAtEnd()).append(" at the end.\n"));
        }
        return md.append('\n').toString();
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
