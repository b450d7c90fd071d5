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
//SOURCES lib/registry/BoundedBody.java
//SOURCES lib/registry/Http.java
//SOURCES lib/registry/RateLimits.java
//SOURCES lib/sync/ImageResult.java
//SOURCES lib/sync/Status.java
//SOURCES lib/sync/TargetResult.java
//SOURCES lib/sync/Written.java
//SOURCES lib/report/Report.java
//SOURCES lib/report/Webhook.java

import lib.core.Commands;
import lib.core.Env;
import lib.core.ErrorLine;
import lib.registry.BoundedBody;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

@Command(name = "notify", mixinStandardHelpOptions = true, version = "image-sync notify 0.2.0",
        description = {"Posts the outcome of a sync run to WEBHOOK_URL: a card on Feishu/Lark, Markdown on DingTalk and WeCom, "
                + "blocks on Slack, plain JSON anywhere else. The message has every count, the copied images' pull addresses "
                + "and the failures with their reasons.",
                "A notification problem is a warning: notify still exits 0, so it never fails the run."},
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  WEBHOOK_URL\tthe robot's webhook address; not set: notifications off (--dry-run still prints)",
                "  WEBHOOK_SECRET\tthe signing secret of a Feishu/Lark or DingTalk robot",
                "  WEBHOOK_TYPE\tfeishu, dingtalk, wecom, slack or generic, when the URL's host does not tell (--type wins)",
                "  WEBHOOK_LANG\tzh (the default) or en: the language of the message",
                "  GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID\tthe repository and the run's link (set by GitHub Actions)",
                "  GITHUB_ACTIONS\ttrue: warnings become annotations on the run",
                "  HTTPS_PROXY, HTTP_PROXY, NO_PROXY\tthe proxy to reach the robot through, as for registries",
                "",
                "Examples:",
                "  # what the workflow runs as its last step",
                "  ./jbang scripts/notify.java --status success --report sync-report.json",
                "  # see the DingTalk message in English without sending it (no robot needed)",
                "  WEBHOOK_LANG=en ./jbang scripts/notify.java --dry-run --type dingtalk --status failure --report sync-report.json",
                "  # try a signed DingTalk robot from a terminal (no report: it says so)",
                "  WEBHOOK_URL='https://oapi.dingtalk.com/robot/send?access_token=...' WEBHOOK_SECRET='SEC...' "
                        + "./jbang scripts/notify.java --status success",
                "  # plain JSON to your own endpoint",
                "  WEBHOOK_URL=https://example.com/hook WEBHOOK_TYPE=generic ./jbang scripts/notify.java --status cancelled"})
public class notify implements Callable<Integer> {
    static final List<String> STATUSES = List.of("success", "failure", "cancelled");
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);
    /** A robot answers with a line of JSON: more than this is not an answer worth reading. */
    static final long ANSWER_CAP = 64 * BoundedBody.KIB;
    /** Where a message is addressed when it is only printed and no WEBHOOK_URL is set: a name that can never resolve. */
    static final String NO_URL = "https://webhook.invalid/";

    @Spec
    CommandSpec spec;

    String status;

    /** Checked while parsing, so a wrong value is a usage error (exit 2), not a message about an unknown outcome. */
    @Option(names = "--status", required = true, paramLabel = "success|failure|cancelled", description = "The job's status.")
    void status(String value) {
        if (!STATUSES.contains(value)) {
            throw new ParameterException(spec.commandLine(), "--status must be success, failure or cancelled, not '" + value + "'");
        }
        status = value;
    }

    @Option(names = "--report", paramLabel = "FILE", description = "The sync's report (sync --report). When it is missing, "
            + "the message says that the sync produced no report.")
    Path report;

    @Option(names = {"--dry-run", "--print"}, description = "Print the exact payload that would be posted (the request body, "
            + "signed as it would be) to stdout, and send nothing; works without WEBHOOK_URL.")
    boolean dryRun;

    String type;

    @Option(names = "--type", paramLabel = "TYPE", description = "feishu, dingtalk, wecom, slack or generic: the robot to shape "
            + "the message for (default: WEBHOOK_TYPE, else what WEBHOOK_URL's host tells, else generic).")
    void type(String value) {
        if (Arrays.stream(Webhook.Kind.values()).noneMatch(k -> k.name().equalsIgnoreCase(value.strip()))) {
            throw new ParameterException(spec.commandLine(), "--type must be feishu, dingtalk, wecom, slack or generic, not '" + value + "'");
        }
        type = value;
    }

    Map<String, String> env = System.getenv();
    PrintStream out = System.out;
    PrintStream err = System.err;
    LongSupplier clock = System::currentTimeMillis;
    /** The whole answer, headers and body, arrives within this or the exchange ends (tests shorten it). */
    Duration answerTimeout = ANSWER_TIMEOUT;

    public static void main(String[] args) {
        System.exit(commandLine(new notify()).execute(Env.arguments(args)));
    }

    static CommandLine commandLine(notify command) {
        return Commands.of(command, command.env);
    }

    @Override
    public Integer call() {
        String url = Env.value(env, "WEBHOOK_URL");
        if (url == null && !dryRun) {
            out.println("notify: WEBHOOK_URL is not set, notifications are off");
            return 0;
        }
        String secret = Env.value(env, "WEBHOOK_SECRET");
        URI uri = url == null ? URI.create(NO_URL) : httpUri(url);
        if (uri == null) {
            warn("WEBHOOK_URL is not an http(s) address (it should look like https://open.feishu.cn/open-apis/bot/v2/hook/...); "
                    + "no notification was sent");
            return 0;
        }
        Webhook.Kind kind;
        try {
            kind = Webhook.detect(uri.toString(), type != null ? type : env.get("WEBHOOK_TYPE"));
        } catch (IllegalArgumentException e) {
            warn(e.getMessage() + "; no notification was sent");
            return 0;
        }
        Webhook.Lang lang = language();
        Webhook.Request request = Webhook.build(kind, uri.toString(), message(), lang, secret, clock.getAsLong());
        String name = kind.name().toLowerCase(Locale.ROOT);
        if (dryRun) {
            out.println(request.body());
            err.println("notify: dry run: the " + name + " message above, in " + (lang == Webhook.Lang.EN ? "English" : "Chinese")
                    + (url == null ? "" : ", for the robot at " + uri.getHost()) + "; nothing was sent");
            return 0;
        }
        String where = "the " + name + " webhook at " + uri.getHost();
        // Behind a company proxy the robot is reached as registries and GitHub are: through HTTPS_PROXY / HTTP_PROXY, NO_PROXY aside.
        ProxySelector proxies = new Http.EnvProxies(env);
        // The answer is read as every other answer is: capped in size and, body included, in time (BoundedBody).
        BoundedBody answer = new BoundedBody(ANSWER_CAP, "a webhook's answer", answerTimeout);
        AtomicInteger answered = new AtomicInteger();
        try {
            HttpResponse<byte[]> response = HttpClient.newBuilder().proxy(proxies).connectTimeout(CONNECT_TIMEOUT).build().send(
                    HttpRequest.newBuilder(request.uri()).timeout(answerTimeout)
                            .header("Content-Type", "application/json; charset=utf-8")
                            .POST(HttpRequest.BodyPublishers.ofString(request.body())).build(),
                    info -> {
                        answered.set(info.statusCode());
                        return answer.apply(info);
                    });
            String problem = Webhook.problem(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
            if (problem != null) {
                warn(where + " refused the message: " + redact(problem, url, secret));
            } else {
                out.println("notify: sent to " + where);
            }
        } catch (IOException e) {
            if (answered.get() != 0) {
                // The message went out and the robot began to answer, but its answer was never read in full.
                warn(where + " answered HTTP " + answered.get() + ", but " + (BoundedBody.tooLarge(e)
                        ? "with more than " + BoundedBody.size(ANSWER_CAP) + " (the most notify reads of an answer)"
                        : "its answer did not end within " + answerTimeout.toSeconds() + " s") + ": whether it took the message is unknown");
                return 0;
            }
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

    /** On GitHub a warning is an annotation; elsewhere a plain line. */
    private void warn(String message) {
        err.println(ErrorLine.warning(message, ErrorLine.github(env)));
    }
}
