///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//SOURCES lib/core/package-info.java
//SOURCES lib/registry/BoundedBody.java
//SOURCES lib/registry/Http.java
//SOURCES lib/registry/RateLimits.java
//SOURCES lib/issue/GitHubApi.java

import lib.core.Commands;
import lib.core.ErrorLine;
import lib.core.Retry;
import lib.core.SyncError;
import lib.core.UsageError;
import lib.issue.GitHubApi;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Command(name = "keepalive", mixinStandardHelpOptions = true, version = "image-sync keepalive 0.1.0",
        description = {"Keeps a scheduled workflow enabled: GitHub disables the scheduled workflows of a public repository after 60 days "
                + "without activity in it, and enabling the workflow through the REST API restarts that count.",
                "A failure is a warning: keepalive always exits 0, so it never fails the run."},
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  GITHUB_TOKEN\tthe workflow's token, with permissions: actions: write",
                "  GITHUB_REPOSITORY, GITHUB_WORKFLOW_REF, GITHUB_API_URL\tthe repository, the running workflow and the API (set by GitHub Actions)",
                "",
                "Example:",
                "  # what the daily workflow (01) runs on each scheduled run",
                "  ./jbang scripts/keepalive.java"})
public class keepalive implements Callable<Integer> {
    /** owner/repo/.github/workflows/FILE@ref: GitHub's name of the running workflow. */
    static final Pattern WORKFLOW_REF = Pattern.compile("[^/]+/[^/]+/\\.github/workflows/([^/@]+)@.*");

    @Option(names = "--workflow", paramLabel = "FILE", description = "The workflow file to keep enabled, e.g. sync-batch-daily.yml "
            + "(default: the running workflow's, from GITHUB_WORKFLOW_REF).")
    String workflow;

    Map<String, String> env = System.getenv();
    PrintStream out = System.out;
    Retry retry = Retry.standard();

    public static void main(String[] args) {
        System.exit(Commands.of(new keepalive(), System.getenv()).execute(args));
    }

    @Override
    public Integer call() {
        boolean github = ErrorLine.github(env);
        String file = workflow != null ? workflow : fromRef(env.get("GITHUB_WORKFLOW_REF"));
        if (file == null) {
            out.println(ErrorLine.warning("keepalive: cannot tell which workflow runs (GITHUB_WORKFLOW_REF is not set): give --workflow FILE", github));
            return 0;
        }
        try {
            GitHubApi.from(env, retry, line -> out.println(ErrorLine.warning(line, github))).enableWorkflow(file);
        } catch (SyncError | UsageError e) {
            out.println(ErrorLine.warning("keepalive: could not keep " + file + " enabled: " + e.getMessage()
                    + "; GitHub disables its schedule after 60 days without activity in a public repository (enable it again on the Actions tab)", github));
            return 0;
        }
        out.println("keepalive: " + file + " stays enabled (GitHub disables a public repository's scheduled workflows after 60 days without activity)");
        return 0;
    }

    /** The workflow file of {@code ref} (owner/repo/.github/workflows/FILE@ref); null when it names none. */
    static String fromRef(String ref) {
        Matcher m = WORKFLOW_REF.matcher(ref == null ? "" : ref);
        return m.matches() ? m.group(1) : null;
    }
}
