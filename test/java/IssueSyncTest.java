import lib.issue.IssueRequestTest;
import support.FakeGitHub;
import support.Fixtures;
import support.Registry;
import support.Tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The issue flow end to end in this JVM, as the workflow runs it: issue.java reads an event fixture, syncs with real
 * skopeo between real registries (an open source, an htpasswd "Aliyun"), and answers through a local fake of GitHub's
 * REST API that records every request.
 */
@Tag("registry")
class IssueSyncTest {
    static final String ALIYUN_PASSWORD = "pw-aliyun-" + UUID.randomUUID();
    static final String TOKEN = "ghs-issue-" + UUID.randomUUID();
    static final Pattern DOCKER_PULL = Pattern.compile("(?m)^docker pull (\\S+)$");

    static Path root;
    static Registry source;
    static Registry aliyun;
    static Path authFile;
    static Fixtures.Layout alpine;
    static Fixtures.Layout busybox;
    static Fixtures.Layout redis;

    @BeforeAll
    static void start() throws IOException {
        Tools.require("skopeo", "skopeo");
        root = Files.createTempDirectory("issue-sync-");
        source = Registry.start(root.resolve("source"), null, null);
        aliyun = Registry.start(root.resolve("aliyun"), "alice", ALIYUN_PASSWORD);
        authFile = root.resolve("auth.json");
        Tools.Result login = Tools.run(List.of("skopeo", "login", "--authfile", authFile.toString(), "--tls-verify=false", "-u", "alice",
                "--password-stdin", aliyun.host), null, null, ALIYUN_PASSWORD.getBytes(StandardCharsets.UTF_8));
        assertEquals(0, login.exit(), login.stderr());
        alpine = push("library/alpine:3.19", List.of(image("linux/amd64", "alpine"), image("linux/arm64", "alpine")));
        busybox = push("library/busybox:1.36", List.of(image("linux/amd64", "busybox"), image("linux/arm64", "busybox")));
        redis = push("library/redis:7", List.of(image("linux/amd64", "redis")));
    }

    @AfterAll
    static void stop() {
        Registry.closeAll(source, aliyun);
    }

    // ---- scenarios -------------------------------------------------------------------------------

    @Test
    void anOwnersIssueIsSyncedAndAnsweredWithPullCommandsThatWorkThenLabelledAndClosed(@TempDir Path work) throws IOException {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            ObjectNode event = event("issues-opened.json");
            Result r = run(work, event, github, Map.of());

            assertEquals(0, r.exit(), r.all());
            assertEquals(List.of("POST /repos/alice/image-sync/issues/7/comments", "GET /repos/alice/image-sync/labels/synced",
                    "POST /repos/alice/image-sync/labels", "POST /repos/alice/image-sync/issues/7/labels", "PATCH /repos/alice/image-sync/issues/7"),
                    github.calls());
            assertEquals("closed", github.states.get(7));
            assertEquals("completed", github.requests("PATCH", "/issues/7").get(0).json().path("state_reason").asText());
            assertEquals("synced", github.requests("POST", "/labels").get(0).json().path("name").asText());
            assertEquals("[\"synced\"]", github.requests("POST", "/issues/7/labels").get(0).json().path("labels").toString());
            String comment = github.comments().get(0);
            assertTrue(comment.startsWith("### ✅ 镜像已就绪 / The images are ready"), comment);
            String ns = aliyun.host + "/ns/";
            assertTrue(comment.contains("| `busybox:1.36` | linux/arm64 | aliyun `" + ns + "linux_arm64_busybox:1.36` | ✅ 已复制 / copied (new) |"), comment);
            assertTrue(comment.contains("docker tag " + ns + "alpine:3.19 alpine:3.19\n"), comment);
            assertTrue(comment.contains("ctr -n k8s.io images pull --platform linux/arm64 " + ns + "linux_arm64_busybox:1.36\n"), comment);
            assertTrue(comment.contains("ctr -n k8s.io images tag " + ns + "redis:7 docker.io/library/redis:7\n"), comment);
            assertTrue(comment.contains("crictl pull " + ns + "redis:7\n"), comment);
            assertTrue(comment.contains("[运行日志 / Run log](https://github.com/alice/image-sync/actions/runs/4242)"), comment);
            // Every docker pull in the answer names what the target really holds: the image the issue asked for.
            Map<String, String> expected = Map.of(ns + "alpine:3.19", alpine.digests().get("linux/amd64"),
                    ns + "linux_arm64_busybox:1.36", busybox.digests().get("linux/arm64"), ns + "redis:7", redis.digests().get("linux/amd64"));
            Matcher m = DOCKER_PULL.matcher(comment);
            List<String> pulled = new ArrayList<>();
            while (m.find()) {
                pulled.add(m.group(1));
                assertEquals(expected.get(m.group(1)), Registry.digestAt(m.group(1), authFile), m.group(1));
            }
            assertEquals(expected.keySet(), java.util.Set.copyOf(pulled));
        }
    }

    @Test
    void aStrangerIsAnsweredPolitelyAndTheIssueClosedWithoutTouchingARegistry(@TempDir Path work) throws IOException {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            ObjectNode event = event("issues-opened.json");
            stranger(event, "mallory");
            long before = requestsTo(source) + requestsTo(aliyun);

            Result r = run(work, event, github, Map.of("ISSUE_SYNC_USERS", "bob, carol"));

            assertEquals(0, r.exit(), r.all());
            assertEquals(List.of("POST /repos/alice/image-sync/issues/7/comments", "PATCH /repos/alice/image-sync/issues/7"), github.calls());
            assertTrue(github.comments().get(0).contains("only for the repository's owner, members and collaborators"), github.comments().get(0));
            assertTrue(github.comments().get(0).contains("and the issue is closed"));
            assertEquals("not_planned", github.requests("PATCH", "/issues/7").get(0).json().path("state_reason").asText());
            assertEquals(before, requestsTo(source) + requestsTo(aliyun), "a registry was asked for a stranger");
        }
    }

    @Test
    void aListedUserMaySyncEvenWithoutAnAssociation(@TempDir Path work) throws IOException {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            ObjectNode event = event("issues-opened.json");
            stranger(event, "Mallory");
            body(event, "redis:7");
            Result r = run(work, event, github, Map.of("ISSUE_SYNC_USERS", "bob, mallory"));
            assertEquals(0, r.exit(), r.all());
            assertTrue(github.comments().get(0).contains("docker pull " + aliyun.host + "/ns/redis:7"), github.comments().get(0));
        }
    }

    /** Text is data: every line goes to the list parser, none reaches a shell, and each bad one is answered by name. */
    @Test
    void shellLikeAndOverlongLinesAreAllRefusedAsBadLinesAndNothingRuns(@TempDir Path work) throws IOException {
        Path marker = work.resolve("pwned");
        String body = "```\nalpine:3.19\n`touch " + marker + "`\n$(touch " + marker + ")\n$(id)\n`id`\nalpine:3.19; rm -rf /\n; rm -rf /\n"
                + "a".repeat(10 * 1024) + "\n```\n";
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            ObjectNode event = event("issues-opened.json");
            body(event, body);
            long before = requestsTo(source) + requestsTo(aliyun);

            Result r = run(work, event, github, Map.of());

            assertEquals(2, r.exit(), r.all());
            assertFalse(Files.exists(marker), "something ran the issue's text");
            assertEquals(before, requestsTo(source) + requestsTo(aliyun), "a registry was asked although the request was refused");
            String comment = github.comments().get(0);
            assertTrue(comment.startsWith("### ❌ 请求有问题，没有同步任何镜像 / Nothing was synced: the request has problems"), comment);
            for (int line = 3; line <= 9; line++) {
                assertTrue(comment.contains("- 第 " + line + " 行 / line " + line + ": `"), "line " + line + " is not answered:\n" + comment);
            }
            assertFalse(comment.contains("line 2:"), "the good line is not a problem");
            assertTrue(comment.contains("line 5: `$(id)` — `invalid reference '$(id)'"), comment);
            assertTrue(comment.contains("line 6: `` `id` `` — ``invalid reference '`id`'"), comment);
            assertTrue(comment.contains("line 9: `" + "a".repeat(119) + "…` — `the line has 10240 characters"), comment);
            assertTrue(comment.length() < 8000, "the 10 kB line is not quoted whole: " + comment.length());
            assertEquals(List.of("POST /repos/alice/image-sync/issues/7/comments", "GET /repos/alice/image-sync/labels/sync-failed",
                    "POST /repos/alice/image-sync/labels", "POST /repos/alice/image-sync/issues/7/labels"), github.calls(), "labelled, left open");
            assertTrue(r.stderr().contains("error: issue:3: more than one image on the line"), r.stderr());
        }
    }

    @Test
    void moreImagesThanTheLimitSyncsNothingAndSaysHowToSplit(@TempDir Path work) throws IOException {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            long before = requestsTo(source) + requestsTo(aliyun);
            Result r = run(work, event("issues-opened.json"), github, Map.of("ISSUE_SYNC_MAX", "2"));
            assertEquals(2, r.exit(), r.all());
            assertTrue(github.comments().get(0).startsWith("### ❌ 一个 issue 最多同步 2 个镜像 / At most 2 images per issue"), github.comments().get(0));
            assertTrue(github.comments().get(0).contains("This issue lists 3"));
            assertEquals(before, requestsTo(source) + requestsTo(aliyun));
            assertNull(github.states.get(7), "left open, to be edited");
        }
    }

    /** A blank issue whose title is the request: "[sync] redis:7". A bad title is answered as a bad line is. */
    @Test
    void anIssueWithoutImagesInItsBodyIsReadFromItsTitle(@TempDir Path work) throws IOException {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            ObjectNode event = event("issues-opened.json");
            body(event, "");
            ((ObjectNode) event.path("issue")).put("title", "[sync] redis:7");
            Result r = run(work, event, github, Map.of());
            assertEquals(0, r.exit(), r.all());
            assertTrue(github.comments().get(0).contains("docker pull " + aliyun.host + "/ns/redis:7\n"), github.comments().get(0));

            ((ObjectNode) event.path("issue")).put("title", "[sync] please copy redis:7");
            Result bad = run(work, event, github, Map.of());
            assertEquals(2, bad.exit(), bad.all());
            assertTrue(github.comments().get(1).contains("- 标题 / title: `please copy redis:7` — `more than one image on the line"), github.comments().get(1));
        }
    }

    /** The owner's own setting is wrong: the asker still gets an answer, saying the sync did not start and why. */
    @Test
    void aBadIssueSyncMaxIsAnsweredToo(@TempDir Path work) throws IOException {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            Result r = run(work, event("issues-opened.json"), github, Map.of("ISSUE_SYNC_MAX", "lots"));
            assertEquals(2, r.exit(), r.all());
            assertTrue(github.comments().get(0).startsWith("### ❌ 同步没有开始 / The sync did not start"), github.comments().get(0));
            assertTrue(github.comments().get(0).contains("ISSUE_SYNC_MAX='lots' is not a whole number of at least 1"), github.comments().get(0));
        }
    }

    /** The form's "all": the whole index as one tag, pulled on any node without naming a platform. */
    @Test
    void theFormsAllPlatformCopiesEveryPlatformAsOneTag(@TempDir Path work) throws IOException {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            ObjectNode event = event("issues-opened.json");
            ((ObjectNode) event.path("issue")).put("body", IssueRequestTest.form("```text\r\nbusybox:1.36\r\n```", "all", "aliyun"));
            Result r = run(work, event, github, Map.of("ALIYUN_NAMESPACE", "every"));
            assertEquals(0, r.exit(), r.all());
            String ns = aliyun.host + "/every/";
            assertEquals(busybox.top(), Registry.digestAt(ns + "busybox:1.36", authFile), "the index, as it is");
            String comment = github.comments().get(0);
            assertTrue(comment.contains("| `busybox:1.36` | all | aliyun `" + ns + "busybox:1.36` |"), comment);
            assertTrue(comment.contains("ctr -n k8s.io images pull " + ns + "busybox:1.36\n"), comment);
        }
    }

    /**
     * A tag-policy line chooses its tags when the run lists them. ISSUE_SYNC_MAX bounds what it may choose (what the
     * named lines leave, shared by the policy lines); remembering keeps the line as written, so the batch goes on choosing.
     */
    @Test
    void aTagPolicyLineSyncsTheTagsItChoosesWithinTheLimitAndIsRememberedAsWritten(@TempDir Path work) throws IOException {
        for (String tag : List.of("policy:1.0", "policy:1.1")) {
            push("library/" + tag, List.of(image("linux/amd64", tag)));
        }
        Files.writeString(work.resolve("images.txt"), "redis:7\n");
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            ObjectNode event = event("issues-opened.json");
            body(event, "redis:7\n--tags=1\\..* policy");

            assertEquals(2, run(work, event, github, Map.of("ISSUE_SYNC_MAX", "1")).exit());
            assertTrue(github.comments().get(0).contains("This issue lists 2"), github.comments().get(0));

            Result narrow = run(work, event, github, Map.of("ISSUE_SYNC_MAX", "2"));
            assertEquals(2, narrow.exit(), narrow.all());
            assertTrue(github.comments().get(1).contains("issue:2: --tags=1\\..* policy matches 2 tags, more than --max-tags 1"), github.comments().get(1));

            Result r = run(work, event, github, Map.of("ISSUE_SYNC_MAX", "3", "ISSUE_SYNC_REMEMBER", "true"));
            assertEquals(0, r.exit(), r.all());
            String comment = github.comments().get(2);
            for (String tag : List.of("1.0", "1.1")) {
                assertTrue(comment.contains("| `policy:" + tag + "` | linux/amd64 | aliyun `" + aliyun.host + "/ns/policy:" + tag + "` |"), comment);
            }
            assertEquals("redis:7\n\n# issue #7\n--tags=1\\..* policy\n", Files.readString(work.resolve("images.txt")));
        }
    }

    /** After the body was fixed: a collaborator's /sync, on an issue labelled sync-failed by the first try. */
    @Test
    void aSyncCommentByACollaboratorRetriesAndSwapsTheLabel(@TempDir Path work) throws IOException {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            github.repositoryLabels.add("sync-failed");
            github.repositoryLabels.add("synced");
            github.issueLabels.put(8, new java.util.LinkedHashSet<>(List.of("sync-failed")));
            Result r = run(work, event("issue-comment-created.json"), github, Map.of());
            assertEquals(0, r.exit(), r.all());
            assertEquals(List.of("POST /repos/alice/image-sync/issues/8/comments", "GET /repos/alice/image-sync/labels/synced",
                    "POST /repos/alice/image-sync/issues/8/labels", "DELETE /repos/alice/image-sync/issues/8/labels/sync-failed",
                    "PATCH /repos/alice/image-sync/issues/8"), github.calls());
            assertEquals(java.util.Set.of("synced"), github.issueLabels.get(8));
            assertEquals(redis.digests().get("linux/amd64"), Registry.digestAt(aliyun.host + "/ns/redis:7", authFile));
        }
    }

    /**
     * ISSUE_SYNC_REMEMBER: the lines whose images are there are appended, with the form's platform written out; a line
     * already listed is not repeated and a failed image is not added (the daily run would fail on it for ever).
     */
    @Test
    void rememberAppendsTheNewLinesThatSyncedAndExplainsTheFailure(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "# mine\nredis:7");
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            ObjectNode event = event("issues-opened.json");
            ((ObjectNode) event.path("issue")).put("body", IssueRequestTest.form("```text\r\nalpine:3.19\r\n--platform=linux/amd64 redis:7\r\n"
                    + "missing:1\r\n```", "linux/arm64", "aliyun"));
            Result r = run(work, event, github, Map.of("ISSUE_SYNC_REMEMBER", "true"));

            assertEquals(1, r.exit(), r.all());
            assertEquals("# mine\nredis:7\n\n# issue #7\n--platform=linux/arm64 alpine:3.19\n", Files.readString(work.resolve("images.txt")));
            String comment = github.comments().get(0);
            assertTrue(comment.startsWith("### ⚠️ 部分镜像没有就绪 / Some images are not ready"), comment);
            assertTrue(comment.contains("```text\n--platform=linux/arm64 alpine:3.19\n```"), comment);
            assertTrue(comment.contains("Already in images.txt: `--platform=linux/amd64 redis:7`"), comment);
            assertTrue(comment.contains("- `missing:1` (linux/arm64) → aliyun: `reading source " + source.host + "/library/missing:1: not found"), comment);
            assertTrue(comment.contains("Check that the image and the tag exist at the source"), comment);
            assertTrue(comment.contains("comment `/sync` to try again"), comment);
            assertEquals(List.of("sync-failed"), github.requests("POST", "/issues/7/labels").stream().map(q -> q.json().path("labels").get(0).asText()).toList());
            assertNull(github.states.get(7), "an issue with a failed image stays open");
            assertEquals(alpine.digests().get("linux/arm64"), Registry.digestAt(aliyun.host + "/ns/linux_arm64_alpine:3.19", authFile));
        }
    }

    /** A sync that cannot start (here: a wrong password) is still answered, with what the owner must fix and no secret. */
    @Test
    void aSyncThatCannotStartIsAnsweredWithTheReasonAndNoSecret(@TempDir Path work) throws IOException {
        String wrong = "wrong-" + UUID.randomUUID();
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            ObjectNode event = event("issues-opened.json");
            body(event, "redis:7");
            Result r = run(work, event, github, Map.of("ALIYUN_PASSWORD", wrong));
            assertEquals(2, r.exit(), r.all());
            String comment = github.comments().get(0);
            assertTrue(comment.startsWith("### ❌ 同步没有开始 / The sync did not start"), comment);
            assertTrue(comment.contains("login to " + aliyun.host) && comment.contains("ALIYUN_PASSWORD"), comment);
            assertFalse(comment.contains(wrong) || r.all().contains(wrong), "the wrong password was shown");
        }
    }

    // ---- the command, the events and the registries ---------------------------------------------------

    record Result(int exit, String out, String stderr) {
        String all() {
            return out + stderr;
        }
    }

    static ObjectNode event(String fixture) throws IOException {
        return (ObjectNode) Fixtures.JSON.readTree(IssueRequestTest.EVENTS.resolve(fixture).toFile());
    }

    static void body(ObjectNode event, String body) {
        ((ObjectNode) event.path("issue")).put("body", body);
    }

    static void stranger(ObjectNode event, String login) {
        ObjectNode issue = (ObjectNode) event.path("issue");
        ((ObjectNode) issue.path("user")).put("login", login);
        issue.put("author_association", "NONE");
    }

    /**
     * issue.java's command in this JVM, with the environment of the workflow's step (GitHub's variables, the Aliyun
     * secrets, the fake API); relative paths are taken from {@code work}. The sync options the runner's environment
     * would give (source registry, insecure hosts, state) are passed after "--".
     */
    static Result run(Path work, ObjectNode event, FakeGitHub github, Map<String, String> extra) throws IOException {
        Path eventFile = work.resolve("event.json");
        Files.write(eventFile, Fixtures.JSON.writeValueAsBytes(event));
        Map<String, String> env = Tools.cleanEnv();
        env.put("ALIYUN_REGISTRY", aliyun.host);
        env.put("ALIYUN_NAMESPACE", "ns");
        env.put("ALIYUN_USERNAME", "alice");
        env.put("ALIYUN_PASSWORD", ALIYUN_PASSWORD);
        env.put("GITHUB_TOKEN", TOKEN);
        env.put("GITHUB_EVENT_PATH", eventFile.toString());
        env.put("GITHUB_API_URL", github.url());
        env.put("GITHUB_REPOSITORY", "alice/image-sync");
        env.put("GITHUB_SERVER_URL", "https://github.com");
        env.put("GITHUB_RUN_ID", "4242");
        env.putAll(extra);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        issue command = new issue();
        command.env = env;
        command.retry = SyncIntegrationTest.FAST_RETRY;
        command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine cli = issue.commandLine(command);
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionStrategy(parsed -> {
            command.imagesFile = work.resolve(command.imagesFile);
            return new CommandLine.RunLast().execute(parsed);
        });
        int exit = cli.execute("--", "--source-registry=" + source.host, "--insecure-registry=" + source.host + "," + aliyun.host,
                "--state=" + work.resolve("state.json"));
        Result r = new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        String secret = env.get("ALIYUN_PASSWORD");
        assertFalse(r.all().contains(secret) || r.all().contains(TOKEN), "a secret was printed:\n" + r.all());
        assertFalse(r.all().contains("\tat "), "stack trace printed:\n" + r.all());
        for (FakeGitHub.Request q : github.requests) {
            assertFalse(q.body().contains(secret) || q.body().contains(TOKEN) || q.path().contains(TOKEN), "a secret was sent: " + q);
            assertEquals("Bearer " + TOKEN, q.authorization(), "the token goes in the Authorization header, and only there");
        }
        return r;
    }

    /** Every request a registry's access log has seen, of any method: whether it was asked at all. */
    static long requestsTo(Registry r) throws IOException {
        return Files.readAllLines(r.log).stream().filter(l -> l.matches(".*\"(GET|HEAD|PUT|POST|PATCH|DELETE) /v2/.*")).count();
    }

    static Fixtures.Image image(String platform, String marker) {
        return new Fixtures.Image(platform, "2024-03-01T10:00:00Z", marker + "-" + platform);
    }

    static Fixtures.Layout push(String repoTag, List<Fixtures.Image> images) throws IOException {
        Fixtures.Layout layout = Fixtures.multiArch(Files.createTempDirectory(root, "layout"), images);
        Registry.push(layout, source.host + "/" + repoTag, null);
        return layout;
    }
}
