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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SIGTERM before the batch starts (while tags are listed, while the first HEADs hang) ends the run as one during
 * the batch does: exit 143, a report with every image cancelled, and no private directory (credentials) left behind.
 */
@Tag("registry")
@Tag("process")
class SignalTest {
    @RegisterExtension
    static final Registries registries = new Registries("signal-it-");
    static final Registry source = registries.open("source");
    static final Registry target = registries.open("target");

    @BeforeAll
    static void pushImages() throws IOException {
        Fixtures.Layout image = Fixtures.multiArch(Files.createDirectories(registries.root().resolve("layout")), Fixtures.threeArch("2024-01-01T00:00:00Z", "signal"));
        for (String ref : List.of("pol:1.0.0", "pol:1.1.0", "named:1")) {
            Registry.push(image, source.host + "/library/" + ref, null);
        }
    }

    /** Starts a real run against the source through {@code proxy}, waits until {@code reached} has been asked, and sends SIGTERM. */
    static JsonNode terminateWhen(Path work, FaultProxy proxy, String method, String reached) throws Exception {
        Files.writeString(work.resolve("images.txt"), "--latest=2 pol\nnamed:1\n");
        Map<String, String> env = FaultTest.env(work, proxy.host, target.host);
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        env.put("TMPDIR", tmp.toString());
        ProcessBuilder pb = new ProcessBuilder(Tools.REPO.resolve("jbang").toString(), Tools.REPO.resolve("scripts/sync.java").toString(),
                "--to", "aliyun", "--report", "r.json").directory(work.toFile())
                .redirectOutput(work.resolve("out.log").toFile()).redirectError(work.resolve("err.log").toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (proxy.count(method, reached) == 0 && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(100);
        }
        assertTrue(proxy.count(method, reached) > 0, "the run never reached " + method + " " + reached + ": " + Files.readString(work.resolve("err.log")));
        Thread.sleep(300);
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the run did not end on SIGTERM");
        String out = Files.readString(work.resolve("out.log")) + Files.readString(work.resolve("err.log"));
        assertEquals(143, p.exitValue(), out);
        assertFalse(out.contains(FaultTest.PASSWORD) || out.contains("\tat "), out);
        try (Stream<Path> left = Files.walk(tmp)) {
            assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith("run-") || f.getFileName().toString().equals("auth.json")).toList(),
                    "the run's private directory (and its credentials) was removed");
        }
        assertTrue(Files.exists(work.resolve("r.json")), "no report: " + out);
        return Fixtures.JSON.readTree(work.resolve("r.json").toFile());
    }

    @Test
    void aSigtermWhileTagsAreListedStillWritesTheReport(@TempDir Path work) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(source.host)) {
            proxy.on("GET", "/v2/library/pol/tags/list.*").hang();
            JsonNode report = terminateWhen(work, proxy, "GET", "/v2/library/pol/tags/list.*");
            assertEquals(List.of("aliyun:cancelled:null", "aliyun:cancelled:null"), SyncIntegrationTest.statuses(report), report.toString());
            assertEquals("--latest=2 pol", report.at("/images/1/policy").asText(), "the line that was being listed, as written");
            assertEquals(2, report.at("/summary/cancelled").asInt());
        }
    }

    @Test
    void aSigtermWhileTheFirstHeadsHangStillWritesTheReport(@TempDir Path work) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(source.host)) {
            proxy.on("HEAD", "/v2/library/named/manifests/.*").hang();
            JsonNode report = terminateWhen(work, proxy, "HEAD", "/v2/library/named/manifests/.*");
            List<String> statuses = SyncIntegrationTest.statuses(report);
            assertEquals(3, statuses.size(), report.toString());
            assertTrue(statuses.contains("aliyun:cancelled:null"), statuses.toString());
        }
    }
}
