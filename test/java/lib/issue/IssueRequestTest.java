package lib.issue;

import lib.core.ImageRef;
import lib.core.Platforms;
import lib.core.SyncError;
import lib.core.UsageError;
import lib.list.ImageList;
import lib.list.ImageSpec;
import lib.sync.TargetResult;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an issue asks for, who asked, and how the answer is written: no registry, no network. */
public class IssueRequestTest {
    public static final Path EVENTS = Tools.REPO.resolve("test/events");

    public static String form(String images, String platform, String target) {
        return "### 镜像 / Images\r\n\r\n" + images + "\r\n\r\n### 平台 / Platform\r\n\r\n" + platform + "\r\n\r\n### 目标 / Target\r\n\r\n" + target;
    }

    /** The image lines the parser gets, without the blank lines that keep the numbering. */
    static List<String> imageLines(IssueRequest r) {
        return r.body().lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void theIssueFormsFieldsAreReadAndTheBodysLineNumbersKept() {
        IssueRequest r = IssueRequest.of(form("```text\r\nnginx:alpine\r\n--platform=linux/arm64 mysql:8.0\r\n```", "linux/arm/v7", "ghcr"), "[sync] ");
        assertEquals(List.of("nginx:alpine", "--platform=linux/arm64 mysql:8.0"), imageLines(r));
        assertEquals("nginx:alpine", r.body().split("\n")[3], "the line keeps its place in the body");
        assertEquals("linux/arm/v7", r.platform());
        assertEquals("ghcr", r.targets());
        assertEquals(List.of(), r.problems());
        ImageList.Parsed parsed = ImageList.parse("issue", r.body(), Platforms.parse(r.platform()), ImageRef.DOCKER_HUB);
        assertEquals(List.of(4, 5), parsed.images().stream().map(ImageSpec::line).toList());
        assertEquals("linux/arm/v7", parsed.images().get(0).platform().toString());
    }

    @Test
    void theDefaultTargetLeavesTheChoiceToTheRepositoryAndAnEmptyFieldIsNoAnswer() {
        IssueRequest r = IssueRequest.of(form("_No response_", "linux/amd64", "default"), "[SYNC]  redis:7 ");
        assertNull(r.targets());
        assertEquals(List.of(), imageLines(r), "GitHub's _No response_ is not an image");
        assertEquals("redis:7", r.title());
    }

    /** With fences, only what is inside them is the request: the prose around them is the asker talking. */
    @Test
    void aFreeFormBodyWithFencesIsTheLinesInsideThem() {
        IssueRequest r = IssueRequest.of("Hi! Could you sync these two?\n```\nnginx:1.27\nredis:7\n```\nThanks.", "please");
        assertEquals(List.of("nginx:1.27", "redis:7"), imageLines(r));
        ImageList.Parsed parsed = ImageList.parse("issue", r.body(), Platforms.DEFAULT, ImageRef.DOCKER_HUB);
        assertEquals(List.of(), parsed.errors());
        assertEquals(List.of(3, 4), parsed.images().stream().map(ImageSpec::line).toList(), "the lines keep their numbers");
        assertEquals(List.of("nginx:1.27", "redis:7"), IssueRequest.read(r.body()));

        IssueRequest several = IssueRequest.of("First:\n~~~\nnginx:alpine\n~~~\nand with arm64:\n  ```text\n--platform=linux/arm64 mysql:8.0\n"
                + "  ```\n````\n```\nquay.io/coreos/etcd:v3.5.0\n````\nbye", "x");
        assertEquals(List.of("nginx:alpine", "--platform=linux/arm64 mysql:8.0", "quay.io/coreos/etcd:v3.5.0"), imageLines(several),
                "tildes, indented fences with an info string, and a longer fence around a shorter one");
        assertEquals(List.of("redis:7"), imageLines(IssueRequest.of("Here:\n```\nredis:7\n", "x")), "an unclosed fence runs to the end");
        assertEquals(List.of(), imageLines(IssueRequest.of("Nothing yet:\n```\n```\nsee above", "x")), "an empty fence: nothing is read");
    }

    /** Without fences every line is read, as images.txt is: a bad one is answered by name. */
    @Test
    void aFreeFormBodyWithoutFencesIsEveryLine() {
        IssueRequest r = IssueRequest.of("nginx:alpine\nredis:7 ``` not a fence\n请帮忙同步", "whatever");
        assertEquals(List.of("nginx:alpine", "redis:7 ``` not a fence", "请帮忙同步"), imageLines(r));
        assertNull(r.platform());
        assertNull(r.targets());
        ImageList.Parsed parsed = ImageList.parse("issue", r.body(), Platforms.DEFAULT, ImageRef.DOCKER_HUB);
        assertEquals(1, parsed.images().size());
        assertTrue(parsed.errors().get(1).startsWith("issue:3: invalid reference '请帮忙同步'"), parsed.errors().toString());
    }

    /** A request has the sync label (in any case, as GitHub compares) or a title that starts with [sync]; nothing else is. */
    @Test
    void anIssueIsASyncRequestByItsLabelOrItsTitle() {
        IssueEvent base = new IssueEvent(1, "When I run the sync on Windows it fails", "", "a", "a", "OWNER", Set.of("bug"), false, null);
        assertFalse(base.request());
        assertTrue(new IssueEvent(1, base.title(), "", "a", "a", "OWNER", Set.of("bug", "Sync"), false, null).request());
        assertTrue(new IssueEvent(1, "[SYNC] nginx:1.27", "", "a", "a", "OWNER", Set.of(), false, null).request());
        assertFalse(new IssueEvent(1, "please [sync] nginx", "", "a", "a", "OWNER", Set.of("synced"), false, null).request(),
                "[sync] elsewhere in the title, or the label synced, is not it");
    }

    /** An issue in which nothing could be read is answered with how a request is written. */
    @Test
    void nothingReadIsAnsweredWithAnExampleAndTheLinesReadAreShown() {
        List<IssueReply.Problem> none = List.of(new IssueReply.Problem(null, null, "no image found"));
        String empty = IssueReply.badRequest(none, List.of());
        assertTrue(empty.contains("~~~markdown\n请帮忙同步这两个 / Please sync these two:\n\n```\nnginx:1.27\n--platform=linux/arm64 redis:7\n```\n~~~\n"), empty);
        assertFalse(empty.contains("Lines read"), empty);
        String bad = IssueReply.badRequest(List.of(new IssueReply.Problem("第 3 行 / line 3", "redis 7", "more than one image")), List.of("nginx:1.27", "redis 7"));
        assertTrue(bad.contains("#### 读取的行 / Lines read\n\n```text\nnginx:1.27\nredis 7\n```\n"), bad);
    }

    @Test
    void aHeadingTheUserTypedInsideTheImagesDoesNotEndTheField() {
        IssueRequest r = IssueRequest.of(form("```text\r\n### not a field\r\nnginx:alpine\r\n```", "linux/arm64", "aliyun"), "");
        assertEquals(List.of("### not a field", "nginx:alpine"), imageLines(r));
        assertEquals("linux/arm64", r.platform());
    }

    /** "all" is the whole index; an unknown target, or a platform typed by hand that does not exist, says what to write. */
    @Test
    void allPlatformsAreAChoiceAndAnUnknownTargetOrPlatformSaysWhatToDo() {
        IssueRequest all = IssueRequest.of(form("nginx:alpine", "all", "both"), "");
        assertEquals(List.of(), all.problems());
        assertEquals("all", all.platform());
        IssueRequest r = IssueRequest.of(form("nginx:alpine", "linux/amd", "everywhere"), "");
        assertEquals(2, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).startsWith("平台 / platform: unknown platform 'linux/amd' (did you mean linux/amd64?)"), r.problems().get(0));
        assertTrue(r.problems().get(1).contains("'everywhere'") && r.problems().get(1).contains("default, auto, aliyun, ghcr, both"), r.problems().get(1));
    }

    @Test
    void theEventsAreReadAsGitHubSendsThem() throws IOException {
        IssueEvent opened = IssueEvent.read(EVENTS.resolve("issues-opened.json"));
        assertEquals(7, opened.number());
        assertEquals("alice", opened.actor());
        assertEquals("alice", opened.author());
        assertEquals("OWNER", opened.association());
        assertNull(opened.command());
        assertFalse(opened.pullRequest());
        assertTrue(opened.body().startsWith("### 镜像 / Images\r\n"));

        IssueEvent comment = IssueEvent.read(EVENTS.resolve("issue-comment-created.json"));
        assertEquals(8, comment.number());
        assertEquals("/sync", comment.command());
        assertEquals("carol", comment.actor());
        assertEquals("COLLABORATOR", comment.association());
        assertEquals(Set.of("sync-failed"), comment.labels());
    }

    @Test
    void anEventFileThatIsNotAnIssueEventIsAClearUsageError(@TempDir Path dir) throws IOException {
        Path push = dir.resolve("push.json");
        Files.writeString(push, "{\"ref\": \"refs/heads/main\", \"commits\": []}");
        UsageError e = assertThrows(UsageError.class, () -> IssueEvent.read(push));
        assertTrue(e.getMessage().contains("not an issues or issue_comment event"), e.getMessage());
        Files.writeString(push, "{not json");
        assertTrue(assertThrows(UsageError.class, () -> IssueEvent.read(push)).getMessage().contains("cannot read the event file"));
    }

    static IssueEvent by(String login, String association) {
        return new IssueEvent(1, "", "", login, login, association, Set.of(), false, null);
    }

    /** WorkflowRunTest evaluates the workflow's if: on these same cases with GitHub's engine and expects the same answers. */
    public static final List<Object[]> WHO = List.of(
            new Object[]{"alice", "OWNER", null, true},
            new Object[]{"m", "member", null, true},
            new Object[]{"c", "COLLABORATOR", "", true},
            new Object[]{"mallory", "NONE", null, false},
            new Object[]{"mallory", "CONTRIBUTOR", "bob,carol", false},
            new Object[]{"mallory", "FIRST_TIME_CONTRIBUTOR", "bob, Mallory", true},
            new Object[]{"Mallory", "NONE", "mallory", true},
            new Object[]{"mal", "NONE", "mallory", false},
            new Object[]{"lory", "NONE", "mallory, bob", false},
            new Object[]{"bob", "MANNEQUIN", "mallory,bob", true},
            // One space after a comma is fine; one before it is not part of the rule (the workflow could not match it).
            new Object[]{"bob", "NONE", "mallory , bob", true},
            new Object[]{"mallory", "NONE", "mallory , bob", false});

    @Test
    void ownersMembersCollaboratorsAndTheListedUsersMaySyncAndNoOneElse() {
        for (Object[] c : WHO) {
            assertEquals(c[3], by((String) c[0], (String) c[1]).allowed((String) c[2]), java.util.Arrays.toString(c));
        }
    }

    @Test
    void codeSpansShowAnyTextExactlyAndOnOneLine() {
        assertEquals("`nginx`", IssueReply.code("nginx"));
        assertEquals("`` `id` ``", IssueReply.code("`id`"));
        assertEquals("``a`b``", IssueReply.code("a`b"));
        assertEquals("`$(rm -rf /) ; x`", IssueReply.code("$(rm -rf /)\n; x"));
        assertEquals("(empty)", IssueReply.code(" "));
        assertEquals("````text\n```\n````\n", IssueReply.fenced("```"));
    }

    @Test
    void aBadRequestListsAtMostThirtyProblems() {
        List<IssueReply.Problem> many = new ArrayList<>();
        for (int i = 1; i <= 35; i++) {
            many.add(new IssueReply.Problem("第 " + i + " 行 / line " + i, "x".repeat(500), "bad"));
        }
        String md = IssueReply.badRequest(many, List.of("x"));
        assertTrue(md.contains("line 30:") && !md.contains("line 31:") && md.contains("and 5 more"), md);
        assertTrue(md.length() < 10_000, "a quoted line is abbreviated: " + md.length());
    }

    /** The form GitHub shows and the parser that reads what GitHub makes of it must name the fields the same. */
    @Test
    void theIssueFormOffersWhatTheParserReads() throws IOException {
        JsonNode form = new ObjectMapper(new YAMLFactory()).readTree(Tools.REPO.resolve(".github/ISSUE_TEMPLATE/sync.yml").toFile());
        assertTrue(form.path("name").asText().contains("Sync images") && form.path("description").isTextual());
        List<String> labels = new ArrayList<>();
        Map<String, List<String>> options = new java.util.HashMap<>();
        for (JsonNode element : form.path("body")) {
            if (element.path("type").asText().equals("markdown")) {
                continue;
            }
            String label = element.at("/attributes/label").asText();
            labels.add(label);
            List<String> choices = new ArrayList<>();
            element.at("/attributes/options").forEach(o -> choices.add(o.asText()));
            options.put(label, choices);
            assertTrue(element.at("/validations/required").asBoolean(), label);
        }
        assertEquals(List.of(IssueRequest.IMAGES, IssueRequest.PLATFORM, IssueRequest.TARGET), labels);
        assertEquals(List.of("linux/amd64", "linux/arm64", "linux/arm/v7", "all"), options.get(IssueRequest.PLATFORM));
        assertEquals(IssueRequest.TARGETS, options.get(IssueRequest.TARGET));
        assertEquals("text", form.at("/body/1/attributes/render").asText(), "the images arrive in a code fence, untouched by Markdown");
        // What GitHub writes for this form (fixture) reads back as its fields.
        IssueRequest fixture = IssueRequest.of(IssueEvent.read(EVENTS.resolve("issues-opened.json")).body(), "[sync] ");
        assertEquals(List.of("alpine:3.19", "--platform=linux/arm64 busybox:1.36", "redis:7"), imageLines(fixture));
        assertEquals("linux/amd64", fixture.platform());
        assertNull(fixture.targets());
    }

    /** Messages as registries and tools word them: none has the phrases the hint once looked for, the kind says it all. */
    @Test
    void theHintGoesByTheKindNotByTheWordsOfTheMessage() {
        TargetResult.At at = new TargetResult.At("aliyun", "r/ns/x:1", null, System.nanoTime());
        assertTrue(IssueReply.hint(at.failed(SyncError.Kind.DENIED, "x:1: unauthorized: authentication required", null)).contains("credentials"));
        assertTrue(IssueReply.hint(at.failed(SyncError.Kind.UNKNOWN_HOST, "x:1: dial tcp: lookup reg.example: no such host", null)).contains("registry host"));
        assertTrue(IssueReply.hint(at.failed(SyncError.Kind.GAVE_UP, "x:1: 30m (--image-timeout) passed and the image did not stop by itself: abandoned", null))
                .contains("ran out of time"));
        assertTrue(IssueReply.hint(at.failed(SyncError.Kind.NOT_FOUND, "x:1: manifest unknown", null)).contains("the tag exist"));
        assertEquals(IssueReply.TRY_AGAIN, IssueReply.hint(at.failed(SyncError.Kind.TRANSIENT, "x:1: 502 from the proxy: upstream not found", null)),
                "a passing failure whose message says \"not found\" of something else");
        assertEquals(IssueReply.TRY_AGAIN, IssueReply.hint(at.failed(null, "an entry of a report without kinds", null)));
        assertTrue(IssueReply.hint(at.failed(SyncError.Kind.UNREACHABLE, "cannot reach r.example: connection refused — fix: …", null)).contains("could not be reached"));
    }

    /**
     * The answer names an image as the asker does, although the run read it through a mirror (SOURCE_REGISTRY), and
     * tags it after a pull as the source is tagged, or, pinned by digest alone, as the copy was.
     */
    @Test
    void theAnswerNamesImagesAsTheAskerDoes() {
        String hex = "0123456789abcdef".repeat(4);
        List<lib.sync.ImageResult> images = new ArrayList<>();
        for (String line : List.of("nginx:1.27", "--platform=linux/arm64 --name=pinned:v1 busybox@sha256:" + hex)) {
            ImageSpec spec = ImageList.parseLine(images.size() + 1, line, Platforms.DEFAULT, "mirror.example");
            images.add(lib.sync.ImageResult.of(spec, List.of(new TargetResult.At("aliyun", "reg.example/ns/" + spec.targetName(), spec.targetName(), System.nanoTime())
                    .copied("new", "sha256:1"))));
        }
        String md = IssueReply.result(lib.report.Report.of(images), null, List.of("nginx:1.27"), null);
        assertTrue(md.contains("| `nginx:1.27` | linux/amd64 | aliyun `reg.example/ns/nginx:1.27` | ✅ 已复制 / copied (new) |\n"), md);
        assertTrue(md.contains("docker tag reg.example/ns/nginx:1.27 nginx:1.27\n"), md);
        assertTrue(md.contains("ctr -n k8s.io images tag reg.example/ns/nginx:1.27 docker.io/library/nginx:1.27\n"), md);
        assertTrue(md.contains("| `busybox@sha256:0123456789ab` | linux/arm64 | aliyun `reg.example/ns/pinned:v1` |"), md);
        assertTrue(md.contains("docker tag reg.example/ns/pinned:v1 busybox:v1\n"), md);
        assertTrue(md.contains("ctr -n k8s.io images tag reg.example/ns/pinned:v1 docker.io/library/busybox:v1\n"), md);
        assertFalse(md.contains("mirror.example"), md);
    }

    /** A failure seen in runs before is answered apart from today's new ones, with since when and for how many runs. */
    @Test
    void anAnswerTellsANewFailureFromOneThatFailedBefore() {
        List<lib.sync.ImageResult> images = new ArrayList<>();
        for (String line : List.of("new:1", "old:1")) {
            ImageSpec spec = ImageList.parseLine(images.size() + 1, line, Platforms.DEFAULT, "docker.io");
            TargetResult failed = new TargetResult.At("aliyun", "reg.example/ns/" + spec.targetName(), null, System.nanoTime())
                    .failed(SyncError.Kind.NOT_FOUND, line + ": not found", null);
            images.add(lib.sync.ImageResult.of(spec, List.of(failed.withFailing(new TargetResult.Failing("2026-12-01", line.equals("new:1") ? 1 : 4, false)))));
        }
        String md = IssueReply.result(lib.report.Report.of(images), null, List.of("new:1", "old:1"), null);
        assertTrue(md.contains("#### 没有就绪 / Not ready\n\n- `new:1` (linux/amd64) → aliyun: `new:1: not found`\n"), md);
        assertTrue(md.contains("#### 之前的运行就已失败 / Failing since earlier runs\n\n- `old:1` (linux/amd64) → aliyun "
                + "(自 2026-12-01 起连续失败 4 次 / failing since 2026-12-01 (4 runs)): `old:1: not found`\n"), md);
    }

    @Test
    void aFailureHintGoesByTheKindOfFailure() {
        TargetResult.At at = new TargetResult.At("aliyun", "r/ns/x:1", null, System.nanoTime());
        assertTrue(IssueReply.hint(at.failed(SyncError.Kind.NOT_FOUND, "x:1: reading source docker.io/library/x:1: not found (manifest unknown); check the image name and tag", null))
                .contains("Check that the image and the tag exist"));
        assertTrue(IssueReply.hint(at.failed(SyncError.Kind.NO_PLATFORM, "x:1: docker.io/library/x:1 has no linux/s390x image; it offers linux/amd64", null)).contains("choose one of those listed"));
        assertTrue(IssueReply.hint(at.deferred()).contains("pull quota"));
    }
}
