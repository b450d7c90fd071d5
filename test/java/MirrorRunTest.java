import lib.core.ImageRef;
import support.Fixtures;
import support.MirrorRules;
import support.Registries;
import support.Registry;
import support.Tools;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * From mirrored to running, for real: a batch run copies fixture images into a password-protected "Aliyun" registry,
 * catalog.java and mirror.java write MIRRORS.md and mirror/, the k3s rules and the kustomize list are applied to every
 * catalog entry, a run that copies nothing changes no file, and the generated mirror/pull.sh pulls with podman (vfs
 * storage in a temporary folder) and leaves the image under its original name.
 */
@Tag("registry")
class MirrorRunTest {
    static final String PASSWORD = "pw-mirror-" + UUID.randomUUID();
    @RegisterExtension
    static final Registries registries = new Registries("mirror-run-");
    static final Registry source = registries.open("source");
    static final Registry aliyun = registries.withPassword("aliyun", "alice", PASSWORD);
    static Fixtures.Layout nginx;
    static Path podmanEnv;

    @BeforeAll
    static void start() throws IOException {
        Tools.require("podman", "podman");
        Path root = registries.root();
        nginx = Fixtures.multiArch(Files.createDirectories(root.resolve("nginx")), Fixtures.threeArch("2024-03-01T10:00:00Z", "nginx-like"));
        Registry.push(nginx, source.host + "/library/nginx-like:1", null);
        Registry.push(Fixtures.multiArch(Files.createDirectories(root.resolve("app")), Fixtures.threeArch("2024-03-01T10:00:00Z", "app")),
                source.host + "/team/app:1", null);
        Registry.push(Fixtures.multiArch(Files.createDirectories(root.resolve("other")), Fixtures.threeArch("2024-03-01T10:00:00Z", "other")),
                source.host + "/library/other-like:2", null);
    }

    static final String LIST = "nginx-like:1\n--platform=linux/arm64 nginx-like:1\n--platform=all other-like:2\n%s/team/app:1\n"
            + "--name=renamed:2 other-like:2\n";

    Tools.Result batch(Path work, String report, String time) {
        Map<String, String> env = Tools.cleanEnv();
        env.putAll(Map.of("ALIYUN_REGISTRY", aliyun.host, "ALIYUN_NAMESPACE", "ns", "ALIYUN_USERNAME", "alice", "ALIYUN_PASSWORD", PASSWORD,
                "SOURCE_REGISTRY", source.host, "INSECURE_REGISTRIES", source.host + "," + aliyun.host, "SYNC_STATE", work.resolve("state.json").toString()));
        Tools.Result r = Cli.sync(work, env, null, SyncIntegrationTest.FAST_RETRY, "--report", report);
        assertEquals(0, r.exit(), r.all());
        assertEquals(0, new CommandLine(new catalog()).execute("--report", work.resolve(report).toString(), "--images", work.resolve("images.txt").toString(),
                "--time", time, work.resolve("MIRRORS.md").toString()));
        assertEquals(0, new CommandLine(new mirror()).execute("--catalog", work.resolve("MIRRORS.md").toString(),
                "--pull-script", Tools.REPO.resolve("scripts/pull.sh").toString(), work.resolve("mirror").toString()));
        return r;
    }

    /** The catalog's rows: image, platform, address at aliyun. */
    static List<String[]> rows(String catalog) {
        List<String[]> rows = new ArrayList<>();
        for (String line : catalog.split("\n")) {
            if (line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                rows.add(new String[]{cells[1].strip().replace("`", ""), cells[2].strip(), cells[3].strip().replace("`", "")});
            }
        }
        return rows;
    }

    @Test
    void theFilesOfARealBatchRunServeEveryCatalogEntryAndANoOpRunChangesNone(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), String.format(LIST, source.host));
        batch(work, "r1.json", "2026-12-01T05:00:00Z");
        String catalog = Files.readString(work.resolve("MIRRORS.md"));
        List<String[]> rows = rows(catalog);
        assertEquals(5, rows.size(), catalog);
        String k3s = Files.readString(work.resolve("mirror/k3s-registries.yaml"));
        Map<String, String> kustomize = MirrorRules.kustomize(Files.readString(work.resolve("mirror/kustomization-images.yaml")));
        int served = 0;
        for (String[] row : rows) {
            ImageRef image = ImageRef.parse(row[0], ImageRef.DOCKER_HUB);
            String pulled = MirrorRules.k3s(k3s, image.registry(), image.repository());
            boolean prefixed = row[2].contains("/ns/linux_arm64_") || row[2].contains("/ns/renamed:");
            if (prefixed) {
                assertTrue(k3s.contains("#   " + row[0] + " (" + row[1] + ") → " + row[2] + "\n"), row[0] + " is not listed as left out:\n" + k3s);
            } else {
                assertEquals(row[2], pulled + ":" + image.tag(), row[0] + " (" + row[1] + ")");
                assertEquals(row[2], kustomize.get(image.shortName()) + ":" + image.tag(), row[0]);
                served++;
            }
        }
        assertEquals(3, served);
        assertEquals(3, kustomize.size(), "one entry per image name: " + kustomize);
        for (String other : List.of("library/nginx-like2", "library/nginx", "team/app2", "library/other-like/x")) {
            assertNull(MirrorRules.k3s(k3s, "docker.io", other), other);
            assertNull(MirrorRules.k3s(k3s, source.host, other), other);
        }
        assertTrue(Files.readString(work.resolve("mirror/pull.sh")).contains(": \"${MIRROR:=" + aliyun.host + "/ns}\"\n"));
        assertFalse(Files.exists(work.resolve("mirror/containerd")), "a flat target has no containerd files");

        Map<String, String> before = snapshot(work);
        batch(work, "r2.json", "2026-12-02T05:00:00Z");
        assertEquals(before, snapshot(work), "a run that copied nothing changed the catalog or the mirror files");
    }

    static Map<String, String> snapshot(Path work) throws IOException {
        Map<String, String> files = new java.util.TreeMap<>();
        for (String f : List.of("MIRRORS.md", "mirror/pull.sh", "mirror/k3s-registries.yaml", "mirror/kustomization-images.yaml")) {
            files.put(f, Files.readString(work.resolve(f)));
        }
        return files;
    }

    // ---- pull.sh with podman ---------------------------------------------------------------------

    Map<String, String> podman(Path work, Path authFile) throws IOException {
        Path conf = work.resolve("podman");
        Files.createDirectories(conf);
        Files.writeString(conf.resolve("storage.conf"), "[storage]\ndriver = \"vfs\"\nrunroot = \"" + conf.resolve("run")
                + "\"\ngraphroot = \"" + conf.resolve("graph") + "\"\n");
        Files.writeString(conf.resolve("registries.conf"), "[[registry]]\nlocation = \"" + aliyun.host + "\"\ninsecure = true\n");
        Map<String, String> env = Tools.cleanEnv();
        env.put("CONTAINERS_STORAGE_CONF", conf.resolve("storage.conf").toString());
        env.put("CONTAINERS_REGISTRIES_CONF", conf.resolve("registries.conf").toString());
        env.put("REGISTRY_AUTH_FILE", authFile.toString());
        return env;
    }

    static Tools.Result run(Map<String, String> env, Path work, String... args) {
        // This machine has a docker client without a daemon, which pull.sh would pick first.
        List<String> cmd = new ArrayList<>(List.of("sh", work.resolve("mirror/pull.sh").toString(), "--client", "podman"));
        cmd.addAll(List.of(args));
        Tools.Result r = Tools.run(cmd, env, work, null);
        assertFalse(r.all().contains(PASSWORD));
        return r;
    }

    static String inspect(Map<String, String> env, String image, String format) {
        Tools.Result r = Tools.run(List.of("podman", "image", "inspect", "--format", format, image), env, null, null);
        return r.exit() == 0 ? r.out().strip() : null;
    }

    @Test
    void theGeneratedPullShLeavesTheMirroredImageUnderItsOriginalName(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), String.format(LIST, source.host));
        batch(work, "r.json", "2026-12-01T05:00:00Z");
        Path auth = work.resolve("auth.json");
        Map<String, String> env = podman(work, auth);

        // A private repository: the pull fails and says how to log in; the secret is never asked for.
        Tools.Result refused = run(env, work, "nginx-like:1");
        assertEquals(1, refused.exit(), refused.all());
        assertTrue(refused.stderr().contains("log in first with podman login " + aliyun.host), refused.stderr());

        Tools.Result login = Tools.run(List.of("podman", "login", "--tls-verify=false", "-u", "alice", "--password-stdin", aliyun.host), env, null,
                PASSWORD.getBytes(StandardCharsets.UTF_8));
        assertEquals(0, login.exit(), login.all());
        Tools.Result pulled = run(env, work, "nginx-like:1");
        assertEquals(0, pulled.exit(), pulled.all());
        String mirrored = aliyun.host + "/ns/nginx-like:1";
        assertEquals(Registry.digestAt(mirrored, auth), inspect(env, "docker.io/library/nginx-like:1", "{{.Digest}}"));
        assertEquals(nginx.digests().get("linux/amd64"), inspect(env, "docker.io/library/nginx-like:1", "{{.Digest}}"));
        assertNull(inspect(env, mirrored, "{{.Digest}}"), "the mirror name was kept");

        Tools.Result arm = run(env, work, "--platform", "linux/arm64", "nginx-like:1");
        assertEquals(0, arm.exit(), arm.all());
        assertEquals("arm64", inspect(env, "docker.io/library/nginx-like:1", "{{.Architecture}}"), "the arm64 line's image now has the name");
        assertEquals(nginx.digests().get("linux/arm64"), inspect(env, "docker.io/library/nginx-like:1", "{{.Digest}}"));

        Tools.Result kept = run(env, work, "--keep-mirror-name", source.host + "/team/app:1");
        assertEquals(0, kept.exit(), kept.all());
        String flat = aliyun.host + "/ns/" + source.host.replace('.', '-').replace(':', '-') + "_team_app:1";
        assertEquals(Registry.digestAt(flat, auth), inspect(env, flat, "{{.Digest}}"));
        assertNull(inspect(env, source.host + "/team/app:1", "{{.Digest}}"), "--keep-mirror-name gave it the original name");

        // A mirror that keeps paths (as issue 18's path targets will): same script, MIRROR_NAMING=path.
        Tools.Result copy = Tools.run(List.of("skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--authfile", auth.toString(),
                "docker://" + mirrored, "docker://" + aliyun.host + "/paths/library/nginx-like:1"), null, null, null);
        assertEquals(0, copy.exit(), copy.all());
        env.put("MIRROR", aliyun.host + "/paths");
        env.put("MIRROR_NAMING", "path");
        Tools.Result path = run(env, work, "nginx-like:1");
        assertEquals(0, path.exit(), path.all());
        assertTrue(path.out().contains("(from " + aliyun.host + "/paths/library/nginx-like:1)"), path.out());
        assertEquals(nginx.digests().get("linux/amd64"), inspect(env, "docker.io/library/nginx-like:1", "{{.Digest}}"));
    }
}
