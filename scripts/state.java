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
//SOURCES lib/sync/ImageResult.java
//SOURCES lib/sync/Status.java
//SOURCES lib/sync/SyncState.java
//SOURCES lib/sync/TargetResult.java
//SOURCES lib/sync/Written.java

import lib.core.Commands;
import lib.core.Env;
import lib.core.ErrorLine;
import lib.sync.SyncState;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The batch workflow's finishing job: the shards' states merged into one whole state, which the next run restores
 * whatever its layout (one job or any number of shards), so no run ever starts from one shard's part.
 */
@Command(name = "state", mixinStandardHelpOptions = true, version = "image-sync state 0.1.0",
        description = "Merges the sync states the shards of one run saved (sync.java --shard I/N) into the whole state they all "
                + "started from (--into): what a shard changed (its images' digests, failures) wins, the rest stays.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:merged and written (an unreadable shard state is skipped with a warning)",
                "1:the merged state could not be written", "2:bad usage"})
public class state implements Callable<Integer> {
    @Option(names = "--into", required = true, paramLabel = "FILE",
            description = "The whole state the shards started from (missing: none); the merged state is written there.")
    Path into;

    @Parameters(paramLabel = "SHARD_STATE", arity = "0..*", description = "The shards' state files.")
    List<Path> shards = List.of();

    public static void main(String[] args) {
        System.exit(Commands.of(new state(), System.getenv()).execute(Env.arguments(args)));
    }

    @Override
    public Integer call() {
        boolean github = ErrorLine.github(System.getenv());
        try {
            int merged = SyncState.merge(into, shards, message -> System.err.println(ErrorLine.warning(message, github)));
            System.out.println("state: merged " + merged + " of " + shards.size() + " shard state(s) into " + into);
            return 0;
        } catch (IOException e) {
            System.err.println(ErrorLine.error("could not write the merged state to " + into + ": " + e.getMessage(), github));
            return 1;
        }
    }
}
