import lib.core.ImageRef;
import lib.core.Naming;
import lib.core.Platforms;
import lib.core.TargetName;
import support.Tools;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/pull.sh, run by dash and bash: its names equal the sync's (TargetName) on a corpus of references that
 * walks every naming rule, its errors are the sync's errors, and it picks and drives the client there is. The clients
 * here are fakes that record their arguments (PullRunTest pulls for real with podman).
 */
@Tag("process")
class PullScriptTest {
    static final Path SCRIPT = Tools.REPO.resolve("scripts/pull.sh");
    static final String MIRROR = "reg.example:5000/ns";
    static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /** One reference as a user gives it to pull.sh, with the --platform given (null: none). */
    record Case(String reference, String platform) {}

    /** Names × tags × platforms: Docker Hub names and their aliases, other hosts and ports, separators, tags, digests. */
    static List<Case> corpus() {
        List<String> names = List.of("nginx", "a", "a1", "my-app", "my_app", "my__app", "my.app", "my---app", "x9.y_z-w",
                "bitnami/redis", "library/nginx", "library/x", "u/a/b", "user0/app-1", "docker.io/nginx", "docker.io/library/nginx",
                "DOCKER.IO/library/busybox", "index.docker.io/bitnami/redis", "registry-1.docker.io/library/alpine", "docker.io/u/a/b",
                "quay.io/coreos/etcd", "registry.k8s.io/pause", "registry.k8s.io/ingress-nginx/controller", "ghcr.io/owner/app",
                "GHCR.io/owner/app", "localhost:5000/team/app", "localhost/app", "127.0.0.1:5000/x", "my-registry.example.com:8443/a/b/c",
                "public.ecr.aws/nginx/nginx", "registry.cn-hangzhou.aliyuncs.com/ns/app", "Host.With-Dash.io/a_b/c-d",
                "mcr.microsoft.com/dotnet/sdk", "xn--80ak6aa92e.com/x", "docker.io.example/library/x", "a.b/c", "a:1/b");
        List<String> tags = List.of("", ":1", ":latest", ":v3.5.0", ":1.27.3-alpine", ":V1", ":_x", ":a.b-c_d", ":1.25@sha256:" + HEX);
        List<String> platforms = new ArrayList<>(java.util.Arrays.asList(null, "linux/amd64", "linux/arm64", "linux/arm/v7",
                "linux/amd64/v2", "windows/amd64", "all", "linux/amd64,linux/arm64", "linux/arm64/v8"));
        List<Case> cases = new ArrayList<>();
        int i = 0;
        for (String name : names) {
            for (String tag : tags) {
                cases.add(new Case(name + tag, platforms.get(i++ % platforms.size())));
            }
        }
        cases.add(new Case("a".repeat(200) + "/" + "b".repeat(54) + ":1", null));
        cases.add(new Case("nginx:" + "t".repeat(128), "linux/arm64"));
        return cases;
    }

    /** References both must refuse, each for a reason of its own. */
    static final List<Case> REFUSED = List.of(new Case("Nginx:1", null), new Case("nginx:", null), new Case("nginx@", null),
            new Case("nginx@sha256:00", null), new Case("nginx@sha256:" + HEX, null), new Case("/nginx", null), new Case("nginx/", null),
            new Case("a//b", null), new Case("a_-b", null), new Case("a..b", null), new Case("a___b", null), new Case(".a", null),
            new Case("a.", null), new Case("host:123456/x", null), new Case("a b", null), new Case("a:-1", null), new Case(":tag", null),
            new Case("ex@mple", null), new Case("a:1:2", null), new Case("bad_host.io:5000/x", null), new Case("a".repeat(256), null),
            new Case("nginx:" + "t".repeat(129), null), new Case("quay.io/Coreos/etcd", null), new Case("a/b:1\nc", null),
            new Case("nginx", "linux/amd"), new Case("nginx", "linux/arm64,linux/arm64"), new Case("nginx", ",linux/arm64"),
            new Case("nginx", "all,linux/arm64"), new Case("nginx", "linux/amd64,"), new Case("nginx", "Linux/amd64"),
            new Case("ng*nx", null), new Case("a$(id)", null));

    /** What the sync names the case at a target with {@code naming} in MIRROR, or null when it refuses it. */
    static String javaName(Case c, Naming naming) {
        try {
            Platforms platforms = c.platform() == null ? Platforms.DEFAULT : Platforms.parse(c.platform());
            return MIRROR + "/" + TargetName.of(ImageRef.parse(c.reference(), ImageRef.DOCKER_HUB), platforms, null, c.reference(), naming);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @ParameterizedTest(name = "{0}, {1} naming")
    @CsvSource({"dash, FLAT", "dash, PATH", "bash, FLAT", "bash, PATH"})
    void theScriptNamesEveryReferenceAsTheSyncDoes(String shell, Naming naming) {
        List<Case> corpus = corpus();
        assertTrue(corpus.size() >= 300, "the corpus has " + corpus.size() + " references");
        Map<String, List<Case>> byPlatform = new LinkedHashMap<>();
        corpus.forEach(c -> byPlatform.computeIfAbsent(String.valueOf(c.platform()), p -> new ArrayList<>()).add(c));
        int compared = 0;
        for (List<Case> cases : byPlatform.values()) {
            List<String> expected = cases.stream().map(c -> javaName(c, naming)).toList();
            assertFalse(expected.contains(null), "the corpus holds only references the sync accepts: " + cases);
            Tools.Result r = pullSh(shell, naming, cases.get(0).platform(), cases.stream().map(Case::reference).toList(), Map.of());
            assertEquals(0, r.exit(), r.all());
            List<String> got = r.out().lines().toList();
            for (int i = 0; i < cases.size(); i++) {
                assertEquals(expected.get(i), got.get(i), cases.get(i) + " with " + shell + ", " + naming.text() + " naming");
                compared++;
            }
            assertEquals(cases.size(), got.size(), r.out());
        }
        assertEquals(corpus.size(), compared);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"dash", "bash"})
    void whatTheSyncRefusesTheScriptRefusesAndPullsNothing(String shell) {
        for (Case c : REFUSED) {
            for (Naming naming : Naming.values()) {
                assertEquals(null, javaName(c, naming), "the sync accepts " + c);
                Tools.Result r = pullSh(shell, naming, c.platform(), List.of(c.reference(), "nginx:1"), Map.of());
                assertEquals(2, r.exit(), c + ": " + r.all());
                assertEquals("", r.out(), c + " printed a name");
                assertTrue(r.stderr().startsWith("pull.sh: "), r.stderr());
            }
        }
    }

    static Tools.Result pullSh(String shell, Naming naming, String platform, List<String> references, Map<String, String> extra) {
        List<String> cmd = new ArrayList<>(List.of(Tools.require(shell, shell), SCRIPT.toString(), "--print"));
        if (platform != null) {
            cmd.addAll(List.of("--platform", platform));
        }
        cmd.add("--");
        cmd.addAll(references);
        Map<String, String> env = Tools.cleanEnv();
        env.put("MIRROR", MIRROR);
        env.put("MIRROR_NAMING", naming.text());
        env.putAll(extra);
        return Tools.run(cmd, env, null, null);
    }

    // ---- clients ---------------------------------------------------------------------------------

    /**
     * A PATH holding only what pull.sh may use besides the shell (grep, tr) and fake clients that append their
     * arguments to {@code calls}; a client named in {@code failing} fails its pulls.
     */
    static Map<String, String> fakeClients(Path dir, List<String> clients, String failing) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("grep", "tr")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(Tools.require(tool, "coreutils")));
        }
        Path calls = dir.resolve("calls");
        for (String client : clients) {
            Path fake = bin.resolve(client);
            Files.writeString(fake, "#!/bin/sh\necho \"" + client + " $*\" >> '" + calls + "'\n"
                    + (client.equals(failing) ? "case \" $* \" in *\" pull \"*) exit 1 ;; esac\n" : "") + "exit 0\n");
            Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin.toString());
        env.put("MIRROR", MIRROR);
        return env;
    }

    static Tools.Result pull(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.require("dash", "dash"), SCRIPT.toString()));
        cmd.addAll(List.of(args));
        return Tools.run(cmd, env, null, null);
    }

    static List<String> calls(Path dir) throws IOException {
        Path calls = dir.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void dockerComesFirstAndTheImageEndsUnderItsOriginalName(@TempDir Path dir) throws IOException {
        Tools.Result r = pull(fakeClients(dir, List.of("docker", "podman", "nerdctl", "ctr"), null), "nginx:1.27", "quay.io/coreos/etcd:v3.5.0");
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("docker pull " + MIRROR + "/nginx:1.27", "docker tag " + MIRROR + "/nginx:1.27 docker.io/library/nginx:1.27",
                "docker rmi " + MIRROR + "/nginx:1.27", "docker pull " + MIRROR + "/quay-io_coreos_etcd:v3.5.0",
                "docker tag " + MIRROR + "/quay-io_coreos_etcd:v3.5.0 quay.io/coreos/etcd:v3.5.0", "docker rmi " + MIRROR + "/quay-io_coreos_etcd:v3.5.0"),
                calls(dir));
        assertTrue(r.out().contains("pull.sh: docker.io/library/nginx:1.27 (from " + MIRROR + "/nginx:1.27)"), r.out());
    }

    @Test
    void withoutDockerAndPodmanNerdctlIsUsedAndAPlatformIsPassedOn(@TempDir Path dir) throws IOException {
        Tools.Result r = pull(fakeClients(dir, List.of("nerdctl", "ctr"), null), "--platform", "linux/arm64", "bitnami/redis:7");
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("nerdctl pull --platform linux/arm64 " + MIRROR + "/linux_arm64_bitnami_redis:7",
                "nerdctl tag " + MIRROR + "/linux_arm64_bitnami_redis:7 docker.io/bitnami/redis:7",
                "nerdctl rmi " + MIRROR + "/linux_arm64_bitnami_redis:7"), calls(dir));
    }

    @Test
    void onAKubernetesNodeCtrWorksInTheKubeletsNamespaceOrTheOneGiven(@TempDir Path dir) throws IOException {
        Map<String, String> env = fakeClients(dir, List.of("ctr"), null);
        Tools.Result r = pull(env, "--platform", "all", "registry.k8s.io/pause:3.9");
        assertEquals(0, r.exit(), r.all());
        String mirrored = MIRROR + "/registry-k8s-io_pause:3.9";
        assertEquals(List.of("ctr -n k8s.io images pull " + mirrored, "ctr -n k8s.io images tag --force " + mirrored + " registry.k8s.io/pause:3.9",
                "ctr -n k8s.io images rm " + mirrored), calls(dir));
        env.put("CONTAINERD_NAMESPACE", "moby");
        env.put("MIRROR_NAMING", "path");
        assertEquals(0, pull(env, "--keep-mirror-name", "nginx").exit());
        assertEquals("ctr -n moby images pull " + MIRROR + "/library/nginx:latest", calls(dir).get(3));
        assertEquals(4, calls(dir).size(), "--keep-mirror-name tagged or removed something");
    }

    @Test
    void clientAndKeepMirrorNameAreObeyed(@TempDir Path dir) throws IOException {
        Tools.Result r = pull(fakeClients(dir, List.of("docker", "podman"), null), "--client", "podman", "--keep-mirror-name", "--platform", "linux/amd64", "redis:7");
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("podman pull --platform linux/amd64 " + MIRROR + "/redis:7"), calls(dir));
        Tools.Result missing = pull(fakeClients(dir.resolve("2"), List.of("docker"), null), "--client", "nerdctl", "redis:7");
        assertEquals(2, missing.exit());
        assertTrue(missing.stderr().contains("--client nerdctl: nerdctl is not installed"), missing.stderr());
    }

    @Test
    void aFailedPullSaysHowToLogInAndTheOtherImagesAreStillPulled(@TempDir Path dir) throws IOException {
        Tools.Result r = pull(fakeClients(dir, List.of("docker"), "docker"), "private:1", "other:2");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.stderr().contains("could not pull " + MIRROR + "/private:1. If the repository is private, log in first with docker login reg.example:5000"),
                r.stderr());
        assertEquals(List.of("docker pull " + MIRROR + "/private:1", "docker pull " + MIRROR + "/other:2"), calls(dir));

        Tools.Result ctr = pull(fakeClients(dir.resolve("ctr"), List.of("ctr"), "ctr"), "private:1");
        assertEquals(1, ctr.exit());
        assertTrue(ctr.stderr().contains("ctr -n k8s.io images pull --user <user> " + MIRROR + "/private:1 (ctr asks for the password)"), ctr.stderr());
    }

    @Test
    void withoutAClientOrAMirrorItSaysWhatToDo(@TempDir Path dir) throws IOException {
        Map<String, String> env = fakeClients(dir, List.of(), null);
        Tools.Result none = pull(env, "nginx");
        assertEquals(2, none.exit());
        assertTrue(none.stderr().contains("none of docker, podman, nerdctl or ctr is installed"), none.stderr());
        assertEquals(0, pull(env, "--print", "nginx").exit(), "--print needs no client");
        env.remove("MIRROR");
        Tools.Result noMirror = pull(env, "--print", "nginx");
        assertEquals(2, noMirror.exit());
        assertTrue(noMirror.stderr().contains("set MIRROR=<registry>/<namespace>"), noMirror.stderr());
        env.put("MIRROR", "reg.example");
        assertTrue(pull(env, "--print", "nginx").stderr().contains("is not <registry>/<namespace>"));
        env.put("MIRROR", MIRROR);
        env.put("MIRROR_NAMING", "nested");
        assertTrue(pull(env, "--print", "nginx").stderr().contains("MIRROR_NAMING='nested': use flat"));
    }
}
