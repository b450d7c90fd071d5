///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//SOURCES lib/core/package-info.java
//SOURCES lib/list/ImageSpec.java
//SOURCES lib/list/SemVer.java
//SOURCES lib/list/TagPolicy.java
//SOURCES lib/list/VersionRange.java
//SOURCES lib/registry/BoundedBody.java
//SOURCES lib/registry/Http.java
//SOURCES lib/registry/RateLimits.java
//SOURCES lib/sync/ImageResult.java
//SOURCES lib/sync/Status.java
//SOURCES lib/sync/TargetResult.java
//SOURCES lib/report/Report.java
//SOURCES lib/report/Webhook.java

import lib.core.Env;
import lib.registry.Http;
import lib.report.Report;
import lib.report.Webhook;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "notify", mixinStandardHelpOptions = true, version = "image-sync notify 0.2.0",
        description = {"Posts the outcome of a sync run to WEBHOOK_URL: a card on Feishu/Lark, Markdown on DingTalk and WeCom, "
                + "blocks on Slack, plain JSON anywhere else. The message has every count, the copied images' pull addresses "
                + "and the failures with their reasons.",
                "A notification problem is a warning: notify still exits 0, so it never fails the run."},
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  WEBHOOK_URL        the robot's webhook address; not set: notifications off",
                "  WEBHOOK_SECRET     the signing secret of a Feishu/Lark or DingTalk robot",
                "  WEBHOOK_TYPE       feishu, dingtalk, wecom, slack or generic, when the URL's",
                "                     host does not tell",
                "  WEBHOOK_LANG       zh (the default) or en: the language of the message",
                "  GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID",
                "                     the repository and the run's link (set by GitHub Actions)",
                "  GITHUB_ACTIONS     true: warnings become annotations on the run",
                "  HTTPS_PROXY, HTTP_PROXY, NO_PROXY",
                "                     the proxy to reach the robot through, as for registries",
                "",
                "Examples:",
                "  # what the workflow runs as its last step",
                "  ./jbang scripts/notify.java --status success --report sync-report.json",
                "  # the same message in English",
                "  WEBHOOK_LANG=en ./jbang scripts/notify.java --status failure \\",
                "    --report sync-report.json",
                "  # try a signed DingTalk robot from a terminal (no report: it says so)",
                "  WEBHOOK_URL='https://oapi.dingtalk.com/robot/send?access_token=...' \\",
                "    WEBHOOK_SECRET='SEC...' ./jbang scripts/notify.java --status success",
                "  # plain JSON to your own endpoint",
                "  WEBHOOK_URL=https://example.com/hook WEBHOOK_TYPE=generic \\",
                "    ./jbang scripts/notify.java --status cancelled"})
public class notify implements Callable<Integer> {
    static final int USAGE = 2;
    static final List<String> STATUSES = List.of("success", "failure", "cancelled");
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

    @Spec
    CommandSpec spec;

    String status;

    /** Checked while parsing, so a wrong value is a usage error (exit 2), not a message about an unknown outcome. */
    @Option(names = "--status", required = true, paramLabel = "STATUS", description = "success, failure or cancelled: the job's status.")
    void status(String value) {
        if (!STATUSES.contains(value)) {
            throw new ParameterException(spec.commandLine(), "--status must be success, failure or cancelled, not '" + value + "'");
        }
        status = value;
    }

    @Option(names = "--report", paramLabel = "FILE", description = "The sync's report (sync --report). When it is missing, "
            + "the message says that the sync produced no report.")
    Path report;

    Map<String, String> env = System.getenv();
    PrintStream out = System.out;
    PrintStream err = System.err;

    public static void main(String[] args) {
        System.exit(commandLine(new notify()).execute(Env.arguments(args)));
    }

    /** A usage mistake is two lines: what is wrong, and how it is used; the full help is one --help away. */
    static CommandLine commandLine(notify command) {
        return new CommandLine(command).setParameterExceptionHandler((e, args) -> {
            PrintStream err = command.err;
            err.println("notify: " + usageProblem(e));
            err.println("usage: notify --status success|failure|cancelled [--report FILE]   (more: --help)");
            return USAGE;
        });
    }

    private static String usageProblem(ParameterException e) {
        if (e instanceof CommandLine.MissingParameterException missing && missing.getMissing().stream().anyMatch(a -> a.paramLabel().equals("STATUS"))) {
            return "--status is required: success, failure or cancelled (the job's status)";
        }
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            return "unknown option or argument: " + String.join(" ", unmatched.getUnmatched());
        }
        return e.getMessage();
    }

    @Override
    public Integer call() {
        String url = Env.value(env, "WEBHOOK_URL");
        if (url == null) {
            out.println("notify: WEBHOOK_URL is not set, notifications are off");
            return 0;
        }
        String secret = Env.value(env, "WEBHOOK_SECRET");
        URI uri = httpUri(url);
        if (uri == null) {
            warn("WEBHOOK_URL is not an http(s) address (it should look like https://open.feishu.cn/open-apis/bot/v2/hook/...); "
                    + "no notification was sent");
            return 0;
        }
        Webhook.Kind kind;
        try {
            kind = Webhook.detect(url, env.get("WEBHOOK_TYPE"));
        } catch (IllegalArgumentException e) {
            warn(e.getMessage() + "; no notification was sent");
            return 0;
        }
        Webhook.Request request = Webhook.build(kind, url, message(), language(), secret, System.currentTimeMillis());
        String where = "the " + kind.name().toLowerCase() + " webhook at " + uri.getHost();
        // Behind a company proxy the robot is reached as registries and GitHub are: through HTTPS_PROXY / HTTP_PROXY, NO_PROXY aside.
        ProxySelector proxies = new Http.EnvProxies(env);
        try {
            HttpResponse<String> response = HttpClient.newBuilder().proxy(proxies).connectTimeout(CONNECT_TIMEOUT).build().send(
                    HttpRequest.newBuilder(request.uri()).timeout(ANSWER_TIMEOUT)
                            .header("Content-Type", "application/json; charset=utf-8")
                            .POST(HttpRequest.BodyPublishers.ofString(request.body())).build(),
                    HttpResponse.BodyHandlers.ofString());
            String problem = Webhook.problem(response.statusCode(), response.body());
            if (problem != null) {
                warn(where + " refused the message: " + redact(problem, url, secret));
            } else {
                out.println("notify: sent to " + where);
            }
        } catch (IOException e) {
            warn("could not send the notification: " + redact(Webhook.unreachable(e, uri, proxy(proxies, uri)), url, secret));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            warn("interrupted while sending the notification");
        }
        return 0;
    }

    /** The URL when Java's HTTP client can post to it, else null (a missing https:// is the usual mistake). */
    private static URI httpUri(String url) {
        try {
            URI uri = new URI(url);
            boolean http = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
            return http && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The proxy a request to {@code uri} goes through, as host:port; null when it goes straight. */
    private static String proxy(ProxySelector proxies, URI uri) {
        return proxies.select(uri).get(0).address() instanceof InetSocketAddress a ? a.getHostString() + ":" + a.getPort() : null;
    }

    private Webhook.Lang language() {
        String value = Env.value(env, "WEBHOOK_LANG");
        Webhook.Lang lang = value == null ? Webhook.Lang.ZH : Webhook.Lang.of(value);
        if (lang == null) {
            warn("WEBHOOK_LANG='" + value + "' is not zh or en; the message is in Chinese");
            return Webhook.Lang.ZH;
        }
        return lang;
    }

    Webhook.Message message() {
        String server = env.getOrDefault("GITHUB_SERVER_URL", "https://github.com");
        String repository = Env.value(env, "GITHUB_REPOSITORY");
        String runId = Env.value(env, "GITHUB_RUN_ID");
        String runUrl = repository != null && runId != null ? server + "/" + repository + "/actions/runs/" + runId : null;
        if (report == null) {
            return new Webhook.Message(status, repository, runUrl, null, false);
        }
        if (!Files.isRegularFile(report)) {
            warn("the sync produced no report (" + report + " does not exist); the message says so");
            return new Webhook.Message(status, repository, runUrl, null, false);
        }
        try {
            Report read = Report.read(report);
            if (read.summary() != null) {
                return new Webhook.Message(status, repository, runUrl, read, false);
            }
        } catch (IOException e) {
            // Not JSON, or not of the report's shape: said below, like a report without a summary.
        }
        warn("the report " + report + " is not a sync report; the message says it could not be read");
        return new Webhook.Message(status, repository, runUrl, null, true);
    }

    /** The webhook URL carries the robot's access token: neither it nor the signing secret is ever printed. */
    private static String redact(String text, String url, String secret) {
        String result = text.replace(url, "<WEBHOOK_URL>");
        return secret == null ? result : result.replace(secret, "****");
    }

    /** On GitHub a warning is an annotation (escaped so it cannot end early); elsewhere a plain line. */
    private void warn(String message) {
        if ("true".equals(env.get("GITHUB_ACTIONS"))) {
            err.println("::warning::" + ("notify: " + message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"));
        } else {
            err.println("notify: warning: " + message);
        }
    }
}
