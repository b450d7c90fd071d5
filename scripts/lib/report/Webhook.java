import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One notification, shaped for the robot that receives it. Building the request is pure (the time is given),
 * so each payload and both signatures are testable byte for byte.
 */
public final class Webhook {
    public enum Kind { FEISHU, DINGTALK, WECOM, SLACK, GENERIC }

    /** What a notification says: built from the run's status and (when there is one) its report. */
    public record Message(String status, String repository, String runUrl, int copied, int skipped, int failed,
                          List<String> failures, boolean haveReport) {
        public String title() {
            String word = switch (status) {
                case "success" -> "✅ succeeded";
                case "cancelled" -> "⚪ cancelled";
                default -> "❌ failed";
            };
            // "image-sync" in every title: DingTalk robots secured by keyword accept only messages containing it.
            return "image-sync " + word;
        }

        List<String> lines() {
            List<String> lines = new ArrayList<>();
            if (repository != null) {
                lines.add("Repository: " + repository);
            }
            lines.add(haveReport ? "Copied " + copied + ", skipped " + skipped + ", failed " + failed : "No sync report (the run stopped before syncing)");
            if (!failures.isEmpty()) {
                lines.add("Failed:");
                failures.forEach(f -> lines.add("- " + f));
            }
            if (runUrl != null) {
                lines.add("Run: " + runUrl);
            }
            return lines;
        }
    }

    public record Request(URI uri, String body) {}

    static final int MAX_FAILURES = 10;
    static final int MAX_ERROR = 200;

    private Webhook() {}

    public static Kind detect(String url, String override) {
        if (override != null && !override.isBlank()) {
            try {
                return Kind.valueOf(override.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("WEBHOOK_TYPE='" + override + "' is not one of feishu, dingtalk, wecom, slack, generic");
            }
        }
        String host = URI.create(url).getHost();
        host = host == null ? "" : host.toLowerCase(Locale.ROOT);
        if (host.endsWith("feishu.cn") || host.endsWith("larksuite.com")) return Kind.FEISHU;
        if (host.endsWith("dingtalk.com")) return Kind.DINGTALK;
        if (host.endsWith("qyapi.weixin.qq.com")) return Kind.WECOM;
        if (host.endsWith("hooks.slack.com")) return Kind.SLACK;
        return Kind.GENERIC;
    }

    /** The failed image×target pairs of a report, one short line each. */
    public static List<String> failures(Report report) {
        List<String> out = new ArrayList<>();
        for (Report.ImageResult image : report.images() == null ? List.<Report.ImageResult>of() : report.images()) {
            for (Report.TargetResult t : image.targets()) {
                if (t.status() == Report.Status.FAILED) {
                    String error = t.error() == null ? "" : t.error();
                    if (error.length() > MAX_ERROR) {
                        error = error.substring(0, MAX_ERROR) + "…";
                    }
                    out.add(image.source() + " (" + image.platform() + ") → " + t.target() + ": " + error);
                }
            }
        }
        if (out.size() > MAX_FAILURES) {
            int more = out.size() - MAX_FAILURES;
            out = new ArrayList<>(out.subList(0, MAX_FAILURES));
            out.add("… and " + more + " more");
        }
        return out;
    }

    /** {@code secret} may be null (unsigned); {@code nowMillis} is the signing time. */
    public static Request build(Kind kind, String url, Message m, String secret, long nowMillis) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        String text = m.title() + "\n" + String.join("\n", m.lines());
        String markdown = "### " + m.title() + "\n\n" + String.join("\n\n", m.lines());
        URI uri = URI.create(url);
        switch (kind) {
            case FEISHU -> {
                if (secret != null) {
                    long seconds = nowMillis / 1000;
                    body.put("timestamp", Long.toString(seconds));
                    body.put("sign", feishuSign(seconds, secret));
                }
                body.put("msg_type", "text");
                body.putObject("content").put("text", text);
            }
            case DINGTALK -> {
                body.put("msgtype", "markdown");
                body.putObject("markdown").put("title", m.title()).put("text", markdown);
                if (secret != null) {
                    String sep = uri.getRawQuery() == null ? "?" : "&";
                    uri = URI.create(url + sep + "timestamp=" + nowMillis + "&sign=" + URLEncoder.encode(dingtalkSign(nowMillis, secret), StandardCharsets.UTF_8));
                }
            }
            case WECOM -> {
                body.put("msgtype", "markdown");
                body.putObject("markdown").put("content", markdown);
            }
            case SLACK -> body.put("text", text);
            case GENERIC -> {
                body.put("status", m.status()).put("title", m.title()).put("repository", m.repository()).put("run_url", m.runUrl());
                if (m.haveReport()) {
                    body.putObject("summary").put("copied", m.copied()).put("skipped", m.skipped()).put("failed", m.failed());
                }
                m.failures().forEach(body.putArray("failures")::add);
            }
        }
        return new Request(uri, body.toString());
    }

    /** DingTalk: Base64(HMAC-SHA256(key = secret, data = timestamp + "\n" + secret)), timestamp in milliseconds. */
    public static String dingtalkSign(long timestampMillis, String secret) {
        return hmac(secret.getBytes(StandardCharsets.UTF_8), (timestampMillis + "\n" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** Feishu: Base64(HMAC-SHA256(key = timestamp + "\n" + secret, data = empty)), timestamp in seconds. */
    public static String feishuSign(long timestampSeconds, String secret) {
        return hmac((timestampSeconds + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    private static String hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Null when the robot accepted the message, else why not: a non-2xx status or a non-zero code/errcode. */
    public static String problem(int status, String body) {
        if (status < 200 || status > 299) {
            return "HTTP " + status + shorten(body);
        }
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            for (String field : List.of("code", "errcode", "StatusCode")) {
                JsonNode code = json.get(field);
                if (code != null && code.isNumber() && code.asInt() != 0) {
                    return field + " " + code.asInt() + shorten(body);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not JSON (Slack answers "ok"): the status code has spoken.
        }
        return null;
    }

    private static String shorten(String body) {
        String b = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return b.isEmpty() ? "" : ": " + (b.length() > 200 ? b.substring(0, 200) + "…" : b);
    }
}
