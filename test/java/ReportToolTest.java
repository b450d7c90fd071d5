import lib.core.Platforms;
import lib.list.ImageList;
import lib.list.Plan;
import lib.list.Shard;
import support.Fixtures;
import support.Registry;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * report.java against real reports: one list synced once as a whole and once in three shards (real skopeo, real
 * registries), the shards' reports merged with ./jbang scripts/report.java as the workflow does, and compared.
 */
@Tag("registry")
@Tag("process")
class ReportToolTest {
    static final String PASSWORD = "pw-report-" + UUID.randomUUID();
    static final int IMAGES = 9;
    static final int SHARDS = 3;

    static Path root;
    static Registry source;
    static Registry target;
    static Path auth;
    static Path list;
    static Path single;
    static Path singleSummary;
    static final List<Path> shards = new ArrayList<>();

    @BeforeAll
    static void syncOnceWholeAndOnceInShards() throws IOException {
        Tools.require("skopeo", "skopeo");
        root = Files.createTempDirectory("report-tool-");
        source = Registry.start(root.resolve("source"), null, null);
        target = Registry.start(root.resolve("target"), "carol", PASSWORD);
        auth = root.resolve("auth.json");
        Tools.Result login = Tools.run(List.of("skopeo", "login", "--authfile", auth.toString(), "--tls-verify=false", "-u", "carol",
                "--password-stdin", target.host), null, null, PASSWORD.getBytes(StandardCharsets.UTF_8));
        assertEquals(0, login.exit(), login.stderr());
        StringBuilder lines = new StringBuilder("# one list, synced whole and in shards\n");
        for (int i = 0; i < IMAGES; i++) {
            String name = "app" + i;
            Fixtures.Layout layout = Fixtures.multiArch(Files.createTempDirectory(root, "layout"),
                    List.of(new Fixtures.Image("linux/amd64", "2024-03-01T10:00:00Z", name + "-amd64"),
                            new Fixtures.Image("linux/arm64", "2024-03-01T10:00:00Z", name + "-arm64")));
            Tools.Result push = Tools.run(List.of("skopeo", "copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                    "oci:" + layout.dir() + ":fixture", "docker://" + source.host + "/library/" + name + ":1"), null, null, null);
            assertEquals(0, push.exit(), push.stderr());
            lines.append(i % 3 == 2 ? "--platform=linux/arm64 " : "").append(name).append(":1\n");
        }
        lines.append("missing:1\n");
        list = root.resolve("images.txt");
        Files.writeString(list, lines.toString());

        singleSummary = root.resolve("single-summary.md");
        Map<String, String> env = env("whole");
        env.put("GITHUB_STEP_SUMMARY", singleSummary.toString());
        single = root.resolve("single.json");
        assertEquals(1, sync(env, "--report", single.toString()));
        int failedShards = 0;
        for (int i = 1; i <= SHARDS; i++) {
            Path report = root.resolve("sync-report-" + i + ".json");
            failedShards += sync(env("sharded"), "--shard", i + "/" + SHARDS, "--report", report.toString());
            shards.add(report);
        }
        assertEquals(1, failedShards, "only the shard holding missing:1 fails");
    }

    @AfterAll
    static void stop() {
        for (Registry r : new Registry[]{source, target}) {
            if (r != null) {
                r.close();
            }
        }
    }

    static Map<String, String> env(String namespace) {
        Map<String, String> env = new HashMap<>();
        env.put("ALIYUN_REGISTRY", target.host);
        env.put("ALIYUN_NAMESPACE", namespace);
        env.put("ALIYUN_USERNAME", "carol");
        env.put("ALIYUN_PASSWORD", PASSWORD);
        env.put("SOURCE_REGISTRY", source.host);
        env.put("INSECURE_REGISTRIES", source.host + "," + target.host);
        env.put("SYNC_STATE", root.resolve("state-" + namespace + ".json").toString());
        return env;
    }

    /** One real sync in this JVM; its exit code: 1 where "missing:1" is part of it (it fails), else 0. */
    static int sync(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("-f", list.toString()));
        all.addAll(List.of(args));
        Tools.Result r = Cli.sync(root, env, null, SyncIntegrationTest.FAST_RETRY, all.toArray(String[]::new));
        assertEquals(r.out().contains("missing:1") ? 1 : 0, r.exit(), r.all());
        return r.exit();
    }

    static Tools.Result report(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.REPO.resolve("jbang").toString(), Tools.REPO.resolve("scripts/report.java").toString()));
        cmd.addAll(List.of(args));
        Tools.Result r = Tools.run(cmd, Tools.cleanEnv(), root, null);
        assertFalse(r.all().contains("\tat "), "stack trace printed:\n" + r.all());
        return r;
    }

    static JsonNode json(Path file) throws IOException {
        return Fixtures.JSON.readTree(file.toFile());
    }

    /** Each image as line | source | platform | target:status:reason:digest, the namespace left out. */
    static List<String> outcomes(JsonNode report) {
        List<String> out = new ArrayList<>();
        for (JsonNode image : report.path("images")) {
            for (JsonNode t : image.path("targets")) {
                out.add(image.path("line").asText() + " | " + image.path("source").asText() + " | " + image.path("platform").asText() + " | "
                        + t.path("target").asText() + ":" + t.path("status").asText() + ":" + t.path("reason").asText() + ":" + t.path("digest").asText());
            }
        }
        return out;
    }

    @Test
    void theMergedShardReportsAreTheSingleRunsReportWithEachImagesShard() throws IOException {
        Path merged = root.resolve("merged.json");
        List<String> args = new ArrayList<>(List.of("merge", "--out", merged.toString(), "--shards", String.valueOf(SHARDS)));
        // Given in another order than 1..N: the merge puts images in list order whatever the order of its reports.
        for (int i = shards.size() - 1; i >= 0; i--) {
            args.add(shards.get(i).toString());
        }
        Tools.Result r = report(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("merged 3 report(s), 10 image(s): " + IMAGES + " copied, 0 skipped, 1 failed"), r.out());

        JsonNode whole = json(single);
        JsonNode sum = json(merged);
        assertEquals(whole.path("summary"), sum.path("summary"));
        assertEquals(outcomes(whole), outcomes(sum));
        assertEquals(IMAGES + 1, outcomes(sum).size());
        assertTrue(outcomes(sum).stream().noneMatch(o -> o.endsWith(":null") && o.contains(":copied:")), "a copy without its digest");

        // Every image carries the shard that synced it, the one Shard says; a run that was not split writes none.
        List<Plan.Item> plan = Plan.of("images.txt", ImageList.parse("images.txt", Files.readString(list), Platforms.DEFAULT, source.host).images(),
                List.of()).items();
        int[] perShard = new int[SHARDS + 1];
        for (int i = 0; i < plan.size(); i++) {
            int shard = sum.path("images").get(i).path("shard").asInt();
            assertEquals(Shard.of(plan.get(i), SHARDS), shard, sum.path("images").get(i).toString());
            perShard[shard]++;
        }
        for (int i = 1; i <= SHARDS; i++) {
            assertEquals(json(shards.get(i - 1)).path("images").size(), perShard[i], "shard " + i);
        }
        whole.path("images").forEach(image -> assertFalse(image.has("shard"), image.toString()));

        // Stats: requests and processes added up, each phase as long as the slowest shard's.
        long headsAtSource = 0;
        double slowestSync = 0;
        for (Path shard : shards) {
            headsAtSource += json(shard).at("/stats/requests/" + source.host + "/HEAD").asLong();
            slowestSync = Math.max(slowestSync, json(shard).at("/stats/seconds/sync").asDouble());
        }
        assertEquals(IMAGES + 1, headsAtSource);
        assertEquals(headsAtSource, sum.at("/stats/requests/" + source.host + "/HEAD").asLong());
        assertEquals(slowestSync, sum.at("/stats/seconds/sync").asDouble());
        assertEquals(IMAGES, sum.at("/stats/processes/skopeo copy").asLong(), sum.path("stats").toString());
    }

    /** report.java summary prints exactly the table sync.java wrote to the step summary. */
    @Test
    void theSummaryOfAReportIsTheStepSummarySyncWrote() throws IOException {
        Tools.Result r = report("summary", single.toString());
        assertEquals(0, r.exit(), r.all());
        assertEquals(Files.readString(singleSummary), r.out());
        assertTrue(r.out().startsWith("### Image sync: " + IMAGES + " copied, 0 skipped, 1 failed\n"), r.out());
        assertTrue(r.out().contains("| `" + source.host + "/library/app2:1` | linux/arm64 | `" + target.host + "/whole/linux_arm64_app2:1` | copied (new) |"), r.out());
    }

    @Test
    void aMissingShardReportIsExitOneAndTheMergeIsStillWritten() throws IOException {
        Path merged = root.resolve("two-of-three.json");
        Tools.Result r = report("merge", "--out", merged.toString(), "--shards", "3", shards.get(0).toString(), shards.get(2).toString());
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.stderr().contains("report: expected 3 shard reports, got 2: a shard ended without writing one"), r.stderr());
        assertEquals(json(shards.get(0)).path("images").size() + json(shards.get(2)).path("images").size(), json(merged).path("images").size());
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException {
        Path corrupt = Files.writeString(root.resolve("corrupt.json"), "{\"summary\": {\"copied\": 1");
        Path out = root.resolve("never.json");
        // The shard with most images: which shard an image lands in depends on the registry's port, so one may be empty.
        Path largest = shards.stream().max(java.util.Comparator.comparingInt(p -> {
            try {
                return json(p).path("images").size();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })).orElseThrow();
        Tools.Result twice = report("merge", "--out", out.toString(), largest.toString(), largest.toString());
        assertEquals(2, twice.exit(), twice.all());
        assertTrue(twice.stderr().startsWith("report: ") && twice.stderr().contains("is in both") && twice.stderr().strip().lines().count() == 1, twice.stderr());
        Tools.Result broken = report("merge", "--out", out.toString(), corrupt.toString());
        assertEquals(2, broken.exit(), broken.all());
        assertTrue(broken.stderr().startsWith("report: " + corrupt + " is not a readable sync report: "), broken.stderr());
        Tools.Result none = report("summary", root.resolve("absent.json").toString());
        assertEquals("report: " + root.resolve("absent.json") + ": no such file", none.stderr().strip());
        assertEquals(2, none.exit());
        assertFalse(Files.exists(out), "a failed merge wrote a report");
    }
}
