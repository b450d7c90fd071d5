import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("process")
class NotifyTest {
    static final String REPORT = "{\"summary\":{\"copied\":2,\"skipped\":5,\"failed\":1},\"images\":[{\"line\":4,"
            + "\"source\":\"docker.io/library/mysql:8.0\",\"platform\":\"linux/arm64\",\"targets\":[{\"target\":\"aliyun\","
            + "\"image\":\"r/ns/linux_arm64_mysql:8.0\",\"status\":\"failed\",\"reason\":null,\"digest\":null,"
            + "\"error\":\"source docker.io/library/mysql:8.0 has no linux/arm64 image\"}]}]}";
    static final Webhook.Message MESSAGE = new Webhook.Message("failure", "me/images", "https://github.com/me/images/actions/runs/7",
            2, 5, 1, List.of("docker.io/library/mysql:8.0 (linux/arm64) → aliyun: no such platform"), true);
    static final String TEXT = "image-sync ❌ failed\nRepository: me/images\nCopied 2, skipped 5, failed 1\nFailed:\n"
            + "- docker.io/library/mysql:8.0 (linux/arm64) → aliyun: no such platform\nRun: https://github.com/me/images/actions/runs/7";
    static final String MARKDOWN = "### image-sync ❌ failed\n\nRepository: me/images\n\nCopied 2, skipped 5, failed 1\n\nFailed:\n\n"
            + "- docker.io/library/mysql:8.0 (linux/arm64) → aliyun: no such platform\n\nRun: https://github.com/me/images/actions/runs/7";

    // ---- payloads and signatures, pure ------------------------------------------------------

    static String hmacBase64(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data));
    }

    @Test
    void kindsAreDetectedFromTheHostAndCanBeOverridden() {
        assertEquals(Webhook.Kind.FEISHU, Webhook.detect("https://open.feishu.cn/open-apis/bot/v2/hook/x", null));
        assertEquals(Webhook.Kind.FEISHU, Webhook.detect("https://open.larksuite.com/open-apis/bot/v2/hook/x", null));
        assertEquals(Webhook.Kind.DINGTALK, Webhook.detect("https://oapi.dingtalk.com/robot/send?access_token=x", null));
        assertEquals(Webhook.Kind.WECOM, Webhook.detect("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", null));
        assertEquals(Webhook.Kind.SLACK, Webhook.detect("https://hooks.slack.com/services/T/B/x", null));
        assertEquals(Webhook.Kind.GENERIC, Webhook.detect("https://example.com/hook", ""));
        assertEquals(Webhook.Kind.DINGTALK, Webhook.detect("https://example.com/hook", "DingTalk"));
    }

    @Test
    void eachKindGetsItsOwnPayload() throws Exception {
        assertEquals(Json.MAPPER.readTree("{\"msg_type\":\"text\",\"content\":{\"text\":" + q(TEXT) + "}}"),
                body(Webhook.Kind.FEISHU));
        assertEquals(Json.MAPPER.readTree("{\"msgtype\":\"markdown\",\"markdown\":{\"title\":\"image-sync ❌ failed\",\"text\":" + q(MARKDOWN) + "}}"),
                body(Webhook.Kind.DINGTALK));
        assertEquals(Json.MAPPER.readTree("{\"msgtype\":\"markdown\",\"markdown\":{\"content\":" + q(MARKDOWN) + "}}"),
                body(Webhook.Kind.WECOM));
        assertEquals(Json.MAPPER.readTree("{\"text\":" + q(TEXT) + "}"), body(Webhook.Kind.SLACK));
        assertEquals(Json.MAPPER.readTree("{\"status\":\"failure\",\"title\":\"image-sync ❌ failed\",\"repository\":\"me/images\","
                + "\"run_url\":\"https://github.com/me/images/actions/runs/7\",\"summary\":{\"copied\":2,\"skipped\":5,\"failed\":1},"
                + "\"failures\":[\"docker.io/library/mysql:8.0 (linux/arm64) → aliyun: no such platform\"]}"), body(Webhook.Kind.GENERIC));
    }

    private static JsonNode body(Webhook.Kind kind) throws IOException {
        return Json.MAPPER.readTree(Webhook.build(kind, "https://h/x", MESSAGE, null, 0).body());
    }

    private static String q(String s) throws IOException {
        return Json.MAPPER.writeValueAsString(s);
    }

    @Test
    void dingtalkSignsTheUrlWithMillisecondsAndTheSecretAsKey() throws Exception {
        long now = 1_700_000_000_123L;
        Webhook.Request r = Webhook.build(Webhook.Kind.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=abc", MESSAGE, "SECxyz", now);
        String expected = hmacBase64("SECxyz".getBytes(StandardCharsets.UTF_8), (now + "\nSECxyz").getBytes(StandardCharsets.UTF_8));
        Map<String, String> query = query(r.uri());
        assertEquals("abc", query.get("access_token"));
        assertEquals(Long.toString(now), query.get("timestamp"));
        assertEquals(expected, query.get("sign"));
        assertTrue(r.uri().getRawQuery().contains("sign=" + java.net.URLEncoder.encode(expected, StandardCharsets.UTF_8)));
    }

    @Test
    void feishuSignsTheBodyWithSecondsAndAnEmptyMessage() throws Exception {
        long now = 1_700_000_000_999L;
        JsonNode body = Json.MAPPER.readTree(Webhook.build(Webhook.Kind.FEISHU, "https://open.feishu.cn/hook/x", MESSAGE, "fs-secret", now).body());
        assertEquals("1700000000", body.get("timestamp").asText());
        assertEquals(hmacBase64(("1700000000\nfs-secret").getBytes(StandardCharsets.UTF_8), new byte[0]), body.get("sign").asText());
    }

    @Test
    void robotsAnswersAreJudgedByStatusAndCode() {
        assertNull(Webhook.problem(200, "{\"code\":0,\"msg\":\"success\"}"));
        assertNull(Webhook.problem(200, "{\"errcode\":0,\"errmsg\":\"ok\"}"));
        assertNull(Webhook.problem(200, "ok"));
        assertEquals("errcode 310000: {\"errcode\":310000,\"errmsg\":\"sign not match\"}", Webhook.problem(200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}"));
        assertEquals("code 19021: {\"code\":19021,\"msg\":\"sign match fail\"}", Webhook.problem(200, "{\"code\":19021,\"msg\":\"sign match fail\"}"));
        assertEquals("HTTP 500", Webhook.problem(500, ""));
    }

    @Test
    void longFailureListsAreCut() throws IOException {
        StringBuilder images = new StringBuilder();
        for (int i = 0; i < 15; i++) {
            images.append(i == 0 ? "" : ",").append("{\"source\":\"s").append(i).append("\",\"platform\":\"linux/amd64\",\"targets\":[{\"target\":\"ghcr\",\"status\":\"failed\",\"error\":\"")
                    .append("x".repeat(500)).append("\"}]}");
        }
        List<String> f = Webhook.failures(Json.MAPPER.readValue("{\"images\":[" + images + "]}", Report.class));
        assertEquals(11, f.size());
        assertEquals("… and 5 more", f.get(10));
        assertTrue(f.get(0).length() < 260, f.get(0));
    }

    // ---- the real script against a local server -----------------------------------------------

    record Received(String path, String query, String body) {}

    HttpServer server;
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    int answerStatus = 200;
    String answerBody = "{\"errcode\":0,\"errmsg\":\"ok\"}";

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] answer = answerBody.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answerStatus, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    Tools.Result notify(Path dir, Map<String, String> extra, String... args) {
        Map<String, String> env = Tools.cleanEnv();
        env.put("GITHUB_REPOSITORY", "me/images");
        env.put("GITHUB_RUN_ID", "42");
        env.put("GITHUB_SERVER_URL", "https://github.com");
        env.putAll(extra);
        List<String> cmd = new ArrayList<>(List.of(Tools.REPO.resolve("jbang").toString(), Tools.REPO.resolve("scripts/notify.java").toString()));
        cmd.addAll(List.of(args));
        return Tools.run(cmd, env, dir, null);
    }

    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    @Test
    void aSignedDingtalkMessageCarriesTheReport(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("report.json"), REPORT);
        Map<String, String> env = new HashMap<>(Map.of("WEBHOOK_URL", url("/robot/send?access_token=tok-123"), "WEBHOOK_TYPE", "dingtalk",
                "WEBHOOK_SECRET", "SEC-signing-secret"));
        Tools.Result r = notify(dir, env, "--status", "failure", "--report", "report.json");

        assertEquals(0, r.exit(), r.all());
        assertEquals(1, received.size());
        Received got = received.get(0);
        Map<String, String> query = query(URI.create("http://x/?" + got.query()));
        long ts = Long.parseLong(query.get("timestamp"));
        assertTrue(Math.abs(System.currentTimeMillis() - ts) < 60_000);
        assertEquals(hmacBase64("SEC-signing-secret".getBytes(StandardCharsets.UTF_8), (ts + "\nSEC-signing-secret").getBytes(StandardCharsets.UTF_8)), query.get("sign"));
        JsonNode body = Json.MAPPER.readTree(got.body());
        String text = body.at("/markdown/text").asText();
        assertTrue(text.contains("Copied 2, skipped 5, failed 1") && text.contains("mysql:8.0 (linux/arm64) → aliyun: source docker.io/library/mysql:8.0 has no linux/arm64 image")
                && text.contains("https://github.com/me/images/actions/runs/42"), text);
        assertFalse(r.all().contains("tok-123") || r.all().contains("SEC-signing-secret"), r.all());
    }

    @Test
    void aSignedFeishuMessageCarriesTimestampAndSignInTheBody(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("WEBHOOK_URL", url("/open-apis/bot/v2/hook/abc"), "WEBHOOK_TYPE", "feishu", "WEBHOOK_SECRET", "fs-secret");
        answerBody = "{\"code\":0,\"msg\":\"success\"}";
        Tools.Result r = notify(dir, env, "--status", "success");
        assertEquals(0, r.exit(), r.all());
        JsonNode body = Json.MAPPER.readTree(received.get(0).body());
        long ts = body.get("timestamp").asLong();
        assertEquals(hmacBase64((ts + "\nfs-secret").getBytes(StandardCharsets.UTF_8), new byte[0]), body.get("sign").asText());
        assertEquals("text", body.get("msg_type").asText());
        assertTrue(body.at("/content/text").asText().startsWith("image-sync ✅ succeeded\nRepository: me/images\nNo sync report"), body.toString());
    }

    @Test
    void aRefusalIsAWarningAndTheStepStillSucceeds(@TempDir Path dir) {
        answerBody = "{\"errcode\":310000,\"errmsg\":\"sign not match\"}";
        Tools.Result refused = notify(dir, Map.of("WEBHOOK_URL", url("/robot/send?access_token=tok-9"), "WEBHOOK_TYPE", "dingtalk", "GITHUB_ACTIONS", "true"),
                "--status", "success");
        assertEquals(0, refused.exit(), refused.all());
        assertTrue(refused.out().contains("::warning::") && refused.out().contains("310000"), refused.all());
        assertFalse(refused.all().contains("tok-9"));

        answerStatus = 500;
        Tools.Result broken = notify(dir, Map.of("WEBHOOK_URL", url("/hook")), "--status", "failure");
        assertEquals(0, broken.exit(), broken.all());
        assertTrue(broken.out().contains("HTTP 500"), broken.all());

        server.stop(0);
        Tools.Result unreachable = notify(dir, Map.of("WEBHOOK_URL", url("/hook")), "--status", "failure");
        assertEquals(0, unreachable.exit(), unreachable.all());
        assertTrue(unreachable.out().contains("could not send"), unreachable.all());
    }

    @Test
    void withoutAWebhookNotificationsAreOff(@TempDir Path dir) {
        Tools.Result r = notify(dir, Map.of("WEBHOOK_URL", ""), "--status", "success");
        assertEquals(0, r.exit(), r.all());
        assertEquals("notify: WEBHOOK_URL is not set, notifications are off", r.out().strip());
        assertTrue(received.isEmpty());
    }

    @Test
    void aBadStatusIsAUsageError(@TempDir Path dir) {
        Tools.Result r = notify(dir, Map.of(), "--status", "green");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("--status must be success, failure or cancelled"), r.stderr());
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
