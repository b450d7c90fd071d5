import lib.core.Json;
import support.RecordingProxy;
import support.Robot;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        notify command = new notify();
        command.env = env(extra);
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
        assertEquals("notify: warning: the generic webhook at 127.0.0.1 refused the message: HTTP 500", broken.stderr().strip());
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
        assertEquals("notify: warning: could not send the notification: could not reach 127.0.0.1:" + robot.port() + " through the proxy "
                + url.substring("http://".length()) + ": connection refused; are WEBHOOK_URL and the proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) right?",
                r.stderr().strip());
        assertTrue(robot.received.isEmpty());
    }

    @Test
    void usageMistakesAreTwoLines() {
        Tools.Result missing = inJvm(Map.of(), "--report", "r.json");
        assertEquals(2, missing.exit(), missing.all());
        assertEquals("notify: --status is required: success, failure or cancelled (the job's status)", missing.stderr().lines().findFirst().orElseThrow());
        assertEquals(2, missing.stderr().lines().count(), missing.stderr());

        Tools.Result unknown = inJvm(Map.of(), "--status", "success", "--lang", "en");
        assertEquals(2, unknown.exit(), unknown.all());
        assertEquals("notify: unknown option or argument: --lang en", unknown.stderr().lines().findFirst().orElseThrow());
        assertEquals(2, unknown.stderr().lines().count(), unknown.stderr());
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
        assertTrue(noScheme.stderr().startsWith("notify: warning: WEBHOOK_URL is not an http(s) address"), noScheme.stderr());
        assertFalse(noScheme.all().contains("secret-hook"), noScheme.all());

        Tools.Result badType = inJvm(Map.of("WEBHOOK_URL", robot.url("/hook"), "WEBHOOK_TYPE", "teams"), "--status", "success");
        assertEquals(0, badType.exit(), badType.all());
        assertEquals("notify: warning: WEBHOOK_TYPE='teams' is not one of feishu, dingtalk, wecom, slack, generic; no notification was sent",
                badType.stderr().strip());
        assertTrue(robot.received.isEmpty());
    }

    @Test
    void anUnknownLanguageIsAWarningAndTheMessageIsInChinese() throws Exception {
        Tools.Result r = inJvm(Map.of("WEBHOOK_URL", robot.url("/hook"), "WEBHOOK_LANG", "fr"), "--status", "success");
        assertEquals(0, r.exit(), r.all());
        assertEquals("notify: warning: WEBHOOK_LANG='fr' is not zh or en; the message is in Chinese", r.stderr().strip());
        assertEquals("✅ image-sync 同步成功", Json.MAPPER.readTree(robot.received.get(0).body()).path("title").asText());
    }

    @Test
    void aReportThatCannotBeReadIsAWarningAndTheMessageSaysSo(@TempDir Path dir) throws Exception {
        Path report = Files.writeString(dir.resolve("sync-report.json"), "<html>not a report</html>");
        Tools.Result r = inJvm(Map.of("WEBHOOK_URL", robot.url("/hook"), "WEBHOOK_LANG", "en"), "--status", "failure", "--report", report.toString());
        assertEquals(0, r.exit(), r.all());
        assertEquals("notify: warning: the report " + report + " is not a sync report; the message says it could not be read", r.stderr().strip());
        JsonNode body = Json.MAPPER.readTree(robot.received.get(0).body());
        assertTrue(body.path("text").asText().contains("Result: The sync report could not be read"), body.toString());
        assertFalse(body.has("summary"), body.toString());
    }
}
