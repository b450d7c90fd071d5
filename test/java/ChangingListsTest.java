import support.FaultProxy;
import support.Fixtures;
import support.Registries;
import support.Registry;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lists whose meaning changes with the registry (tag policies choose what upstream has today), against real
 * registries: two policies on one repository are both honoured; a collision that a new tag creates fails that tag,
 * not the run; a line that fails before choosing is reported by one shard of a split run; and lines on a registry
 * that hangs cost one --image-timeout between them, not one each, as does an image whose source hangs.
 */
@Tag("registry")
class ChangingListsTest {
    static final List<String> TAGS = List.of("1.25.0", "1.25.1", "1.25.1-alpine", "1.26.0-alpine", "2.0.0");
    @RegisterExtension
    static final Registries registries = new Registries("changing-it-");
    static final Registry source = registries.open("source");
    static final Registry target = registries.open("target");

    @BeforeAll
    static void pushTags() throws IOException {
        Fixtures.Layout image = Fixtures.multiArch(Files.createDirectories(registries.root().resolve("layout")), Fixtures.threeArch("2024-01-01T00:00:00Z", "changing"));
        for (String tag : TAGS) {
            Registry.push(image, source.host + "/library/r:" + tag, null);
            Registry.push(image, source.host + "/library/col:" + tag, null);
        }
        Registry.push(image, source.host + "/library/c9:v4", null);
    }

    record Run(Tools.Result result, JsonNode report, Duration took) {}

    static Run sync(Path work, Map<String, String> env, String list, String... args) throws IOException {
        Files.writeString(work.resolve("images.txt"), list);
        Files.deleteIfExists(work.resolve("r.json"));
        long start = System.nanoTime();
        Tools.Result r = Cli.toAliyun(work, env, SyncIntegrationTest.FAST_RETRY, args);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        JsonNode report = Files.exists(work.resolve("r.json")) ? Cli.report(work) : null;
        return new Run(r, report, took);
    }

    static List<String> images(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.get("images").forEach(i -> out.add(i.get("source").asText().replaceFirst(".*/library/", "") + " " + i.get("targets").get(0).get("status").asText()));
        return out;
    }

    /** "--semver=^1.25 R" and "--tags=.*-alpine R" used to be one line ("repeats line 1"), so the -alpine tags never came. */
    @Test
    void twoPoliciesOnOneRepositoryAreTheUnionEachTagOnce(@TempDir Path work) throws IOException {
        Run run = sync(work, FaultTest.env(work, source.host, target.host), "--semver=^1.25 r\n--tags=.*-alpine r\n--tags=1[.]25[.]1.* r\n", "--dry-run");
        assertEquals(0, run.result().exit(), run.result().all());
        assertEquals(List.of("r:1.25.1 would-copy", "r:1.25.0 would-copy", "r:1.25.1-alpine would-copy", "r:1.26.0-alpine would-copy"),
                images(run.report()));
        JsonNode alpine = run.report().at("/images/2");
        assertEquals(2, alpine.get("line").asInt(), alpine.toString());
        assertEquals("[3]", alpine.get("also").toString(), "the third line chose it too: it is named, and synced once");
        assertEquals("[3]", run.report().at("/images/0/also").toString(), "1.25.1: the first line's, and the third's");
        assertFalse(run.result().all().contains("repeats line"), run.result().all());
    }

    /** A tag pushed upstream must not stop a list that was valid yesterday: the colliding tag fails, everything else goes on. */
    @Test
    void aCollisionThatOnlyExpansionMakesFailsThatTagAndTheRestGoesOn(@TempDir Path work) throws IOException {
        Run run = sync(work, FaultTest.env(work, source.host, target.host), "c9:v4\n--platform=all col:2.0.0\n--latest=3 col\n");
        assertEquals(1, run.result().exit(), run.result().all());
        // --latest=3 chose 2.0.0, 1.26.0-alpine and 1.25.1; lines that failed before syncing come first in the report.
        assertEquals(List.of("col:2.0.0 failed", "c9:v4 copied", "col:2.0.0 copied", "col:1.26.0-alpine copied", "col:1.25.1 copied"),
                images(run.report()));
        JsonNode failed = run.report().at("/images/0");
        assertEquals(3, failed.get("line").asInt());
        assertEquals("images.txt:3: '--latest=3 col' (tag 2.0.0) and line 2 ('--platform=all col:2.0.0') would both be written to col:2.0.0: "
                + "give one of them another name with --name=NAME[:TAG]", failed.at("/targets/0/error").asText().replace(work + "/", ""));
        assertEquals("permanent", failed.at("/targets/0/kind").asText());
    }

    /** A line that fails before choosing is in exactly one shard's report, so the shards' reports merge. */
    @Test
    void aLineThatFailsBeforeChoosingIsReportedByOneShard(@TempDir Path work) throws IOException {
        String list = "--latest=1 r\n--latest=2 no-such-repository\n";
        List<Path> reports = new ArrayList<>();
        int reported = 0;
        for (int shard = 1; shard <= 2; shard++) {
            Path dir = Files.createDirectories(work.resolve("shard" + shard));
            Run run = sync(dir, FaultTest.env(dir, source.host, target.host), list, "--dry-run", "--shard", shard + "/2");
            for (JsonNode image : run.report().get("images")) {
                reported += image.path("policy").asText().contains("no-such-repository") ? 1 : 0;
            }
            reports.add(dir.resolve("r.json"));
        }
        assertEquals(1, reported, "the failed line is in one shard's report");
        Tools.Result merged = Tools.run(List.of(Tools.REPO.resolve("jbang").toString(), Tools.REPO.resolve("scripts/report.java").toString(),
                "merge", "--shards", "2", "--out", work.resolve("m.json").toString(), reports.get(0).toString(), reports.get(1).toString()), Tools.cleanEnv(), work, null);
        assertEquals(0, merged.exit(), merged.all());
        assertTrue(Files.exists(work.resolve("m.json")), merged.all());
    }

    /** Three policy lines on a registry that never answers: listed at once, so together they cost about one --image-timeout. */
    @Test
    void policyLinesOnAHungRegistryCostOneTimeoutBetweenThem(@TempDir Path work) throws IOException {
        try (FaultProxy proxy = FaultProxy.start(source.host)) {
            proxy.on("*", ".*").hang();
            Map<String, String> env = FaultTest.env(work, proxy.host, target.host);
            Run run = sync(work, env, "--latest=1 r\n--semver=^1 col\n--tags=v.* c9\n", "--image-timeout", "6s");
            assertEquals(1, run.result().exit(), run.result().all());
            assertEquals(3, run.report().get("images").size(), run.report().toString());
            run.report().get("images").forEach(i -> assertEquals("failed", i.at("/targets/0/status").asText(), i.toString()));
            assertTrue(run.took().compareTo(Duration.ofSeconds(12)) < 0, "three lines took " + run.took() + " for a 6s timeout");
        }
    }

    /** A source that hangs: the HEADs asked ahead and the image's own questions share the image's one --image-timeout. */
    @Test
    void aHungSourceCostsTheImageOneTimeoutNotTwo(@TempDir Path work) throws IOException {
        try (FaultProxy proxy = FaultProxy.start(source.host)) {
            proxy.on("*", ".*").hang();
            Map<String, String> env = FaultTest.env(work, proxy.host, target.host);
            Run run = sync(work, env, "c9:v4\n", "--image-timeout", "6s");
            assertEquals(1, run.result().exit(), run.result().all());
            assertTrue(run.report().at("/images/0/targets/0/error").asText().contains("gave up after 6s"), run.report().toString());
            // Two timeouts would be 12 s at least; the run's own start and the fault proxy take the rest, more on a loaded machine.
            assertTrue(run.took().compareTo(Duration.ofSeconds(12)) < 0, "took " + run.took() + " for a 6s timeout: two timeouts, not one");
        }
    }
}
