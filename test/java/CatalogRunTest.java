import support.Fixtures;
import support.Registry;
import support.Tools;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalog of real runs: sync.java copies fixture images between real registries, catalog.java writes MIRRORS.md from each report. */
@Tag("registry")
class CatalogRunTest {
    static final String PASSWORD = "pw-catalog-" + UUID.randomUUID();
    static Path root;
    static Registry source;
    static Registry aliyun;

    @BeforeAll
    static void start() throws IOException {
        root = Files.createTempDirectory("catalog-");
        source = Registry.start(root.resolve("source"), null, null);
        aliyun = Registry.start(root.resolve("aliyun"), "alice", PASSWORD);
    }

    @AfterAll
    static void stop() {
        Registry.closeAll(source, aliyun);
    }

    @Test
    void theCatalogOfARealRunIsLeftAloneByANoOpRunAndRedatesOnlyWhatChanged(@TempDir Path work) throws IOException {
        push(work, "cat:1", "v1", "v1");
        Files.writeString(work.resolve("images.txt"), "cat:1\n--platform=linux/arm64 cat:1\n");
        Path mirrors = work.resolve("MIRRORS.md");

        assertEquals(0, sync(work, "r1.json").exit());
        assertEquals(0, catalog(work, "r1.json", "2026-11-28T05:00:00Z"));
        String first = Files.readString(mirrors);
        String ns = aliyun.host + "/ns/";
        // Named as the list writes them, although they came through another registry (SOURCE_REGISTRY).
        assertTrue(first.contains("| `cat:1` | linux/amd64 | `" + ns + "cat:1` | 2026-11-28 |\n"), first);
        assertTrue(first.contains("| `cat:1` | linux/arm64 | `" + ns + "linux_arm64_cat:1` | 2026-11-28 |\n"), first);

        assertEquals(0, sync(work, "r2.json").exit());
        assertEquals(0, catalog(work, "r2.json", "2026-11-29T05:00:00Z"));
        assertEquals(first, Files.readString(mirrors), "a run that copied nothing changed the catalog");

        push(work, "cat:1", "v2", "v1");
        assertEquals(0, sync(work, "r3.json").exit());
        assertEquals(0, catalog(work, "r3.json", "2026-11-30T05:00:00Z"));
        String third = Files.readString(mirrors);
        assertTrue(third.contains("| linux/amd64 | `" + ns + "cat:1` | 2026-11-30 |\n"), third);
        assertTrue(third.contains("| linux/arm64 | `" + ns + "linux_arm64_cat:1` | 2026-11-28 |\n"), "only the changed platform is redated:\n" + third);
    }

    static void push(Path work, String repoTag, String amd64, String arm64) throws IOException {
        Fixtures.Layout layout = Fixtures.multiArch(Files.createTempDirectory(work, "layout"), List.of(
                new Fixtures.Image("linux/amd64", "2024-03-01T10:00:00Z", amd64 + "-amd64"),
                new Fixtures.Image("linux/arm64", "2024-03-01T10:00:00Z", arm64 + "-arm64")));
        Tools.Result r = Tools.run(List.of("skopeo", "copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + layout.dir() + ":fixture", "docker://" + source.host + "/library/" + repoTag), null, null, null);
        assertEquals(0, r.exit(), r.stderr());
    }

    static Tools.Result sync(Path work, String report) {
        Map<String, String> env = Tools.cleanEnv();
        env.putAll(Map.of("ALIYUN_REGISTRY", aliyun.host, "ALIYUN_NAMESPACE", "ns", "ALIYUN_USERNAME", "alice", "ALIYUN_PASSWORD", PASSWORD,
                "SOURCE_REGISTRY", source.host, "INSECURE_REGISTRIES", source.host + "," + aliyun.host, "SYNC_STATE", work.resolve("state.json").toString()));
        Tools.Result r = Cli.sync(work, env, null, SyncIntegrationTest.FAST_RETRY, "--report", report);
        assertFalse(r.all().contains(PASSWORD));
        return r;
    }

    static int catalog(Path work, String report, String time) {
        // A list that is not there: a report names its images itself (the list only names those of an older version's report).
        return new CommandLine(new catalog()).execute("--report", work.resolve(report).toString(), "--images", work.resolve("absent.txt").toString(),
                "--time", time, work.resolve("MIRRORS.md").toString());
    }
}
