import lib.issue.IssueEvent;
import lib.issue.IssueRequestTest;
import support.FakeGitHub;
import support.Fixtures;
import support.MirrorRules;
import support.Registries;
import support.Registry;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workflows, run here the way GitHub runs them: test/workflows/run-workflow.mjs reads them with GitHub's parser,
 * evaluates every condition and expression with GitHub's expression engine, runs the run: steps with bash in a fresh
 * clone of a local bare "origin" and emulates the actions they use (its header says what it does and does not).
 * The steps call ./jbang scripts/sync.java, badge.java, notify.java and the shell scripts for real, against three
 * real registries on loopback: the source (open), "Aliyun" (a password) and "GHCR" (the workflow token), with
 * GHCR_REGISTRY, SOURCE_REGISTRY and INSECURE_REGISTRIES set in the runner's environment, as on a runner whose
 * machine points there. A local HTTP server is the webhook.
 */
@Tag("registry")
@Tag("process")
class WorkflowRunTest {
    static final String ALIYUN_PASSWORD = "pw-aliyun-" + UUID.randomUUID();
    static final String WORKFLOW_TOKEN = "ghs-workflow-" + UUID.randomUUID();

    @RegisterExtension
    static final Registries registries = new Registries("workflow-run-");
    static final Registry source = registries.open("source");
    static final Registry aliyun = registries.withPassword("aliyun", "alice", ALIYUN_PASSWORD);
    static final Registry ghcr = registries.withPassword("ghcr", "bob", WORKFLOW_TOKEN);
    static Fixtures.Layout alpine;
    static Fixtures.Layout busybox;
    static Fixtures.Layout redis;
    static HttpServer webhook;
    static final List<String> notifications = new CopyOnWriteArrayList<>();
    /** GitHub's API for every run that is not an issue's (those bring their own): what 01's keepalive talks to. */
    static FakeGitHub api;

    @BeforeAll
    static void start() throws IOException {
        Tools.require("node", "nodejs");
        alpine = push("library/alpine:3.19", List.of(image("linux/amd64", "alpine"), image("linux/arm64", "alpine")));
        busybox = push("library/busybox:1.36", List.of(image("linux/amd64", "busybox"), image("linux/arm64", "busybox")));
        redis = push("library/redis:7", List.of(image("linux/amd64", "redis")));
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            notifications.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] ok = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        webhook.start();
        api = new FakeGitHub(WORKFLOW_TOKEN);
        api.workflows.addAll(List.of("sync-batch-daily.yml", "sync-double.yml", "sync-to-aliyun.yml", "sync-to-ghcr.yml", "sync-issue.yml"));
    }

    @AfterAll
    static void stop() {
        if (webhook != null) {
            webhook.stop(0);
        }
        if (api != null) {
            api.close();
        }
    }

    /** The keepalive's calls for {@code repository} so far. */
    static List<String> keepalives(String repository) {
        return api.calls().stream().filter(c -> c.contains("/repos/" + repository + "/")).toList();
    }

    // ---- scenarios -------------------------------------------------------------------------------

    @Test
    void aScheduledRunCleansTheDiskWritesOnlyAliyunCommitsTheBadgeAndNotifiesAndTheNextOneIsServedByTheState(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Sched/image-sync", "alpine:3.19\n--platform=linux/arm64 busybox:1.36\n");
        Map<String, String> secrets = aliyunSecrets("sched");
        secrets.put("WEBHOOK_URL", webhookUrl());
        int notified = notifications.size();

        Run first = repo.run("schedule", 2001, secrets, Map.of(), null, Map.of());
        first.assertStarted("sync-batch-daily.yml");
        first.assertConclusion("success");
        assertEquals("image-sync-batch-plain-default", first.run().at("/concurrency/group").asText());
        assertEquals(350, first.job().path("timeoutMinutes").asInt());
        // Below the threshold it is one sync job, as ever: the plan job checks the list, and nothing finishes after.
        assertEquals(List.of("keepalive:success", "plan:success", "sync (1) / sync:success", "finish:skipped"), first.jobConclusions());
        // The schedule keeps its own workflow enabled, once, with the workflow's token.
        assertEquals(List.of("PUT /repos/Sched/image-sync/actions/workflows/sync-batch-daily.yml/enable"), keepalives("Sched/image-sync"));
        assertTrue(first.log().contains("keepalive: sync-batch-daily.yml stays enabled"), first.log());
        assertEquals("1", first.run().at("/needs/plan/outputs/shards").asText());
        first.assertStep("plan", "Check images.txt (offline)", "success");
        first.assertStep("Free disk space", "success");
        first.assertDiskCleaned();
        // Aliyun only: the workflow token would have been accepted by "GHCR", but alone it must not add GHCR.
        assertEquals(alpine.digests().get("linux/amd64"), digestAt(aliyun.host + "/sched/alpine:3.19"));
        assertEquals(busybox.digests().get("linux/arm64"), digestAt(aliyun.host + "/sched/linux_arm64_busybox:1.36"));
        assertNull(digestAt(ghcr.host + "/sched/alpine:3.19"), "GHCR was written with only the workflow token");
        assertEquals(List.of("aliyun:copied:new", "aliyun:copied:new"), first.reportStatuses());
        assertTrue(first.job().path("summary").asText().contains(aliyun.host + "/sched/alpine:3.19"), first.log());
        // The badge commit reached the origin, and being [skip ci] it starts nothing; the catalog came with it.
        assertEquals("Update the last-sync badge and the mirror catalog [skip ci]", repo.git("log", "-1", "--format=%s", "main"));
        assertFalse(repo.git("show", "main:README.md").contains("last%20sync-never"), "README badge not updated");
        String catalog = repo.git("show", "main:MIRRORS.md");
        assertTrue(catalog.contains("| `alpine:3.19` | linux/amd64 | `" + aliyun.host + "/sched/alpine:3.19` |"), catalog);
        assertTrue(catalog.contains("| `busybox:1.36` | linux/arm64 | `" + aliyun.host + "/sched/linux_arm64_busybox:1.36` |"), catalog);
        String catalogCommit = repo.git("log", "-1", "--format=%H", "main", "--", "MIRRORS.md");
        // The files to use the mirror with came in the same commit, made from that catalog.
        assertEquals(catalogCommit, repo.git("log", "-1", "--format=%H", "main", "--", "mirror"));
        assertTrue(repo.git("show", "main:mirror/pull.sh").contains(": \"${MIRROR:=" + aliyun.host + "/sched}\""));
        assertEquals(aliyun.host + "/sched/alpine", MirrorRules.k3s(repo.git("show", "main:mirror/k3s-registries.yaml"), "docker.io", "library/alpine"));
        assertEquals(Map.of("alpine", aliyun.host + "/sched/alpine"), MirrorRules.kustomize(repo.git("show", "main:mirror/kustomization-images.yaml")));
        assertEquals(1, notifications.size() - notified, first.log());
        JsonNode message = Fixtures.JSON.readTree(notifications.get(notifications.size() - 1));
        assertEquals("success", message.path("status").asText());
        assertEquals(2, message.at("/summary/copied").asInt());
        assertTrue(repo.cacheKeys().contains("image-sync-state-whole-2001"), repo.cacheKeys().toString());
        assertTrue(first.artifact("sync-report").toFile().isFile(), first.log());

        Run badgePush = repo.run("push", 2002, secrets, Map.of(), null, Map.of(), repo.git("rev-parse", "main~1"), List.of());
        badgePush.assertStarted();
        assertTrue(badgePush.result().at("/notStarted/sync-batch-daily.yml").asText().contains("[skip ci]"), badgePush.log());

        long sourceGets = source.manifestRequests("GET");
        Run second = repo.run("schedule", 2003, secrets, Map.of(), null, Map.of());
        second.assertConclusion("success");
        assertTrue(second.log().contains("Cache restored from key: image-sync-state-whole-2001"), second.log());
        assertEquals(0, source.manifestRequests("GET") - sourceGets, "the second run downloaded a source manifest:\n" + second.log());
        assertEquals(List.of("aliyun:skipped:digest", "aliyun:skipped:digest"), second.reportStatuses());
        assertEquals("success", Fixtures.JSON.readTree(notifications.get(notifications.size() - 1)).path("status").asText());
        // Nothing was copied, so the catalog is byte for byte the same and no commit of this run touches it.
        assertTrue(second.log().contains("catalog: MIRRORS.md unchanged"), second.log());
        assertEquals(catalog, repo.git("show", "main:MIRRORS.md"));
        assertEquals(catalogCommit, repo.git("log", "-1", "--format=%H", "main", "--", "MIRRORS.md"));
        assertTrue(second.log().contains("mirror: mirror unchanged"), second.log());
        assertEquals(catalogCommit, repo.git("log", "-1", "--format=%H", "main", "--", "mirror"));
    }

    @Test
    void anImagesTxtPushStartsOnlyTheBatchAndSyncTargetsBothWritesBoth(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Pusher/image-sync", "alpine:3.19\n");
        String before = repo.git("rev-parse", "main");
        repo.commit("images.txt", "redis:7\n", "Sync redis instead");

        Run run = repo.run("push", 2101, aliyunSecrets("push"), Map.of("SYNC_TARGETS", "both"), null, Map.of(), before,
                List.of("sync-batch-daily.yml"));
        run.assertStarted("sync-batch-daily.yml");
        assertTrue(run.result().at("/notStarted/ci.yml").asText().startsWith("paths filter"), "the test suite would run: " + run.log());
        run.assertConclusion("success");
        run.assertStep("Free disk space", "success");
        run.assertDiskCleaned();
        assertEquals(redis.digests().get("linux/amd64"), digestAt(aliyun.host + "/push/redis:7"));
        assertEquals(redis.digests().get("linux/amd64"), digestAt(ghcr.host + "/pusher/redis:7"));
        assertEquals(List.of("aliyun:copied:new", "ghcr:copied:new"), run.reportStatuses());
        assertEquals("skipped", run.job("keepalive").path("conclusion").asText(), "only a scheduled run keeps the schedule alive");
        assertEquals(List.of(), keepalives("Pusher/image-sync"));
    }

    /**
     * A registry of the user's own next to Aliyun, as the README says to add one: its secrets and the SYNC_TARGETS
     * variable, no workflow edited. The daily run writes both, by each one's naming, and the catalog shows both.
     */
    @Test
    void aRegistryOfYourOwnNeedsOnlyItsSecretsAndSyncTargets(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Own/image-sync", "--platform=linux/arm64 busybox:1.36\n");
        Map<String, String> secrets = aliyunSecrets("own");
        secrets.putAll(Map.of("HARBOR_REGISTRY", ghcr.host, "HARBOR_NAMESPACE", "proj", "HARBOR_USERNAME", "bob", "HARBOR_PASSWORD", WORKFLOW_TOKEN,
                "HARBOR_NAMING", "path"));
        Run run = repo.run("schedule", 2801, secrets, Map.of("SYNC_TARGETS", "aliyun,harbor"), null, Map.of());

        run.assertConclusion("success");
        assertEquals(List.of("aliyun:copied:new", "harbor:copied:new"), run.reportStatuses());
        assertEquals(busybox.digests().get("linux/arm64"), digestAt(ghcr.host + "/proj/linux_arm64/library/busybox:1.36"));
        String catalog = repo.git("show", "main:MIRRORS.md");
        assertTrue(catalog.contains("| `busybox:1.36` | linux/arm64 | `" + aliyun.host + "/own/linux_arm64_busybox:1.36` | `" + ghcr.host
                + "/proj/linux_arm64/library/busybox:1.36` |"), catalog);
    }

    /**
     * A token that may not enable workflows (a repository whose default token is read-only, or an organisation's rule)
     * is a warning on the run's page: the run stays green.
     */
    @Test
    void aRefusedKeepaliveIsAWarningAndTheRunStaysGreen(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Quiet/image-sync", "redis:7\n");
        api.failures.add(Map.entry(403, "Resource not accessible by integration"));
        Run run = repo.run("schedule", 2701, aliyunSecrets("quiet"), Map.of(), null, Map.of());

        run.assertConclusion("success");
        run.assertStep("keepalive", "Keep the schedule enabled", "success");
        assertEquals(List.of("PUT /repos/Quiet/image-sync/actions/workflows/sync-batch-daily.yml/enable"), keepalives("Quiet/image-sync"));
        assertTrue(run.log().contains("::warning::keepalive: could not keep sync-batch-daily.yml enabled: GitHub API PUT "
                + "/repos/Quiet/image-sync/actions/workflows/sync-batch-daily.yml/enable: 403 Resource not accessible by integration "
                + "(the workflow's token needs permissions: actions: write; check GITHUB_TOKEN)"), run.log());
        assertEquals(List.of("aliyun:copied:new"), run.reportStatuses());
    }

    @Test
    void aFailedImageFailsTheJobAndStillSavesTheStateKeepsTheReportAndNotifies(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Failing/image-sync", "alpine:3.19\nnot-there:1.0\n");
        Map<String, String> secrets = aliyunSecrets("failing");
        secrets.put("WEBHOOK_URL", webhookUrl());
        int notified = notifications.size();
        String head = repo.git("rev-parse", "main");

        Run run = repo.run("workflow_dispatch", 2201, secrets, Map.of(), "sync-batch-daily.yml",
                Map.of("clean_disk", false, "targets", "aliyun"));
        run.assertConclusion("failure");
        assertEquals("image-sync-batch-plain-aliyun", run.run().at("/concurrency/group").asText());
        run.assertStep("Sync", "failure");
        run.assertStep("Free disk space", "skipped");
        run.assertDiskUntouched();
        run.assertStep("Update the last-sync badge and the mirror catalog", "success");
        run.assertStep("Save the sync state", "success");
        run.assertStep("Keep the report", "success");
        run.assertStep("Notify", "success");
        assertTrue(repo.cacheKeys().contains("image-sync-state-whole-2201"), repo.cacheKeys().toString());
        assertEquals(List.of("aliyun:copied:new", "aliyun:failed:null"), run.reportStatuses());
        // It got as far as syncing: the catalog has what was copied, and the badge says one image fails.
        assertEquals(head, repo.git("rev-parse", "main~1"), run.log());
        assertTrue(repo.git("show", "main:README.md").contains("-orange)"), repo.git("show", "main:README.md"));
        assertTrue(repo.git("show", "main:MIRRORS.md").contains("| `alpine:3.19` | linux/amd64 | `" + aliyun.host + "/failing/alpine:3.19` |"));
        assertEquals(1, notifications.size() - notified, run.log());
        JsonNode message = Fixtures.JSON.readTree(notifications.get(notifications.size() - 1));
        assertEquals("failure", message.path("status").asText());
        assertEquals(1, message.at("/summary/failed").asInt());
    }

    /**
     * A dead image in a scheduled list: the sync step fails (exit 1), yet the catalog and the badge are committed, honest
     * about it; the state remembers the failure from run to run, so the third run's report and notification say
     * "failing since … (3 runs)", apart from new failures; once the image exists it is copied and all of that is gone.
     */
    @Test
    void aDeadImageStillGetsTheCatalogAndBadgeCommittedAndIsRememberedAsFailingUntilItSyncs(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Dead/image-sync", "alpine:3.19\narrives-later:1.0\n");
        Map<String, String> secrets = aliyunSecrets("dead");
        secrets.put("WEBHOOK_URL", webhookUrl());
        Map<String, String> vars = Map.of("WEBHOOK_LANG", "en");
        String today = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).toString();
        String dead = aliyun.host + "/dead/arrives-later:1.0";
        for (int run = 1; run <= 3; run++) {
            String head = repo.git("rev-parse", "main");
            Run r = repo.run("schedule", 2600 + run, secrets, vars, null, Map.of());
            r.assertConclusion("failure");
            r.assertStep("Sync", "failure");
            r.assertStep("Update the last-sync badge and the mirror catalog", "success");
            String readme = repo.git("show", "main:README.md");
            assertTrue(readme.contains("%C2%B7%201%20failing-orange)"), readme);
            String catalog = repo.git("show", "main:MIRRORS.md");
            assertTrue(catalog.contains("| `alpine:3.19` | linux/amd64 | `" + aliyun.host + "/dead/alpine:3.19` | "), catalog);
            assertTrue(catalog.contains("| `arrives-later:1.0` | linux/amd64 | — | —, 同步失败自 / failing since " + today + " |"), catalog);
            if (run == 1) {
                assertEquals(head, repo.git("rev-parse", "main~1"), "the first run's catalog and badge were not committed:\n" + r.log());
            }
            JsonNode failed = Fixtures.JSON.readTree(r.artifact("sync-report").toFile()).at("/images/1/targets/0");
            assertEquals("failed", failed.path("status").asText());
            assertEquals(today, failed.at("/failing/since").asText(), failed.toString());
            assertEquals(run, failed.at("/failing/runs").asInt(), failed.toString());
            String text = Fixtures.JSON.readTree(notifications.get(notifications.size() - 1)).path("text").asText();
            if (run == 1) {
                assertTrue(text.contains("Failed\n- ") && !text.contains("failing since"), text);
            } else {
                assertTrue(text.contains("Still failing (failed in earlier runs too)\n- ") && !text.contains("Failed\n"), text);
                assertTrue(text.contains("failing since " + today + " (" + run + " runs)"), text);
                assertTrue(r.job().path("summary").asText().contains("failed, failing since " + today + " (" + run + " runs)"), r.job().path("summary").asText());
            }
        }
        Fixtures.Layout arrived = push("library/arrives-later:1.0", List.of(image("linux/amd64", "arrives-later")));
        Run fixed = repo.run("schedule", 2604, secrets, vars, null, Map.of());
        fixed.assertConclusion("success");
        assertEquals(arrived.digests().get("linux/amd64"), digestAt(dead));
        JsonNode copied = Fixtures.JSON.readTree(fixed.artifact("sync-report").toFile()).at("/images/1/targets/0");
        assertEquals("copied", copied.path("status").asText());
        assertTrue(copied.path("failing").isMissingNode(), copied.toString());
        assertTrue(repo.git("show", "main:README.md").contains("-blue)"));
        String catalog = repo.git("show", "main:MIRRORS.md");
        assertTrue(catalog.contains("| `arrives-later:1.0` | linux/amd64 | `" + dead + "` | " + today + " |"), catalog);
        assertFalse(catalog.contains("failing since"), catalog);
        // Forgotten in the state too: failing again would start a new row of failed runs.
        Tools.Result rm = Tools.run(List.of("skopeo", "delete", "--tls-verify=false", "docker://" + source.host + "/library/arrives-later:1.0"),
                null, null, null);
        assertEquals(0, rm.exit(), rm.all());
        Run again = repo.run("schedule", 2605, secrets, vars, null, Map.of());
        again.assertConclusion("failure");
        JsonNode anew = Fixtures.JSON.readTree(again.artifact("sync-report").toFile()).at("/images/1/targets/0");
        assertEquals(1, anew.at("/failing/runs").asInt(), anew.toString());
    }

    /**
     * A list split in shards: plan → one sync job per shard → finish. Every shard syncs its part, keeps its own state
     * and uploads its own report, and none commits, notifies or writes a summary; finish merges the reports into one
     * summary and one report, sends one notification and fails the run when a shard failed. After the list is fixed,
     * the next run is green, commits the badge once, and each shard is served by its own remembered state.
     */
    @Test
    void aListInShardsGivesOneSummaryOneNotificationOneBadgeAndFailsWhenAShardFailed(@TempDir Path dir) throws IOException {
        String good = "alpine:3.19\n--platform=linux/arm64 alpine:3.19\nbusybox:1.36\n--platform=linux/arm64 busybox:1.36\nredis:7\n";
        Repo repo = Repo.create(dir, "Shards/image-sync", good + "not-there:1.0\n");
        Map<String, String> secrets = aliyunSecrets("shards");
        secrets.put("WEBHOOK_URL", webhookUrl());
        int notified = notifications.size();
        String head = repo.git("rev-parse", "main");

        Run first = repo.run("schedule", 2401, secrets, Map.of("SYNC_SHARDS", "3"), null, Map.of());
        first.assertConclusion("failure");
        assertEquals("3", first.run().at("/needs/plan/outputs/shards").asText());
        assertEquals("[1,2,3]", first.run().at("/needs/plan/outputs/matrix").asText());
        List<JsonNode> shards = first.syncJobs();
        assertEquals(List.of("sync (1) / sync", "sync (2) / sync", "sync (3) / sync"), shards.stream().map(j -> j.path("id").asText()).toList());
        assertEquals(1, shards.stream().filter(j -> j.path("conclusion").asText().equals("failure")).count(), first.log());
        for (JsonNode shard : shards) {
            int i = shard.path("inputs").path("shard").asInt();
            assertEquals(3, shard.path("inputs").path("shards").asInt());
            first.assertStep(shard, "Update the last-sync badge and the mirror catalog", "skipped");
            first.assertStep(shard, "Notify", "skipped");
            first.assertStep(shard, "Save the sync state", "skipped");
            first.assertStep(shard, "Keep the shard's state", "success");
            assertEquals("", shard.path("summary").asText(), "a shard wrote a step summary");
            assertTrue(Files.isRegularFile(first.artifact("sync-state-" + i).resolveSibling("state.json")), "shard " + i + " kept no state");
            assertTrue(Files.isRegularFile(first.artifact("sync-report-" + i)), "shard " + i + " kept no report");
        }
        JsonNode finish = first.job("finish");
        assertEquals("failure", finish.path("conclusion").asText());
        first.assertStep("finish", "Merge the reports", "success");
        first.assertStep("finish", "Summary", "success");
        // Every shard synced and left its report: the catalog and the badge are committed, the badge saying one image fails.
        first.assertStep("finish", "Update the last-sync badge and the mirror catalog", "success");
        first.assertStep("finish", "Notify", "success");
        first.assertStep("finish", "Merge the shards' states", "success");
        first.assertStep("finish", "Fail when a shard failed", "failure");
        // No shard saved a state of its own: the finishing job saved the one whole state the next run restores.
        assertEquals(List.of("image-sync-state-whole-2401"), repo.cacheKeys().stream().filter(k -> k.startsWith("image-sync-state")).toList());
        // One report of the whole list, in list order, each image with its shard; one summary holding every image.
        JsonNode merged = Fixtures.JSON.readTree(first.artifact("sync-report").toFile());
        assertEquals(List.of(1, 2, 3, 4, 5, 6), lines(merged));
        assertEquals(5, merged.at("/summary/copied").asInt());
        assertEquals(1, merged.at("/summary/failed").asInt());
        merged.path("images").forEach(image -> assertTrue(image.path("shard").asInt() >= 1 && image.path("shard").asInt() <= 3, image.toString()));
        String summary = finish.path("summary").asText();
        assertTrue(summary.startsWith("### Image sync: 5 copied, 0 skipped, 1 failed"), summary);
        for (String name : List.of("alpine:3.19", "linux_arm64_alpine:3.19", "busybox:1.36", "linux_arm64_busybox:1.36", "redis:7", "not-there:1.0")) {
            assertTrue(summary.contains(aliyun.host + "/shards/" + name), name + " is not in the summary:\n" + summary);
        }
        assertEquals(alpine.digests().get("linux/arm64"), digestAt(aliyun.host + "/shards/linux_arm64_alpine:3.19"));
        assertEquals(1, notifications.size() - notified, first.log());
        JsonNode message = Fixtures.JSON.readTree(notifications.get(notifications.size() - 1));
        assertEquals("failure", message.path("status").asText());
        assertEquals(5, message.at("/summary/copied").asInt());
        assertEquals(head, repo.git("rev-parse", "main~1"), first.log());
        assertTrue(repo.git("show", "main:README.md").contains("%C2%B7%201%20failing-orange)"), repo.git("show", "main:README.md"));
        assertEquals(repo.git("rev-parse", "main"), repo.git("log", "-1", "--format=%H", "main", "--", "mirror"), "the mirror files are not in that commit");

        repo.commit("images.txt", good, "Drop the image that does not exist");
        notified = notifications.size();
        long sourceGets = source.manifestRequests("GET");
        Run second = repo.run("workflow_dispatch", 2402, secrets, Map.of(), "sync-batch-daily.yml", Map.of("shards", "3", "clean_disk", false));
        second.assertConclusion("success");
        assertEquals(List.of("keepalive:skipped", "plan:success", "sync (1) / sync:success", "sync (2) / sync:success",
                "sync (3) / sync:success", "finish:success"), second.jobConclusions());
        for (JsonNode shard : second.syncJobs()) {
            assertTrue(second.log().contains("[" + shard.path("id").asText() + " › Restore the sync state] Cache restored from key: image-sync-state-whole-2401"),
                    second.log());
        }
        assertEquals(0, source.manifestRequests("GET") - sourceGets, "a shard downloaded a source manifest:\n" + second.log());
        JsonNode again = Fixtures.JSON.readTree(second.artifact("sync-report").toFile());
        assertEquals(5, again.at("/summary/skipped").asInt());
        second.assertStep("finish", "Update the last-sync badge and the mirror catalog", "success");
        assertEquals("Update the last-sync badge and the mirror catalog [skip ci]", repo.git("log", "-1", "--format=%s", "main"));
        assertEquals(2, Integer.parseInt(repo.git("rev-list", "--count", "--grep", "last-sync badge", "main")), "the badge was not committed once a run");
        assertEquals(1, notifications.size() - notified, second.log());
        assertEquals("success", Fixtures.JSON.readTree(notifications.get(notifications.size() - 1)).path("status").asText());

        // A run of one job after the run in shards restores the whole state the finishing job merged, never one
        // shard's part: every image is served by it, so no source manifest is downloaded.
        sourceGets = source.manifestRequests("GET");
        Run whole = repo.run("workflow_dispatch", 2403, secrets, Map.of(), "sync-batch-daily.yml", Map.of("shards", "1", "clean_disk", false));
        whole.assertConclusion("success");
        assertEquals(List.of("keepalive:skipped", "plan:success", "sync (1) / sync:success", "finish:skipped"), whole.jobConclusions());
        assertTrue(whole.log().contains("[sync (1) / sync › Restore the sync state] Cache restored from key: image-sync-state-whole-2402"), whole.log());
        assertEquals(0, source.manifestRequests("GET") - sourceGets, "the run of one job downloaded a source manifest:\n" + whole.log());
        assertEquals(List.of("aliyun:skipped:digest", "aliyun:skipped:digest", "aliyun:skipped:digest", "aliyun:skipped:digest", "aliyun:skipped:digest"),
                whole.reportStatuses());
    }

    /** A broken list stops the run in the plan job, which is then the one to notify; nothing is synced. */
    @Test
    void aBrokenListFailsThePlanWhichNotifiesAndNothingRunsAfterIt(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Broken/image-sync", "alpine:3.19\nnot an image\n");
        Map<String, String> secrets = aliyunSecrets("broken");
        secrets.put("WEBHOOK_URL", webhookUrl());
        int notified = notifications.size();
        String head = repo.git("rev-parse", "main");
        Run run = repo.run("schedule", 2501, secrets, Map.of(), null, Map.of());
        assertEquals(head, repo.git("rev-parse", "main"), "a run whose list check failed committed the badge or the catalog");
        assertEquals("failure", run.run().path("conclusion").asText());
        assertEquals(List.of("keepalive:success", "plan:failure", "sync:skipped", "finish:skipped"), run.jobConclusions());
        assertEquals(List.of("PUT /repos/Broken/image-sync/actions/workflows/sync-batch-daily.yml/enable"), keepalives("Broken/image-sync"),
                "a broken list does not stop the schedule from being kept alive");
        run.assertStep("plan", "Check images.txt (offline)", "failure");
        run.assertStep("plan", "Notify", "success");
        assertTrue(run.log().contains("images.txt:2"), run.log());
        assertEquals(1, notifications.size() - notified, run.log());
        assertEquals("failure", Fixtures.JSON.readTree(notifications.get(notifications.size() - 1)).path("status").asText());
    }

    /**
     * A run stopped by a bad setting after the list check, before syncing (the sync step exits 2 and writes no
     * report): the catalog and badge step does not run, and nothing is committed.
     */
    @Test
    void aRunStoppedBeforeSyncingCommitsNeitherCatalogNorBadge(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Unset/image-sync", "alpine:3.19\n");
        String head = repo.git("rev-parse", "main");
        Run run = repo.run("schedule", 2502, aliyunSecrets("unset"), Map.of("SYNC_FAILING_DAYS", "seven"), null, Map.of());
        run.assertConclusion("failure");
        run.assertStep("Sync", "failure");
        assertTrue(run.log().contains("SYNC_FAILING_DAYS 'seven': give a whole number of days from 1 to 3650"), run.log());
        run.assertStep("Update the last-sync badge and the mirror catalog", "skipped");
        assertEquals(head, repo.git("rev-parse", "main"));
    }

    static List<Integer> lines(JsonNode report) {
        List<Integer> out = new ArrayList<>();
        report.path("images").forEach(image -> out.add(image.path("line").asInt()));
        return out;
    }

    /** A dispatch of 02, 03 or 04, and where its image must (and must not) land. */
    record Dispatch(String workflow, Map<String, Object> inputs, String group, List<String> statuses, String aliyunName, String ghcrName,
                    String platform, boolean cleaned) {
        @Override
        public String toString() {
            return workflow + " " + inputs;
        }
    }

    static Stream<Dispatch> dispatches() {
        return Stream.of(
                new Dispatch("sync-double.yml", Map.of("image_name", "alpine:3.19"), "image-sync-02|alpine:3.19|||false",
                        List.of("aliyun:copied:new", "ghcr:copied:new"), "alpine:3.19", "alpine:3.19", "linux/amd64", true),
                new Dispatch("sync-double.yml", Map.of("image_name", "busybox:1.36", "target_name", "bb:v1", "platform", "linux/arm64",
                        "force_sync", true, "clean_disk", false), "image-sync-02|busybox:1.36|bb:v1|linux/arm64|true",
                        List.of("aliyun:copied:forced", "ghcr:copied:forced"), "bb:v1", "bb:v1", "linux/arm64", false),
                new Dispatch("sync-to-aliyun.yml", Map.of("image_name", "alpine:3.19"), "image-sync-03|alpine:3.19|||false",
                        List.of("aliyun:copied:new"), "alpine:3.19", null, "linux/amd64", true),
                new Dispatch("sync-to-aliyun.yml", Map.of("image_name", "alpine:3.19", "new_name", "my-alpine:edge", "platform", "linux/arm64",
                        "force_sync", true, "clean_disk", false), "image-sync-03|alpine:3.19|my-alpine:edge|linux/arm64|true",
                        List.of("aliyun:copied:forced"), "my-alpine:edge", null, "linux/arm64", false),
                new Dispatch("sync-to-ghcr.yml", Map.of("image_name", "busybox:1.36"), "image-sync-04|busybox:1.36|||false",
                        List.of("ghcr:copied:new"), null, "busybox:1.36", "linux/amd64", true),
                new Dispatch("sync-to-ghcr.yml", Map.of("image_name", "--platform=linux/arm64 busybox:1.36", "target_name", "gh-bb:1",
                        "clean_disk", false), "image-sync-04|--platform=linux/arm64 busybox:1.36|gh-bb:1||false",
                        List.of("ghcr:copied:new"), null, "gh-bb:1", "linux/arm64", false));
    }

    /**
     * Every input reaches sync.java as its option: an empty one as "not given", a filled one as given. The repository
     * has Aliyun secrets and a GHCR_TOKEN, so "auto" would write both: each workflow must still write only its own.
     */
    @ParameterizedTest
    @MethodSource("dispatches")
    void aDispatchReachesTheRightOptionsAndOnlyItsTargets(Dispatch d, @TempDir Path dir) throws IOException {
        String ns = "d" + Integer.toHexString(d.toString().hashCode() & 0xfffffff);
        Repo repo = Repo.create(dir, ns.toUpperCase() + "/image-sync", "redis:7\n");
        Map<String, String> secrets = aliyunSecrets(ns);
        secrets.put("GHCR_TOKEN", WORKFLOW_TOKEN);
        Run run = repo.run("workflow_dispatch", 2300, secrets, Map.of("SYNC_TARGETS", "both"), d.workflow(), d.inputs());
        run.assertConclusion("success");
        assertEquals(d.group(), run.run().at("/concurrency/group").asText());
        assertEquals(List.of("sync / sync:success"), run.jobConclusions(), "a single image is one job, with no plan");
        run.assertStep("Free disk space", d.cleaned() ? "success" : "skipped");
        assertEquals(d.statuses(), run.reportStatuses());
        Fixtures.Layout layout = d.inputs().get("image_name").toString().contains("alpine") ? alpine : busybox;
        String digest = layout.digests().get(d.platform());
        String aliyunRef = aliyun.host + "/" + ns + "/";
        String ghcrRef = ghcr.host + "/" + ns + "/";
        if (d.aliyunName() != null) {
            assertEquals(digest, digestAt(aliyunRef + d.aliyunName()), run.log());
        } else {
            assertNull(digestAt(aliyunRef + d.ghcrName()), "04 wrote Aliyun");
        }
        if (d.ghcrName() != null) {
            assertEquals(digest, digestAt(ghcrRef + d.ghcrName()), run.log());
        } else {
            assertNull(digestAt(ghcrRef + d.aliyunName()), "03 wrote GHCR");
        }
    }

    /**
     * GitHub keeps one running and one waiting run per concurrency group; a newer run cancels the waiting one
     * ("control the concurrency of workflows and jobs" in GitHub's docs). The groups, evaluated by GitHub's engine,
     * must make every cancelled run one whose work the run replacing it does: never a dispatched image.
     */
    @Test
    void noDispatchedRunIsEverReplacedByOneDoingOtherWork(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Queue/image-sync", "alpine:3.19\n");
        record Arrival(String event, String workflow, Map<String, Object> inputs) {}
        List<Arrival> arrivals = List.of(
                new Arrival("schedule", "sync-batch-daily.yml", Map.of()),
                new Arrival("workflow_dispatch", "sync-to-aliyun.yml", Map.of("image_name", "a:1")),
                new Arrival("workflow_dispatch", "sync-to-aliyun.yml", Map.of("image_name", "b:1")),
                new Arrival("workflow_dispatch", "sync-to-aliyun.yml", Map.of("image_name", "c:1")),
                new Arrival("workflow_dispatch", "sync-to-ghcr.yml", Map.of("image_name", "a:1")),
                new Arrival("workflow_dispatch", "sync-double.yml", Map.of("image_name", "a:1")),
                new Arrival("workflow_dispatch", "sync-to-aliyun.yml", Map.of("image_name", "a:1", "platform", "linux/arm64")),
                new Arrival("workflow_dispatch", "sync-to-aliyun.yml", Map.of("image_name", "a:1")),
                new Arrival("workflow_dispatch", "sync-to-aliyun.yml", Map.of("image_name", "a:1")),
                new Arrival("workflow_dispatch", "sync-batch-daily.yml", Map.of("force_sync", true)),
                new Arrival("workflow_dispatch", "sync-batch-daily.yml", Map.of("targets", "ghcr")),
                new Arrival("push", "sync-batch-daily.yml", Map.of()),
                new Arrival("workflow_dispatch", "sync-batch-daily.yml", Map.of()),
                new Arrival("schedule", "sync-batch-daily.yml", Map.of()));
        ObjectNode config = repo.config("concurrency", 0, Map.of(), Map.of());
        var events = config.putArray("events");
        arrivals.forEach(a -> events.addObject().put("event", a.event()).put("workflow", a.workflow())
                .set("inputs", Fixtures.JSON.valueToTree(a.inputs())));
        JsonNode groups = repo.harness(config).result().path("groups");
        assertEquals(arrivals.size(), groups.size());

        // GitHub's rule, over the real groups: all arrive while the first of each group is still running.
        Map<String, Integer> running = new HashMap<>();
        Map<String, Integer> waiting = new HashMap<>();
        List<String> replaced = new ArrayList<>();
        for (int i = 0; i < arrivals.size(); i++) {
            JsonNode c = groups.get(i);
            assertFalse(c.path("cancelInProgress").asBoolean(), "a run in progress must never be cancelled");
            String group = c.path("group").asText().toLowerCase();  // group names are case-insensitive
            if (running.putIfAbsent(group, i) == null) {
                continue;
            }
            Integer old = waiting.put(group, i);
            if (old != null) {
                Arrival gone = arrivals.get(old);
                Arrival next = arrivals.get(i);
                replaced.add(gone.workflow() + gone.inputs() + " by " + next.workflow() + next.inputs());
                assertEquals(gone.workflow(), next.workflow(), "a waiting run was replaced by another workflow's run");
                if (!gone.workflow().equals("sync-batch-daily.yml")) {
                    assertEquals(gone.inputs(), next.inputs(), "a waiting dispatch was replaced by one for other work");
                }
            }
        }
        // Three dispatches of different images start at once; of three identical ones the middle is replaced by
        // the third, which does the same; plain batch runs replace each other, forced or targeted ones do not.
        assertEquals(List.of("sync-to-aliyun.yml{image_name=a:1} by sync-to-aliyun.yml{image_name=a:1}",
                "sync-batch-daily.yml{} by sync-batch-daily.yml{}", "sync-batch-daily.yml{} by sync-batch-daily.yml{}"), replaced);
        assertEquals(3, List.of(1, 2, 3).stream().map(i -> groups.get(i).path("group").asText()).distinct().count());
    }

    /**
     * What the issue found, shown with GitHub's own engine: on push and schedule `inputs` is empty, and null == false,
     * so the old condition skipped the clean-up; the condition 01 now passes on is true there and follows the box.
     */
    @Test
    void theOldCleanUpConditionWasFalseOnScheduleAndTheNewOneIsNot(@TempDir Path dir) throws IOException {
        ObjectNode config = Fixtures.JSON.createObjectNode().put("mode", "eval").put("result", dir.resolve("result.json").toString());
        String old = "inputs.clean_disk != false";
        String now = "github.event_name != 'workflow_dispatch' || inputs.clean_disk";
        Object[][] cases = {
                {old, "schedule", Map.of(), false},
                {old, "push", Map.of(), false},
                {now, "schedule", Map.of(), true},
                {now, "push", Map.of(), true},
                {now, "workflow_dispatch", Map.of("clean_disk", true), true},
                {now, "workflow_dispatch", Map.of("clean_disk", false), false},
        };
        var expressions = config.putArray("expressions");
        for (Object[] c : cases) {
            ObjectNode e = expressions.addObject().put("expression", (String) c[0]);
            e.putObject("context").set("github", Fixtures.JSON.createObjectNode().put("event_name", (String) c[1]));
            ((ObjectNode) e.get("context")).set("inputs", Fixtures.JSON.valueToTree(c[2]));
        }
        JsonNode values = Harness.run(config, dir).result().path("values");
        for (int i = 0; i < cases.length; i++) {
            assertEquals(cases[i][3], values.get(i).asBoolean(), cases[i][0] + " on " + cases[i][1] + " " + cases[i][2]);
            assertTrue(values.get(i).isBoolean());
        }
    }

    // ---- 05: sync from an issue ------------------------------------------------------------------------------

    /** The job that ran (or was skipped) under {@code id} in the run's one workflow. */
    static JsonNode job(Run run, String id) {
        for (JsonNode j : run.run().path("jobs")) {
            if (j.path("id").asText().equals(id) || j.path("id").asText().startsWith(id + " / ")) {
                return j;
            }
        }
        throw new AssertionError("no job " + id + "\n" + run.log());
    }

    static String conclusionOf(JsonNode job, String step) {
        for (JsonNode s : job.path("steps")) {
            if (s.path("name").asText().equals(step)) {
                return s.path("conclusion").asText();
            }
        }
        throw new AssertionError("no step " + step + " in " + job);
    }

    /**
     * An owner's issue runs the shared steps with the issue step instead of the list: the images land, the issue is
     * answered with their pull commands, labelled and closed, and (ISSUE_SYNC_REMEMBER) images.txt gets the new lines
     * in a commit of their own, without [skip ci].
     */
    @Test
    void anOwnersIssueRunsTheSharedStepsIsAnsweredAndItsImagesAreRemembered(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Issuer/image-sync", "redis:7\n");
        ObjectNode payload = (ObjectNode) Fixtures.JSON.readTree(IssueRequestTest.EVENTS.resolve("issues-opened.json").toFile());
        try (FakeGitHub github = new FakeGitHub(WORKFLOW_TOKEN)) {
            Run run = repo.runIssue("issues", 2401, payload, aliyunSecrets("issuer"), Map.of("ISSUE_SYNC_REMEMBER", "true"), github);

            run.assertStarted("sync-issue.yml");
            JsonNode sync = job(run, "sync");
            assertEquals("success", sync.path("conclusion").asText(), run.log());
            assertEquals("skipped", job(run, "refuse").path("conclusion").asText());
            assertEquals("image-sync-issue-7", sync.at("/concurrency/group").asText());
            assertEquals("skipped", conclusionOf(sync, "Free disk space"));
            assertEquals("skipped", conclusionOf(sync, "Sync"));
            assertEquals("success", conclusionOf(sync, "Sync the issue's images"));
            assertEquals("success", conclusionOf(sync, "Commit the issue's images to images.txt"));
            assertEquals("skipped", conclusionOf(sync, "Update the last-sync badge and the mirror catalog"));
            assertEquals(List.of("aliyun:copied:new", "aliyun:copied:new", "aliyun:copied:new"), run.reportStatuses());
            assertEquals(alpine.digests().get("linux/amd64"), digestAt(aliyun.host + "/issuer/alpine:3.19"));
            assertEquals(busybox.digests().get("linux/arm64"), digestAt(aliyun.host + "/issuer/linux_arm64_busybox:1.36"));

            String comment = github.comments().get(0);
            assertTrue(comment.contains("docker pull " + aliyun.host + "/issuer/linux_arm64_busybox:1.36\n"), comment);
            assertTrue(comment.contains("[运行日志 / Run log](https://github.com/Issuer/image-sync/actions/runs/2401)"), comment);
            assertEquals("closed", github.states.get(7));
            assertEquals(java.util.Set.of("synced", "sync"), github.issueLabels.get(7));

            assertEquals("images.txt: add the images synced for issue #7", repo.git("log", "-1", "--format=%B", "main"));
            assertEquals("redis:7\n\n# issue #7\nalpine:3.19\n--platform=linux/arm64 busybox:1.36\n", repo.git("show", "main:images.txt") + "\n");
        }
    }

    /** Anyone else: only the refusal job runs, with no secret, and no registry is asked anything. */
    @Test
    void aStrangersIssueRunsOnlyTheRefusal(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Guarded/image-sync", "redis:7\n");
        ObjectNode payload = (ObjectNode) Fixtures.JSON.readTree(IssueRequestTest.EVENTS.resolve("issues-opened.json").toFile());
        IssueSyncTest.stranger(payload, "mallory");
        try (FakeGitHub github = new FakeGitHub(WORKFLOW_TOKEN)) {
            long puts = aliyun.manifestRequests("PUT");
            Run run = repo.runIssue("issues", 2402, payload, aliyunSecrets("guarded"), Map.of("ISSUE_SYNC_USERS", "bob, carol"), github);

            assertEquals("skipped", job(run, "sync").path("conclusion").asText(), run.log());
            JsonNode refuse = job(run, "refuse");
            assertEquals("success", refuse.path("conclusion").asText(), run.log());
            assertTrue(refuse.path("concurrency").isNull(), "the refusal joins no queue");
            assertEquals(List.of("POST /repos/Guarded/image-sync/issues/7/comments", "PATCH /repos/Guarded/image-sync/issues/7"), github.calls());
            assertEquals("closed", github.states.get(7));
            assertEquals(puts, aliyun.manifestRequests("PUT"));
            assertNull(digestAt(aliyun.host + "/guarded/alpine:3.19"));
        }
    }

    /** A stranger's ordinary issue in a template user's repository: the workflow starts, no job runs, nothing is posted or closed. */
    @Test
    void aStrangersOrdinaryIssueRunsNoJob(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Template/image-sync", "redis:7\n");
        ObjectNode payload = (ObjectNode) Fixtures.JSON.readTree(IssueRequestTest.EVENTS.resolve("issues-opened.json").toFile());
        IssueSyncTest.stranger(payload, "mallory");
        ((ObjectNode) payload.path("issue")).put("title", "Does this work with Harbor?").put("body", "I use Harbor 2.10. Thanks!");
        try (FakeGitHub github = new FakeGitHub(WORKFLOW_TOKEN)) {
            Run run = repo.runIssue("issues", 2405, payload, aliyunSecrets("template"), Map.of(), github);
            run.assertStarted("sync-issue.yml");
            assertEquals("skipped", job(run, "sync").path("conclusion").asText(), run.log());
            assertEquals("skipped", job(run, "refuse").path("conclusion").asText(), run.log());
            assertEquals(List.of(), github.calls());
        }
    }

    /** Comments start the workflow, but only a created /sync comment on an issue (not a pull request) runs a job. */
    @Test
    void onlyACreatedSyncCommentOnAnIssueRunsAJob(@TempDir Path dir) throws IOException {
        Repo repo = Repo.create(dir, "Chatty/image-sync", "redis:7\n");
        ObjectNode base = (ObjectNode) Fixtures.JSON.readTree(IssueRequestTest.EVENTS.resolve("issue-comment-created.json").toFile());
        try (FakeGitHub github = new FakeGitHub(WORKFLOW_TOKEN)) {
            ObjectNode edited = base.deepCopy().put("action", "edited");
            Run notStarted = repo.runIssue("issue_comment", 2403, edited, Map.of(), Map.of(), github);
            notStarted.assertStarted();
            assertTrue(notStarted.result().at("/notStarted/sync-issue.yml").asText().startsWith("types filter"), notStarted.log());

            ObjectNode thanks = base.deepCopy();
            ((ObjectNode) thanks.path("comment")).put("body", "thanks, it works!");
            ObjectNode onPullRequest = base.deepCopy();
            ((ObjectNode) onPullRequest.path("issue")).putObject("pull_request").put("url", "https://api.github.com/repos/alice/image-sync/pulls/8");
            for (ObjectNode payload : List.of(thanks, onPullRequest)) {
                Run run = repo.runIssue("issue_comment", 2404, payload, Map.of(), Map.of(), github);
                run.assertStarted("sync-issue.yml");
                assertEquals("skipped", job(run, "sync").path("conclusion").asText(), run.log());
                assertEquals("skipped", job(run, "refuse").path("conclusion").asText(), run.log());
            }
            assertEquals(List.of(), github.calls());
        }
    }

    /**
     * Which issues are sync requests, as GitHub decides it: both jobs' if: conditions, evaluated by GitHub's engine for
     * each kind of event 05 gets, run exactly the expected job or none; and issue.java (IssueEvent.request, allowed)
     * agrees on every one. An ordinary issue, the owner's or a stranger's, runs nothing, and a /sync on it neither.
     */
    @Test
    void onlySyncRequestsRunAJobAndExactlyTheExpectedOne(@TempDir Path dir) throws IOException {
        JsonNode jobs = WorkflowTest.load("sync-issue.yml").path("jobs");
        record Case(String name, String event, String title, List<String> labels, String association, String comment, String expected) {}
        List<Case> cases = List.of(
                new Case("an ordinary issue by the owner", "issues", "When I run the sync on Windows it fails", List.of(), "OWNER", null, null),
                new Case("an ordinary issue by a stranger", "issues", "Does this work with Harbor?", List.of("question"), "NONE", null, null),
                new Case("a form issue (its label)", "issues", "nginx and redis please", List.of("sync"), "OWNER", null, "sync"),
                new Case("a form issue by a stranger", "issues", "[sync] nginx:1.27", List.of("sync"), "NONE", null, "refuse"),
                new Case("a [sync] title", "issues", "[Sync] redis:7", List.of(), "COLLABORATOR", null, "sync"),
                new Case("/sync on a request", "issue_comment", "[sync] redis:7", List.of("sync-failed"), "OWNER", "/sync", "sync"),
                new Case("/sync by a stranger on a request", "issue_comment", "[sync] redis:7", List.of("sync"), "NONE", "/sync", "refuse"),
                new Case("/sync on an ordinary issue", "issue_comment", "Windows fails", List.of("bug"), "OWNER", "/sync", null),
                new Case("thanks on a request", "issue_comment", "[sync] redis:7", List.of("sync"), "OWNER", "thanks!", null));
        ObjectNode config = Fixtures.JSON.createObjectNode().put("mode", "eval").put("result", dir.resolve("result.json").toString());
        var expressions = config.putArray("expressions");
        List<IssueEvent> events = new ArrayList<>();
        for (Case c : cases) {
            ObjectNode payload = Fixtures.JSON.createObjectNode().put("action", c.comment() == null ? "opened" : "created");
            ObjectNode issue = payload.putObject("issue").put("number", 5).put("title", c.title()).put("body", "nginx:1.27")
                    .put("author_association", c.comment() == null ? c.association() : "OWNER");
            issue.putObject("user").put("login", c.comment() == null ? "someone" : "alice");
            c.labels().forEach(l -> issue.withArray("labels").addObject().put("name", l));
            if (c.comment() != null) {
                ObjectNode comment = payload.putObject("comment").put("body", c.comment()).put("author_association", c.association());
                comment.putObject("user").put("login", "someone");
            }
            Path file = Files.writeString(dir.resolve("event-" + events.size() + ".json"), payload.toString());
            events.add(IssueEvent.read(file));
            ObjectNode github = Fixtures.JSON.createObjectNode().put("event_name", c.event());
            github.set("event", payload);
            for (String job : List.of("sync", "refuse")) {
                ObjectNode e = expressions.addObject().put("expression", jobs.at("/" + job + "/if").asText());
                e.putObject("context").set("github", github);
                ((ObjectNode) e.get("context")).putObject("vars");
            }
        }
        JsonNode values = Harness.run(config, dir).result().path("values");
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String ran = values.get(2 * i).asBoolean() ? "sync" : values.get(2 * i + 1).asBoolean() ? "refuse" : null;
            assertFalse(values.get(2 * i).asBoolean() && values.get(2 * i + 1).asBoolean(), c.name() + ": both jobs");
            assertEquals(c.expected(), ran, c.name());
            IssueEvent event = events.get(i);
            boolean answered = event.request() && (event.command() == null || event.command().startsWith("/sync"));
            assertEquals(c.expected() != null, answered, c.name() + ": issue.java disagrees");
            if (answered) {
                assertEquals(c.expected().equals("sync"), event.allowed(null), c.name() + ": issue.java lets in someone else");
            }
        }
    }

    /**
     * Who may sync, as GitHub decides it: the jobs' if: conditions, evaluated by GitHub's engine on the same cases
     * issue.java's rule is tested on (IssueRequestTest.WHO), for an opened issue and for a /sync comment. Exactly one
     * of the two jobs runs, and it is the one issue.java would agree with.
     */
    @Test
    void theWorkflowLetsInExactlyWhomIssueJavaLetsIn(@TempDir Path dir) throws IOException {
        JsonNode jobs = WorkflowTest.load("sync-issue.yml").path("jobs");
        String syncIf = jobs.at("/sync/if").asText();
        String refuseIf = jobs.at("/refuse/if").asText();
        ObjectNode config = Fixtures.JSON.createObjectNode().put("mode", "eval").put("result", dir.resolve("result.json").toString());
        var expressions = config.putArray("expressions");
        List<String> cases = new ArrayList<>();
        for (Object[] c : IssueRequestTest.WHO) {
            for (String event : List.of("issues", "issue_comment")) {
                ObjectNode github = Fixtures.JSON.createObjectNode().put("event_name", event);
                ObjectNode payload = github.putObject("event");
                ObjectNode issue = payload.putObject("issue");
                issue.put("number", 3).put("title", "[sync] nginx:1.27").put("author_association", event.equals("issues") ? (String) c[1] : "OWNER");
                issue.putObject("user").put("login", event.equals("issues") ? (String) c[0] : "alice");
                if (event.equals("issue_comment")) {
                    ObjectNode comment = payload.putObject("comment").put("body", "/sync").put("author_association", (String) c[1]);
                    comment.putObject("user").put("login", (String) c[0]);
                }
                ObjectNode vars = Fixtures.JSON.createObjectNode();
                if (c[2] != null) {
                    vars.put("ISSUE_SYNC_USERS", (String) c[2]);
                }
                for (String expression : List.of(syncIf, refuseIf)) {
                    ObjectNode e = expressions.addObject().put("expression", expression);
                    e.putObject("context").set("github", github);
                    ((ObjectNode) e.get("context")).set("vars", vars);
                }
                cases.add(event + " " + java.util.Arrays.toString(c));
            }
        }
        JsonNode values = Harness.run(config, dir).result().path("values");
        for (int i = 0; i < cases.size(); i++) {
            boolean allowed = (Boolean) IssueRequestTest.WHO.get(i / 2)[3];
            assertEquals(allowed, values.get(2 * i).asBoolean(), "sync job: " + cases.get(i));
            assertEquals(!allowed, values.get(2 * i + 1).asBoolean(), "refuse job: " + cases.get(i));
        }
    }

    // ---- the repository, its origin and a run --------------------------------------------------------------

    /** A bare origin holding this checkout's files (the code under test) with the given images.txt. */
    record Repo(Path dir, Path origin, Path seed, String repository) {
        static Repo create(Path dir, String repository, String images) throws IOException {
            Path origin = dir.resolve("origin.git");
            Path seed = dir.resolve("seed");
            Tools.Result files = Tools.run(List.of("git", "-C", Tools.REPO.toString(), "ls-files", "-z", "--cached", "--others", "--exclude-standard"),
                    Tools.cleanEnv(), null, null);
            Files.createDirectories(seed);
            for (String f : files.out().split("\0")) {
                Path from = Tools.REPO.resolve(f);
                if (f.isEmpty() || f.startsWith("test/") || !Files.isRegularFile(from)) {
                    continue;
                }
                Files.createDirectories(seed.resolve(f).getParent());
                Files.copy(from, seed.resolve(f), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
            Files.writeString(seed.resolve("images.txt"), images);
            Repo repo = new Repo(dir, origin, seed, repository);
            repo.gitIn(dir, "init", "-q", "--bare", "-b", "main", origin.toString());
            repo.gitIn(seed, "init", "-q", "-b", "main");
            repo.gitIn(seed, "add", "-A");
            repo.gitIn(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "From the template");
            repo.gitIn(seed, "push", "-q", origin.toString(), "main");
            return repo;
        }

        void commit(String file, String content, String message) throws IOException {
            gitIn(seed, "pull", "-q", origin.toString(), "main");
            Files.writeString(seed.resolve(file), content);
            gitIn(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", message);
            gitIn(seed, "push", "-q", origin.toString(), "main");
        }

        String git(String... args) {
            List<String> cmd = new ArrayList<>(List.of("--git-dir", origin.toString()));
            cmd.addAll(List.of(args));
            return gitIn(dir, cmd.toArray(String[]::new)).strip();
        }

        String gitIn(Path cwd, String... args) {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args));
            Tools.Result r = Tools.run(cmd, Tools.cleanEnv(), cwd, null);
            assertEquals(0, r.exit(), "git " + String.join(" ", args) + ": " + r.all());
            return r.out();
        }

        ObjectNode config(String mode, int runId, Map<String, String> secrets, Map<String, String> vars) {
            ObjectNode c = Fixtures.JSON.createObjectNode();
            c.put("mode", mode).put("origin", origin.toString()).put("branch", "main").put("repository", repository).put("actor", "bob")
                    .put("runId", runId).put("work", dir.resolve("runner").toString()).put("cache", dir.resolve("cache").toString())
                    .put("artifacts", dir.resolve("artifacts").toString()).put("result", dir.resolve("result-" + runId + ".json").toString())
                    .put("diskRootTemplate", fakeDiskRoot(dir).toString());
            Map<String, String> allSecrets = new LinkedHashMap<>(secrets);
            allSecrets.put("GITHUB_TOKEN", WORKFLOW_TOKEN);
            c.set("secrets", Fixtures.JSON.valueToTree(allSecrets));
            c.set("vars", Fixtures.JSON.valueToTree(vars));
            ObjectNode env = c.putObject("runnerEnv");
            c.put("apiUrl", api.url());
            env.put("GHCR_REGISTRY", ghcr.host).put("SOURCE_REGISTRY", source.host)
                    .put("INSECURE_REGISTRIES", source.host + "," + aliyun.host + "," + ghcr.host)
                    // JBang's launcher, as on a runner image that has it: bootstrapped once, not per fake HOME.
                    .put("JBANG_BOOTSTRAP_DIR", Path.of(System.getProperty("user.home"), ".jbang", "bootstrap").toString());
            return c;
        }

        Harness harness(ObjectNode config) {
            return Harness.run(config, dir);
        }

        Run run(String event, int runId, Map<String, String> secrets, Map<String, String> vars, String workflow, Map<String, Object> inputs) {
            return run(event, runId, secrets, vars, workflow, inputs, null, null);
        }

        /** One event, as GitHub delivers it; {@code only}: the workflows allowed to run (null: any it starts). */
        Run run(String event, int runId, Map<String, String> secrets, Map<String, String> vars, String workflow, Map<String, Object> inputs,
                String before, List<String> only) {
            ObjectNode c = config("run", runId, secrets, vars).put("event", event);
            if (workflow != null) {
                c.put("workflow", workflow).set("inputs", Fixtures.JSON.valueToTree(inputs));
            }
            if (before != null) {
                c.put("before", before);
            }
            if (only != null) {
                c.set("only", Fixtures.JSON.valueToTree(only));
            }
            return start(c, runId);
        }

        /** An issues or issue_comment event with its payload; the workflow's token answers through {@code github}. */
        Run runIssue(String event, int runId, ObjectNode payload, Map<String, String> secrets, Map<String, String> vars, FakeGitHub github) {
            ObjectNode c = config("run", runId, secrets, vars).put("event", event).put("apiUrl", github.url());
            c.set("payload", payload);
            return start(c, runId);
        }

        private Run start(ObjectNode c, int runId) {
            Harness h = harness(c);
            String all = h.log();
            assertFalse(all.contains(ALIYUN_PASSWORD) || all.contains(WORKFLOW_TOKEN), "a secret was printed:\n" + all);
            return new Run(this, h, runId);
        }

        List<String> cacheKeys() throws IOException {
            List<String> keys = new ArrayList<>();
            Fixtures.JSON.readTree(dir.resolve("cache/index.json").toFile()).forEach(e -> keys.add(e.path("key").asText()));
            return keys;
        }
    }

    /** One harness process: its log and its result. */
    record Harness(String log, JsonNode result) {
        static Harness run(ObjectNode config, Path dir) {
            try {
                Path file = dir.resolve("config-" + UUID.randomUUID() + ".json");
                Files.createDirectories(dir.resolve("cache"));
                Files.writeString(file, config.toPrettyString());
                Tools.Result r = Tools.run(List.of(Tools.require("node", "nodejs"), Tools.REPO.resolve("test/workflows/run-workflow.mjs").toString(),
                        file.toString()), Tools.cleanEnv(), Tools.REPO.resolve("test"), null);
                // Kept beside the config, for a look when a test fails (or with junit.jupiter.tempdir.cleanup.mode.default=NEVER).
                Files.writeString(dir.resolve(file.getFileName().toString().replace("config-", "log-").replace(".json", ".txt")), r.all());
                assertEquals(0, r.exit(), "the harness failed:\n" + r.all());
                return new Harness(r.all(), Fixtures.JSON.readTree(Path.of(config.path("result").asText()).toFile()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    record Run(Repo repo, Harness harness, int runId) {
        JsonNode result() {
            return harness.result();
        }

        String log() {
            return harness.log();
        }

        JsonNode run() {
            assertEquals(1, result().path("runs").size(), log());
            return result().path("runs").get(0);
        }

        /** The one job that ran sync.yml's steps. */
        JsonNode job() {
            List<JsonNode> syncing = syncJobs();
            assertEquals(1, syncing.size(), log());
            return syncing.get(0);
        }

        /** The jobs that ran sync.yml's steps: one, or one per shard. */
        List<JsonNode> syncJobs() {
            List<JsonNode> out = new ArrayList<>();
            run().path("jobs").forEach(j -> {
                if (j.path("calls").asText().equals(".github/workflows/sync.yml")) {
                    out.add(j);
                }
            });
            return out;
        }

        JsonNode job(String id) {
            for (JsonNode j : run().path("jobs")) {
                if (j.path("id").asText().equals(id)) {
                    return j;
                }
            }
            throw new AssertionError("no job " + id + "\n" + log());
        }

        /** id:conclusion of every job, in the order they ran. */
        List<String> jobConclusions() {
            List<String> out = new ArrayList<>();
            run().path("jobs").forEach(j -> out.add(j.path("id").asText() + ":" + j.path("conclusion").asText()));
            return out;
        }

        Path artifact(String name) {
            return repo.dir().resolve("artifacts/" + runId + "/" + name + "/sync-report.json");
        }

        void assertStarted(String... workflows) {
            List<String> started = new ArrayList<>();
            result().path("started").forEach(n -> started.add(n.asText()));
            assertEquals(List.of(workflows), started, log());
        }

        /** The run's conclusion, and its sync job's when there is one (a run in shards has one per shard). */
        void assertConclusion(String conclusion) {
            assertEquals(conclusion, run().path("conclusion").asText(), log());
            if (syncJobs().size() == 1) {
                assertEquals(conclusion, job().path("conclusion").asText(), log());
            }
        }

        void assertStep(String name, String conclusion) {
            assertStep(job(), name, conclusion);
        }

        void assertStep(String jobId, String name, String conclusion) {
            assertStep(job(jobId), name, conclusion);
        }

        void assertStep(JsonNode job, String name, String conclusion) {
            for (JsonNode step : job.path("steps")) {
                if (step.path("name").asText().equals(name)) {
                    assertEquals(conclusion, step.path("conclusion").asText(), name + "\n" + log());
                    return;
                }
            }
            throw new AssertionError("no step " + name + "\n" + log());
        }

        void assertDiskCleaned() {
            Path disk = repo.dir().resolve("runner/disk-root");
            for (String d : RunnerScriptsTest.REMOVED) {
                assertFalse(Files.exists(disk.resolve(d)), d + " was kept:\n" + log());
            }
            for (String d : RunnerScriptsTest.KEPT) {
                assertTrue(Files.exists(disk.resolve(d).resolve("keep.txt")), d + " was removed");
            }
            assertTrue(log().contains("free-disk-space: free after:"), log());
        }

        void assertDiskUntouched() {
            Path disk = repo.dir().resolve("runner/disk-root");
            for (String d : RunnerScriptsTest.REMOVED) {
                assertTrue(Files.exists(disk.resolve(d).resolve("big.bin")), d + " was removed:\n" + log());
            }
        }

        /** target:status:reason of every image×target in the report the run uploaded. */
        List<String> reportStatuses() throws IOException {
            Path report = artifact("sync-report");
            assertTrue(Files.isRegularFile(report), "no report artifact:\n" + log());
            List<String> out = new ArrayList<>();
            for (JsonNode image : Fixtures.JSON.readTree(report.toFile()).path("images")) {
                for (JsonNode t : image.path("targets")) {
                    out.add(t.path("target").asText() + ":" + t.path("status").asText() + ":" + t.path("reason").asText());
                }
            }
            return out;
        }
    }

    // ---- fixtures --------------------------------------------------------------------------------

    static Path fakeDiskRoot(Path dir) {
        Path disk = dir.resolve("disk-template");
        if (!Files.isDirectory(disk)) {
            try {
                Files.move(RunnerScriptsTest.fakeRoot(dir), disk);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return disk;
    }

    static Map<String, String> aliyunSecrets(String namespace) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("ALIYUN_REGISTRY", aliyun.host);
        s.put("ALIYUN_NAMESPACE", namespace);
        s.put("ALIYUN_USERNAME", "alice");
        s.put("ALIYUN_PASSWORD", ALIYUN_PASSWORD);
        return s;
    }

    static String webhookUrl() {
        return "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook";
    }

    static Fixtures.Image image(String platform, String marker) {
        return new Fixtures.Image(platform, "2024-03-01T10:00:00Z", marker + "-" + platform);
    }

    static Fixtures.Layout push(String repoTag, List<Fixtures.Image> images) throws IOException {
        Fixtures.Layout layout = Fixtures.multiArch(Files.createTempDirectory(registries.root(), "layout"), images);
        Registry.push(layout, source.host + "/" + repoTag, null);
        return layout;
    }

    /** The digest of the manifest a tag points at; null when there is no such tag. */
    static String digestAt(String reference) {
        return Registry.digestAt(reference, registries.authFile());
    }
}
