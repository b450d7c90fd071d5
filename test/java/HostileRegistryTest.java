

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
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A source that sends what no registry should, in front of a real one, to a real ./jbang scripts/sync.java: a manifest
 * or a tag list without end under a small heap, bodies that drip a byte at a time, a Link to another host. Each is
 * that image's or that line's failure with a plain message; the others are copied, the run ends in its time and
 * writes its report. Each run is given a bounded time, so a run that hangs fails the test instead of holding it.
 */
@Tag("registry")
@Tag("process")
class HostileRegistryTest {
    /** A body the size the trial used: far more than a 256 MiB heap could hold. */
    static final long HUGE = 600L * 1024 * 1024;
    @RegisterExtension
    static final Registries registries = new Registries("hostile-it-");
    static final Registry source = registries.open("source");
    static final Registry target = registries.open("target");
    static Fixtures.Layout fine;

    @BeforeAll
    static void pushFixtures() throws IOException {
        fine = Fixtures.multiArch(Files.createDirectories(registries.root().resolve("layout")), Fixtures.threeArch("2024-01-01T00:00:00Z", "hostile"));
        for (String repoTag : List.of("fine:1", "big:1", "drip:1")) {
            Registry.push(fine, source.host + "/library/" + repoTag, null);
        }
    }

    record Ran(int exit, String output, JsonNode report, Duration took) {
        /** The first target's result of what images.txt's line {@code line} became. */
        JsonNode target(int line) {
            for (JsonNode image : report.get("images")) {
                if (image.path("line").asInt() == line) {
                    return image.at("/targets/0");
                }
            }
            throw new AssertionError("nothing from line " + line + " in the report: " + report);
        }

        String status(int line) {
            return target(line).path("status").asText();
        }

        String error(int line) {
            return target(line).path("error").asText();
        }
    }

    /** A target namespace of the test's own, so its good image is copied rather than found there. */
    static Map<String, String> env(Path work, String sourceHost) {
        return SyncProcess.env(work, sourceHost, target.host, "ns-" + work.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""));
    }

    /** A run of {@code list}, given at most {@code limit}. */
    static Ran run(Path work, Map<String, String> env, String list, Duration limit, String... args) throws Exception {
        Files.writeString(work.resolve("images.txt"), list);
        long start = System.nanoTime();
        Tools.Result r = SyncProcess.finish(SyncProcess.start(work, env, args), work, limit);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return new Ran(r.exit(), r.all(), Fixtures.JSON.readTree(work.resolve("r.json").toFile()), took);
    }

    /**
     * The trial's repro: a manifest and a tag list of 600 MiB each, streamed, under -Xmx256m. Before, the HTTP client
     * ran out of memory, --image-timeout never fired and the run was killed with no report; now each is its line's
     * failure at its cap, the good image is copied and the report is written.
     */
    @Test
    void anEndlessManifestAndTagListUnderASmallHeapFailTheirLinesOnly(@TempDir Path work) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(source.host)) {
            proxy.on("GET", "/v2/library/big/manifests/.*").huge(HUGE);
            proxy.on("GET", "/v2/library/biglist/tags/list").huge(HUGE);
            Map<String, String> env = env(work, proxy.host);
            env.put("JAVA_TOOL_OPTIONS", "-Xmx256m");
            Ran ran = run(work, env, "big:1\n--latest=2 biglist\nfine:1\n", Duration.ofSeconds(150), "--image-timeout", "120s");

            assertEquals(1, ran.exit(), ran.output());
            assertEquals("failed", ran.status(1));
            assertTrue(ran.error(1).endsWith(": the answer is over 4 MiB, the most this tool reads for a manifest"), ran.error(1));
            assertEquals("failed", ran.status(2), ran.report().toString());
            assertEquals("listing the tags of " + proxy.host + "/library/biglist: the answer is over 4 MiB, the most this tool reads for a page of tags",
                    ran.error(2));
            assertEquals("copied", ran.status(3), ran.output());
            assertFalse(ran.output().contains("OutOfMemoryError"), ran.output());
            assertTrue(ran.took().compareTo(Duration.ofSeconds(60)) < 0, "took " + ran.took());
            System.out.println("an endless manifest and tag list under -Xmx256m: the run took " + ran.took().toMillis() + " ms");
        }
    }

    /** A manifest that drips a byte every 2 s: before, the image was never timed out; now it ends at --image-timeout. */
    @Test
    void aManifestThatDripsEndsAtTheImageTimeout(@TempDir Path work) throws Exception {
        endsAtTheImageTimeout(work, "/v2/library/drip/manifests/.*", Duration.ofSeconds(2), "drip:1", "a manifest");
    }

    /** The trial's tag list sent a byte every 5 s: still running at 150 s. Now the line fails at --image-timeout. */
    @Test
    void aTagListThatDripsEndsAtTheImageTimeout(@TempDir Path work) throws Exception {
        endsAtTheImageTimeout(work, "/v2/library/driplist/tags/list", Duration.ofSeconds(5), "--latest=2 driplist", "a page of tags");
    }

    /** {@code line} (images.txt's first, fine:1 the second) reads from {@code path}, which drips: it fails at an 8 s --image-timeout. */
    static void endsAtTheImageTimeout(Path work, String path, Duration every, String line, String what) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(source.host)) {
            proxy.on("GET", path).drip(every);
            Ran ran = run(work, env(work, proxy.host), line + "\nfine:1\n", Duration.ofSeconds(90), "--image-timeout", "8s");

            assertEquals(1, ran.exit(), ran.output());
            assertEquals("failed", ran.status(1), ran.report().toString());
            assertTrue(ran.error(1).contains("timed out: " + what + " was still arriving after")
                    && ran.error(1).endsWith("gave up after 8s (--image-timeout)"), ran.error(1));
            assertEquals("copied", ran.status(2), ran.output());
            assertTrue(ran.took().compareTo(Duration.ofSeconds(8 + 12)) < 0, "took " + ran.took());
            System.out.println(what + " that drips, under --image-timeout 8s: the run took " + ran.took().toMillis() + " ms");
        }
    }

    /**
     * A tag list whose next page is on another host, with the same path: the client refuses to follow it. Before, it
     * then asked skopeo list-tags, which follows only the path, on the same registry, page after page: about 400k
     * requests in the trial. Now the line fails at once, after one page.
     */
    @Test
    void aNextPageOnAnotherHostStopsTheListingAtOnce(@TempDir Path work) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(source.host)) {
            String list = "/v2/library/elsewhere/tags/list";
            proxy.on("GET", list).status(200, Map.of("Content-Type", "application/json", "Link", "<http://other.example" + list + "?n=100>; rel=\"next\""),
                    "{\"name\":\"library/elsewhere\",\"tags\":[\"1.0\"]}");
            Ran ran = run(work, env(work, proxy.host), "--latest=2 elsewhere\nfine:1\n", Duration.ofSeconds(90),
                    "--image-timeout", "30s");

            assertEquals(1, ran.exit(), ran.output());
            assertEquals("listing the tags of " + proxy.host + "/library/elsewhere: the registry's next page is on another host (http://other.example"
                    + list + "?n=100); pages are followed on the registry itself only", ran.error(1));
            assertEquals("copied", ran.status(2), ran.output());
            assertTrue(proxy.count("GET", list) <= 2, proxy.count("GET", list) + " requests for the list");
            assertTrue(ran.took().compareTo(Duration.ofSeconds(25)) < 0, "took " + ran.took());
        }
    }
}
