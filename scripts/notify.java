///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//SOURCES lib/settings/Env.java
//SOURCES lib/settings/Json.java
//SOURCES lib/settings/Secret.java
//SOURCES lib/report/Report.java
//SOURCES lib/report/Webhook.java

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "notify", mixinStandardHelpOptions = true, version = "image-sync notify 0.1.0",
        description = "Posts the outcome of a sync run to WEBHOOK_URL (Feishu/Lark, DingTalk, WeCom, Slack or any JSON endpoint). "
                + "A notification problem is a warning: it never fails the run.")
public class notify implements Callable<Integer> {
    @Option(names = "--status", required = true, paramLabel = "STATUS", description = "success, failure or cancelled (the job's status).")
    String status;

    @Option(names = "--report", paramLabel = "FILE", description = "The sync report, if the run wrote one.")
    Path report;

    Map<String, String> env = System.getenv();

    public static void main(String[] args) {
        System.exit(new CommandLine(new notify())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("notify: " + e.getMessage());
                    return 2;
                })
                .execute(Env.arguments(args)));
    }

    @Override
    public Integer call() {
        if (!List.of("success", "failure", "cancelled").contains(status)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--status must be success, failure or cancelled, not '" + status + "'");
        }
        String url = Env.value(env, "WEBHOOK_URL");
        if (url == null) {
            System.out.println("notify: WEBHOOK_URL is not set, notifications are off");
            return 0;
        }
        String secret = Env.value(env, "WEBHOOK_SECRET");
        try {
            Webhook.Kind kind = Webhook.detect(url, env.get("WEBHOOK_TYPE"));
            Webhook.Request request = Webhook.build(kind, url, message(), secret, System.currentTimeMillis());
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
                    HttpRequest.newBuilder(request.uri()).timeout(Duration.ofSeconds(20))
                            .header("Content-Type", "application/json; charset=utf-8")
                            .POST(HttpRequest.BodyPublishers.ofString(request.body())).build(),
                    HttpResponse.BodyHandlers.ofString());
            String problem = Webhook.problem(response.statusCode(), response.body());
            String where = kind.name().toLowerCase() + " webhook at " + request.uri().getHost();
            if (problem != null) {
                warn("the " + where + " refused the message: " + redact(problem, url, secret));
            } else {
                System.out.println("notify: sent to the " + where);
            }
        } catch (IOException | IllegalArgumentException e) {
            warn("could not send the notification: " + redact(String.valueOf(e.getMessage()), url, secret));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            warn("interrupted while sending the notification");
        }
        return 0;
    }

    Webhook.Message message() {
        String server = env.getOrDefault("GITHUB_SERVER_URL", "https://github.com");
        String repository = Env.value(env, "GITHUB_REPOSITORY");
        String runId = Env.value(env, "GITHUB_RUN_ID");
        String runUrl = repository != null && runId != null ? server + "/" + repository + "/actions/runs/" + runId : null;
        Report read = null;
        if (report != null && Files.isRegularFile(report)) {
            try {
                read = Report.read(report);
            } catch (IOException e) {
                warn("the report " + report + " is not a readable sync report; sending the status only");
            }
        }
        if (read == null || read.summary() == null) {
            return new Webhook.Message(status, repository, runUrl, 0, 0, 0, List.of(), false);
        }
        Report.Summary s = read.summary();
        return new Webhook.Message(status, repository, runUrl, s.copied(), s.skipped(), s.failed(), Webhook.failures(read), true);
    }

    /** The webhook URL carries the robot's access token: neither it nor the signing secret is ever printed. */
    private static String redact(String text, String url, String secret) {
        String out = text.replace(url, "<WEBHOOK_URL>");
        return secret == null ? out : out.replace(secret, "****");
    }

    private void warn(String message) {
        boolean github = "true".equals(env.get("GITHUB_ACTIONS"));
        System.out.println((github ? "::warning::" : "warning: ") + message);
    }
}
