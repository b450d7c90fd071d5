import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The docker engine: pull the platform image, tag and push it to each target that needs it, then remove every
 * tag and the pulled image and prune dangling ones, after each image ("即下即删"), so a runner's disk never
 * fills. Any docker-compatible CLI works (DOCKER=podman). Logins live in a private DOCKER_CONFIG of the run;
 * the user's own docker config is never touched.
 */
public final class DockerCli implements Copier, Inspector {
    static final Duration PULL_TIMEOUT = Duration.ofMinutes(60);
    static final Duration SHORT_TIMEOUT = Duration.ofMinutes(2);
    static final double GB = 1024.0 * 1024 * 1024;

    private final ProcessRunner runner;
    private final String binary;
    private final Path configDir;
    private final Set<String> insecure;
    private final double minFreeGb;
    private final boolean podman;
    private final Lazy<Path> storageRoot = Lazy.of(this::findStorageRoot);

    public DockerCli(ProcessRunner runner, String binary, Path configDir, Set<String> insecure, double minFreeGb) {
        this.runner = runner;
        this.binary = binary;
        this.configDir = configDir;
        this.insecure = insecure;
        this.minFreeGb = minFreeGb;
        this.podman = Path.of(binary).getFileName().toString().toLowerCase(Locale.ROOT).contains("podman");
    }

    /** docker reads DOCKER_CONFIG, podman REGISTRY_AUTH_FILE: both point at the run's private config. */
    Map<String, String> env() {
        return Map.of("DOCKER_CONFIG", configDir.toString(), "REGISTRY_AUTH_FILE", configDir.resolve("config.json").toString());
    }

    /** docker takes insecure registries from its daemon's configuration; podman takes them per command. */
    private void tls(List<String> args, String registry) {
        if (podman && insecure.contains(registry)) {
            args.add("--tls-verify=false");
        }
    }

    public List<String> loginArgs(String registry, String username) {
        List<String> args = new ArrayList<>(List.of(binary, "login", "--username", username, "--password-stdin"));
        tls(args, registry);
        args.add(registry);
        return args;
    }

    public ProcessRunner.Result login(String registry, String username, Secret secret) {
        return runner.run(new ProcessRunner.Command(loginArgs(registry, username), secret.bytes(), env(), SHORT_TIMEOUT));
    }

    public List<String> pullArgs(Platform platform, String source) {
        List<String> args = new ArrayList<>(List.of(binary, "pull", "--platform", platform.toString()));
        tls(args, Skopeo.host(source));
        args.add(source);
        return args;
    }

    public List<String> pushArgs(String destination) {
        List<String> args = new ArrayList<>(List.of(binary, "push"));
        tls(args, Skopeo.host(destination));
        args.add(destination);
        return args;
    }

    @Override
    public Copy start(ImageSpec spec, String source, Path tmp, Console.ImageLog log) {
        return new Copy() {
            private final List<String> created = new ArrayList<>();
            private boolean pulled;

            @Override
            public void to(String destination, String what) {
                if (!pulled) {
                    ensureSpace(log);
                    run(pullArgs(spec.platform(), source), PULL_TIMEOUT, "pulling " + source);
                    pulled = true;
                }
                run(List.of(binary, "tag", source, destination), SHORT_TIMEOUT, what);
                created.add(destination);
                run(pushArgs(destination), PULL_TIMEOUT, what);
            }

            @Override
            public void close() {
                if (!pulled) {
                    return;
                }
                List<String> rmi = new ArrayList<>(List.of(binary, "rmi", "--force"));
                rmi.addAll(created);
                rmi.add(source);
                ProcessRunner.Result r = runner.run(new ProcessRunner.Command(rmi, null, env(), SHORT_TIMEOUT));
                if (!r.ok()) {
                    log.warn("could not remove the local copy of " + source + ": " + SyncError.detail(r.stderr()));
                }
                prune(log);
            }
        };
    }

    @Override
    public boolean preservesDigests() {
        return false;
    }

    private void prune(Console.ImageLog log) {
        ProcessRunner.Result r = runner.run(new ProcessRunner.Command(List.of(binary, "image", "prune", "--force"), null, env(), SHORT_TIMEOUT));
        if (!r.ok()) {
            log.warn("could not prune dangling images: " + SyncError.detail(r.stderr()));
        }
    }

    /** Below --min-free-gb where the engine keeps images: prune first, and if that is not enough, fail this image rather than fill the disk. */
    void ensureSpace(Console.ImageLog log) {
        Path root = storageRoot.get();
        if (root == null) {
            return;
        }
        double free = freeGb(root);
        if (free >= minFreeGb) {
            return;
        }
        log.warn(String.format(Locale.ROOT, "only %.1f GB free in %s (--min-free-gb %s): pruning unused images first", free, root, minFreeGb));
        prune(log);
        free = freeGb(root);
        if (free < minFreeGb) {
            throw new SyncError(SyncError.Kind.PERMANENT, String.format(Locale.ROOT,
                    "only %.1f GB free in %s, below --min-free-gb %s: free some disk space (e.g. %s system prune) or lower --min-free-gb",
                    free, root, minFreeGb, binary));
        }
    }

    /**
     * Where the engine stores images, asked once per run; null when it cannot say or the directory is not visible
     * here (Docker Desktop's VM).
     */
    private Path findStorageRoot() {
        String format = podman ? "{{.Store.GraphRoot}}" : "{{.DockerRootDir}}";
        ProcessRunner.Result r = runner.run(new ProcessRunner.Command(List.of(binary, "info", "--format", format), null, env(), SHORT_TIMEOUT));
        if (!r.ok() || r.out().isBlank()) {
            return null;
        }
        Path root = Path.of(r.out().strip());
        return Files.isDirectory(root) ? root : null;
    }

    private static double freeGb(Path root) {
        try {
            return Files.getFileStore(root).getUsableSpace() / GB;
        } catch (IOException e) {
            return Double.MAX_VALUE;
        }
    }

    /** Without skopeo: docker buildx prints a manifest's raw bytes; podman has no such command. */
    @Override
    public byte[] inspectRaw(String reference, String what, boolean missingOk, Path tmp) {
        return Inspector.answer(runner.run(new ProcessRunner.Command(imagetoolsArgs(reference, "--raw"), null, env(), SHORT_TIMEOUT)), what, missingOk);
    }

    @Override
    public byte[] inspectConfig(String reference, String what, Path tmp) {
        return Inspector.answer(runner.run(new ProcessRunner.Command(imagetoolsArgs(reference, "--format", "{{json .Image}}"), null, env(), SHORT_TIMEOUT)), what, false);
    }

    public List<String> imagetoolsArgs(String reference, String... options) {
        if (podman) {
            throw new SyncError(SyncError.Kind.PERMANENT, "reading manifests without skopeo needs docker buildx, which podman does not have: install skopeo");
        }
        List<String> args = new ArrayList<>(List.of(binary, "buildx", "imagetools", "inspect"));
        args.addAll(List.of(options));
        args.add(reference.startsWith("docker://") ? reference.substring("docker://".length()) : reference);
        return args;
    }

    private void run(List<String> args, Duration timeout, String what) {
        ProcessRunner.Result r = runner.run(new ProcessRunner.Command(args, null, env(), timeout));
        if (!r.ok()) {
            throw SyncError.fromTool(what, r);
        }
    }
}
