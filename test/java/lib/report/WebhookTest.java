package lib.report;

import lib.core.Json;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The messages people read: the exact bytes each platform receives, in Chinese and English, for a report with every
 * status; the size limits, the signatures and how robots' answers are judged. Pure: nothing is sent (NotifyTest and
 * NotifyCommandTest send them).
 */
public class WebhookTest {
    public static final String RUN = "https://github.com/me/images/actions/runs/42";

    /** One image×target of each status the report knows (a dry run's would-copy among them, for the words). */
    public static final String REPORT = """
            {"summary": {"copied": 2, "skipped": 1, "failed": 1, "would-copy": 1, "deferred": 1, "cancelled": 1},
             "images": [
              {"line": 1, "source": "docker.io/library/alpine:3.19", "platform": "linux/amd64", "targets": [
                {"target": "aliyun", "image": "registry.cn-hangzhou.aliyuncs.com/team/alpine:3.19", "status": "copied", "reason": "new", "digest": "sha256:aa", "error": null, "seconds": 1.2},
                {"target": "ghcr", "image": "ghcr.io/me/alpine:3.19", "status": "copied", "reason": "new", "digest": "sha256:aa", "error": null, "seconds": 1.1}]},
              {"line": 2, "source": "docker.io/library/nginx:1.27", "platform": "linux/amd64", "targets": [
                {"target": "aliyun", "image": "registry.cn-hangzhou.aliyuncs.com/team/nginx:1.27", "status": "skipped", "reason": "digest", "digest": "sha256:bb", "error": null, "seconds": 0.3}]},
              {"line": 3, "source": "docker.io/library/redis:7", "platform": "linux/amd64", "targets": [
                {"target": "aliyun", "image": "registry.cn-hangzhou.aliyuncs.com/team/redis:7", "status": "would-copy", "reason": "new", "digest": null, "error": null, "seconds": 0.2}]},
              {"line": 4, "source": "docker.io/library/postgres:16", "platform": "linux/amd64", "targets": [
                {"target": "aliyun", "image": "registry.cn-hangzhou.aliyuncs.com/team/postgres:16", "status": "deferred", "reason": "pull-reserve", "digest": null, "error": null, "seconds": 0.0}]},
              {"line": 5, "source": "docker.io/library/mysql:8.0", "platform": "linux/arm64", "targets": [
                {"target": "aliyun", "image": "registry.cn-hangzhou.aliyuncs.com/team/linux_arm64_mysql:8.0", "status": "failed", "reason": null, "digest": null, "error": "source docker.io/library/mysql:8.0 has no linux/arm64 image", "seconds": 0.4}]},
              {"line": 6, "source": "docker.io/library/busybox:1.36", "platform": "linux/amd64", "targets": [
                {"target": "aliyun", "image": "registry.cn-hangzhou.aliyuncs.com/team/busybox:1.36", "status": "cancelled", "reason": null, "digest": null, "error": "the run was interrupted before this image was done", "seconds": 0.1}]}]}
            """;

    // The expected payloads, written out so a reviewer sees what lands in the chat, byte for byte (see bytes). "\\n" is a newline in the JSON.

    public static final String FEISHU_ZH = """
            {"msg_type": "interactive", "card": {
              "header": {"template": "red", "title": {"tag": "plain_text", "content": "❌ image-sync 同步失败"}},
              "elements": [
                {"tag": "div", "text": {"tag": "lark_md", "content": "**仓库**：me/images\\n**结果**：已复制 2，跳过 1（已是最新），将复制 1（试运行），推迟 1（拉取配额将尽，下次运行再同步），失败 1，已取消 1（运行被中断）"}},
                {"tag": "div", "text": {"tag": "lark_md", "content": "**已复制的镜像（拉取地址）**\\n• registry.cn-hangzhou.aliyuncs.com/team/alpine:3.19\\n• ghcr.io/me/alpine:3.19"}},
                {"tag": "div", "text": {"tag": "lark_md", "content": "**失败的镜像**\\n• docker.io/library/mysql:8.0 (linux/arm64) → aliyun: source docker.io/library/mysql:8.0 has no linux/arm64 image"}},
                {"tag": "hr"},
                {"tag": "div", "text": {"tag": "lark_md", "content": "[查看运行详情](https://github.com/me/images/actions/runs/42)"}}]}}
            """;
    public static final String FEISHU_EN = """
            {"msg_type": "interactive", "card": {
              "header": {"template": "red", "title": {"tag": "plain_text", "content": "❌ image-sync failed"}},
              "elements": [
                {"tag": "div", "text": {"tag": "lark_md", "content": "**Repository**: me/images\\n**Result**: 2 copied, 1 skipped (up to date), 1 would-copy (dry run), 1 deferred (pull reserve reached: synced on a later run), 1 failed, 1 cancelled (the run was interrupted)"}},
                {"tag": "div", "text": {"tag": "lark_md", "content": "**Copied (pull addresses)**\\n• registry.cn-hangzhou.aliyuncs.com/team/alpine:3.19\\n• ghcr.io/me/alpine:3.19"}},
                {"tag": "div", "text": {"tag": "lark_md", "content": "**Failed**\\n• docker.io/library/mysql:8.0 (linux/arm64) → aliyun: source docker.io/library/mysql:8.0 has no linux/arm64 image"}},
                {"tag": "hr"},
                {"tag": "div", "text": {"tag": "lark_md", "content": "[View the run](https://github.com/me/images/actions/runs/42)"}}]}}
            """;
    public static final String DINGTALK_ZH = """
            {"msgtype": "markdown", "markdown": {"title": "❌ image-sync 同步失败",
              "text": "### ❌ image-sync 同步失败\\n\\n**仓库**：me/images\\n\\n**结果**：已复制 2，跳过 1（已是最新），将复制 1（试运行），推迟 1（拉取配额将尽，下次运行再同步），失败 1，已取消 1（运行被中断）\\n\\n**已复制的镜像（拉取地址）**\\n\\n- registry.cn-hangzhou.aliyuncs.com/team/alpine:3.19\\n- ghcr.io/me/alpine:3.19\\n\\n**失败的镜像**\\n\\n- docker.io/library/mysql:8.0 (linux/arm64) → aliyun: source docker.io/library/mysql:8.0 has no linux/arm64 image\\n\\n[查看运行详情](https://github.com/me/images/actions/runs/42)"}}
            """;
    public static final String DINGTALK_EN = """
            {"msgtype": "markdown", "markdown": {"title": "❌ image-sync failed",
              "text": "### ❌ image-sync failed\\n\\n**Repository**: me/images\\n\\n**Result**: 2 copied, 1 skipped (up to date), 1 would-copy (dry run), 1 deferred (pull reserve reached: synced on a later run), 1 failed, 1 cancelled (the run was interrupted)\\n\\n**Copied (pull addresses)**\\n\\n- registry.cn-hangzhou.aliyuncs.com/team/alpine:3.19\\n- ghcr.io/me/alpine:3.19\\n\\n**Failed**\\n\\n- docker.io/library/mysql:8.0 (linux/arm64) → aliyun: source docker.io/library/mysql:8.0 has no linux/arm64 image\\n\\n[View the run](https://github.com/me/images/actions/runs/42)"}}
            """;
    public static final String WECOM_ZH = """
            {"msgtype": "markdown", "markdown": {
              "content": "### ❌ image-sync 同步失败\\n**仓库**：me/images\\n**结果**：已复制 2，跳过 1（已是最新），将复制 1（试运行），推迟 1（拉取配额将尽，下次运行再同步），失败 1，已取消 1（运行被中断）\\n\\n**已复制的镜像（拉取地址）**\\n> registry.cn-hangzhou.aliyuncs.com/team/alpine:3.19\\n> ghcr.io/me/alpine:3.19\\n\\n**失败的镜像**\\n> docker.io/library/mysql:8.0 (linux/arm64) → aliyun: source docker.io/library/mysql:8.0 has no linux/arm64 image\\n\\n[查看运行详情](https://github.com/me/images/actions/runs/42)"}}
            """;
    public static final String WECOM_EN = """
            {"msgtype": "markdown", "markdown": {
              "content": "### ❌ image-sync failed\\n**Repository**: me/images\\n**Result**: 2 copied, 1 skipped (up to date), 1 would-copy (dry run), 1 deferred (pull reserve reached: synced on a later run), 1 failed, 1 cancelled (the run was interrupted)\\n\\n**Copied (pull addresses)**\\n> registry.cn-hangzhou.aliyuncs.com/team/alpine:3.19\\n> ghcr.io/me/alpine:3.19\\n\\n**Failed**\\n> docker.io/library/mysql:8.0 (linux/arm64) → aliyun: source docker.io/library/mysql:8.0 has no linux/arm64 image\\n\\n[View the run](https://github.com/me/images/actions/runs/42)"}}
            """;
    public static final String SLACK_ZH = """
            {"text": "❌ image-sync 同步失败\\n仓库：me/images\\n结果：已复制 2，跳过 1（已是最新），将复制 1（试运行），推迟 1（拉取配额将尽，下次运行再同步），失败 1，已取消 1（运行被中断）",
             "blocks": [
               {"type": "header", "text": {"type": "plain_text", "text": "❌ image-sync 同步失败", "emoji": true}},
               {"type": "section", "fields": [
                 {"type": "mrkdwn", "text": "*仓库*\\nme/images"},
                 {"type": "mrkdwn", "text": "*结果*\\n已复制 2，跳过 1（已是最新），将复制 1（试运行），推迟 1（拉取配额将尽，下次运行再同步），失败 1，已取消 1（运行被中断）"}]},
               {"type": "section", "text": {"type": "mrkdwn", "text": "*已复制的镜像（拉取地址）*\\n• registry.cn-hangzhou.aliyuncs.com/team/alpine:3.19\\n• ghcr.io/me/alpine:3.19"}},
               {"type": "section", "text": {"type": "mrkdwn", "text": "*失败的镜像*\\n• docker.io/library/mysql:8.0 (linux/arm64) → aliyun: source docker.io/library/mysql:8.0 has no linux/arm64 image"}},
               {"type": "context", "elements": [{"type": "mrkdwn", "text": "<https://github.com/me/images/actions/runs/42|查看运行详情>"}]}]}
            """;
    public static final String SLACK_EN = """
            {"text": "❌ image-sync failed\\nRepository: me/images\\nResult: 2 copied, 1 skipped (up to date), 1 would-copy (dry run), 1 deferred (pull reserve reached: synced on a later run), 1 failed, 1 cancelled (the run was interrupted)",
             "blocks": [
               {"type": "header", "text": {"type": "plain_text", "text": "❌ image-sync failed", "emoji": true}},
               {"type": "section", "fields": [
                 {"type": "mrkdwn", "text": "*Repository*\\nme/images"},
                 {"type": "mrkdwn", "text": "*Result*\\n2 copied, 1 skipped (up to date), 1 would-copy (dry run), 1 deferred (pull reserve reached: synced on a later run), 1 failed, 1 cancelled (the run was interrupted)"}]},
               {"type": "section", "text": {"type": "mrkdwn", "text": "*Copied (pull addresses)*\\n• registry.cn-hangzhou.aliyuncs.com/team/alpine:3.19\\n• ghcr.io/me/alpine:3.19"}},
               {"type": "section", "text": {"type": "mrkdwn", "text": "*Failed*\\n• docker.io/library/mysql:8.0 (linux/arm64) → aliyun: source docker.io/library/mysql:8.0 has no linux/arm64 image"}},
               {"type": "context", "elements": [{"type": "mrkdwn", "text": "<https://github.com/me/images/actions/runs/42|View the run>"}]}]}
            """;
    public static final String GENERIC_ZH = """
            {"status": "failure", "title": "❌ image-sync 同步失败",
             "text": "❌ image-sync 同步失败\\n仓库：me/images\\n结果：已复制 2，跳过 1（已是最新），将复制 1（试运行），推迟 1（拉取配额将尽，下次运行再同步），失败 1，已取消 1（运行被中断）\\n已复制的镜像（拉取地址）\\n- registry.cn-hangzhou.aliyuncs.com/team/alpine:3.19\\n- ghcr.io/me/alpine:3.19\\n失败的镜像\\n- docker.io/library/mysql:8.0 (linux/arm64) → aliyun: source docker.io/library/mysql:8.0 has no linux/arm64 image\\n查看运行详情：https://github.com/me/images/actions/runs/42",
             "repository": "me/images", "run_url": "https://github.com/me/images/actions/runs/42",
             "summary": {"copied": 2, "skipped": 1, "failed": 1, "would-copy": 1, "deferred": 1, "cancelled": 1}}
            """;
    public static final String GENERIC_EN = """
            {"status": "failure", "title": "❌ image-sync failed",
             "text": "❌ image-sync failed\\nRepository: me/images\\nResult: 2 copied, 1 skipped (up to date), 1 would-copy (dry run), 1 deferred (pull reserve reached: synced on a later run), 1 failed, 1 cancelled (the run was interrupted)\\nCopied (pull addresses)\\n- registry.cn-hangzhou.aliyuncs.com/team/alpine:3.19\\n- ghcr.io/me/alpine:3.19\\nFailed\\n- docker.io/library/mysql:8.0 (linux/arm64) → aliyun: source docker.io/library/mysql:8.0 has no linux/arm64 image\\nView the run: https://github.com/me/images/actions/runs/42",
             "repository": "me/images", "run_url": "https://github.com/me/images/actions/runs/42",
             "summary": {"copied": 2, "skipped": 1, "failed": 1, "would-copy": 1, "deferred": 1, "cancelled": 1}}
            """;

    // ---- payloads ----------------------------------------------------------------------------------

    public static Webhook.Message failedRun() throws IOException {
        return new Webhook.Message("failure", "me/images", RUN, Json.MAPPER.readValue(REPORT, Report.class), false);
    }

    /** The payload written out above as the robot receives it: compact, fields in the order written. */
    static String bytes(String payload) throws IOException {
        return Json.MAPPER.readTree(payload).toString();
    }

    private static JsonNode body(Webhook.Kind kind, Webhook.Message m, Webhook.Lang lang) throws IOException {
        return Json.MAPPER.readTree(Webhook.build(kind, "https://h/x", m, lang, null, 0).body());
    }

    @Test
    void eachPlatformGetsItsOwnShapeInChinese() throws Exception {
        Map<Webhook.Kind, String> expected = Map.of(Webhook.Kind.FEISHU, FEISHU_ZH, Webhook.Kind.DINGTALK, DINGTALK_ZH,
                Webhook.Kind.WECOM, WECOM_ZH, Webhook.Kind.SLACK, SLACK_ZH, Webhook.Kind.GENERIC, GENERIC_ZH);
        for (Webhook.Kind kind : Webhook.Kind.values()) {
            assertEquals(bytes(expected.get(kind)), Webhook.build(kind, "https://h/x", failedRun(), Webhook.Lang.ZH, null, 0).body(), kind.name());
        }
    }

    @Test
    void eachPlatformGetsItsOwnShapeInEnglish() throws Exception {
        Map<Webhook.Kind, String> expected = Map.of(Webhook.Kind.FEISHU, FEISHU_EN, Webhook.Kind.DINGTALK, DINGTALK_EN,
                Webhook.Kind.WECOM, WECOM_EN, Webhook.Kind.SLACK, SLACK_EN, Webhook.Kind.GENERIC, GENERIC_EN);
        for (Webhook.Kind kind : Webhook.Kind.values()) {
            assertEquals(bytes(expected.get(kind)), Webhook.build(kind, "https://h/x", failedRun(), Webhook.Lang.EN, null, 0).body(), kind.name());
        }
    }

    @Test
    void theCardIsColouredByOutcomeAndEveryTitleCarriesDingtalksKeyword() throws Exception {
        Report report = Json.MAPPER.readValue(REPORT, Report.class);
        Map<String, String> colours = Map.of("success", "green", "failure", "red", "cancelled", "grey");
        for (String status : colours.keySet()) {
            for (Webhook.Lang lang : Webhook.Lang.values()) {
                Webhook.Message m = new Webhook.Message(status, "me/images", RUN, report, false);
                assertEquals(colours.get(status), body(Webhook.Kind.FEISHU, m, lang).at("/card/header/template").asText());
                // DingTalk robots secured by keyword take only messages containing it, whatever the outcome or language.
                assertTrue(body(Webhook.Kind.DINGTALK, m, lang).at("/markdown/title").asText().contains("image-sync"), status + " " + lang);
            }
        }
    }

    @Test
    void withoutAReportTheMessageSaysSoAndListsNothing() throws Exception {
        assertEquals(Json.MAPPER.readTree("""
                {"msgtype": "markdown", "markdown": {"content": "### ✅ image-sync 同步成功\\n**结果**：本次同步没有生成报告（同步在写出报告之前就停止了），原因请查看运行日志"}}
                """), body(Webhook.Kind.WECOM, new Webhook.Message("success", null, null, null, false), Webhook.Lang.ZH));
        assertEquals(Json.MAPPER.readTree("""
                {"msg_type": "interactive", "card": {
                  "header": {"template": "grey", "title": {"tag": "plain_text", "content": "⚪ image-sync cancelled"}},
                  "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": "**Repository**: me/images\\n**Result**: The sync report could not be read; the run log says more"}}]}}
                """), body(Webhook.Kind.FEISHU, new Webhook.Message("cancelled", "me/images", null, null, true), Webhook.Lang.EN));
        JsonNode generic = body(Webhook.Kind.GENERIC, new Webhook.Message("failure", "me/images", RUN, null, false), Webhook.Lang.EN);
        assertFalse(generic.has("summary"), generic.toString());
        assertTrue(generic.path("text").asText().contains("The sync produced no report"), generic.toString());
    }

    /** {@code n} copied and {@code n} failed images, with long names and a long, multi-line error each. */
    static Report bigRun(int n) throws IOException {
        StringBuilder images = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String name = "library/an-image-with-a-name-long-enough-to-fill-messages-number-" + i + ":1.0";
            images.append(i == 0 ? "" : ",").append("{\"source\":\"docker.io/").append(name).append("\",\"platform\":\"linux/amd64\",\"targets\":[")
                    .append("{\"target\":\"aliyun\",\"image\":\"registry.cn-hangzhou.aliyuncs.com/team/").append(name).append("\",\"status\":\"copied\"},")
                    .append("{\"target\":\"ghcr\",\"image\":\"ghcr.io/me/").append(name).append("\",\"status\":\"failed\",\"error\":\"")
                    .append("manifest unknown\\n").append("x".repeat(500)).append("\"}]}");
        }
        return Json.MAPPER.readValue("{\"summary\":{\"copied\":" + n + ",\"skipped\":0,\"failed\":" + n + "},\"images\":[" + images + "]}", Report.class);
    }

    @Test
    void longListsShowTenThenCountTheRestAndLongErrorsAreCut() throws Exception {
        Webhook.Message m = new Webhook.Message("failure", "me/images", RUN, bigRun(15), false);
        String text = body(Webhook.Kind.DINGTALK, m, Webhook.Lang.ZH).at("/markdown/text").asText();
        assertTrue(text.contains("- registry.cn-hangzhou.aliyuncs.com/team/library/an-image-with-a-name-long-enough-to-fill-messages-number-9:1.0\n- ……还有 5 个\n"), text);
        assertFalse(text.contains("number-10:1.0\n"), text);
        assertTrue(text.endsWith("……还有 5 个\n\n[查看运行详情](" + RUN + ")"), text);
        String firstFailure = text.lines().filter(l -> l.startsWith("- docker.io/")).findFirst().orElseThrow();
        assertEquals("- docker.io/library/an-image-with-a-name-long-enough-to-fill-messages-number-0:1.0 (linux/amd64) → ghcr: manifest unknown " + "x".repeat(183) + "…", firstFailure);
        String english = body(Webhook.Kind.GENERIC, m, Webhook.Lang.EN).path("text").asText();
        assertTrue(english.contains("number-9:1.0\n- … and 5 more\nFailed\n"), english);
    }

    @Test
    void weComAndSlackMessagesStayWithinWhatTheyAccept() throws Exception {
        Webhook.Message m = new Webhook.Message("failure", "me/images", RUN, bigRun(30), false);
        String wecom = body(Webhook.Kind.WECOM, m, Webhook.Lang.ZH).at("/markdown/content").asText();
        int bytes = wecom.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes <= 4096 && bytes > 3000, bytes + " bytes:\n" + wecom);
        // Fewer named, the rest counted: named + counted is still every image.
        int named = (int) wecom.lines().filter(l -> l.startsWith("> registry.cn-hangzhou")).count();
        assertTrue(named < 10 && named > 0, wecom);
        assertTrue(wecom.contains("> ……还有 " + (30 - named) + " 个"), wecom);
        assertTrue(wecom.endsWith("[查看运行详情](" + RUN + ")"), wecom);

        JsonNode slack = body(Webhook.Kind.SLACK, m, Webhook.Lang.EN);
        int longest = 0;
        for (JsonNode block : slack.path("blocks")) {
            longest = Math.max(longest, block.at("/text/text").asText().length());
        }
        assertTrue(longest <= 3000 && longest > 2000, "longest section: " + longest);
        String failures = slack.at("/blocks/3/text/text").asText();
        long namedFailures = failures.lines().filter(l -> l.startsWith("• docker.io/")).count();
        assertTrue(failures.endsWith("\n• … and " + (30 - namedFailures) + " more"), failures);
    }

    @Test
    void slackMarkupInTheDataIsEscaped() throws Exception {
        Report report = Json.MAPPER.readValue("{\"summary\":{\"copied\":0,\"skipped\":0,\"failed\":1},\"images\":[{\"source\":\"docker.io/library/a:1\","
                + "\"platform\":\"linux/amd64\",\"targets\":[{\"target\":\"ghcr\",\"status\":\"failed\",\"error\":\"<!channel> got HTML & a 502\"}]}]}", Report.class);
        JsonNode slack = body(Webhook.Kind.SLACK, new Webhook.Message("failure", null, null, report, false), Webhook.Lang.EN);
        assertEquals("*Failed*\n• docker.io/library/a:1 (linux/amd64) → ghcr: &lt;!channel&gt; got HTML &amp; a 502", slack.at("/blocks/2/text/text").asText());
    }

    /** A target that refused the source's index got less: the notification says so next to the pull address, and why. */
    @Test
    void whatATargetGotInsteadOfTheIndexIsSaidWithItsAddress() throws Exception {
        Report report = Json.MAPPER.readValue("{\"summary\":{\"copied\":3,\"skipped\":0,\"failed\":0},\"images\":[{\"source\":\"docker.io/library/a:1\","
                + "\"platform\":\"all\",\"targets\":[{\"target\":\"aliyun\",\"image\":\"r/ns/a:1\",\"status\":\"copied\",\"written\":\"index-without-attestations\"},"
                + "{\"target\":\"ghcr\",\"image\":\"ghcr.io/me/a:1\",\"status\":\"copied\",\"written\":\"docker-list\"},"
                + "{\"target\":\"tcr\",\"image\":\"t/ns/a:1\",\"status\":\"copied\",\"written\":\"index\"}]}]}", Report.class);
        JsonNode en = body(Webhook.Kind.SLACK, new Webhook.Message("success", null, null, report, false), Webhook.Lang.EN);
        assertEquals("*Copied (pull addresses)*\n• r/ns/a:1 (attestations left out: the target refused an index with them)\n"
                + "• ghcr.io/me/a:1 (a Docker manifest list, without attestations: the target refused OCI indexes)\n• t/ns/a:1", en.at("/blocks/2/text/text").asText());
        JsonNode zh = body(Webhook.Kind.SLACK, new Webhook.Message("success", null, null, report, false), Webhook.Lang.ZH);
        assertTrue(zh.at("/blocks/2/text/text").asText().contains("• r/ns/a:1（未带 attestation：目标仓库拒收带 attestation 的 index）"), zh.toString());
    }

    @Test
    void theLanguageIsZhOrEnWithOrWithoutARegion() {
        assertEquals(Webhook.Lang.ZH, Webhook.Lang.of("zh-CN"));
        assertEquals(Webhook.Lang.ZH, Webhook.Lang.of(" zh "));
        assertEquals(Webhook.Lang.EN, Webhook.Lang.of("EN"));
        assertEquals(Webhook.Lang.EN, Webhook.Lang.of("en_US"));
        assertNull(Webhook.Lang.of("fr"));
    }

    public static String hmacBase64(byte[] key, byte[] data) throws Exception {
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
    void dingtalkSignsTheUrlWithMillisecondsAndTheSecretAsKey() throws Exception {
        long now = 1_700_000_000_123L;
        Webhook.Request r = Webhook.build(Webhook.Kind.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=abc", failedRun(), Webhook.Lang.ZH, "SECxyz", now);
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
        JsonNode body = Json.MAPPER.readTree(Webhook.build(Webhook.Kind.FEISHU, "https://open.feishu.cn/hook/x", failedRun(), Webhook.Lang.ZH, "fs-secret", now).body());
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

    /** The JDK's client gives these failures no message (a refused connection is tested for real in NotifyTest). */
    @Test
    void anUnreachableWebhookIsDescribedInTheRegistryClientsWords() {
        URI uri = URI.create("https://open.feishu.cn/open-apis/bot/v2/hook/x");
        ConnectException unresolved = new ConnectException();
        unresolved.initCause(new UnresolvedAddressException());
        assertEquals("could not reach open.feishu.cn: no such host; is WEBHOOK_URL right?", Webhook.unreachable(unresolved, uri, null));
        assertEquals("could not reach open.feishu.cn: timed out; is WEBHOOK_URL right?", Webhook.unreachable(new HttpTimeoutException("request timed out"), uri, null));
        ConnectException refused = new ConnectException();
        refused.initCause(new ClosedChannelException());
        assertEquals("could not reach open.feishu.cn through the proxy proxy.corp:3128: connection refused; are WEBHOOK_URL and the proxy "
                + "(HTTPS_PROXY, HTTP_PROXY, NO_PROXY) right?", Webhook.unreachable(refused, uri, "proxy.corp:3128"));
        assertEquals("could not reach 10.1.2.3:8443: could not connect (No route to host); is WEBHOOK_URL right?",
                Webhook.unreachable(new ConnectException("No route to host"), URI.create("https://10.1.2.3:8443/hook"), null));
        assertEquals("could not reach open.feishu.cn: TLS failed: PKIX path building failed; is WEBHOOK_URL right?",
                Webhook.unreachable(new SSLHandshakeException("PKIX path building failed"), uri, null));
    }

    public static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Today's new failures, failures that failed in earlier runs too ("failing since … (N runs)") and chronic ones
     * (SYNC_FAILING_DAYS or more: fix or remove) are three blocks, in that order, in both languages.
     */
    @Test
    void newRepeatedAndChronicFailuresAreListedApart() throws IOException {
        String target = "{\"target\":\"aliyun\",\"image\":\"r/ns/%s:1\",\"status\":\"failed\",\"error\":\"not found\",\"seconds\":0%s}";
        String images = String.join(",",
                "{\"source\":\"docker.io/library/new:1\",\"platform\":\"linux/amd64\",\"targets\":[" + String.format(target, "new", ",\"failing\":{\"since\":\"2026-12-06\",\"runs\":1}") + "]}",
                "{\"source\":\"docker.io/library/old:1\",\"platform\":\"linux/amd64\",\"targets\":[" + String.format(target, "old", ",\"failing\":{\"since\":\"2026-12-04\",\"runs\":3}") + "]}",
                "{\"source\":\"docker.io/library/dead:1\",\"platform\":\"linux/amd64\",\"targets\":[" + String.format(target, "dead", ",\"failing\":{\"since\":\"2026-11-20\",\"runs\":17,\"chronic\":true}") + "]}");
        Report report = Json.MAPPER.readValue("{\"summary\":{\"copied\":0,\"skipped\":0,\"failed\":3},\"images\":[" + images + "]}", Report.class);
        Webhook.Message m = new Webhook.Message("failure", "me/images", RUN, report, false);
        String en = Json.MAPPER.readTree(Webhook.build(Webhook.Kind.GENERIC, "https://example.com/hook", m, Webhook.Lang.EN, null, 0).body()).path("text").asText();
        assertTrue(en.contains("\nFailed\n- docker.io/library/new:1 (linux/amd64) → aliyun: not found\n"
                + "Still failing (failed in earlier runs too)\n- docker.io/library/old:1 (linux/amd64) → aliyun: not found — failing since 2026-12-04 (3 runs)\n"
                + "Failing for SYNC_FAILING_DAYS days or more: fix the line in images.txt or remove it\n"
                + "- docker.io/library/dead:1 (linux/amd64) → aliyun: not found — failing since 2026-11-20 (17 runs)\n"), en);
        String zh = Json.MAPPER.readTree(Webhook.build(Webhook.Kind.GENERIC, "https://example.com/hook", m, Webhook.Lang.ZH, null, 0).body()).path("text").asText();
        assertTrue(zh.contains("之前就在失败的镜像\n- docker.io/library/old:1 (linux/amd64) → aliyun: not found — 自 2026-12-04 起连续失败（3 次运行）\n"
                + "长期失败的镜像（超过 SYNC_FAILING_DAYS 天）：请修正 images.txt 中的这一行，或把它删掉\n"), zh);
    }
}
