import lib.core.Json;
import lib.report.WebhookTest;
import support.RecordingProxy;
import support.Robot;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * notify.java's command in this JVM, the way main sets it up, against a local robot: usage mistakes, settings that
 * cannot work, answers that are refusals. No process of its own (NotifyTest runs the script as the workflow does).
 */
class NotifyCommandTest {
    /** The signing time of every message sent or printed here. */
    static final long CLOCK = 1_700_000_000_000L;
    final Robot robot = new Robot();

    @AfterEach
    void stopRobot() {
        robot.close();
    }

    static Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = Tools.cleanEnv();
        env.put("GITHUB_REPOSITORY", "me/images");
        env.put("GITHUB_RUN_ID", "42");
        env.put("GITHUB_SERVER_URL", "https://github.com");
        env.putAll(extra);
        return env;
    }

    static Tools.Result inJvm(Map<String, String> extra, String... args) {
        return inJvm(notify.ANSWER_TIMEOUT, extra, args);
    }

    static Tools.Result inJvm(java.time.Duration answerTimeout, Map<String, String> extra, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        notify command = new notify();
        command.answerTimeout = answerTimeout;
        command.env = env(extra);
        command.clock = () -> CLOCK;
        command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        picocli.CommandLine cli = notify.commandLine(command);
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        int exit = cli.execute(args);
        return new Tools.Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aServerErrorIsAWarningAndTheStepStillSucceeds() {
        robot.answerStatus = 500;
        robot.answerBody = "";
        Tools.Result broken = inJvm(Map.of("WEBHOOK_URL", robot.url("/hook")), "--status", "failure");
        assertEquals(0, broken.exit(), broken.all());
        assertEquals("warning: the generic webhook at 127.0.0.1 refused the message: HTTP 500", broken.stderr().strip());
    }

    /** As for registries and GitHub: HTTP_PROXY (HTTPS_PROXY for an https:// robot) unless NO_PROXY names the host. */
    @Test
    void theRobotIsReachedThroughTheProxyTheEnvironmentNamesAndStraightWhenNoProxyNamesIt() throws Exception {
        try (RecordingProxy proxy = new RecordingProxy()) {
            Tools.Result proxied = inJvm(Map.of("WEBHOOK_URL", robot.url("/hook?key=k1"), "HTTP_PROXY", proxy.url()), "--status", "success");
            assertEquals(0, proxied.exit(), proxied.all());
            assertEquals("notify: sent to the generic webhook at 127.0.0.1", proxied.out().strip(), proxied.all());
            assertEquals(List.of("POST " + robot.url("/hook?key=k1")), proxy.requests());
            assertEquals("success", Json.MAPPER.readTree(robot.received.get(0).body()).path("status").asText(), "the proxy passed the message on");

            Tools.Result straight = inJvm(Map.of("WEBHOOK_URL", robot.url("/hook"), "HTTP_PROXY", proxy.url(), "NO_PROXY", "localhost,127.0.0.1"),
                    "--status", "success");
            assertEquals(0, straight.exit(), straight.all());
            assertEquals(1, proxy.requests().size(), "NO_PROXY names the robot's host: " + proxy.requests());
            assertEquals(2, robot.received.size());
        }
    }

    @Test
    void aProxyThatIsDownIsNamedInTheWarning() {
        RecordingProxy proxy = new RecordingProxy();
        String url = proxy.url();
        proxy.close();
        Tools.Result r = inJvm(Map.of("WEBHOOK_URL", robot.url("/hook"), "HTTP_PROXY", url), "--status", "success");
        assertEquals(0, r.exit(), r.all());
        assertEquals("warning: could not send the notification: could not reach 127.0.0.1:" + robot.port() + " through the proxy "
                + url.substring("http://".length()) + ": connection refused; are WEBHOOK_URL and the proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) right?",
                r.stderr().strip());
        assertTrue(robot.received.isEmpty());
    }

    @Test
    void usageMistakesAreOneErrorLine() {
        Tools.Result missing = inJvm(Map.of(), "--report", "r.json");
        assertEquals(2, missing.exit(), missing.all());
        assertEquals("error: Missing required option: '--status=success|failure|cancelled' (--help lists the options)", missing.stderr().strip());

        Tools.Result unknown = inJvm(Map.of(), "--status", "success", "--lang", "en");
        assertEquals(2, unknown.exit(), unknown.all());
        assertEquals("error: Unknown options: '--lang', 'en' (--help lists the options)", unknown.stderr().strip());

        Tools.Result mistyped = inJvm(Map.of(), "--status", "success", "--dryrun");
        assertEquals(2, mistyped.exit(), mistyped.all());
        assertEquals("error: Unknown option: '--dryrun'; did you mean --dry-run? (--help lists the options)", mistyped.stderr().strip());

        Tools.Result type = inJvm(Map.of(), "--status", "success", "--dry-run", "--type", "teams");
        assertEquals(2, type.exit(), type.all());
        assertEquals("error: --type must be feishu, dingtalk, wecom, slack or generic, not 'teams' (--help lists the options)", type.stderr().strip());
    }

    /**
     * --dry-run prints the exact body each robot would get (the payloads WebhookTest spells out, byte for byte), in the
     * configured language, for the robot --type names; it sends nothing and needs no WEBHOOK_URL.
     */
    @Test
    void aDryRunPrintsEachRobotsExactPayloadAndSendsNothing(@TempDir Path dir) throws Exception {
        Path report = Files.writeString(dir.resolve("sync-report.json"), WebhookTest.REPORT);
        Map<String, String> zh = Map.of("feishu", WebhookTest.FEISHU_ZH, "dingtalk", WebhookTest.DINGTALK_ZH, "wecom", WebhookTest.WECOM_ZH,
                "slack", WebhookTest.SLACK_ZH, "generic", WebhookTest.GENERIC_ZH);
        Map<String, String> en = Map.of("feishu", WebhookTest.FEISHU_EN, "dingtalk", WebhookTest.DINGTALK_EN, "wecom", WebhookTest.WECOM_EN,
                "slack", WebhookTest.SLACK_EN, "generic", WebhookTest.GENERIC_EN);
        for (var lang : List.of(Map.entry("zh", zh), Map.entry("en", en))) {
            for (var robotType : lang.getValue().entrySet()) {
                Tools.Result r = inJvm(Map.of("WEBHOOK_LANG", lang.getKey()), "--dry-run", "--type", robotType.getKey(), "--status", "failure",
                        "--report", report.toString());
                assertEquals(0, r.exit(), r.all());
                assertEquals(Json.MAPPER.readTree(robotType.getValue()).toString() + "\n", r.out(), robotType.getKey() + " " + lang.getKey());
                assertEquals("notify: dry run: the " + robotType.getKey() + " message above, in " + (lang.getKey().equals("en") ? "English" : "Chinese")
                        + "; nothing was sent", r.stderr().strip());
            }
        }
        // With a robot configured: its type and signature as they would be sent, its address never printed, nothing posted.
        Tools.Result configured = inJvm(Map.of("WEBHOOK_URL", robot.url("/open-apis/bot/v2/hook/secret-hook"), "WEBHOOK_TYPE", "feishu",
                "WEBHOOK_SECRET", "feishu-secret"), "--print", "--status", "success");
        assertEquals(0, configured.exit(), configured.all());
        JsonNode body = Json.MAPPER.readTree(configured.out());
        assertEquals(String.valueOf(CLOCK / 1000), body.path("timestamp").asText());
        assertEquals(lib.report.Webhook.feishuSign(CLOCK / 1000, "feishu-secret"), body.path("sign").asText());
        assertEquals("notify: dry run: the feishu message above, in Chinese, for the robot at 127.0.0.1; nothing was sent", configured.stderr().strip());
        assertFalse(configured.all().contains("secret-hook") || configured.all().contains("feishu-secret"), configured.all());
        assertTrue(robot.received.isEmpty(), "a dry run sent something");
    }

    @Test
    void helpListsTheSettingsItReadsAndExamples() {
        Tools.Result r = inJvm(Map.of(), "--help");
        assertEquals(0, r.exit(), r.all());
        String help = r.out();
        for (String name : List.of("WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_TYPE", "WEBHOOK_LANG", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY",
                "GITHUB_RUN_ID", "GITHUB_ACTIONS", "--status", "--report")) {
            assertTrue(help.contains(name), name + " is not in the help:\n" + help);
        }
        // picocli wraps a footer line that is too long onto a line of its own at column 0: every line here is indented.
        String footer = help.substring(help.indexOf("Environment:"));
        assertTrue(footer.lines().allMatch(l -> l.isEmpty() || l.startsWith("  ") || l.equals("Environment:") || l.equals("Examples:")),
                "a line is wrapped:\n" + footer);
        String examples = help.substring(help.indexOf("Examples:"));
        assertEquals(4, examples.lines().filter(l -> l.startsWith("  # ")).count(), examples);
    }

    @Test
    void withoutAWebhookNotificationsAreOff() {
        Tools.Result r = inJvm(Map.of("WEBHOOK_URL", " "), "--status", "success");
        assertEquals(0, r.exit(), r.all());
        assertEquals("notify: WEBHOOK_URL is not set, notifications are off", r.out().strip());
        assertTrue(robot.received.isEmpty());
    }

    @Test
    void settingsThatCannotWorkAreWarningsAndNeverPrintTheUrl() {
        Tools.Result noScheme = inJvm(Map.of("WEBHOOK_URL", "open.feishu.cn/open-apis/bot/v2/hook/secret-hook"), "--status", "success");
        assertEquals(0, noScheme.exit(), noScheme.all());
        assertTrue(noScheme.stderr().startsWith("warning: WEBHOOK_URL is not an http(s) address"), noScheme.stderr());
        assertFalse(noScheme.all().contains("secret-hook"), noScheme.all());

        Tools.Result badType = inJvm(Map.of("WEBHOOK_URL", robot.url("/hook"), "WEBHOOK_TYPE", "teams"), "--status", "success");
        assertEquals(0, badType.exit(), badType.all());
        assertEquals("warning: WEBHOOK_TYPE='teams' is not one of feishu, dingtalk, wecom, slack, generic; no notification was sent",
                badType.stderr().strip());
        assertTrue(robot.received.isEmpty());
    }

    @Test
    void anUnknownLanguageIsAWarningAndTheMessageIsInChinese() throws Exception {
        Tools.Result r = inJvm(Map.of("WEBHOOK_URL", robot.url("/hook"), "WEBHOOK_LANG", "fr"), "--status", "success");
        assertEquals(0, r.exit(), r.all());
        assertEquals("warning: WEBHOOK_LANG='fr' is not zh or en; the message is in Chinese", r.stderr().strip());
        assertEquals("✅ image-sync 同步成功", Json.MAPPER.readTree(robot.received.get(0).body()).path("title").asText());
    }

    @Test
    void aReportThatCannotBeReadIsAWarningAndTheMessageSaysSo(@TempDir Path dir) throws Exception {
        Path report = Files.writeString(dir.resolve("sync-report.json"), "<html>not a report</html>");
        Tools.Result r = inJvm(Map.of("WEBHOOK_URL", robot.url("/hook"), "WEBHOOK_LANG", "en"), "--status", "failure", "--report", report.toString());
        assertEquals(0, r.exit(), r.all());
        assertEquals("warning: the report " + report + " is not a sync report; the message says it could not be read", r.stderr().strip());
        JsonNode body = Json.MAPPER.readTree(robot.received.get(0).body());
        assertTrue(body.path("text").asText().contains("Result: The sync report could not be read"), body.toString());
        assertFalse(body.has("summary"), body.toString());
    }

    /**
     * A robot that takes the message, answers 200 and then never finishes its answer: a byte every 200 ms of a
     * declared kilobyte ({@code drip}), or bytes without end. notify reads the answer as every other answer is read
     * (BoundedBody): it ends within its answer timeout, or at 64 KiB, with a warning saying what happened, and exit 0.
     */
    @Test
    void aRobotWhoseAnswerDripsOrNeverEndsIsAWarningInBoundedTime() throws Exception {
        for (boolean drip : List.of(true, false)) {
            try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                Thread robotThread = new Thread(() -> endlessAnswer(server, drip));
                robotThread.setDaemon(true);
                robotThread.start();
                long start = System.nanoTime();
                Tools.Result r = inJvm(java.time.Duration.ofSeconds(2), Map.of("WEBHOOK_URL", "http://127.0.0.1:" + server.getLocalPort() + "/hook"),
                        "--status", "success");
                double seconds = (System.nanoTime() - start) / 1e9;
                assertEquals(0, r.exit(), r.all());
                assertEquals(drip ? "warning: the generic webhook at 127.0.0.1 answered HTTP 200, but its answer did not end within 2 s: "
                        + "whether it took the message is unknown"
                        : "warning: the generic webhook at 127.0.0.1 answered HTTP 200, but with more than 64 KiB (the most notify reads "
                        + "of an answer): whether it took the message is unknown", r.stderr().strip());
                assertTrue(seconds < (drip ? 6 : 4), seconds + " s");
            }
        }
    }

    private static void endlessAnswer(java.net.ServerSocket server, boolean drip) {
        try (java.net.Socket socket = server.accept()) {
            java.io.InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    return;
                }
                head.append((char) c);
            }
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + (drip ? "Content-Length: 1024\r\n" : "Connection: close\r\n")
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[drip ? 1 : 64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            for (int i = 0; i < 10_000; i++) {
                out.write(chunk);
                out.flush();
                if (drip) {
                    Thread.sleep(200);
                }
            }
        } catch (IOException | InterruptedException e) {
            // The reader hung up: what it should do.
        }
    }
}
