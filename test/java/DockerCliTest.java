import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The docker engine's argument lists, through a fake runner. */
class DockerCliTest {
    final FakeRunner runner = new FakeRunner();
    final Console console = new Console(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), false);

    ImageSpec spec(String line) {
        return ImageList.parseLine(1, line, Platform.DEFAULT, "docker.io");
    }

    @Test
    void dockerGetsNoTlsFlagsAndTheSecretOnlyOnStandardInput(@TempDir Path config) {
        DockerCli docker = new DockerCli(runner, "docker", config, Set.of("reg.local:5000"), 5);
        docker.login("reg.local:5000", "alice", new Secret("s3cret"));
        ProcessRunner.Command login = runner.commands.get(0);
        assertEquals(List.of("docker", "login", "--username", "alice", "--password-stdin", "reg.local:5000"), login.args());
        assertArrayEquals("s3cret".getBytes(StandardCharsets.UTF_8), login.stdin());
        assertEquals(config.toString(), login.env().get("DOCKER_CONFIG"));
        assertEquals(List.of("docker", "pull", "--platform", "linux/arm/v7", "reg.local:5000/a@sha256:1"), docker.pullArgs(Platform.parse("linux/arm/v7"), "reg.local:5000/a@sha256:1"));
    }

    @Test
    void podmanIsToldAboutInsecureRegistriesPerCommand(@TempDir Path config) {
        DockerCli podman = new DockerCli(runner, "/usr/bin/podman", config, Set.of("reg.local:5000"), 5);
        assertEquals(List.of("/usr/bin/podman", "push", "--tls-verify=false", "reg.local:5000/ns/a:1"), podman.pushArgs("reg.local:5000/ns/a:1"));
        assertEquals(List.of("/usr/bin/podman", "push", "ghcr.io/me/a:1"), podman.pushArgs("ghcr.io/me/a:1"));
        assertEquals(config.resolve("config.json").toString(), podman.env().get("REGISTRY_AUTH_FILE"));
    }

    @Test
    void oneImagePullsOncePushesToEachTargetAndRemovesEverything(@TempDir Path config) {
        DockerCli docker = new DockerCli(runner, "docker", config, Set.of(), 0);
        runner.answer("info --format", "");
        try (Copier.Copy copy = docker.start(spec("nginx:1"), "docker.io/library/nginx@sha256:1", null, console.image(1, 1, spec("nginx:1")))) {
            copy.to("acr.io/ns/nginx:1", "copying to aliyun");
            copy.to("ghcr.io/me/nginx:1", "copying to ghcr");
        }
        assertEquals(List.of(
                List.of("docker", "info", "--format", "{{.DockerRootDir}}"),
                List.of("docker", "pull", "--platform", "linux/amd64", "docker.io/library/nginx@sha256:1"),
                List.of("docker", "tag", "docker.io/library/nginx@sha256:1", "acr.io/ns/nginx:1"),
                List.of("docker", "push", "acr.io/ns/nginx:1"),
                List.of("docker", "tag", "docker.io/library/nginx@sha256:1", "ghcr.io/me/nginx:1"),
                List.of("docker", "push", "ghcr.io/me/nginx:1"),
                List.of("docker", "rmi", "--force", "acr.io/ns/nginx:1", "ghcr.io/me/nginx:1", "docker.io/library/nginx@sha256:1"),
                List.of("docker", "image", "prune", "--force")), runner.args());
        try (Copier.Copy again = docker.start(spec("redis:7"), "docker.io/library/redis@sha256:2", null, console.image(1, 1, spec("redis:7")))) {
            again.to("acr.io/ns/redis:7", "copying to aliyun");
        }
        assertEquals(1, runner.count(" info "), "the storage location is asked once per run, not per image");
    }

    @Test
    void withoutSkopeoDockerBuildxReadsTheManifests(@TempDir Path config) {
        DockerCli docker = new DockerCli(runner, "docker", config, Set.of(), 5);
        runner.answer("--raw", "{\"raw\":true}");
        assertArrayEquals("{\"raw\":true}".getBytes(StandardCharsets.UTF_8), docker.inspectRaw("docker://ghcr.io/a/b:1", "reading", false, null));
        assertEquals(List.of("docker", "buildx", "imagetools", "inspect", "--raw", "ghcr.io/a/b:1"), runner.commands.get(0).args());
        assertEquals(List.of("docker", "buildx", "imagetools", "inspect", "--format", "{{json .Image}}", "ghcr.io/a/b@sha256:1"),
                docker.imagetoolsArgs("docker://ghcr.io/a/b@sha256:1", "--format", "{{json .Image}}"));
        runner.fail("ghcr.io/a/b:2", "ERROR: ghcr.io/a/b:2: not found");
        assertEquals(null, docker.inspectRaw("docker://ghcr.io/a/b:2", "reading", true, null));
    }

    @Test
    void podmanCannotInspectWithoutSkopeoAndSaysSo(@TempDir Path config) {
        DockerCli podman = new DockerCli(runner, "podman", config, Set.of(), 5);
        SyncError e = assertThrows(SyncError.class, () -> podman.inspectRaw("docker://a.io/b:1", "reading", false, null));
        assertTrue(e.getMessage().contains("install skopeo"), e.getMessage());
    }
}
