package lib.engine;

import lib.core.Context;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.Json;
import lib.core.Platform;
import lib.core.Secret;
import lib.core.SyncError;

import org.apache.commons.io.file.PathUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A thin skopeo client: builds argument lists, runs them through the runner, turns failures into {@link SyncError}s.
 * skopeo's own --retry-times stays at 0: the one retry layer is ours, and it keeps to the image's deadline.
 */
public final class Skopeo implements Inspector, Copier {
    static final Duration INSPECT_TIMEOUT = Duration.ofMinutes(2);
    /**
     * What may take as long as the image's deadline allows: a copy (multi-GB layers over a slow link are normal) and
     * a tag listing that skopeo does alone.
     */
    static final Duration UNTIL_DEADLINE = Duration.ofDays(1);

    private final ProcessRunner runner;
    private final Path authFile;
    private final Set<String> insecure;
    private final boolean preserveDigests;

    /** {@code authFile} null: skopeo uses whatever credentials the user already has. */
    public Skopeo(ProcessRunner runner, Path authFile, Set<String> insecureRegistries, boolean preserveDigests) {
        this.runner = runner;
        this.authFile = authFile;
        this.insecure = insecureRegistries;
        this.preserveDigests = preserveDigests;
    }

    /** Whether this skopeo can copy without re-encoding manifests: --preserve-digests came with skopeo 1.9. */
    public static boolean supportsPreserveDigests(String version) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(version);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        return major > 1 || (major == 1 && Integer.parseInt(m.group(2)) >= 9);
    }

    /** "skopeo version 1.13.3"; throws {@link ProcessRunner.NotFound} when skopeo is not installed. */
    public static String version(ProcessRunner runner) {
        ProcessRunner.Result r = runner.run(new ProcessRunner.Command(List.of("skopeo", "--version"), INSPECT_TIMEOUT));
        return r.out().strip();
    }

    public List<String> loginArgs(String registry, String username) {
        List<String> args = new ArrayList<>(List.of("skopeo", "login", "--authfile", authFile.toString(), "--username", username, "--password-stdin"));
        if (insecure.contains(registry)) {
            args.add("--tls-verify=false");
        }
        args.add(registry);
        return args;
    }

    public ProcessRunner.Result login(String registry, String username, Secret secret, Context context) {
        return runner.run(new ProcessRunner.Command(loginArgs(registry, username), secret.bytes(), Map.of(),
                context.deadline().cap(INSPECT_TIMEOUT, "logging in to " + registry)));
    }

    @Override
    public byte[] inspectRaw(ImageRef ref, String what, boolean missingOk, Context context) {
        return Inspector.answer(runner.run(command(inspectArgs(ref, false), context, INSPECT_TIMEOUT, what)), what, missingOk, context);
    }

    @Override
    public byte[] inspectConfig(ImageRef ref, String what, Context context) {
        return Inspector.answer(runner.run(command(inspectArgs(ref, true), context, INSPECT_TIMEOUT, what)), what, false, context);
    }

    /**
     * Only where the registry client cannot ask at all (an authentication it does not speak, a certificate only skopeo
     * trusts). skopeo follows a Link's path on the same registry however often it repeats, so its one run is bounded
     * by the deadline itself, not by a shorter timeout: when it runs out, it has run out for good (not retried).
     */
    @Override
    public List<String> listTags(ImageRef repository, Context context) {
        List<String> args = new ArrayList<>(List.of("skopeo", "list-tags"));
        auth(args);
        if (insecure.contains(repository.registry())) {
            args.add("--tls-verify=false");
        }
        args.add("docker://" + repository.name());
        String what = "listing the tags of " + repository.name();
        byte[] out = Inspector.answer(runner.run(command(args, context, UNTIL_DEADLINE, what)), what, false, context);
        try {
            List<String> tags = new ArrayList<>();
            Json.MAPPER.readTree(out).path("Tags").forEach(t -> tags.add(t.asText()));
            return tags;
        } catch (java.io.IOException e) {
            throw new SyncError(SyncError.Kind.PERMANENT, what + ": skopeo printed something that is not JSON");
        }
    }

    public List<String> inspectArgs(ImageRef ref, boolean config) {
        List<String> args = new ArrayList<>(List.of("skopeo", "inspect", "--raw"));
        if (config) {
            args.add("--config");
        }
        auth(args);
        if (insecure.contains(ref.registry())) {
            args.add("--tls-verify=false");
        }
        args.add(transport(ref));
        return args;
    }

    public List<String> copyArgs(ImageRef source, ImageRef destination, String... options) {
        return copyArgs(transport(source), insecure.contains(source.registry()), destination, options);
    }

    /** {@code from}: a transport reference (docker://…, dir:…); {@code fromInsecure}: whether its TLS is relaxed. */
    private List<String> copyArgs(String from, boolean fromInsecure, ImageRef destination, String... options) {
        return copyArgs(from, fromInsecure, transport(destination), insecure.contains(destination.registry()), preserveDigests, options);
    }

    private List<String> copyArgs(String from, boolean fromInsecure, String to, boolean toInsecure, boolean preserve, String... options) {
        List<String> args = new ArrayList<>(List.of("skopeo", "copy", "--retry-times", "0"));
        args.addAll(List.of(options));
        if (preserve) {
            args.add("--preserve-digests");
        }
        auth(args);
        if (fromInsecure) {
            args.add("--src-tls-verify=false");
        }
        if (toInsecure) {
            args.add("--dest-tls-verify=false");
        }
        args.add(from);
        args.add(to);
        return args;
    }

    @Override
    public void copyAll(ImageRef source, ImageRef destination, String what, Context context) {
        copy(copyArgs(source, destination, "--all"), what, context);
    }

    /** The index is written from a dir: layout beside the image's temporary files, by skopeo, so its logins and TLS settings apply. */
    @Override
    public void copySubset(ImageRef source, List<Digest> missing, byte[] index, ImageRef destination, String what, Context context) {
        for (Digest digest : missing) {
            copy(copyArgs(source.withDigest(digest), destination.withDigest(digest)), what, context);
        }
        inTemporaryDir("index-", what, "cannot write the index to", context, dir -> {
            Files.write(dir.resolve("manifest.json"), index);
            Files.writeString(dir.resolve("version"), "Directory Transport Version: 1.1\n");
            copy(copyArgs("dir:" + dir, false, destination, "--multi-arch", "index-only"), what, context);
            return null;
        });
    }

    /**
     * skopeo's own conversion (--format v2s2: media types only; the config and layers stay the same blobs), into a dir:
     * beside the image's temporary files; then that manifest, as converted, by its digest.
     */
    @Override
    public byte[] copyAsDockerImage(ImageRef source, ImageRef repository, String what, Context context) {
        return inTemporaryDir("docker-image-", what, "cannot convert the image under", context, dir -> {
            copy(copyArgs(transport(source), insecure.contains(source.registry()), "dir:" + dir, false, false, "--format", "v2s2"), what, context);
            byte[] manifest = Files.readAllBytes(dir.resolve("manifest.json"));
            copy(copyArgs("dir:" + dir, false, repository.withDigest(Digest.of(manifest))), what, context);
            return manifest;
        });
    }

    private interface InDir<T> {
        T in(Path dir) throws IOException;
    }

    /**
     * {@code body} in a directory of its own beside the image's temporary files, removed as soon as it is done: an
     * image converted for a Docker list holds all its layers there, and a list has one per platform.
     */
    private static <T> T inTemporaryDir(String prefix, String what, String cannot, Context context, InDir<T> body) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory(context.tmp(), prefix);
            return body.in(dir);
        } catch (IOException e) {
            throw new SyncError(SyncError.Kind.PERMANENT, what + ": " + cannot + " " + context.tmp() + ": " + e.getMessage());
        } finally {
            if (dir != null) {
                try {
                    PathUtils.deleteDirectory(dir);
                } catch (IOException e) {
                    // Left to the image's own clean-up, which removes its whole temporary directory.
                }
            }
        }
    }

    private void copy(List<String> args, String what, Context context) {
        ProcessRunner.Result r = runner.run(command(args, context, UNTIL_DEADLINE, what));
        if (!r.ok()) {
            throw ToolErrors.of(what, r, context.deadline());
        }
    }

    /** Registry to registry: nothing is kept locally, so there is nothing to clean up. */
    @Override
    public Copy start(ImageRef source, Platform platform, Context context) {
        return new Copy() {
            @Override
            public void to(ImageRef destination, String what) {
                copy(copyArgs(source, destination), what, context);
            }

            @Override
            public void close() {
                // Temporary files live in the image's directory, which the caller removes.
            }
        };
    }

    @Override
    public boolean preservesDigests() {
        return preserveDigests;
    }

    /** skopeo's transport form: docker://host/repository, by digest when there is one (skopeo refuses tag and digest together). */
    static String transport(ImageRef ref) {
        return "docker://" + ref.pullable();
    }

    /** skopeo's temporary files go to the image's directory, removed as soon as the image is done. */
    private static ProcessRunner.Command command(List<String> args, Context context, Duration timeout, String what) {
        Map<String, String> env = context.tmp() == null ? Map.of() : Map.of("TMPDIR", context.tmp().toString());
        return new ProcessRunner.Command(args, null, env, context.deadline().cap(timeout, what));
    }

    private void auth(List<String> args) {
        if (authFile != null) {
            args.add("--authfile");
            args.add(authFile.toString());
        }
    }
}
