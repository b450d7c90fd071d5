import java.util.List;
import java.util.Locale;

/** The end-of-run table, the pull commands, and the same as Markdown for GitHub's step summary. */
public final class Summary {
    private Summary() {}

    public static String counts(Report.Summary s) {
        return s.copied() + " copied, " + s.skipped() + " skipped, " + s.failed() + " failed"
                + (s.wouldCopy() > 0 ? ", " + s.wouldCopy() + " would-copy" : "")
                + (s.deferred() > 0 ? ", " + s.deferred() + " deferred (pull reserve reached: they are synced on a later run)" : "");
    }

    public static void print(Console console, List<Plan.Item> items, Report report) {
        console.info("");
        console.info("Summary: " + counts(report.summary()));
        console.info(String.format(Locale.ROOT, "  %-11s %-9s %-40s %-14s %s", "STATUS", "REASON", "SOURCE", "PLATFORM", "TARGET"));
        forEach(items, report, (item, t) -> console.info(String.format(Locale.ROOT, "  %-11s %-9s %-40s %-14s %s %s",
                t.status(), t.reason() == null ? "-" : t.reason(), Console.label(item.spec()), item.spec().platform(), t.target(), t.image())));
        List<String> pulls = pullCommands(report);
        if (!pulls.isEmpty()) {
            console.info("");
            console.info("Pull commands:");
            pulls.forEach(p -> console.info("  " + p));
        }
    }

    public static String markdown(List<Plan.Item> items, Report report) {
        StringBuilder md = new StringBuilder("### Image sync: ").append(counts(report.summary())).append("\n\n")
                .append("| Source | Platform | Target | Status | Pull command |\n|---|---|---|---|---|\n");
        forEach(items, report, (item, t) -> md.append("| `").append(item.spec().source().display()).append("` | ")
                .append(item.spec().platform()).append(" | `").append(t.image()).append("` | ")
                .append(t.status()).append(t.reason() == null ? "" : " (" + t.reason() + ")")
                .append(t.error() == null ? "" : ": " + t.error().replace("|", "\\|"))
                .append(" | ").append(pullable(t) ? "`docker pull " + t.image() + "`" : "").append(" |\n"));
        if (report.stats() != null) {
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
        return t.status().equals(Report.COPIED) || t.status().equals(Report.SKIPPED);
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
