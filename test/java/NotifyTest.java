import lib.core.Json;
import lib.report.WebhookTest;
import support.Robot;
import support.Tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ./jbang scripts/notify.java as the workflow runs it, against a local robot: the signed payloads arrive, and what goes
 * wrong is a warning that never fails the step. The payloads themselves are WebhookTest's; the command in this JVM,
 * NotifyCommandTest's.
 */
@Tag("process")
class NotifyTest {
    final Robot robot = new Robot();

    @AfterEach
    void stopRobot() {
        robot.close();
    }

    Tools.Result notify(Path dir, Map<String, String> extra, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.REPO.resolve("jbang").toString(), Tools.REPO.resolve("scripts/notify.java").toString()));
        cmd.addAll(List.of(args));
        return Tools.run(cmd, NotifyCommandTest.env(extra), dir, null);
    }

    /** What notify wrote to stderr: JBang announces its own build there on a first run, which is not notify's. */
    static String stderr(Tools.Result r) {
        return r.stderr().lines().filter(l -> !l.startsWith("[jbang] ")).collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void aSignedFeishuCardInChineseCarriesEveryCountTheCopiedImagesAndTheFailures(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("sync-report.json"), WebhookTest.REPORT);
        robot.answerBody = "{\"code\":0,\"msg\":\"success\"}";
        Tools.Result r = notify(dir, Map.of("WEBHOOK_URL", robot.url("/open-apis/bot/v2/hook/hook-token-77"), "WEBHOOK_TYPE", "feishu",
                "WEBHOOK_SECRET", "fs-signing-secret"), "--status", "failure", "--report", "sync-report.json");

        assertEquals(0, r.exit(), r.all());
        assertEquals("notify: sent to the feishu webhook at 127.0.0.1", r.out().strip());
        assertEquals(1, robot.received.size());
        ObjectNode body = (ObjectNode) Json.MAPPER.readTree(robot.received.get(0).body());
        long ts = body.remove("timestamp").asLong();
        assertTrue(Math.abs(System.currentTimeMillis() / 1000 - ts) < 60, "timestamp " + ts);
        assertEquals(WebhookTest.hmacBase64((ts + "\nfs-signing-secret").getBytes(StandardCharsets.UTF_8), new byte[0]), body.remove("sign").asText());
        assertEquals(Json.MAPPER.readTree(WebhookTest.FEISHU_ZH), body);
        assertFalse(r.all().contains("hook-token-77") || r.all().contains("fs-signing-secret"), r.all());
    }

    @Test
    void aSignedDingtalkMessageInEnglishIsSignedInTheUrl(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("sync-report.json"), WebhookTest.REPORT);
        Tools.Result r = notify(dir, Map.of("WEBHOOK_URL", robot.url("/robot/send?access_token=tok-123"), "WEBHOOK_TYPE", "dingtalk",
                "WEBHOOK_SECRET", "SEC-signing-secret", "WEBHOOK_LANG", "en"), "--status", "failure", "--report", "sync-report.json");

        assertEquals(0, r.exit(), r.all());
        Robot.Received got = robot.received.get(0);
        Map<String, String> query = WebhookTest.query(URI.create("http://x/?" + got.query()));
        assertEquals("tok-123", query.get("access_token"));
        long ts = Long.parseLong(query.get("timestamp"));
        assertTrue(Math.abs(System.currentTimeMillis() - ts) < 60_000);
        assertEquals(WebhookTest.hmacBase64("SEC-signing-secret".getBytes(StandardCharsets.UTF_8), (ts + "\nSEC-signing-secret").getBytes(StandardCharsets.UTF_8)),
                query.get("sign"));
        assertEquals(Json.MAPPER.readTree(WebhookTest.DINGTALK_EN), Json.MAPPER.readTree(got.body()));
        assertFalse(r.all().contains("tok-123") || r.all().contains("SEC-signing-secret"), r.all());
    }

    @Test
    void aMissingReportIsAWarningAndTheMessageSaysTheSyncProducedNone(@TempDir Path dir) throws Exception {
        Tools.Result r = notify(dir, Map.of("WEBHOOK_URL", robot.url("/cgi-bin/webhook/send?key=wk-5"), "WEBHOOK_TYPE", "wecom"),
                "--status", "failure", "--report", "sync-report.json");

        assertEquals(0, r.exit(), r.all());
        assertEquals("notify: warning: the sync produced no report (sync-report.json does not exist); the message says so", stderr(r));
        assertEquals(Json.MAPPER.readTree("""
                {"msgtype": "markdown", "markdown": {"content": "### ❌ image-sync 同步失败\\n**仓库**：me/images\\n**结果**：本次同步没有生成报告（同步在写出报告之前就停止了），原因请查看运行日志\\n\\n[查看运行详情](https://github.com/me/images/actions/runs/42)"}}
                """), Json.MAPPER.readTree(robot.received.get(0).body()));
    }

    @Test
    void aRefusedConnectionIsAReadableWarningAndTheStepStillSucceeds(@TempDir Path dir) {
        String unreachable = robot.url("/robot/send?access_token=tok-gone");
        int port = robot.port();
        robot.close();
        Tools.Result r = notify(dir, Map.of("WEBHOOK_URL", unreachable, "WEBHOOK_TYPE", "dingtalk", "GITHUB_ACTIONS", "true"), "--status", "success");

        assertEquals(0, r.exit(), r.all());
        assertEquals("::warning::notify: could not send the notification: could not reach 127.0.0.1:" + port
                + ": connection refused; is WEBHOOK_URL right?", stderr(r));
        assertFalse(r.all().contains("null") || r.all().contains("tok-gone"), r.all());
    }

    @Test
    void aRefusalIsAnAnnotationAndTheStepStillSucceeds(@TempDir Path dir) {
        robot.answerBody = "{\"errcode\":310000,\"errmsg\":\"sign not match\"}";
        Tools.Result refused = notify(dir, Map.of("WEBHOOK_URL", robot.url("/robot/send?access_token=tok-9"), "WEBHOOK_TYPE", "dingtalk",
                "GITHUB_ACTIONS", "true"), "--status", "success");
        assertEquals(0, refused.exit(), refused.all());
        assertEquals("::warning::notify: the dingtalk webhook at 127.0.0.1 refused the message: errcode 310000: {\"errcode\":310000,\"errmsg\":\"sign not match\"}",
                stderr(refused));
        assertFalse(refused.all().contains("tok-9"));
    }

    @Test
    void aBadStatusIsTwoLinesNamingTheAcceptedValuesNotTheHelp(@TempDir Path dir) {
        Tools.Result r = notify(dir, Map.of(), "--status", "green");
        assertEquals(2, r.exit(), r.all());
        assertEquals(List.of("notify: --status must be success, failure or cancelled, not 'green'",
                "usage: notify --status success|failure|cancelled [--report FILE]   (more: --help)"), stderr(r).lines().toList());
        assertEquals("", r.out());
    }
}
