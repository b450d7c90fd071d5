package lib.engine;

import lib.core.Context;
import lib.core.ImageRef;
import lib.core.Platform;
import lib.core.Secret;
import lib.core.SyncError;
import support.FakeRunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static support.Digests.d;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The docker engine's argument lists, through a fake runner. */
class DockerCliTest {
    static final Context JOB = Context.outside(Duration.ofMinutes(30), w -> { });
    final FakeRunner runner = new FakeRunner();

    static ImageRef ref(String text) {
        return ImageRef.parse(text, "docker.io");
    }

    @Test
    void dockerGetsNoTlsFlagsAndTheSecretOnlyOnStandardInput(@TempDir Path config) {
        DockerCli docker = new DockerCli(runner, "docker", config, Set.of("reg.local:5000"), 5);
        runner.answer(" login ", "Login Succeeded");
        docker.login("reg.local:5000", "alice", new Secret("s3cret"), JOB);
        ProcessRunner.Command login = runner.commands.get(0);
        assertEquals(List.of("docker", "login", "--username", "alice", "--password-stdin", "reg.local:5000"), login.args());
        assertArrayEquals("s3cret".getBytes(StandardCharsets.UTF_8), login.stdin());
        assertEquals(config.toString(), login.env().get("DOCKER_CONFIG"));
        assertEquals(List.of("docker", "pull", "--platform", "linux/arm/v7", "reg.local:5000/a@" + d("1")),
                docker.pullArgs(Platform.parse("linux/arm/v7"), ref("reg.local:5000/a:1").withDigest(d("1"))));
    }

    @Test
    void podmanIsToldAboutInsecureRegistriesPerCommand(@TempDir Path config) {
        DockerCli podman = new DockerCli(runner, "/usr/bin/podman", config, Set.of("reg.local:5000"), 5);
        assertEquals(List.of("/usr/bin/podman", "push", "--tls-verify=false", "reg.local:5000/ns/a:1"), podman.pushArgs(ImageRef.in("reg.local:5000", "ns", "a", "1")));
        assertEquals(List.of("/usr/bin/podman", "push", "ghcr.io/me/a:1"), podman.pushArgs(ImageRef.in("ghcr.io", "me", "a", "1")));
        assertEquals(config.resolve("config.json").toString(), podman.env().get("REGISTRY_AUTH_FILE"));
    }

    @Test
    void theDaemonIsAskedOnceBeforeAnyImageAndItsAnswerIsKept(@TempDir Path config) {
        DockerCli docker = new DockerCli(runner, "docker", config, Set.of(), 0);
        runner.fail("info --format", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
                .answer("info --format", config.toString());
        assertTrue(docker.checkDaemon().contains("Cannot connect to the Docker daemon"));
        assertNull(docker.checkDaemon());
    }

    @Test
    void oneImagePullsOncePushesToEachTargetAndRemovesEverything(@TempDir Path config) {
        DockerCli docker = new DockerCli(runner, "docker", config, Set.of(), 0);
        runner.answer("info --format", "").answer(" pull ", "").answer(" tag ", "").answer(" push ", "").answer(" rmi ", "").answer(" prune ", "");
        assertNull(docker.checkDaemon());
        ImageRef nginx = ref("nginx:1").withDigest(d("1"));
        try (Copier.Copy copy = docker.start(nginx, Platform.DEFAULT, JOB)) {
            copy.to(ImageRef.in("acr.io", "ns", "nginx", "1"), "copying to aliyun");
            copy.to(ImageRef.in("ghcr.io", "me", "nginx", "1"), "copying to ghcr");
        }
        assertEquals(List.of(
                List.of("docker", "info", "--format", "{{.DockerRootDir}}"),
                List.of("docker", "pull", "--platform", "linux/amd64", "docker.io/library/nginx@" + d("1")),
                List.of("docker", "tag", "docker.io/library/nginx@" + d("1"), "acr.io/ns/nginx:1"),
                List.of("docker", "push", "acr.io/ns/nginx:1"),
                List.of("docker", "tag", "docker.io/library/nginx@" + d("1"), "ghcr.io/me/nginx:1"),
                List.of("docker", "push", "ghcr.io/me/nginx:1"),
                List.of("docker", "rmi", "--force", "acr.io/ns/nginx:1", "ghcr.io/me/nginx:1", "docker.io/library/nginx@" + d("1")),
                List.of("docker", "image", "prune", "--force")), runner.args());
        try (Copier.Copy again = docker.start(ref("redis:7").withDigest(d("2")), Platform.DEFAULT, JOB)) {
            again.to(ImageRef.in("acr.io", "ns", "redis", "7"), "copying to aliyun");
        }
        assertEquals(1, runner.count(" info "), "the storage location is asked once per run, not per image");
    }

    @Test
    void withoutSkopeoDockerBuildxReadsTheManifests(@TempDir Path config) {
        DockerCli docker = new DockerCli(runner, "docker", config, Set.of(), 5);
        runner.answer("--raw", "{\"raw\":true}");
        assertArrayEquals("{\"raw\":true}".getBytes(StandardCharsets.UTF_8), docker.inspectRaw(ImageRef.in("ghcr.io", "a", "b", "1"), "reading", false, JOB));
        assertEquals(List.of("docker", "buildx", "imagetools", "inspect", "--raw", "ghcr.io/a/b:1"), runner.commands.get(0).args());
        assertEquals(List.of("docker", "buildx", "imagetools", "inspect", "--format", "{{json .Image}}", "ghcr.io/a/b@" + d("1")),
                docker.imagetoolsArgs(ImageRef.in("ghcr.io", "a", "b", "1").withDigest(d("1")), "--format", "{{json .Image}}"));
        runner.fail("ghcr.io/a/b:2", "ERROR: ghcr.io/a/b:2: not found");
        assertNull(docker.inspectRaw(ImageRef.in("ghcr.io", "a", "b", "2"), "reading", true, JOB));
    }

    @Test
    void multiPlatformLinesAreWrittenRegistryToRegistryByBuildx(@TempDir Path config) {
        DockerCli docker = new DockerCli(runner, "docker", config, Set.of(), 5);
        runner.answer("imagetools create", "");
        ImageRef source = ref("nginx:1");
        docker.copyAll(source.withDigest(d("top")), ImageRef.in("acr.io", "ns", "nginx", "1"), "copying", JOB);
        byte[] index = ("{\"manifests\":[{\"digest\":\"" + d("a") + "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
                + "{\"digest\":\"" + d("att") + "\",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},\"annotations\":"
                + "{\"vnd.docker.reference.type\":\"attestation-manifest\",\"vnd.docker.reference.digest\":\"" + d("a") + "\"}},"
                + "{\"digest\":\"" + d("b") + "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}]}").getBytes(StandardCharsets.UTF_8);
        docker.copySubset(source, List.of(d("b")), index, ImageRef.in("acr.io", "ns", "nginx", "1"), "copying", JOB);
        assertEquals(List.of(
                List.of("docker", "buildx", "imagetools", "create", "--tag", "acr.io/ns/nginx:1", "docker.io/library/nginx@" + d("top")),
                List.of("docker", "buildx", "imagetools", "create", "--tag", "acr.io/ns/nginx:1", "docker.io/library/nginx@" + d("a"),
                        "docker.io/library/nginx@" + d("b"))), runner.args());
        DockerCli podman = new DockerCli(runner, "podman", config, Set.of(), 5);
        SyncError e = assertThrows(SyncError.class, () -> podman.copyAll(source.withDigest(d("top")), ImageRef.in("acr.io", "ns", "nginx", "1"), "copying", JOB));
        assertTrue(e.getMessage().contains("install skopeo"), e.getMessage());
    }

    @Test
    void podmanCannotInspectWithoutSkopeoAndSaysSo(@TempDir Path config) {
        DockerCli podman = new DockerCli(runner, "podman", config, Set.of(), 5);
        SyncError e = assertThrows(SyncError.class, () -> podman.inspectRaw(ImageRef.in("a.io", "b", "c", "1"), "reading", false, JOB));
        assertTrue(e.getMessage().contains("install skopeo"), e.getMessage());
    }
}
