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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docker engine for real, with DOCKER=podman (daemonless, vfs storage in a temporary directory): pull, tag,
 * push and remove, against the same kind of local registries as the core tests.
 */
@Tag("registry")
@Tag("process")
class DockerEngineTest {
    static final String PASSWORD = "pw-docker-" + UUID.randomUUID();
    @RegisterExtension
    static final Registries registries = new Registries("docker-engine-it-");
    static final Registry source = registries.open("source");
    static final Registry target = registries.withPassword("target", "alice", PASSWORD);
    static final Registry readOnly = registries.readOnly("readonly");
    static Path storageConf;
    static Path podmanShim;
    static Path argsLog;

    @BeforeAll
    static void podmanOnVfs() throws IOException {
        String podman = Tools.require("podman", "podman");
        Path root = registries.root();
        storageConf = root.resolve("storage.conf");
        Files.writeString(storageConf, "[storage]\ndriver = \"vfs\"\nrunroot = \"" + root.resolve("run") + "\"\ngraphroot = \"" + root.resolve("graph") + "\"\n");
        // Named podman so the engine knows its flags; records every argument list to prove no secret is in one.
        Path shimDir = Files.createDirectories(root.resolve("bin"));
        argsLog = root.resolve("podman-args.log");
        podmanShim = shimDir.resolve("podman");
        Files.writeString(podmanShim, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + argsLog + "'\nexec '" + podman + "' \"$@\"\n");
        Files.setPosixFilePermissions(podmanShim, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static Map<String, String> env(Path work) {
        Map<String, String> env = Tools.cleanEnv();
        env.put("CONTAINERS_STORAGE_CONF", storageConf.toString());
        env.put("DOCKER", podmanShim.toString());
        env.put("ALIYUN_REGISTRY", target.host);
        env.put("ALIYUN_NAMESPACE", "ns");
        env.put("ALIYUN_USERNAME", "alice");
        env.put("ALIYUN_PASSWORD", PASSWORD);
        env.put("SOURCE_REGISTRY", source.host);
        env.put("INSECURE_REGISTRIES", source.host + "," + target.host + "," + readOnly.host);
        env.put("SYNC_STATE", work.resolve("state.json").toString());
        return env;
    }

    static Tools.Result sync(Path work, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.REPO.resolve("jbang").toString(), Tools.REPO.resolve("scripts/sync.java").toString(), "--engine", "docker"));
        cmd.addAll(List.of(args));
        Tools.Result r = Tools.run(cmd, env, work, null);
        assertFalse(r.all().contains(PASSWORD), "the password was printed");
        return r;
    }

    static List<String> localImages() {
        Map<String, String> env = Tools.cleanEnv();
        env.put("CONTAINERS_STORAGE_CONF", storageConf.toString());
        Tools.Result r = Tools.run(List.of("podman", "images", "--all", "--quiet"), env, null, null);
        assertEquals(0, r.exit(), r.stderr());
        return r.out().lines().filter(l -> !l.isBlank()).toList();
    }

    static Fixtures.Layout push(Path work, String repoTag) throws IOException {
        Fixtures.Layout layout = Fixtures.multiArch(Files.createTempDirectory(work, "layout"),
                Fixtures.threeArch("2024-02-02T00:00:00Z", repoTag));
        Tools.Result r = Tools.run(List.of("skopeo", "copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + layout.dir() + ":fixture", "docker://" + source.host + "/library/" + repoTag), null, null, null);
        assertEquals(0, r.exit(), r.stderr());
        return layout;
    }

    static String digestAt(String reference) {
        String digest = Registry.digestAt(reference, registries.authFile());
        assertNotNull(digest, reference + " does not exist");
        return digest;
    }

    @Test
    void aPushedImageIsReEncodedAndTheNextRunSkipsItByImageId(@TempDir Path work) throws IOException {
        Fixtures.Layout src = push(work, "dk:1");
        Files.deleteIfExists(argsLog);

        Tools.Result first = sync(work, env(work), "--to", "aliyun", "--platform", "linux/arm64", "--report", "r1.json", "dk:1");
        assertEquals(0, first.exit(), first.all());
        assertEquals(List.of("aliyun:copied:new"), SyncIntegrationTest.statuses(SyncIntegrationTest.report(work.resolve("r1.json"))));
        String pushed = digestAt(target.host + "/ns/linux_arm64_dk:1");
        assertNotEquals(src.digests().get("linux/arm64"), pushed, "the push kept the digest: this run would not prove the image-id rung");
        assertEquals(List.of(), localImages(), "images were left behind");

        Tools.Result second = sync(work, env(work), "--to", "aliyun", "--platform", "linux/arm64", "--report", "r2.json", "dk:1");
        assertEquals(0, second.exit(), second.all());
        assertEquals(List.of("aliyun:skipped:image-id"), SyncIntegrationTest.statuses(SyncIntegrationTest.report(work.resolve("r2.json"))));
        assertEquals(pushed, digestAt(target.host + "/ns/linux_arm64_dk:1"));

        String args = Files.readString(argsLog);
        assertTrue(args.contains("login --username alice --password-stdin --tls-verify=false " + target.host), args);
        assertTrue(args.contains("pull --platform linux/arm64 --tls-verify=false " + source.host + "/library/dk@" + src.digests().get("linux/arm64")), args);
        assertTrue(args.contains("push --tls-verify=false " + target.host + "/ns/linux_arm64_dk:1"), args);
        assertTrue(args.contains("rmi --force " + target.host + "/ns/linux_arm64_dk:1 " + source.host + "/library/dk@"), args);
        assertTrue(args.contains("image prune --force"), args);
        assertFalse(args.contains(PASSWORD), "the password reached an argument list");
    }

    @Test
    void aFailureHalfwayStillCleansUp(@TempDir Path work) throws IOException {
        push(work, "half:1");
        Map<String, String> env = env(work);
        env.put("GHCR_REGISTRY", readOnly.host);
        env.put("GHCR_NAMESPACE", "ro");
        env.put("GHCR_USERNAME", "bob");
        env.put("GHCR_TOKEN", "unused-" + UUID.randomUUID());
        Tools.Result r = sync(work, env, "--report", "r.json", "half:1");
        assertEquals(1, r.exit(), r.all());
        JsonNode report = SyncIntegrationTest.report(work.resolve("r.json"));
        assertEquals(List.of("aliyun:copied:new", "ghcr:failed:null"), SyncIntegrationTest.statuses(report));
        assertTrue(report.at("/images/0/targets/1/error").asText().startsWith("copying to ghcr " + readOnly.host + "/ro/half:1"), report.toString());
        assertEquals(List.of(), localImages(), "the failed image was left behind");
    }

    @Test
    void belowTheFreeSpaceThresholdTheImageFailsBeforeAnythingIsPulled(@TempDir Path work) throws IOException {
        push(work, "big:1");
        Tools.Result r = sync(work, env(work), "--to", "aliyun", "--min-free-gb", "1000000", "--report", "r.json", "big:1");
        assertEquals(1, r.exit(), r.all());
        String error = SyncIntegrationTest.report(work.resolve("r.json")).at("/images/0/targets/0/error").asText();
        assertTrue(error.contains("GB free in " + registries.root().resolve("graph")) && error.contains("below --min-free-gb 1000000"), error);
        assertTrue(r.all().contains("pruning unused images first"), r.all());
        assertEquals(List.of(), localImages());
    }
}
