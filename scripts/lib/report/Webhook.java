package lib.report;

import lib.core.Json;
import lib.registry.Http;
import lib.sync.ImageResult;
import lib.sync.Status;
import lib.sync.TargetResult;
import lib.sync.Written;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One notification, shaped for the robot that receives it. Building the request is pure (the time is given),
 * so each payload and both signatures are testable byte for byte.
 */
public final class Webhook {
    /** The robots a notification is shaped for, each with its format and the hosts of its webhooks. */
    public enum Kind {
        FEISHU(new Feishu(), "feishu.cn", "larksuite.com"),
        DINGTALK(new DingTalk(), "dingtalk.com"),
        WECOM(new WeCom(), "qyapi.weixin.qq.com"),
        SLACK(new Slack(), "hooks.slack.com"),
        GENERIC(new Generic());

        private final Format format;
        private final List<String> hosts;

        Kind(Format format, String... hosts) {
            this.format = format;
            this.hosts = List.of(hosts);
        }
    }

    /** One robot's message format: its markup, where its signature goes, and what size of message it takes. */
    private interface Format {
        /** The request carrying {@code c} to {@code uri}; signed with {@code secret} at {@code nowMillis} when the robot signs and a secret is given. */
        Request render(URI uri, Content c, String secret, long nowMillis);

        /** Whether the robot takes {@code c} as this format renders it: only some refuse a message over a size. */
        default boolean fits(Content c) {
            return true;
        }
    }

    /** The reader's language: most users read Chinese, so that is the default; WEBHOOK_LANG=en switches. */
    public enum Lang {
        ZH, EN;

        /** zh or en, with or without a region (zh-CN, en_US); null for anything else. */
        public static Lang of(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT).split("[-_]")[0]) {
                case "zh" -> ZH;
                case "en" -> EN;
                default -> null;
            };
        }
    }

    /**
     * What a notification is about: the job's status and the sync's report. {@code report} is null when there is
     * none; {@code unreadable} then tells a file that was there but is not a sync report from no file at all.
     */
    public record Message(String status, String repository, String runUrl, Report report, boolean unreadable) {}

    public record Request(URI uri, String body) {}

    /** Copied images and failures listed by name; the rest are counted ("and N more"). */
    static final int MAX_LISTED = 10;
    static final int MAX_ERROR = 200;
    /** WeCom refuses markdown content over 4096 bytes (UTF-8). */
    static final int WECOM_MAX_BYTES = 4096;
    /** Slack refuses a section whose text is over 3000 characters. */
    static final int SLACK_MAX_SECTION = 3000;

    /**
     * Every phrase a reader sees, in one language. The counts follow the report's status words, one phrase each,
     * and say what the less obvious ones mean.
     */
    private record Words(String succeeded, String failed, String cancelled, String repository, String result, String colon,
                         Map<Status, String> counts, String comma, String copiedHeading, String failedHeading,
                         String more, String noReport, String unreadable, String run,
                         String failingHeading, String chronicHeading, String since, String withoutAttestations, String dockerList) {}

    private static final Words ZH = new Words("✅ image-sync 同步成功", "❌ image-sync 同步失败", "⚪ image-sync 同步已取消",
            "仓库", "结果", "：",
            phrases("已复制 %d", "跳过 %d（已是最新）", "将复制 %d（试运行）", "推迟 %d（拉取配额将尽，下次运行再同步）", "失败 %d",
                    "已取消 %d（运行被中断）"),
            "，", "已复制的镜像（拉取地址）", "失败的镜像", "……还有 %d 个",
            "本次同步没有生成报告（同步在写出报告之前就停止了），原因请查看运行日志", "同步报告无法读取，详情请查看运行日志", "查看运行详情",
            "之前就在失败的镜像", "长期失败的镜像（超过 SYNC_FAILING_DAYS 天）：请修正 images.txt 中的这一行，或把它删掉",
            "自 %s 起连续失败（%d 次运行）",
            "（未带 attestation：目标仓库拒收带 attestation 的 index）", "（写成 Docker manifest list，未带 attestation：目标仓库拒收 OCI index）");

    private static final Words EN = new Words("✅ image-sync succeeded", "❌ image-sync failed", "⚪ image-sync cancelled",
            "Repository", "Result", ": ",
            phrases("%d copied", "%d skipped (up to date)", "%d would-copy (dry run)", "%d deferred (pull reserve reached: synced on a later run)",
                    "%d failed", "%d cancelled (the run was interrupted)"),
            ", ", "Copied (pull addresses)", "Failed", "… and %d more",
            "The sync produced no report (it stopped before writing one); the run log says why", "The sync report could not be read; the run log says more",
            "View the run",
            "Still failing (failed in earlier runs too)", "Failing for SYNC_FAILING_DAYS days or more: fix the line in images.txt or remove it",
            "failing since %s (%d runs)",
            " (attestations left out: the target refused an index with them)",
            " (a Docker manifest list, without attestations: the target refused OCI indexes)");

    private static Map<Status, String> phrases(String copied, String skipped, String wouldCopy, String deferred, String failed, String cancelled) {
        Map<Status, String> m = new LinkedHashMap<>();
        m.put(Status.COPIED, copied);
        m.put(Status.SKIPPED, skipped);
        m.put(Status.WOULD_COPY, wouldCopy);
        m.put(Status.DEFERRED, deferred);
        m.put(Status.FAILED, failed);
        m.put(Status.CANCELLED, cancelled);
        return m;
    }

    /** A labelled line: the repository, the counts. */
    private record Fact(String label, String value) {}

    /** A headed list: the copied images' pull addresses, the failures. */
    private record Listing(String heading, List<String> items) {}

    /**
     * What every platform shows; the platforms differ only in markup. {@code summary} is the report's, null
     * without one (for the generic JSON).
     */
    private record Content(String status, String title, String colon, List<Fact> facts, List<Listing> listings, String runUrl,
                           String runText, String repository, Report.Summary summary) {}

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
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        return Arrays.stream(Kind.values()).filter(k -> k.hosts.stream().anyMatch(h::endsWith)).findFirst().orElse(Kind.GENERIC);
    }

    /**
     * The request for {@code kind}. {@code secret} may be null (unsigned); {@code nowMillis} is the signing time.
     * Lists are cut from {@link #MAX_LISTED} names down until the platform's size limit is met, so a big run
     * still arrives (with more of it counted than named) instead of being refused.
     */
    public static Request build(Kind kind, String url, Message m, Lang lang, String secret, long nowMillis) {
        for (int listed = MAX_LISTED; ; listed--) {
            Content c = content(m, lang, listed);
            if (listed == 0 || kind.format.fits(c)) {
                return kind.format.render(URI.create(url), c, secret, nowMillis);
            }
        }
    }

    private static Content content(Message m, Lang lang, int listed) {
        Words w = lang == Lang.EN ? EN : ZH;
        String title = switch (m.status()) {
            case "success" -> w.succeeded();
            case "cancelled" -> w.cancelled();
            default -> w.failed();
        };
        List<Fact> facts = new ArrayList<>();
        if (m.repository() != null) {
            facts.add(new Fact(w.repository(), m.repository()));
        }
        List<Listing> listings = new ArrayList<>();
        Report report = m.report();
        if (report == null) {
            facts.add(new Fact(w.result(), m.unreadable() ? w.unreadable() : w.noReport()));
        } else {
            facts.add(new Fact(w.result(), counts(report.summary(), w)));
            List<String> copied = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            List<String> failing = new ArrayList<>();
            List<String> chronic = new ArrayList<>();
            for (ImageResult image : report.images() == null ? List.<ImageResult>of() : report.images()) {
                for (TargetResult t : image.targets()) {
                    if (t.status() == Status.COPIED) {
                        copied.add(t.image() + dropped(t, w));
                    } else if (t.status() == Status.FAILED) {
                        String line = image.source() + " (" + image.platform() + ") → " + t.target() + ": " + reason(t.error());
                        if (!t.failedBefore()) {
                            failed.add(line);
                        } else {
                            (t.failing().chronic() ? chronic : failing).add(line + " — "
                                    + String.format(Locale.ROOT, w.since(), t.failing().since(), t.failing().runs()));
                        }
                    }
                }
            }
            if (!copied.isEmpty()) {
                listings.add(new Listing(w.copiedHeading(), cut(copied, listed, w)));
            }
            // Today's new failures first, apart from those people have been told about before.
            if (!failed.isEmpty()) {
                listings.add(new Listing(w.failedHeading(), cut(failed, listed, w)));
            }
            if (!failing.isEmpty()) {
                listings.add(new Listing(w.failingHeading(), cut(failing, listed, w)));
            }
            if (!chronic.isEmpty()) {
                listings.add(new Listing(w.chronicHeading(), cut(chronic, listed, w)));
            }
        }
        return new Content(m.status(), title, w.colon(), facts, listings, m.runUrl(), w.run(), m.repository(),
                report == null ? null : report.summary());
    }

    /** What a target that refused the source's index got instead, and why; nothing when it took the index. */
    private static String dropped(TargetResult t, Words w) {
        if (t.written() == Written.INDEX_WITHOUT_ATTESTATIONS) {
            return w.withoutAttestations();
        }
        return t.written() == Written.DOCKER_LIST ? w.dockerList() : "";
    }

    /** copied, skipped and failed always; would-copy, deferred and cancelled when the run had any. */
    private static String counts(Report.Summary s, Words w) {
        Map<Status, Integer> n = Map.of(Status.COPIED, s.copied(), Status.SKIPPED, s.skipped(),
                Status.WOULD_COPY, s.wouldCopy(), Status.DEFERRED, s.deferred(), Status.FAILED, s.failed(),
                Status.CANCELLED, s.cancelled());
        List<Status> always = List.of(Status.COPIED, Status.SKIPPED, Status.FAILED);
        return w.counts().entrySet().stream()
                .filter(e -> always.contains(e.getKey()) || n.get(e.getKey()) > 0)
                .map(e -> String.format(Locale.ROOT, e.getValue(), n.get(e.getKey())))
                .collect(Collectors.joining(w.comma()));
    }

    /** One line, at most {@link #MAX_ERROR} characters: a registry's answer can be a page of HTML. */
    private static String reason(String error) {
        String e = error == null ? "" : error.replaceAll("\\s+", " ").strip();
        return e.length() > MAX_ERROR ? e.substring(0, MAX_ERROR) + "…" : e;
    }

    private static List<String> cut(List<String> items, int listed, Words w) {
        if (items.size() <= listed) {
            return items;
        }
        List<String> out = new ArrayList<>(items.subList(0, listed));
        out.add(String.format(Locale.ROOT, w.more(), items.size() - listed));
        return out;
    }

    /** Feishu/Lark: an interactive card whose header colour is the outcome, the text in lark_md blocks; signed in the body. */
    private static final class Feishu implements Format {
        @Override
        public Request render(URI uri, Content c, String secret, long nowMillis) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            if (secret != null) {
                long seconds = nowMillis / 1000;
                body.put("timestamp", Long.toString(seconds));
                body.put("sign", feishuSign(seconds, secret));
            }
            body.put("msg_type", "interactive");
            ObjectNode card = body.putObject("card");
            ObjectNode header = card.putObject("header");
            header.put("template", switch (c.status()) {
                case "success" -> "green";
                case "cancelled" -> "grey";
                default -> "red";
            });
            header.putObject("title").put("tag", "plain_text").put("content", c.title());
            ArrayNode elements = card.putArray("elements");
            larkMd(elements, facts(c, "**", "\n"));
            for (Listing l : c.listings()) {
                larkMd(elements, listing(l, "**", Function.identity(), "• "));
            }
            if (c.runUrl() != null) {
                elements.addObject().put("tag", "hr");
                larkMd(elements, "[" + c.runText() + "](" + c.runUrl() + ")");
            }
            return new Request(uri, body.toString());
        }

        private static void larkMd(ArrayNode elements, String content) {
            elements.addObject().put("tag", "div").putObject("text").put("tag", "lark_md").put("content", content);
        }
    }

    /** DingTalk: Markdown with a blank line between paragraphs (a single newline does not break a line there); signed in the URL. */
    private static final class DingTalk implements Format {
        @Override
        public Request render(URI uri, Content c, String secret, long nowMillis) {
            List<String> parts = new ArrayList<>();
            parts.add("### " + c.title());
            parts.add(facts(c, "**", "\n\n"));
            for (Listing l : c.listings()) {
                parts.add("**" + l.heading() + "**");
                parts.add(l.items().stream().map(i -> "- " + i).collect(Collectors.joining("\n")));
            }
            if (c.runUrl() != null) {
                parts.add("[" + c.runText() + "](" + c.runUrl() + ")");
            }
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("msgtype", "markdown");
            body.putObject("markdown").put("title", c.title()).put("text", String.join("\n\n", parts));
            URI signed = secret == null ? uri : URI.create(uri + (uri.getRawQuery() == null ? "?" : "&") + "timestamp=" + nowMillis
                    + "&sign=" + URLEncoder.encode(dingtalkSign(nowMillis, secret), StandardCharsets.UTF_8));
            return new Request(signed, body.toString());
        }
    }

    /**
     * WeCom: its Markdown has no lists, so items are quote lines, as in WeCom's own examples; sections are apart so a
     * quote does not swallow the next heading. It refuses content over {@link #WECOM_MAX_BYTES}.
     */
    private static final class WeCom implements Format {
        @Override
        public Request render(URI uri, Content c, String secret, long nowMillis) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("msgtype", "markdown");
            body.putObject("markdown").put("content", content(c));
            return new Request(uri, body.toString());
        }

        @Override
        public boolean fits(Content c) {
            return content(c).getBytes(StandardCharsets.UTF_8).length <= WECOM_MAX_BYTES;
        }

        private static String content(Content c) {
            List<String> parts = new ArrayList<>();
            parts.add("### " + c.title() + "\n" + facts(c, "**", "\n"));
            for (Listing l : c.listings()) {
                parts.add(listing(l, "**", Function.identity(), "> "));
            }
            if (c.runUrl() != null) {
                parts.add("[" + c.runText() + "](" + c.runUrl() + ")");
            }
            return String.join("\n\n", parts);
        }
    }

    /**
     * Slack: a header, the facts as fields, one section per list and the run link as context. The top-level text is
     * what notifications and clients without blocks show. It refuses a section over {@link #SLACK_MAX_SECTION} characters.
     */
    private static final class Slack implements Format {
        @Override
        public Request render(URI uri, Content c, String secret, long nowMillis) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("text", escape(c.title() + "\n" + plainFacts(c)));
            ArrayNode blocks = body.putArray("blocks");
            blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text").put("text", c.title()).put("emoji", true);
            ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
            for (Fact f : c.facts()) {
                fields.addObject().put("type", "mrkdwn").put("text", "*" + f.label() + "*\n" + escape(f.value()));
            }
            for (Listing l : c.listings()) {
                blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", section(l));
            }
            if (c.runUrl() != null) {
                blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                        .put("text", "<" + c.runUrl() + "|" + c.runText() + ">");
            }
            return new Request(uri, body.toString());
        }

        @Override
        public boolean fits(Content c) {
            return c.listings().stream().allMatch(l -> section(l).length() <= SLACK_MAX_SECTION);
        }

        private static String section(Listing l) {
            return listing(l, "*", Slack::escape, "• ");
        }

        /** Slack reads &, < and > as markup (links, mentions): in text they must be escaped. */
        private static String escape(String text) {
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }

    /**
     * Any JSON endpoint: the outcome as data (the summary as the report has it, absent without a report), and the
     * message as plain text for an endpoint that only shows text.
     */
    private static final class Generic implements Format {
        @Override
        public Request render(URI uri, Content c, String secret, long nowMillis) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("status", c.status()).put("title", c.title()).put("text", plain(c)).put("repository", c.repository()).put("run_url", c.runUrl());
            if (c.summary() != null) {
                body.set("summary", Json.MAPPER.valueToTree(c.summary()));
            }
            return new Request(uri, body.toString());
        }
    }

    private static String plain(Content c) {
        List<String> parts = new ArrayList<>();
        parts.add(c.title());
        parts.add(plainFacts(c));
        for (Listing l : c.listings()) {
            parts.add(listing(l, "", Function.identity(), "- "));
        }
        if (c.runUrl() != null) {
            parts.add(c.runText() + c.colon() + c.runUrl());
        }
        return String.join("\n", parts);
    }

    private static String plainFacts(Content c) {
        return facts(c, "", "\n");
    }

    private static String facts(Content c, String bold, String between) {
        return c.facts().stream().map(f -> bold + f.label() + bold + c.colon() + f.value()).collect(Collectors.joining(between));
    }

    private static String listing(Listing l, String bold, Function<String, String> escape, String bullet) {
        return bold + l.heading() + bold + "\n" + l.items().stream().map(i -> bullet + escape.apply(i)).collect(Collectors.joining("\n"));
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
        } catch (IOException | RuntimeException e) {
            // Not JSON (Slack answers "ok"): the status code has spoken.
        }
        return null;
    }

    /**
     * Why the webhook could not be reached: where the message went, the failure in {@link Http#describe}'s words, and
     * what to check. {@code proxy}: the proxy it went through (host:port), null when it went straight.
     */
    public static String unreachable(IOException e, URI uri, String proxy) {
        String where = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + (proxy == null ? "" : " through the proxy " + proxy);
        return "could not reach " + where + ": " + (Http.isTls(e) ? "TLS failed: " : "") + Http.describe(e)
                + (proxy == null ? "; is WEBHOOK_URL right?" : "; are WEBHOOK_URL and the proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) right?");
    }

    private static String shorten(String body) {
        String b = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return b.isEmpty() ? "" : ": " + (b.length() > 200 ? b.substring(0, 200) + "…" : b);
    }
}
