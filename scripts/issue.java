///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//SOURCES sync.java
//SOURCES lib/issue/GitHubApi.java
//SOURCES lib/issue/IssueEvent.java
//SOURCES lib/issue/IssueReply.java
//SOURCES lib/issue/IssueRequest.java

import org.apache.commons.io.output.TeeOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Command(name = "issue", mixinStandardHelpOptions = true, version = "image-sync issue 0.1.0",
        description = "Syncs the images a GitHub issue asks for and answers on the issue. Reads the issues or issue_comment event "
                + "at GITHUB_EVENT_PATH; takes the images (images.txt syntax) from the body, else from the title after an optional "
                + "[sync]; syncs them with sync.java's own code; then comments the pull commands, labels the issue synced or "
                + "sync-failed and closes it when every image is there (GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN). Only the "
                + "repository's owner, members and collaborators, and the logins in ISSUE_SYNC_USERS, may sync; anyone else gets a "
                + "polite answer. ISSUE_SYNC_MAX: images per issue (default 20). ISSUE_SYNC_REMEMBER=true: append the new lines to "
                + "the image list.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image is there (or the request was refused politely)", "1:at least one image failed, or the answer could not be posted",
                "2:a bad request (bad lines, too many images), bad settings or a failed login: nothing was copied"})
public class issue implements Callable<Integer> {
    static final int DEFAULT_MAX = 20;
    static final String SYNCED = "synced";
    static final String FAILED = "sync-failed";
    /** The list parser's "file:line: message", for the names this command gives the issue's text. */
    private static final Pattern WHERE = Pattern.compile("(issue|title):(\\d+): (.*)", Pattern.DOTALL);
    /** Options this command sets for the sync itself. */
    private static final List<String> RESERVED = List.of("-f", "--images", "--report", "--platform", "--to", "--name", "--plan", "--max-tags");

    @Option(names = {"-f", "--images"}, paramLabel = "FILE", defaultValue = "images.txt",
            description = "The image list ISSUE_SYNC_REMEMBER=true appends to (default: ${DEFAULT-VALUE}).")
    Path imagesFile;

    @Option(names = "--report", paramLabel = "FILE", description = "Also keep the sync's JSON report in FILE.")
    Path report;

    @Parameters(paramLabel = "SYNC_OPTION", arity = "0..*",
            description = "After --: options for the sync, as sync.java takes them, written --option=value (e.g. -- --jobs=2 --state=FILE).")
    List<String> syncOptions = new ArrayList<>();

    Map<String, String> env = System.getenv();
    Retry retry = Retry.standard();
    PrintStream out = System.out;
    PrintStream err = System.err;

    public static void main(String[] args) {
        System.exit(commandLine(new issue()).execute(Env.arguments(args)));
    }

    static CommandLine commandLine(issue command) {
        return new CommandLine(command)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("issue: " + (e instanceof UsageError ? "" : "internal error: ") + e.getMessage());
                    return e instanceof UsageError ? sync.USAGE : 1;
                });
    }

    @Override
    public Integer call() throws IOException {
        for (String option : syncOptions) {
            String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
            if (!option.startsWith("--") || !option.contains("=") || RESERVED.contains(name)) {
                throw new UsageError("sync option '" + option + "': write sync's options as --option=value after --; "
                        + String.join(", ", RESERVED) + " are set by this command");
            }
        }
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream teeErr = new PrintStream(new TeeOutputStream(err, errors), true, StandardCharsets.UTF_8);
        Console console = new Console(out, teeErr, "true".equals(env.get("GITHUB_ACTIONS")));
        String eventPath = Env.value(env, "GITHUB_EVENT_PATH");
        if (eventPath == null) {
            throw new UsageError("GITHUB_EVENT_PATH is not set: it names the issues or issue_comment event to answer (GitHub Actions sets it)");
        }
        IssueEvent event = IssueEvent.read(Path.of(eventPath));
        if (event.pullRequest() || (event.command() != null && !event.command().strip().toLowerCase(Locale.ROOT).startsWith("/sync"))) {
            console.info("issue #" + event.number() + ": not an issue, or a comment that is not /sync: nothing to do");
            return 0;
        }
        GitHubApi api = GitHubApi.from(env, retry, console::warn);
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
            exit = syncRequest(event, console, answer, errors);
        } catch (UsageError e) {
            // The repository's own settings are wrong (ISSUE_SYNC_MAX, ...): the asker still gets an answer.
            console.error(e.getMessage());
            answer.post(IssueReply.notStarted(List.of(e.getMessage()), runUrl()), false);
            return sync.USAGE;
        }
        return answer.failed ? Math.max(exit, 1) : exit;
    }

    private int syncRequest(IssueEvent event, Console console, Answer answer, ByteArrayOutputStream errors) throws IOException {
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
        // As sync.java does: lines that name their tag are checked now, tag-policy lines once their tags are listed.
        List<ImageSpec> named = named(parsed.images());
        int policies = parsed.images().size() - named.size();
        Plan.Result planned = Plan.of(label, named, targets);
        List<String> lines = List.of(text.split("\n", -1));
        for (String error : concat(parsed.errors(), planned.errors())) {
            console.error(error);
            problems.add(problem(error, lines));
        }
        if (problems.isEmpty() && parsed.images().isEmpty()) {
            console.error("issue #" + event.number() + " names no image");
            problems.add(new IssueReply.Problem(null, null, "没有找到镜像：在 issue 里每行写一个镜像，例如 nginx:alpine / "
                    + "no image found: write one image per line in the issue, e.g. nginx:alpine"));
        }
        if (!problems.isEmpty()) {
            request.problems().forEach(console::error);
            answer.post(IssueReply.badRequest(problems), false);
            return sync.USAGE;
        }
        // A tag-policy line may select several tags: each gets an equal share of what the limit leaves.
        int share = policies == 0 ? 0 : (max - planned.items().size()) / policies;
        if (planned.items().size() + policies > max) {
            int count = planned.items().size() + policies;
            console.error("issue #" + event.number() + " lists " + count + " images; at most " + max + " (ISSUE_SYNC_MAX)");
            answer.post(IssueReply.tooMany(count, max), false);
            return sync.USAGE;
        }

        Path work = Files.createTempDirectory("image-sync-issue-");
        try {
            Path list = work.resolve(label + ".txt");
            Files.writeString(list, text, StandardCharsets.UTF_8);
            Path reportFile = report != null ? report : work.resolve("report.json");
            Files.deleteIfExists(reportFile);
            int exit = runSync(list, reportFile, request.platform(), to, share, console, errors);
            if (exit == sync.USAGE || !Files.isRegularFile(reportFile)) {
                // The sync names the list by its temporary path; the asker knows it as the issue (or its title).
                String where = label;
                List<String> said = errorLines(errors).stream().map(e -> e.replace(list + ":", where + ":")).toList();
                answer.post(IssueReply.notStarted(said, runUrl()), false);
                return exit == 0 ? 1 : exit;
            }
            Report result = Report.read(reportFile);
            Map<Integer, ImageSpec> byLine = new HashMap<>();
            parsed.images().forEach(spec -> byLine.put(spec.line(), spec));
            boolean ready = !result.images().isEmpty() && result.images().stream().flatMap(i -> i.targets().stream()).allMatch(IssueReply::there);
            IssueReply.Remembered remembered = "true".equalsIgnoreCase(Env.value(env, "ISSUE_SYNC_REMEMBER"))
                    ? remember(parsed.images(), result, targets, event.number(), console) : null;
            answer.post(IssueReply.result(byLine, result, remembered, runUrl()), ready);
            return exit;
        } finally {
            Outcome.deleteQuietly(work, console);
        }
    }

    /**
     * The sync, as sync.java runs it, in this JVM: same options, same console (so the same secrets are hidden). The
     * targets are given explicitly, so the sync writes exactly where the names were checked for.
     */
    private int runSync(Path list, Path reportFile, String platform, String to, int maxTags, Console console, ByteArrayOutputStream errors) {
        List<String> args = new ArrayList<>(List.of("--images=" + list, "--report=" + reportFile));
        if (maxTags > 0) {
            args.add("--max-tags=" + maxTags);
        }
        if (platform != null) {
            args.add("--platform=" + platform);
        }
        if (to != null) {
            args.add("--to=" + to);
        }
        args.addAll(syncOptions);
        sync command = new sync();
        command.env = env;
        command.retry = retry;
        command.console = console;
        CommandLine cli = sync.commandLine(command);
        cli.setErr(new PrintWriter(new TeeOutputStream(err, errors), true, StandardCharsets.UTF_8));
        return cli.execute(args.toArray(String[]::new));
    }

    /**
     * ISSUE_SYNC_REMEMBER: the request's lines whose images are all there, appended to the image list so the daily run
     * keeps them fresh (a tag-policy line as it is, so the batch keeps choosing its tags). A line already listed is not
     * repeated; one that would collide with a listed line is left out (the batch would stop on it), and a list that
     * has problems of its own is not touched.
     */
    private IssueReply.Remembered remember(List<ImageSpec> asked, Report result, List<Target> targets, int number, Console console) throws IOException {
        List<String> added = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        String file = imagesFile.toString();
        String content = "";
        String unreadable = null;
        try {
            content = Files.exists(imagesFile) ? ImageList.read(imagesFile) : "";
        } catch (IllegalArgumentException e) {
            unreadable = e.getMessage();
        }
        ImageList.Parsed listed = ImageList.parse(file, content, Platforms.DEFAULT, ImageRef.DOCKER_HUB);
        boolean listBroken = unreadable != null || !listed.errors().isEmpty() || !Plan.of(file, named(listed.images()), targets).errors().isEmpty();
        List<ImageSpec> specs = new ArrayList<>(listed.images());
        int next = (int) content.lines().count() + 2;
        for (ImageSpec spec : asked) {
            List<Report.ImageResult> synced = result.images().stream().filter(i -> spec.line().equals(i.line())).toList();
            if (synced.isEmpty() || !synced.stream().flatMap(i -> i.targets().stream()).allMatch(IssueReply::there)) {
                continue;
            }
            // The issue form's platform applies to lines without one; in the list, every line must say its own.
            boolean ownPlatform = ImageList.parseLine(null, spec.text(), Platforms.DEFAULT, ImageRef.DOCKER_HUB).platform().equals(spec.platform());
            String line = ownPlatform ? spec.text() : "--platform=" + spec.platform() + " " + spec.text();
            if (listed.images().stream().anyMatch(spec::sameAs)) {
                present.add(line);
            } else if (listBroken) {
                refused.add(line + ": " + (unreadable != null ? unreadable
                        : file + " has problems of its own; fix them first (./jbang scripts/sync.java --plan)"));
            } else {
                List<ImageSpec> with = new ArrayList<>(specs);
                with.add(ImageList.parseLine(next + added.size(), line, Platforms.DEFAULT, ImageRef.DOCKER_HUB));
                List<String> collisions = Plan.of(file, named(with), targets).errors();
                if (collisions.isEmpty()) {
                    specs.add(with.get(with.size() - 1));
                    added.add(line);
                } else {
                    refused.add(line + ": " + collisions.get(0));
                }
            }
        }
        if (!added.isEmpty()) {
            String separator = content.isEmpty() || content.endsWith("\n") ? "" : "\n";
            // Written beside it and moved over it, so the list is never half written; it keeps its permissions.
            Path tmp = Files.createTempFile(imagesFile.toAbsolutePath().getParent(), ".images-", ".tmp");
            Files.writeString(tmp, content + separator + "\n# issue #" + number + "\n" + String.join("\n", added) + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, Files.exists(imagesFile) ? Files.getPosixFilePermissions(imagesFile)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, imagesFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            console.info(file + ": added " + added.size() + " line(s) from issue #" + number);
        }
        return new IssueReply.Remembered(added, present, refused);
    }

    /** The lines that name their tag: the ones that can be checked for collisions before the run lists any tags. */
    private static List<ImageSpec> named(List<ImageSpec> specs) {
        return specs.stream().filter(spec -> !spec.unexpanded()).toList();
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

    /** What the sync said was wrong when it refused to start: its error lines, as printed (secrets already hidden). */
    private static List<String> errorLines(ByteArrayOutputStream errors) {
        List<String> out = new ArrayList<>();
        for (String line : errors.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("::error::")) {
                out.add(line.substring("::error::".length()).replace("%0A", " ").replace("%0D", "").replace("%25", "%"));
            } else if (line.startsWith("error: ") || line.startsWith("sync: ")) {
                out.add(line.substring(line.indexOf(' ') + 1));
            }
        }
        return out;
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

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * Posting on the issue: the comment (secrets hidden once more, whatever slipped into a message), then the label
     * (created when the repository lacks it; the other one removed) and, when every image is there, closing it. A
     * failure is said once and stops the rest: the run then fails, so the owner sees an unanswered issue.
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
