///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.re2j:re2j:1.8
//DEPS org.zeroturnaround:zt-exec:1.12
//DEPS org.slf4j:slf4j-nop:1.7.36
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//DEPS commons-io:commons-io:2.18.0
//DEPS org.snakeyaml:snakeyaml-engine:3.2
//SOURCES lib/core/package-info.java
//SOURCES lib/list/package-info.java
//SOURCES lib/registry/package-info.java
//SOURCES lib/engine/package-info.java
//SOURCES lib/settings/package-info.java
//SOURCES lib/sync/package-info.java
//SOURCES lib/report/package-info.java
//SOURCES lib/doctor/package-info.java
//SOURCES lib/run/package-info.java
//SOURCES lib/issue/package-info.java

import lib.core.Commands;
import lib.core.Env;
import lib.core.ErrorLine;
import lib.core.Retry;
import lib.core.UsageError;
import lib.engine.ProcessRunner;
import lib.engine.ZtExecRunner;
import lib.issue.IssueSync;
import lib.report.Console;
import lib.run.SyncOptions;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "issue", mixinStandardHelpOptions = true, version = "image-sync issue 0.1.0",
        description = "Syncs the images a GitHub issue asks for and answers on the issue. Reads the issues or issue_comment event "
                + "at GITHUB_EVENT_PATH; takes the images (images.txt syntax) from the body, else from the title after an optional "
                + "[sync]; syncs them with sync.java's own code; then comments the pull commands, labels the issue synced or "
                + "sync-failed and closes it when every image is there (GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN). Only the "
                + "repository's owner, members and collaborators, and the logins in ISSUE_SYNC_USERS, may sync; anyone else gets a "
                + "polite answer. ISSUE_SYNC_MAX: images per issue (default " + IssueSync.DEFAULT_MAX + "). ISSUE_SYNC_REMEMBER=true: "
                + "append the new lines to the image list.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image is there (or the request was refused politely)", "1:at least one image failed, or the answer could not be posted",
                "2:a bad request (bad lines, too many images), bad settings or a failed login: nothing was copied"})
public class issue implements Callable<Integer> {
    /** Options this command sets for the sync itself. */
    private static final List<String> RESERVED = List.of("-f", "--images", "--report", "--platform", "--to", "--name", "--plan", "--max-tags");

    @Option(names = {"-f", "--images"}, paramLabel = "FILE", defaultValue = "images.txt",
            description = "The image list ISSUE_SYNC_REMEMBER=true appends to (default: ${DEFAULT-VALUE}).")
    Path imagesFile;

    @Option(names = "--report", paramLabel = "FILE", description = "Also keep the sync's JSON report in FILE.")
    Path report;

    @Parameters(paramLabel = "SYNC_OPTION", arity = "0..*",
            description = "After --: options for the sync, as sync.java takes them, written --option=value (e.g. -- --jobs=2 --state=FILE).")
    List<String> syncOptions = new ArrayList<>();

    Map<String, String> env = System.getenv();
    ProcessRunner runner = new ZtExecRunner();
    Retry retry = Retry.standard();
    PrintStream out = System.out;
    PrintStream err = System.err;

    public static void main(String[] args) {
        System.exit(commandLine(new issue()).execute(Env.arguments(args)));
    }

    static CommandLine commandLine(issue command) {
        return Commands.of(command, command.env);
    }

    @Override
    public Integer call() throws Exception {
        for (String option : syncOptions) {
            String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
            if (!option.startsWith("--") || !option.contains("=") || RESERVED.contains(name)) {
                throw new UsageError("sync option '" + option + "': write sync's options as --option=value after --; "
                        + String.join(", ", RESERVED) + " are set by this command");
            }
        }
        Console console = new Console(out, err, ErrorLine.github(env));
        return new IssueSync(env, runner, retry, console, SyncOptions.parse(syncOptions, env), imagesFile, report).run();
    }
}
