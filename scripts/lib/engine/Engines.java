package lib.engine;

import lib.core.Env;
import lib.core.UsageError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The engines of a run: skopeo inspects whenever it is installed; it or the docker engine copies. Whatever
 * cannot work (no skopeo, no docker CLI, no daemon behind it) is a {@link UsageError} before any image.
 */
public record Engines(Skopeo skopeo, DockerCli docker, String description, List<String> warnings) {
    public Inspector inspector() {
        return skopeo != null ? skopeo : docker;
    }

    public Copier copier() {
        return docker != null ? docker : skopeo;
    }

    /** {@code setup} asks skopeo what it is; {@code runner} runs the work (the report counts its processes). */
    public static Engines choose(String requested, Map<String, String> env, ProcessRunner setup, ProcessRunner runner, Path authFile,
                                 Path privateDir, Set<String> insecure, double minFreeGb) throws IOException {
        String skopeoVersion = null;
        try {
            skopeoVersion = Skopeo.version(setup);
        } catch (ProcessRunner.NotFound e) {
            // No skopeo: the docker engine can still do the work.
        }
        String name = requested == null || requested.isBlank() ? (skopeoVersion != null ? "skopeo" : "docker") : requested.strip().toLowerCase(Locale.ROOT);
        if (!List.of("skopeo", "docker").contains(name)) {
            throw new UsageError("--engine must be skopeo or docker, not '" + requested + "'");
        }
        if (name.equals("skopeo") && skopeoVersion == null) {
            throw new UsageError("skopeo is not installed: install it (Debian/Ubuntu: sudo apt-get install skopeo; macOS: brew install skopeo) "
                    + "and run again, or use --engine docker");
        }
        Skopeo skopeo = skopeoVersion == null ? null : new Skopeo(runner, authFile, insecure, Skopeo.supportsPreserveDigests(skopeoVersion));
        if (name.equals("skopeo")) {
            return new Engines(skopeo, null, skopeoVersion, List.of());
        }
        String binary = Env.value(env, "DOCKER") != null ? Env.value(env, "DOCKER") : "docker";
        Path config = Files.createDirectory(privateDir.resolve("docker"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        DockerCli docker = new DockerCli(runner, binary, config, insecure, minFreeGb);
        String problem;
        try {
            problem = docker.checkDaemon();
        } catch (ProcessRunner.NotFound e) {
            throw new UsageError(binary + " is not installed: install Docker, set DOCKER to a compatible CLI such as podman, or install skopeo");
        }
        if (problem != null) {
            throw new UsageError("the docker engine cannot be used: `" + binary + " info` failed (" + problem + "); start the Docker daemon "
                    + "(or check that this user may use its socket), or use --engine skopeo");
        }
        List<String> warnings = new ArrayList<>();
        if (!insecure.isEmpty() && !binary.contains("podman")) {
            warnings.add("docker takes insecure registries from its daemon's configuration (insecure-registries in daemon.json); "
                    + "--insecure-registry applies to the checks only");
        }
        return new Engines(skopeo, docker, "docker engine: " + binary, warnings);
    }
}
