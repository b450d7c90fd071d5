import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The tables people read: the plan, the end-of-run summary with its pull commands, and the same as Markdown for GitHub's step summary. */
public final class Summary {
    private Summary() {}

    public static String counts(Report.Summary s) {
        return s.copied() + " copied, " + s.skipped() + " skipped, " + s.failed() + " failed"
                + (s.wouldCopy() > 0 ? ", " + s.wouldCopy() + " would-copy" : "")
                + (s.deferred() > 0 ? ", " + s.deferred() + " deferred (pull reserve reached: they are synced on a later run)" : "")
                + (s.cancelled() > 0 ? ", " + s.cancelled() + " cancelled (the run was interrupted)" : "");
    }

    /** --plan's table: every image and where it would go; without targets, where it would go in any namespace. */
    public static void plan(Console console, List<Plan.Item> items, List<Target> targets) {
        console.info(String.format(Locale.ROOT, "%-6s %-48s %-14s %s", "LINE", "SOURCE", "PLATFORM", "TARGET"));
        for (Plan.Item item : items) {
            ImageSpec spec = item.spec();
            List<String> destinations = new ArrayList<>();
            if (targets.isEmpty()) {
                destinations.add("<registry>/<namespace>/" + item.name());
            }
            targets.forEach(t -> destinations.add(t.id() + " " + t.reference(item.name()).display()));
            for (String destination : destinations) {
                console.info(String.format(Locale.ROOT, "%-6s %-48s %-14s → %s", spec.line() == null ? "-" : spec.line(),
                        spec.source().display(), spec.platform(), destination));
            }
        }
        console.info(items.size() + " image(s)" + (targets.isEmpty()
                ? "; no target configured yet (set the ALIYUN_* or GHCR_* variables to see full target names)" : ""));
    }

    public static void print(Console console, List<Plan.Item> items, Report report) {
        console.info("");
        console.info("Summary: " + counts(report.summary()));
        console.info(String.format(Locale.ROOT, "  %-11s %-9s %-40s %-14s %s", "STATUS", "REASON", "SOURCE", "PLATFORM", "TARGET"));
        forEach(items, report, (item, t) -> console.info(String.format(Locale.ROOT, "  %-11s %-9s %-40s %-14s %s %s",
                t.status().label, t.reason() == null ? "-" : t.reason(), Console.label(item.spec()), item.spec().platform(), t.target(), t.image())));
        List<String> pulls = pullCommands(report);
        if (!pulls.isEmpty()) {
            console.info("");
            console.info("Pull commands:");
            pulls.forEach(p -> console.info("  " + p));
        }
    }

    /** GitHub's step summary, from the report alone: what sync.java writes at the end of a run, and report.java for any report. */
    public static String markdown(Report report) {
        StringBuilder md = new StringBuilder("### Image sync: ").append(counts(report.summary())).append("\n\n")
                .append("| Source | Platform | Target | Status | Pull command |\n|---|---|---|---|---|\n");
        report.images().forEach(image -> image.targets().forEach(t -> md.append("| `").append(image.source()).append("` | ")
                .append(image.platform()).append(" | `").append(t.image()).append("` | ")
                .append(t.status().label).append(t.reason() == null ? "" : " (" + t.reason() + ")")
                .append(t.error() == null ? "" : ": " + t.error().replace("|", "\\|"))
                .append(" | ").append(pullable(t) ? "`docker pull " + t.image() + "`" : "").append(" |\n")));
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

    private static boolean pullable(Report.TargetResult t) {
        return t.status() == Report.Status.COPIED || t.status() == Report.Status.SKIPPED;
    }

    private interface Row {
        void accept(Plan.Item item, Report.TargetResult target);
    }

    private static void forEach(List<Plan.Item> items, Report report, Row row) {
        for (int i = 0; i < items.size(); i++) {
            for (Report.TargetResult t : report.images().get(i).targets()) {
                row.accept(items.get(i), t);
            }
        }
    }
}
