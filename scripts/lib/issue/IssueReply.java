package lib.issue;

import lib.core.Platforms;
import lib.core.SyncError;
import lib.list.ListAppend;
import lib.report.Report;
import lib.sync.ImageResult;
import lib.sync.Status;
import lib.sync.TargetResult;

import java.util.List;

/**
 * The comments the issue flow answers with, in Chinese and English: Markdown rendered from results, deciding nothing.
 * Text that came from the issue (bad lines, the parser's messages quoting them) and tools' error messages only ever
 * appear inside code spans, so they cannot mention anyone, link anywhere or break the layout.
 */
public final class IssueReply {
    /** One thing wrong with the request: where ("第 3 行 / line 3", "标题 / title", or null for a form field), the text there, what is wrong. */
    public record Problem(String where, String text, String message) {}

    /** Lines the run added to images.txt, found there already, or could not add (with why). */
    /** At most this many problems are listed: a pasted log must not turn into a comment longer than GitHub accepts. */
    static final int MAX_PROBLEMS = 30;
    static final int MAX_QUOTE = 120;
    /** The hint for a failure whose kind says nothing the asker can fix (or a result without a kind). */
    static final String TRY_AGAIN = "可能是临时的网络或仓库故障，评论 `/sync` 重试；一直失败的话请看运行日志。/ Possibly a passing network or registry "
            + "problem: comment `/sync` to try again; if it keeps failing, see the run log.";
    static final String RETRY = "修改 issue 后评论 `/sync` 即可重试。/ Edit the issue, then comment `/sync` to try again.";
    /** How a request is written, for an issue in which nothing could be read: prose is fine, the images go in a code block. */
    static final String EXAMPLE = "没有读到任何镜像。请求这样写：文字随意，镜像放在代码块里，每行一个（写法和 images.txt 相同），或者用表单 **同步镜像 / Sync images**。"
            + "/ Nothing could be read. Write a request like this: any words you like, and the images in a code block, one per line "
            + "(as in images.txt), or use the form **同步镜像 / Sync images**:\n\n"
            + "~~~markdown\n请帮忙同步这两个 / Please sync these two:\n\n```\nnginx:1.27\n--platform=linux/arm64 redis:7\n```\n~~~\n";

    private IssueReply() {}

    /** {@code closed}: the issue is closed too (it was opened by the person refused). */
    public static String refused(boolean closed) {
        return "### 🙏 抱歉，这里不能为你同步镜像 / Sorry, this repository does not sync images for you\n\n"
                + "这里只为仓库的所有者、成员和协作者（以及仓库变量 `ISSUE_SYNC_USERS` 中列出的用户）同步镜像，"
                + "所以这个请求不会处理" + (closed ? "，issue 也会关闭" : "") + "。你可以用同一个模板创建自己的仓库，在那里同步想要的镜像。\n\n"
                + "Images are synced here only for the repository's owner, members and collaborators (and the users "
                + "listed in its `ISSUE_SYNC_USERS` variable), so this request is not processed" + (closed ? " and the issue is closed" : "")
                + ". You can create a repository of your own from the same template and sync the images you need there.\n";
    }

    /** {@code read}: the lines read as the request; none: the answer shows how a request is written. */
    public static String badRequest(List<Problem> problems, List<String> read) {
        StringBuilder md = new StringBuilder("### ❌ 请求有问题，没有同步任何镜像 / Nothing was synced: the request has problems\n\n");
        for (Problem p : problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS))) {
            md.append("- ");
            if (p.where() != null) {
                md.append(p.where()).append(": ");
            }
            if (p.text() != null) {
                md.append(code(abbreviate(p.text()))).append(" — ");
            }
            md.append(code(p.message())).append('\n');
        }
        if (problems.size() > MAX_PROBLEMS) {
            md.append("- …… 还有 ").append(problems.size() - MAX_PROBLEMS).append(" 处 / and ")
                    .append(problems.size() - MAX_PROBLEMS).append(" more\n");
        }
        if (read.isEmpty()) {
            return md.append("\n").append(EXAMPLE).append('\n').append(RETRY).append('\n').toString();
        }
        return md.append(lines(read))
                .append("\n每行写一个镜像，写法和 images.txt 相同 / One image per line, written as in images.txt:\n\n")
                .append("```text\nnginx:alpine\n--platform=linux/arm64 mysql:8.0\nquay.io/coreos/etcd:v3.5.0\n```\n\n")
                .append(RETRY).append('\n').toString();
    }

    /** The lines read as the request, so the asker sees what was understood (as many, and as long, as problems are quoted). */
    static String lines(List<String> read) {
        return "\n#### 读取的行 / Lines read\n\n" + fenced(String.join("\n", read.subList(0, Math.min(read.size(), MAX_PROBLEMS)).stream()
                .map(IssueReply::abbreviate).toList()) + (read.size() > MAX_PROBLEMS ? "\n…" : ""));
    }

    public static String tooMany(int count, int max) {
        return "### ❌ 一个 issue 最多同步 " + max + " 个镜像 / At most " + max + " images per issue\n\n"
                + "这个 issue 列出了 " + count + " 个，没有同步任何镜像。请分成几个 issue（仓库所有者也可以调大仓库变量 `ISSUE_SYNC_MAX`）。\n\n"
                + "This issue lists " + count + ", so nothing was synced: split them over several issues (or the repository "
                + "owner raises the repository variable `ISSUE_SYNC_MAX`).\n";
    }

    /** The sync refused to start: the repository's settings or login (its owner's to fix), or a line only the run could judge. */
    public static String notStarted(List<String> errors, String runUrl) {
        StringBuilder md = new StringBuilder("### ❌ 同步没有开始 / The sync did not start\n\n"
                + "原因见下。如果是请求本身的问题（比如标签规则选中的标签太多），修改 issue 后评论 `/sync`；如果是仓库配置的问题"
                + "（Secrets、登录），需要仓库所有者处理，详见运行日志。/ Why, below. If it is about the request (say, a tag policy that "
                + "selects too many tags), edit the issue and comment `/sync`; if it is about the repository's settings (secrets, "
                + "login), its owner has to fix them: see the run log.\n\n");
        md.append(fenced(String.join("\n", errors.isEmpty() ? List.of("(no message; see the run log)") : errors)));
        return md.append(footer(runUrl, false)).toString();
    }

    /**
     * The outcome: a table of every image×target, pull commands for what is there, failures with hints. Images are
     * named as the asker names them (the report's names, not its sources, which may carry a mirror's host).
     */
    public static String result(Report report, ListAppend.Appended remembered, List<String> read, String runUrl) {
        List<Row> rows = report.images().stream().flatMap(image -> image.targets().stream().map(t -> new Row(image, t))).toList();
        long ready = rows.stream().filter(Row::pullable).count();
        if (rows.isEmpty()) {
            return "### ❌ 没有同步任何镜像 / Nothing was synced\n\n标签规则没有选中任何标签（见运行日志）。/ The tag policy selected no tag "
                    + "(see the run log).\n" + footer(runUrl, true);
        }
        StringBuilder md = new StringBuilder(ready == rows.size() ? "### ✅ 镜像已就绪 / The images are ready\n\n"
                : ready > 0 ? "### ⚠️ 部分镜像没有就绪 / Some images are not ready\n\n" : "### ❌ 镜像都没有就绪 / No image is ready\n\n");
        md.append("| 源镜像 / Source | 平台 / Platform | 目标 / Target | 状态 / Status |\n|---|---|---|---|\n");
        for (Row r : rows) {
            md.append("| `").append(r.image().label()).append("` | ").append(r.image().platform()).append(" | ").append(r.target().target()).append(" `")
                    .append(r.target().image()).append("` | ").append(status(r.target())).append(" |\n");
        }
        if (ready > 0) {
            md.append("\n#### 拉取命令 / Pull commands\n");
            rows.stream().filter(Row::pullable).forEach(r -> md.append(pullCommands(r)));
            md.append("\n> 仓库是私有的话，先 `docker login` 到它的地址；GHCR 上新建的包默认私有，可以在包的设置里改成公开。\n"
                    + "> A private repository needs a `docker login` to its address first; new GHCR packages are private until "
                    + "you make them public in the package's settings.\n");
        }
        List<Row> failed = rows.stream().filter(r -> !r.pullable()).toList();
        // Failures seen in runs before this one are listed apart, with since when: not news, but still to be fixed.
        List<Row> fresh = failed.stream().filter(r -> !r.target().failedBefore()).toList();
        List<Row> earlier = failed.stream().filter(r -> r.target().failedBefore()).toList();
        if (!fresh.isEmpty()) {
            md.append("\n#### 没有就绪 / Not ready\n\n");
            fresh.forEach(r -> md.append(notReady(r, "")));
        }
        if (!earlier.isEmpty()) {
            md.append("\n#### 之前的运行就已失败 / Failing since earlier runs\n\n");
            earlier.forEach(r -> md.append(notReady(r, " (自 " + r.target().failing().since() + " 起连续失败 " + r.target().failing().runs()
                    + " 次 / " + r.target().failing().describe() + ")")));
        }
        if (remembered != null) {
            md.append(remembered(remembered));
        }
        return md.append(lines(read)).append(footer(runUrl, !failed.isEmpty())).toString();
    }

    private static String notReady(Row r, String history) {
        return "- `" + r.image().label() + "` (" + r.image().platform() + ") → " + r.target().target() + history
                + ": " + code(r.target().error() == null ? r.target().status().label : r.target().error()) + "\n"
                + "  提示 / Hint: " + hint(r.target()) + "\n";
    }

    /** One image at one target. */
    record Row(ImageResult image, TargetResult target) {
        boolean pullable() {
            return there(target);
        }

        /** The name the image is tagged with after a pull: the asker's, tagged as the source is, or, pinned by digest alone, as the copy was. */
        String local(String name) {
            return name + ":" + (image.tag() != null ? image.tag() : target.tag());
        }
    }

    /** Whether the target holds the image now, copied or found up to date: then it can be pulled. */
    public static boolean there(TargetResult t) {
        return t.status() == Status.COPIED || t.status() == Status.SKIPPED;
    }

    private static String pullCommands(Row r) {
        String image = r.target().image();
        String platform = r.image().platform();
        // One platform's image carries that platform; a multi-platform tag serves whichever the node has.
        String ctrPlatform = platform.equals(Platforms.ALL) || platform.contains(",") ? "" : "--platform " + platform + " ";
        return "\n**`" + r.image().label() + "`** · " + platform + " · " + r.target().target() + "\n\n"
                + "```sh\n"
                + "# Docker\n"
                + "docker pull " + image + "\n"
                + "docker tag " + image + " " + r.local(r.image().name()) + "\n"
                + "# containerd（Kubernetes 节点 / nodes）\n"
                + "ctr -n k8s.io images pull " + ctrPlatform + image + "\n"
                + "ctr -n k8s.io images tag " + image + " " + r.local(r.image().fullName()) + "\n"
                + "# 或者 / or: crictl\n"
                + "crictl pull " + image + "\n"
                + "```\n";
    }

    private static String status(TargetResult t) {
        String reason = t.reason() == null ? "" : " (" + t.reason() + ")";
        return switch (t.status()) {
            case COPIED -> "✅ 已复制 / copied" + reason;
            case SKIPPED -> "✅ 已是最新 / up to date" + reason;
            case FAILED -> "❌ 失败 / failed";
            case DEFERRED -> "⏳ 推迟 / deferred";
            case CANCELLED -> "⛔ 已取消 / cancelled";
            case WOULD_COPY -> "would copy" + reason;
        };
    }

    /** What to do about an image that is not there: by its status, and for a failure by its kind. */
    static String hint(TargetResult t) {
        if (t.status() == Status.DEFERRED) {
            return "Docker Hub 的拉取配额快用完了，这个镜像留到下次；过一会儿评论 `/sync`。/ Docker Hub's pull quota is nearly used up: "
                    + "comment `/sync` later.";
        }
        if (t.status() == Status.CANCELLED) {
            return "运行被中断了，评论 `/sync` 重试。/ The run was interrupted: comment `/sync` to try again.";
        }
        if (t.kind() == null) {
            return TRY_AGAIN;
        }
        return switch (t.kind()) {
            case NO_PLATFORM -> "这个镜像没有你要的平台，换成上面列出的平台之一。/ The image does not offer that platform: choose one of those listed.";
            case NOT_FOUND -> "检查镜像名和标签是否真的存在（例如在 Docker Hub 上搜一下）。/ Check that the image and the tag exist at the source.";
            case DENIED -> "源镜像可能是私有的，或者目标仓库的账号、密码不对（由仓库所有者检查 Secrets）。/ The source may be private, or the "
                    + "target's credentials are wrong (the repository owner checks the secrets).";
            case UNKNOWN_HOST -> "检查镜像地址里的主机名。/ Check the registry host in the image's name.";
            case UNREACHABLE -> "连不上这个仓库（原因见上）；它恢复后评论 `/sync` 重试。/ The registry could not be reached (see why above): comment "
                    + "`/sync` once it is back.";
            case GAVE_UP -> "超时了：镜像太大或网络太慢，稍后评论 `/sync` 重试。/ It ran out of time: comment `/sync` to try again later.";
            case TRANSIENT, PERMANENT, INTERNAL -> TRY_AGAIN;
        };
    }

    private static String remembered(ListAppend.Appended r) {
        StringBuilder md = new StringBuilder();
        if (!r.added().isEmpty()) {
            md.append("\n#### images.txt\n\n已加入 images.txt（本次运行结束时提交），每天的批量同步会让它们保持最新。/ Added to images.txt "
                    + "(committed at the end of this run); the daily batch sync keeps them up to date:\n\n")
                    .append(fenced(String.join("\n", r.added())));
        }
        if (!r.present().isEmpty()) {
            md.append("\n已经在 images.txt 里 / Already in images.txt: ")
                    .append(String.join(", ", r.present().stream().map(IssueReply::code).toList())).append('\n');
        }
        for (String refused : r.refused()) {
            md.append("\n没有加入 images.txt / Not added to images.txt: ").append(code(refused)).append('\n');
        }
        return md.toString();
    }

    private static String footer(String runUrl, boolean retry) {
        return "\n" + (retry ? RETRY + " " : "") + (runUrl == null ? "" : "[运行日志 / Run log](" + runUrl + ")") + "\n";
    }

    /**
     * A code span that shows {@code text} exactly, whatever backticks it holds (CommonMark: a longer run of backticks
     * delimits, and a space on each side is dropped), on one line.
     */
    static String code(String text) {
        String t = text.replaceAll("[\\r\\n]+", " ").strip();
        if (t.isEmpty()) {
            return "(empty)";
        }
        int longest = 0;
        int run = 0;
        for (char c : t.toCharArray()) {
            run = c == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(longest + 1);
        String pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
        return fence + pad + t + pad + fence;
    }

    /** A fenced block that no line of {@code text} can close early. */
    static String fenced(String text) {
        int longest = 2;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`+").matcher(text);
        while (m.find()) {
            longest = Math.max(longest, m.group().length());
        }
        String fence = "`".repeat(longest + 1);
        return fence + "text\n" + text + "\n" + fence + "\n";
    }

    static String abbreviate(String text) {
        return text.length() <= MAX_QUOTE ? text : text.substring(0, MAX_QUOTE - 1) + "…";
    }
}
