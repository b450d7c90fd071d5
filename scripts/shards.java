///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//SOURCES lib/core/package-info.java
//SOURCES lib/list/ImageList.java
//SOURCES lib/list/ImageSpec.java
//SOURCES lib/list/Inputs.java
//SOURCES lib/list/Plan.java
//SOURCES lib/list/SemVer.java
//SOURCES lib/list/Shard.java
//SOURCES lib/list/TagPolicy.java
//SOURCES lib/list/VersionRange.java

import lib.core.Env;
import lib.core.UsageError;
import lib.list.Inputs;
import lib.list.Plan;
import lib.list.Shard;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The batch workflow's plan job: how many shards (parallel jobs) the list gets, as GitHub step outputs. The list is
 * planned exactly as sync.java plans it, so the count is of the images the shards will really split.
 */
@Command(name = "shards", mixinStandardHelpOptions = true, version = "image-sync shards 0.1.0",
        description = "Prints shards=N and matrix=[1,…,N] (GitHub step outputs) for the list: SYNC_SHARDS=auto (the default) is one "
                + "shard per " + Shard.AUTO_SIZE + " images, at most " + Shard.AUTO_MAX + "; a number is taken as given, never more than there are images.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:printed", "2:a bad list or a bad SYNC_SHARDS"})
public class shards implements Callable<Integer> {
    @Option(names = {"-f", "--images"}, paramLabel = "FILE", defaultValue = "images.txt", description = "The image list (default: ${DEFAULT-VALUE}).")
    Path imagesFile;

    @Option(names = "--shards", paramLabel = "auto|N", defaultValue = "${env:SYNC_SHARDS}",
            description = "auto or a number (env SYNC_SHARDS; default auto).")
    String shards;

    public static void main(String[] args) {
        System.exit(commandLine(new shards()).execute(Env.arguments(args)));
    }

    static CommandLine commandLine(shards command) {
        return new CommandLine(command).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("shards: " + (e instanceof UsageError ? "" : "internal error: ") + e.getMessage());
            return e instanceof UsageError ? 2 : 1;
        });
    }

    @Override
    public Integer call() {
        CommandLine cli = new CommandLine(this);
        int images;
        int count;
        try {
            Inputs.Asked asked = Inputs.read(Inputs.of(List.of(), imagesFile, null, null, null), warning -> { });
            Plan.Result plan = Plan.of(imagesFile.toString(), asked.named(), List.of());
            List<String> problems = new java.util.ArrayList<>(asked.errors());
            problems.addAll(plan.errors());
            if (!problems.isEmpty()) {
                throw new UsageError(problems.size() + " problem(s) in " + imagesFile + ", the first: " + problems.get(0)
                        + " (sync.java --plan lists them all)");
            }
            // A tag-policy line counts as one image here: its tags are listed only when the shards run.
            images = plan.items().size() + asked.policies().size();
            count = Shard.count(shards, images);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        cli.getOut().println("shards=" + count);
        cli.getOut().println("matrix=" + IntStream.rangeClosed(1, count).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")));
        cli.getOut().flush();
        cli.getErr().println("shards: " + images + " image(s) in " + count + " shard(s) (SYNC_SHARDS="
                + (shards == null || shards.isBlank() ? "auto" : shards.strip()) + ")");
        return 0;
    }
}
