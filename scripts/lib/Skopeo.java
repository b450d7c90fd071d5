import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A thin skopeo client: builds argument lists, runs them through the runner, turns failures into {@link SyncError}s. */
public final class Skopeo implements Inspector, Copier {
    static final Duration INSPECT_TIMEOUT = Duration.ofMinutes(2);
    static final Duration COPY_TIMEOUT = Duration.ofMinutes(60);

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

    public static String version(ProcessRunner runner) {
        ProcessRunner.Result r = runner.run(new ProcessRunner.Command(List.of("skopeo", "--version"), INSPECT_TIMEOUT));
        return r.out().strip();
    }

    public List<String> loginArgs(String registry, String username) {
        List<String> args = new ArrayList<>(List.of("skopeo", "login", "--authfile", authFile.toString(), "--username", username, "--password-stdin"));
        if (isInsecure(registry)) {
            args.add("--tls-verify=false");
        }
        args.add(registry);
        return args;
    }

    public ProcessRunner.Result login(String registry, String username, Secret secret) {
        return runner.run(new ProcessRunner.Command(loginArgs(registry, username), secret.bytes(), Map.of(), INSPECT_TIMEOUT));
    }

    /** {@code docker://...} reference in, its raw manifest out; a missing manifest is reported as {@code null} only if {@code missingOk}. */
    @Override
    public byte[] inspectRaw(String reference, String what, boolean missingOk, Path tmp) {
        return Inspector.answer(runner.run(command(inspectArgs(reference, false), tmp, INSPECT_TIMEOUT)), what, missingOk);
    }

    @Override
    public byte[] inspectConfig(String reference, String what, Path tmp) {
        return Inspector.answer(runner.run(command(inspectArgs(reference, true), tmp, INSPECT_TIMEOUT)), what, false);
    }

    public List<String> inspectArgs(String reference, boolean config) {
        List<String> args = new ArrayList<>(List.of("skopeo", "inspect", "--raw"));
        if (config) {
            args.add("--config");
        }
        auth(args);
        if (isInsecure(host(reference))) {
            args.add("--tls-verify=false");
        }
        args.add(reference);
        return args;
    }

    public List<String> copyArgs(String source, String destination) {
        List<String> args = new ArrayList<>(List.of("skopeo", "copy", "--retry-times", "3"));
        if (preserveDigests) {
            args.add("--preserve-digests");
        }
        auth(args);
        if (isInsecure(host(source))) {
            args.add("--src-tls-verify=false");
        }
        if (isInsecure(host(destination))) {
            args.add("--dest-tls-verify=false");
        }
        args.add(source);
        args.add(destination);
        return args;
    }

    public void copy(String source, String destination, String what, Path tmp) {
        ProcessRunner.Result r = runner.run(command(copyArgs(source, destination), tmp, COPY_TIMEOUT));
        if (!r.ok()) {
            throw SyncError.fromTool(what, r);
        }
    }

    /** Registry to registry: nothing is kept locally, so there is nothing to clean up. */
    @Override
    public Copy start(ImageSpec spec, String source, Path tmp, Console.ImageLog log) {
        return new Copy() {
            @Override
            public void to(String destination, String what) {
                copy("docker://" + source, "docker://" + destination, what, tmp);
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

    /** skopeo's temporary files go to a per-image directory, removed as soon as the image is done. */
    private static ProcessRunner.Command command(List<String> args, Path tmp, Duration timeout) {
        return new ProcessRunner.Command(args, null, tmp == null ? Map.of() : Map.of("TMPDIR", tmp.toString()), timeout);
    }

    private void auth(List<String> args) {
        if (authFile != null) {
            args.add("--authfile");
            args.add(authFile.toString());
        }
    }

    private boolean isInsecure(String registry) {
        return insecure.contains(registry);
    }

    /** The registry host of a docker:// reference. */
    static String host(String reference) {
        String rest = reference.startsWith("docker://") ? reference.substring("docker://".length()) : reference;
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
