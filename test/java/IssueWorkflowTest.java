import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 05 read as text: its triggers, its two jobs (the shared steps for those who may sync, a refusal without secrets for
 * everyone else), and that no issue text is ever handed to a shell. WorkflowRunTest runs it; actionlint is in WorkflowTest.
 */
class IssueWorkflowTest {
    static final String FILE = "sync-issue.yml";

    static JsonNode job(String id) throws IOException {
        return WorkflowTest.load(FILE).path("jobs").path(id);
    }

    @Test
    void itStartsOnAnOpenedIssueAndOnANewComment() throws IOException {
        JsonNode on = WorkflowTest.load(FILE).path("on");
        assertEquals("{\"issues\":{\"types\":[\"opened\"]},\"issue_comment\":{\"types\":[\"created\"]}}", on.toString());
    }

    /** The refusal's condition is the sync's with the "who" part negated, character for character: they cannot drift. */
    @Test
    void exactlyOneOfTheTwoJobsRunsForARequest() throws IOException {
        String sync = job("sync").path("if").asText();
        String refuse = job("refuse").path("if").asText();
        String request = "(github.event_name == 'issues' || (!github.event.issue.pull_request && startsWith(github.event.comment.body, '/sync')))";
        assertTrue(sync.startsWith(request + " && (contains("), sync);
        assertEquals(sync.replace(request + " && (", request + " && !("), refuse);
    }

    @Test
    void whoMaySyncRunsTheSharedStepsWithTheSecretsAndTheIssueStep() throws IOException {
        JsonNode sync = job("sync");
        assertEquals(WorkflowTest.CALLEE, sync.path("uses").asText());
        assertEquals("inherit", sync.path("secrets").asText());
        assertEquals("{\"issue\":true,\"clean_disk\":false,\"timeout_minutes\":60}", sync.path("with").toString());
        assertEquals(Map.of("contents", "write", "issues", "write", "packages", "write"), strings(sync.path("permissions")));
        assertEquals("image-sync-issue-${{ github.event.issue.number }}", sync.at("/concurrency/group").asText());
        assertFalse(sync.at("/concurrency/cancel-in-progress").asBoolean(true), "a running sync is never cancelled");
        assertFalse(WorkflowTest.load(FILE).has("concurrency"), "on the workflow, ordinary comments would cancel a waiting /sync");

        JsonNode step = WorkflowTest.stepRunning(WorkflowTest.load("sync.yml"), "./jbang scripts/issue.java");
        assertEquals("inputs.issue", step.path("if").asText());
        assertEquals("./jbang scripts/issue.java --images images.txt --report sync-report.json", step.path("run").asText().strip());
        for (String variable : List.of("ISSUE_SYNC_USERS", "ISSUE_SYNC_MAX", "ISSUE_SYNC_REMEMBER")) {
            assertEquals("${{ vars." + variable + " }}", step.at("/env/" + variable).asText());
        }
        assertEquals("${{ secrets.GITHUB_TOKEN }}", step.at("/env/GITHUB_TOKEN").asText());
        JsonNode batchSync = WorkflowTest.stepRunning(WorkflowTest.load("sync.yml"), "./jbang scripts/sync.java --platform=");
        assertEquals("!inputs.issue", batchSync.path("if").asText());
        assertEquals(strings(batchSync.path("env")).entrySet().stream().filter(e -> e.getValue().contains("secrets.")).toList(),
                strings(step.path("env")).entrySet().stream().filter(e -> e.getValue().contains("secrets.")).toList(),
                "the issue step gets exactly the sync step's secrets");
    }

    /** Remembered lines are committed without [skip ci] (the batch run should keep them fresh), never failing the run. */
    @Test
    void rememberedImagesAreCommittedWithTheBadgesRetryAndWithoutSkipCi() throws IOException {
        JsonNode commit = WorkflowTest.stepRunning(WorkflowTest.load("sync.yml"), "images.txt: add the images synced for issue");
        assertEquals("!cancelled() && inputs.issue && vars.ISSUE_SYNC_REMEMBER == 'true'", commit.path("if").asText());
        assertTrue(commit.path("continue-on-error").asBoolean());
        assertEquals("scripts/commit-badge.sh -m \"images.txt: add the images synced for issue #$ISSUE\" images.txt", commit.path("run").asText().strip());
        assertEquals("${{ github.event.issue.number }}", commit.at("/env/ISSUE").asText());
        JsonNode badge = WorkflowTest.stepRunning(WorkflowTest.load("sync.yml"), "scripts/commit-badge.sh -m \"Update the last-sync badge");
        assertTrue(badge.path("run").asText().contains("./jbang scripts/catalog.java --report sync-report.json MIRRORS.md\n"), badge.toString());
        assertTrue(badge.path("run").asText().contains("[skip ci]\" README.md README.zh-CN.md MIRRORS.md"), badge.toString());
    }

    /** Everyone else: a refusal with the workflow's token only, no secret, and no more rights than answering needs. */
    @Test
    void anyoneElseGetsTheRefusalWithoutASecret() throws IOException {
        JsonNode refuse = job("refuse");
        assertEquals(Map.of("contents", "read", "issues", "write"), strings(refuse.path("permissions")));
        assertFalse(refuse.has("secrets") || refuse.has("uses"));
        String text = refuse.toString();
        Matcher m = Pattern.compile("secrets\\.([A-Z_]+)").matcher(text);
        Set<String> secrets = new TreeSet<>();
        while (m.find()) {
            secrets.add(m.group(1));
        }
        assertEquals(Set.of("GITHUB_TOKEN"), secrets);
        assertEquals("./jbang scripts/issue.java", WorkflowTest.stepRunning(WorkflowTest.load(FILE), "scripts/issue.java").path("run").asText().strip());
        for (JsonNode step : refuse.path("steps")) {
            if (step.has("uses")) {
                assertTrue(WorkflowTest.ACTIONS.contains(step.path("uses").asText()), step.toString());
            }
        }
    }

    /**
     * No issue text reaches a shell: the title, body and comment may appear in a condition (startsWith on /sync), never
     * in a run: script or an env: value; the scripts read GITHUB_EVENT_PATH themselves. Only the number is passed on.
     */
    @Test
    void noIssueTextIsHandedToAScriptInAnyWorkflow() throws IOException {
        Pattern issueText = Pattern.compile("github\\.event\\.(issue|comment)\\.(?!number\\b)");
        try (var files = Files.list(WorkflowTest.DIR)) {
            for (var file : files.map(f -> f.getFileName().toString()).toList()) {
                for (JsonNode step : WorkflowTest.steps(WorkflowTest.load(file))) {
                    assertFalse(step.path("run").asText("").contains("${{"), file + ": " + step);
                    assertFalse(issueText.matcher(step.path("run").asText("") + step.path("env").toString()).find(), file + ": " + step);
                }
                for (JsonNode job : WorkflowTest.load(file).path("jobs")) {
                    assertFalse(issueText.matcher(job.path("with").toString()).find(), file + ": " + job.path("with"));
                }
            }
        }
    }

    @Test
    void theVariablesItUsesAreInBothReadmes() throws IOException {
        Set<String> used = new TreeSet<>();
        for (String f : List.of(FILE, "sync.yml")) {
            Matcher m = Pattern.compile("vars\\.([A-Z_]+)").matcher(Files.readString(WorkflowTest.DIR.resolve(f)));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertTrue(used.containsAll(Set.of("ISSUE_SYNC_USERS", "ISSUE_SYNC_MAX", "ISSUE_SYNC_REMEMBER")), used.toString());
        String readme = Files.readString(Tools.REPO.resolve("README.md"));
        String zh = Files.readString(Tools.REPO.resolve("README.zh-CN.md"));
        for (String name : used) {
            assertTrue(readme.contains("`" + name + "`") && zh.contains("`" + name + "`"), name + " is not documented in both READMEs");
        }
        for (String doc : List.of(readme, zh)) {
            assertTrue(doc.contains("(MIRRORS.md)"), "the catalog is linked");
            assertTrue(doc.contains("sync-issue.yml") && doc.contains("/sync"), "the issue flow is explained");
        }
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
