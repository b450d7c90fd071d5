package lib.engine;

import lib.core.Context;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.Manifests;
import lib.core.Platform;
import lib.core.Secret;
import lib.core.SyncError;

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
    static final Duration PULL_TIMEOUT = Duration.ofDays(1);
    public static final Duration SHORT_TIMEOUT = Duration.ofMinutes(2);
    static final double GB = 1024.0 * 1024 * 1024;

    private final ProcessRunner runner;
    private final String binary;
    private final Path configDir;
    private final Set<String> insecure;
    private final double minFreeGb;
    private final boolean podman;
    /** Where the engine stores images, learnt once by {@link #checkDaemon}; null when not visible here (Docker Desktop's VM). */
    private Path storageRoot;

    public DockerCli(ProcessRunner runner, String binary, Path configDir, Set<String> insecure, double minFreeGb) {
        this.runner = runner;
        this.binary = binary;
        this.configDir = configDir;
        this.insecure = insecure;
        this.minFreeGb = minFreeGb;
        this.podman = Path.of(binary).getFileName().toString().toLowerCase(Locale.ROOT).contains("podman");
    }

    /**
     * Asks the engine where it stores images, once, before any image: an engine that cannot answer (no daemon
     * running, no permission on its socket) would otherwise fail every image with the same message.
     * Returns null when it answered, else what it said.
     */
    public String checkDaemon() {
        String format = podman ? "{{.Store.GraphRoot}}" : "{{.DockerRootDir}}";
        ProcessRunner.Result r = runner.run(new ProcessRunner.Command(List.of(binary, "info", "--format", format), null, env(), SHORT_TIMEOUT));
        if (!r.ok()) {
            return ToolErrors.detail(r.stderr());
        }
        Path root = r.out().isBlank() ? null : Path.of(r.out().strip());
        storageRoot = root != null && Files.isDirectory(root) ? root : null;
        return null;
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

    public ProcessRunner.Result login(String registry, String username, Secret secret, Context context) {
        return runner.run(new ProcessRunner.Command(loginArgs(registry, username), secret.bytes(), env(),
                context.deadline().cap(SHORT_TIMEOUT, "logging in to " + registry)));
    }

    public List<String> pullArgs(Platform platform, ImageRef source) {
        List<String> args = new ArrayList<>(List.of(binary, "pull", "--platform", platform.toString()));
        tls(args, source.registry());
        args.add(source.pullable());
        return args;
    }

    public List<String> pushArgs(ImageRef destination) {
        List<String> args = new ArrayList<>(List.of(binary, "push"));
        tls(args, destination.registry());
        args.add(destination.pullable());
        return args;
    }

    @Override
    public Copy start(ImageRef source, Platform platform, Context context) {
        return new Copy() {
            private final List<String> created = new ArrayList<>();
            private boolean pulled;

            @Override
            public void to(ImageRef destination, String what) {
                if (!pulled) {
                    ensureSpace(context);
                    run(pullArgs(platform, source), PULL_TIMEOUT, "pulling " + source.display(), context);
                    pulled = true;
                }
                run(List.of(binary, "tag", source.pullable(), destination.pullable()), SHORT_TIMEOUT, what, context);
                created.add(destination.pullable());
                run(pushArgs(destination), PULL_TIMEOUT, what, context);
            }

            /** Runs even when the image's deadline has passed: cleaning up is what keeps the disk from filling. */
            @Override
            public void close() {
                if (!pulled) {
                    return;
                }
                List<String> rmi = new ArrayList<>(List.of(binary, "rmi", "--force"));
                rmi.addAll(created);
                rmi.add(source.pullable());
                ProcessRunner.Result r = runner.run(new ProcessRunner.Command(rmi, null, env(), SHORT_TIMEOUT));
                if (!r.ok()) {
                    context.log().warn("could not remove the local copy of " + source.display() + ": " + ToolErrors.detail(r.stderr()));
                }
                prune(context);
            }
        };
    }

    /** Registry to registry with buildx, without pulling; the index it writes lists the platforms by its own rules. */
    @Override
    public void copyAll(ImageRef source, ImageRef destination, String what, Context context) {
        run(imagetoolsCreateArgs(destination, List.of(source)), PULL_TIMEOUT, what, context);
    }

    /** buildx writes its own index from the chosen manifests (copying them across repositories as needed). */
    @Override
    public void copySubset(ImageRef source, List<Digest> missing, byte[] index, ImageRef destination, String what, Context context) {
        List<ImageRef> chosen = Manifests.images(Manifests.parse(index).entries()).stream().map(e -> source.withDigest(e.digest())).toList();
        run(imagetoolsCreateArgs(destination, chosen), PULL_TIMEOUT, what, context);
    }

    public List<String> imagetoolsCreateArgs(ImageRef destination, List<ImageRef> sources) {
        if (podman) {
            throw new SyncError(SyncError.Kind.PERMANENT, "a multi-platform line needs docker buildx (imagetools create), which podman does not have: "
                    + "install skopeo, or use one line per platform");
        }
        List<String> args = new ArrayList<>(List.of(binary, "buildx", "imagetools", "create", "--tag", destination.pullable()));
        sources.forEach(s -> args.add(s.pullable()));
        return args;
    }

    /** docker has no way to write a manifest by digest alone, so it cannot write the images of a Docker manifest list. */
    @Override
    public byte[] copyAsDockerImage(ImageRef source, ImageRef repository, String what, Context context) {
        throw new SyncError(SyncError.Kind.PERMANENT, what + ": this registry takes only a Docker manifest list, which the docker engine "
                + "cannot write; install skopeo, or use one line per platform (--platform=linux/amd64, ...)");
    }

    @Override
    public boolean preservesDigests() {
        return false;
    }

    private void prune(Context context) {
        ProcessRunner.Result r = runner.run(new ProcessRunner.Command(List.of(binary, "image", "prune", "--force"), null, env(), SHORT_TIMEOUT));
        if (!r.ok()) {
            context.log().warn("could not prune dangling images: " + ToolErrors.detail(r.stderr()));
        }
    }

    /** Below --min-free-gb where the engine keeps images: prune first, and if that is not enough, fail this image rather than fill the disk. */
    void ensureSpace(Context context) {
        if (storageRoot == null) {
            return;
        }
        double free = freeGb(storageRoot);
        if (free >= minFreeGb) {
            return;
        }
        context.log().warn(String.format(Locale.ROOT, "only %.1f GB free in %s (--min-free-gb %s): pruning unused images first", free, storageRoot, minFreeGb));
        prune(context);
        free = freeGb(storageRoot);
        if (free < minFreeGb) {
            throw new SyncError(SyncError.Kind.PERMANENT, String.format(Locale.ROOT,
                    "only %.1f GB free in %s, below --min-free-gb %s: free some disk space (e.g. %s system prune) or lower --min-free-gb",
                    free, storageRoot, minFreeGb, binary));
        }
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
    public byte[] inspectRaw(ImageRef ref, String what, boolean missingOk, Context context) {
        return Inspector.answer(runner.run(new ProcessRunner.Command(imagetoolsArgs(ref, "--raw"), null, env(),
                context.deadline().cap(SHORT_TIMEOUT, what))), what, missingOk, context);
    }

    @Override
    public byte[] inspectConfig(ImageRef ref, String what, Context context) {
        return Inspector.answer(runner.run(new ProcessRunner.Command(imagetoolsArgs(ref, "--format", "{{json .Image}}"), null, env(),
                context.deadline().cap(SHORT_TIMEOUT, what))), what, false, context);
    }

    /** Neither docker nor podman lists a repository's tags. */
    @Override
    public List<String> listTags(ImageRef repository, Context context) {
        throw new SyncError(SyncError.Kind.PERMANENT, "listing the tags of " + repository.name() + " needs skopeo, which is not installed "
                + "(the docker CLI cannot list tags): install skopeo, or name the tags instead of a policy");
    }

    public List<String> imagetoolsArgs(ImageRef ref, String... options) {
        if (podman) {
            throw new SyncError(SyncError.Kind.PERMANENT, "reading manifests without skopeo needs docker buildx, which podman does not have: install skopeo");
        }
        List<String> args = new ArrayList<>(List.of(binary, "buildx", "imagetools", "inspect"));
        args.addAll(List.of(options));
        args.add(ref.pullable());
        return args;
    }

    private void run(List<String> args, Duration timeout, String what, Context context) {
        ProcessRunner.Result r = runner.run(new ProcessRunner.Command(args, null, env(), context.deadline().cap(timeout, what)));
        if (!r.ok()) {
            throw ToolErrors.of(what, r, context.deadline());
        }
    }
}
