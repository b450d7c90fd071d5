package lib.issue;

import lib.core.Env;
import lib.core.ImageRef;
import lib.core.Platforms;
import lib.core.Retry;
import lib.core.SyncError;
import lib.core.Target;
import lib.core.UsageError;
import lib.engine.ProcessRunner;
import lib.list.ImageList;
import lib.list.ImageSpec;
import lib.list.ListAppend;
import lib.list.Inputs;
import lib.list.Plan;
import lib.report.Console;
import lib.report.Report;
import lib.run.SyncOptions;
import lib.run.SyncRun;
import lib.settings.Settings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The issue flow (05): reads the issues or issue_comment event, takes the images the issue asks for (the form's
 * fields, or the body, else the title), syncs them with {@link SyncRun}, and answers on the issue: a comment with
 * the pull commands or what to fix, a label, and closing it when every image is there.
 */
public final class IssueSync {
    public static final int DEFAULT_MAX = 20;
    static final String SYNCED = "synced";
    static final String FAILED = "sync-failed";
    /** The list parser's "file:line: message", for the names this flow gives the issue's text. */
    private static final Pattern WHERE = Pattern.compile("(issue|title):(\\d+): (.*)", Pattern.DOTALL);

    private final Map<String, String> env;
    private final ProcessRunner runner;
    private final Retry retry;
    private final Console console;
    private final SyncOptions options;
    private final Path imagesFile;
    private final Path report;

    /** {@code options}: how the sync works (jobs, state, ...); {@code imagesFile}: the list ISSUE_SYNC_REMEMBER appends to. */
    public IssueSync(Map<String, String> env, ProcessRunner runner, Retry retry, Console console, SyncOptions options, Path imagesFile, Path report) {
        this.env = env;
        this.runner = runner;
        this.retry = retry;
        this.console = console;
        this.options = options;
        this.imagesFile = imagesFile;
        this.report = report;
    }

    /** Answers the event; the exit code is the sync's, or 1 when the answer could not be posted. */
    public int run() throws IOException {
        String eventPath = Env.value(env, "GITHUB_EVENT_PATH");
        if (eventPath == null) {
            throw new UsageError("GITHUB_EVENT_PATH is not set: it names the issues or issue_comment event to answer (GitHub Actions sets it)");
        }
        IssueEvent event = IssueEvent.read(Path.of(eventPath));
        String leftAlone = event.pullRequest() ? "a pull request"
                : !event.request() ? "not a sync request (no " + IssueEvent.LABEL + " label, and the title does not start with " + IssueEvent.TITLE_PREFIX + ")"
                : event.command() != null && !event.command().strip().toLowerCase(Locale.ROOT).startsWith("/sync") ? "a comment that is not /sync" : null;
        if (leftAlone != null) {
            console.info("issue #" + event.number() + ": " + leftAlone + ": left alone");
            return 0;
        }
        GitHubApi api = GitHubApi.from(env, retry, console);
        console.hide(Env.secret(env, "GITHUB_TOKEN"), "GITHUB_TOKEN");
        Answer answer = new Answer(api, event, console);
        if (!event.allowed(env.get("ISSUE_SYNC_USERS"))) {
            boolean close = event.command() == null || event.actor().equalsIgnoreCase(event.author());
            console.info("issue #" + event.number() + ": " + event.actor() + " (" + event.association()
                    + ") is not the owner, a member, a collaborator or in ISSUE_SYNC_USERS: answering" + (close ? " and closing" : ""));
            return answer.refuse(close) ? 0 : 1;
        }
        int exit;
        try {
            exit = syncRequest(event, answer);
        } catch (UsageError e) {
            // The repository's own settings are wrong (ISSUE_SYNC_MAX, ...): the asker still gets an answer.
            console.error(e.getMessage());
            answer.post(IssueReply.notStarted(List.of(e.getMessage()), runUrl()), false);
            return SyncRun.USAGE;
        }
        return answer.failed ? Math.max(exit, 1) : exit;
    }

    private int syncRequest(IssueEvent event, Answer answer) throws IOException {
        int max = max();
        IssueRequest request = IssueRequest.of(event.body(), event.title());
        String to = request.targets() != null ? request.targets() : Env.value(env, "SYNC_TARGETS");
        List<Target> targets = Settings.from(env, to).targets();
        Platforms platform = request.platform() == null || !request.problems().isEmpty() ? Platforms.DEFAULT : Platforms.parse(request.platform());
        List<IssueReply.Problem> problems = new ArrayList<>();
        request.problems().forEach(p -> problems.add(new IssueReply.Problem(null, null, p)));

        String label = "issue";
        String text = request.body();
        ImageList.Parsed parsed = ImageList.parse(label, text, platform, ImageRef.DOCKER_HUB);
        if (parsed.images().isEmpty() && parsed.errors().isEmpty()) {
            label = "title";
            text = request.title();
            parsed = ImageList.parse(label, text, platform, ImageRef.DOCKER_HUB);
        }
        // As a sync does: lines that name their tag are checked now, tag-policy lines once their tags are listed.
        List<ImageSpec> named = ImageSpec.named(parsed.images());
        int policies = parsed.images().size() - named.size();
        Plan.Result planned = Plan.of(label, named, targets);
        List<String> lines = List.of(text.split("\n", -1));
        List<String> errors = new ArrayList<>(parsed.errors());
        errors.addAll(planned.errors());
        for (String error : errors) {
            console.error(error);
            problems.add(problem(error, lines));
        }
        // Before anything is asked: an issue may name only the registries the repository syncs from.
        problems.addAll(IssueHosts.from(env, options.sourceRegistry()).refused(parsed.images()));
        List<String> read = IssueRequest.read(text);
        if (problems.isEmpty() && parsed.images().isEmpty()) {
            console.error("issue #" + event.number() + " names no image");
            problems.add(new IssueReply.Problem(null, null, "没有找到镜像：把镜像写在代码块里，每行一个，例如 nginx:alpine / "
                    + "no image found: put the images in a code block, one per line, e.g. nginx:alpine"));
        }
        if (!problems.isEmpty()) {
            request.problems().forEach(console::error);
            answer.post(IssueReply.badRequest(problems, read), false);
            return SyncRun.USAGE;
        }
        // A tag-policy line may select several tags: each gets an equal share of what the limit leaves.
        int share = policies == 0 ? SyncRun.DEFAULT_MAX_TAGS : (max - planned.items().size()) / policies;
        if (planned.items().size() + policies > max) {
            int count = planned.items().size() + policies;
            console.error("issue #" + event.number() + " lists " + count + " images; at most " + max + " (ISSUE_SYNC_MAX)");
            answer.post(IssueReply.tooMany(count, max), false);
            return SyncRun.USAGE;
        }

        // The targets are given explicitly, so the sync writes exactly where the names were checked for.
        Inputs inputs = Inputs.text(label, text, request.platform(), options.sourceRegistry());
        SyncRun.Result result = sync(options.options(inputs, to, report, share));
        // What the asker may see named: what the issue named, and the registries the repository itself is set up with.
        String asked = event.title() + "\n" + event.body() + "\n" + String.join("\n", targets.stream().map(Target::registry).toList())
                + "\n" + Objects.requireNonNullElse(options.sourceRegistry(), "");
        if (result.report() == null) {
            answer.post(IssueReply.notStarted(result.problems().stream().map(p -> IssueHosts.scrub(p, asked)).toList(), runUrl()), false);
            return result.exit() == 0 ? 1 : result.exit();
        }
        Report synced = result.report();
        Report shown = new Report(synced.summary(), synced.images().stream().map(i -> i.withTargets(
                t -> t.error() == null ? t : t.withError(IssueHosts.scrub(t.error(), asked)))).toList(), synced.stats());
        boolean ready = !synced.images().isEmpty() && synced.images().stream().flatMap(i -> i.targets().stream()).allMatch(IssueReply::there);
        ListAppend.Appended remembered = "true".equalsIgnoreCase(Env.value(env, "ISSUE_SYNC_REMEMBER"))
                ? Remember.remember(imagesFile, parsed.images(), synced, targets, event.number(), console) : null;
        answer.post(IssueReply.result(shown, remembered, read, runUrl()), ready);
        return result.exit();
    }

    /** The sync in this JVM, with the same console (so the same secrets are hidden); whatever stops it is said on the issue. */
    private SyncRun.Result sync(SyncRun.Options o) {
        try {
            return new SyncRun(env, runner, retry, console).sync(o);
        } catch (UsageError e) {
            console.error(e.getMessage());
            return new SyncRun.Result(SyncRun.USAGE, null, List.of(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            String said = "internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            console.error(said);
            return new SyncRun.Result(1, null, List.of(said));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SyncRun.Result(1, null, List.of("interrupted"));
        }
    }

    /** One of the list parser's messages about the issue's text, with the line it is about. */
    private static IssueReply.Problem problem(String error, List<String> lines) {
        Matcher m = WHERE.matcher(error);
        if (!m.matches()) {
            return new IssueReply.Problem(null, null, error);
        }
        int line = Integer.parseInt(m.group(2));
        String text = line >= 1 && line <= lines.size() ? lines.get(line - 1).strip() : null;
        return m.group(1).equals("title") ? new IssueReply.Problem("标题 / title", text, m.group(3))
                : new IssueReply.Problem("第 " + line + " 行 / line " + line, text, m.group(3));
    }

    private int max() {
        String value = Env.value(env, "ISSUE_SYNC_MAX");
        if (value == null) {
            return DEFAULT_MAX;
        }
        try {
            int max = Integer.parseInt(value);
            if (max >= 1) {
                return max;
            }
        } catch (NumberFormatException e) {
            // Said below, with what to write instead.
        }
        throw new UsageError("ISSUE_SYNC_MAX='" + value + "' is not a whole number of at least 1: set the repository variable to e.g. 20, or delete it");
    }

    private String runUrl() {
        String repository = Env.value(env, "GITHUB_REPOSITORY");
        String run = Env.value(env, "GITHUB_RUN_ID");
        return repository == null || run == null ? null
                : env.getOrDefault("GITHUB_SERVER_URL", "https://github.com") + "/" + repository + "/actions/runs/" + run;
    }

    /**
     * Posting on the issue: the comment (secrets hidden once more, whatever slipped into a message), then the label
     * (created when the repository lacks it; the other one removed) and, when every image is there, closing it. A
     * request without the sync label gets it too (created when missing): it stays a request whatever its title becomes,
     * and from then on the issue form's label exists, which GitHub needs before the form can set it. A failure is said
     * once and stops the rest: the run then fails, so the owner sees an unanswered issue.
     */
    static final class Answer {
        private final GitHubApi api;
        private final IssueEvent event;
        private final Console console;
        boolean failed;

        Answer(GitHubApi api, IssueEvent event, Console console) {
            this.api = api;
            this.event = event;
            this.console = console;
        }

        boolean refuse(boolean close) {
            return attempt(() -> {
                api.comment(event.number(), console.redact(IssueReply.refused(close)));
                if (close) {
                    api.close(event.number(), "not_planned");
                }
            });
        }

        void post(String body, boolean ready) {
            String label = ready ? SYNCED : FAILED;
            String other = ready ? FAILED : SYNCED;
            attempt(() -> {
                api.comment(event.number(), console.redact(body));
                api.ensureLabel(label, ready ? "0e8a16" : "d93f0b", ready ? "镜像已同步 / images synced"
                        : "同步失败：修改后评论 /sync 重试 / sync failed: edit the issue and comment /sync");
                api.addLabel(event.number(), label);
                if (event.labels().stream().noneMatch(IssueEvent.LABEL::equalsIgnoreCase)) {
                    api.ensureLabel(IssueEvent.LABEL, "1d76db", "镜像同步请求 / image sync request");
                    api.addLabel(event.number(), IssueEvent.LABEL);
                }
                if (event.labels().contains(other)) {
                    api.removeLabel(event.number(), other);
                }
                if (ready) {
                    api.close(event.number(), "completed");
                }
            });
        }

        private boolean attempt(Runnable calls) {
            try {
                calls.run();
                console.info("issue #" + event.number() + ": answered");
                return true;
            } catch (SyncError e) {
                console.error("could not answer on issue #" + event.number() + ": " + e.getMessage());
                failed = true;
                return false;
            }
        }
    }
}
