///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.re2j:re2j:1.8
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//SOURCES lib/core/package-info.java
//SOURCES lib/list/ImageSpec.java
//SOURCES lib/list/Plan.java
//SOURCES lib/list/SemVer.java
//SOURCES lib/list/TagPolicy.java
//SOURCES lib/list/VersionRange.java
//SOURCES lib/sync/BatchLog.java
//SOURCES lib/sync/ImageResult.java
//SOURCES lib/sync/Status.java
//SOURCES lib/sync/TargetResult.java
//SOURCES lib/sync/Written.java
//SOURCES lib/report/Console.java
//SOURCES lib/report/Merge.java
//SOURCES lib/report/Report.java
//SOURCES lib/report/Summary.java

import lib.core.Commands;
import lib.core.Env;
import lib.core.ErrorLine;
import lib.core.UsageError;
import lib.report.Merge;
import lib.report.Report;
import lib.report.Summary;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Reads sync reports (sync.java --report): merges the reports of a run split into shards, and prints the step summary of any report. */
@Command(name = "report", mixinStandardHelpOptions = true, version = "image-sync report 0.1.0",
        description = "Merges the reports of a sharded sync into one, and prints a report's step summary.",
        subcommands = {report.MergeCommand.class, report.SummaryCommand.class})
class report implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(Env.arguments(args)));
    }

    static CommandLine commandLine() {
        return Commands.of(new report(), System.getenv());
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: merge or summary");
    }

    static Report read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageError(file + ": no such file");
        }
        try {
            Report report = Report.read(file);
            if (report == null) {
                throw new UsageError(file + " is not a sync report (it is empty, or null)");
            }
            return report.checked();
        } catch (IllegalArgumentException e) {
            throw new UsageError(file + " is not a sync report: " + e.getMessage());
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new UsageError(file + " is not a readable sync report: " + message);
        }
    }

    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Merges the reports of the shards of one run (sync.java --shard I/N --report …) into one report of the same format: "
                    + "images in list order, each with its shard, the summary counted over all, stats combined.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:merged", "1:merged, but fewer reports than --shards (a shard left none)", "2:bad usage or an unreadable report; nothing written"})
    static final class MergeCommand implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the merged report goes.")
        Path out;

        @Option(names = "--shards", paramLabel = "N", description = "How many reports there should be: fewer is exit 1 (the merge is still written).")
        Integer shards;

        @Parameters(paramLabel = "REPORT", arity = "1..*", description = "The shards' reports.")
        List<Path> reports;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            List<Report> read = reports.stream().map(report::read).toList();
            Report merged;
            try {
                merged = Merge.of(read, reports.stream().map(Path::toString).toList());
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
            merged.write(out);
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.println("report: merged " + reports.size() + " report(s), " + merged.images().size() + " image(s): "
                    + Summary.counts(merged.summary()) + " → " + out);
            stdout.flush();
            if (shards != null && reports.size() < shards) {
                spec.commandLine().getErr().println(ErrorLine.error("expected " + shards + " shard reports, got " + reports.size()
                        + ": a shard ended without writing one (see its context), so its images are missing here", ErrorLine.github(System.getenv())));
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "summary", mixinStandardHelpOptions = true,
            description = "Prints the Markdown step summary of a report: the table sync.java writes to $GITHUB_STEP_SUMMARY.")
    static final class SummaryCommand implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A sync report.")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.print(Summary.markdown(read(file)));
            stdout.flush();
            return 0;
        }
    }
}
