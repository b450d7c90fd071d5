import support.FakeRunner;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tag-policy lines end to end: listed at a real registry, expanded at the start of the run, named and synced like any line. */
@Tag("registry")
class TagPolicySyncTest {
    static final List<String> TAGS = List.of("1.24.0", "1.25.0", "1.25.1", "1.25.2-alpine", "1.26.0", "v1.27.0", "latest", "1.28.0-rc.1");
    @RegisterExtension
    static final Registries registries = new Registries("policy-it-");
    static final Registry source = registries.open("source");
    static final Registry target = registries.open("target");
    static Fixtures.Layout image;

    @BeforeAll
    static void pushEveryTag() throws IOException {
        image = Fixtures.multiArch(Files.createDirectories(registries.root().resolve("layout")), Fixtures.threeArch("2024-01-01T00:00:00Z", "policy"));
        for (String tag : TAGS) {
            Registry.push(image, source.host + "/library/pol:" + tag, null);
        }
    }

    static Tools.Result sync(Path work, String list, String... args) throws IOException {
        Files.writeString(work.resolve("images.txt"), list);
        Files.deleteIfExists(work.resolve("r.json"));
        return Cli.toAliyun(work, FaultTest.env(work, source.host, target.host), SyncIntegrationTest.FAST_RETRY, args);
    }

    static List<String> sources(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.get("images").forEach(i -> out.add(i.get("source").asText().replace(source.host + "/library/", "")));
        return out;
    }

    @Test
    void aSemverRangeIsExpandedAtTheStartAndADryRunShowsWhatItChose(@TempDir Path work) throws IOException {
        Tools.Result r = sync(work, "--semver=>=1.25,<1.27 pol   # releases of 1.25 and 1.26\n", "--dry-run");
        assertEquals(0, r.exit(), r.all());
        JsonNode report = SyncIntegrationTest.report(work.resolve("r.json"));
        assertEquals(List.of("pol:1.26.0", "pol:1.25.1", "pol:1.25.0"), sources(report), "highest first; the 1.25.2-alpine pre-release is not in the range");
        assertEquals("--semver=>=1.25,<1.27 pol", report.at("/images/0/policy").asText());
        assertEquals(List.of("aliyun:would-copy:new", "aliyun:would-copy:new", "aliyun:would-copy:new"), SyncIntegrationTest.statuses(report));
        assertTrue(r.out().contains(":1: --semver=>=1.25,<1.27 pol → 1.26.0, 1.25.1, 1.25.0"), r.out());
        assertNull(Registry.digestAt(target.host + "/ns/pol:1.26.0", null));
    }

    @Test
    void latestCopiesTheNewestAndARerunSkipsThem(@TempDir Path work) throws IOException {
        String list = "--tags=^[0-9.]+$ --latest=2 pol\n";
        Tools.Result r = sync(work, list);
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("pol:1.26.0", "pol:1.25.1"), sources(SyncIntegrationTest.report(work.resolve("r.json"))));
        assertEquals(image.digests().get("linux/amd64"), Registry.digestAt(target.host + "/ns/pol:1.26.0", null));
        Tools.Result again = sync(work, list);
        assertEquals(List.of("aliyun:skipped:digest", "aliyun:skipped:digest"), SyncIntegrationTest.statuses(SyncIntegrationTest.report(work.resolve("r.json"))), again.all());
    }

    @Test
    void aPolicyOverMaxTagsFailsItsLineAndOneThatMatchesNothingIsAWarning(@TempDir Path work) throws IOException {
        long puts = target.manifestRequests("PUT");
        Tools.Result tooMany = sync(work, "--tags=.* pol\n", "--max-tags", "3");
        assertEquals(1, tooMany.exit(), tooMany.all());
        JsonNode line = SyncIntegrationTest.report(work.resolve("r.json")).at("/images/0");
        assertEquals("failed", line.at("/targets/0/status").asText(), line.toString());
        assertTrue(line.at("/targets/0/error").asText().endsWith("images.txt:1: --tags=.* pol matches 8 tags, more than --max-tags 3: "
                + "narrow it (e.g. add --latest=5) or raise --max-tags"), line.toString());
        assertEquals(puts, target.manifestRequests("PUT"), "nothing was copied for that line");

        Tools.Result none = sync(work, "--tags=^2\\..* pol\n");
        assertEquals(0, none.exit(), none.all());
        assertTrue(none.stderr().contains("--tags=^2\\..* pol matches none of its 8 tags"), none.stderr());
    }

    @Test
    void collisionsAreCheckedAfterExpansion(@TempDir Path work) throws IOException {
        Tools.Result r = sync(work, "--latest=1 --name=web pol\n--name=web:1.28.0-rc.1 other:1\n", "--dry-run");
        assertEquals(1, r.exit(), r.all());
        JsonNode collided = SyncIntegrationTest.report(work.resolve("r.json")).at("/images/0");
        assertEquals(1, collided.get("line").asInt(), collided.toString());
        assertTrue(collided.at("/targets/0/error").asText().contains("would both be written to web:1.28.0-rc.1"), collided.toString());
        Tools.Result duplicate = sync(work, "--latest=1 pol\npol:1.28.0-rc.1\n", "--dry-run");
        assertEquals(0, duplicate.exit(), duplicate.all());
        assertTrue(duplicate.stderr().contains("is the same image with the same target as"), duplicate.stderr());
    }

    @Test
    void thePlanShowsAPolicyLineAsWrittenWithoutAskingAnyRegistry(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "nginx:1\n--semver=^1.25 --platform=linux/arm64 pol\n");
        Tools.Result r = SyncIntegrationTest.checked(Cli.sync(work, Map.of("HOME", work.toString()), new FakeRunner(), null, "--plan"));
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("--semver=^1.25 docker.io/library/pol") && r.out().contains("→ <registry>/<namespace>/linux_arm64_pol:TAG for each tag it selects"), r.out());
        assertTrue(r.out().contains("1 image(s) and 1 tag-policy line(s)"), r.out());
        Tools.Result tagged = SyncIntegrationTest.checked(Cli.sync(work, Map.of("HOME", work.toString()), new FakeRunner(), null, "--plan", "--", "--latest=3 pol:1"));
        assertEquals(2, tagged.exit(), tagged.all());
        assertTrue(tagged.stderr().contains("names a tag or digest, and --latest=3 chooses the tags"), tagged.stderr());
    }
}
