package lib.run;

import lib.core.Deadline;
import lib.core.UsageError;
import lib.list.Inputs;
import lib.list.Shard;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options of a sync that sync.java and issue.java share, declared once (a picocli mixin): how the run works, not
 * what it syncs. Defaults that come from the environment are read from the environment the command was given (see
 * {@link #defaults}), never from the real one behind it.
 */
public final class SyncOptions {
    /**
     * The most each option takes: far beyond any real run, and small enough that nothing built from them (thread pools,
     * deadlines in nanoseconds) can overflow or exhaust the machine.
     */
    static final int MAX_JOBS = 64;
    static final int MAX_REGISTRY_REQUESTS = 64;
    static final int MAX_PULL_RESERVE = 1_000_000;
    static final int MAX_TAGS = 10_000;
    static final double MAX_FREE_GB = 1_000_000;
    static final Duration MAX_IMAGE_TIMEOUT = Duration.ofDays(1);
    static final int MAX_FAILING_DAYS = 3650;

    /** Options whose default is an environment variable. */
    static final Map<String, String> FROM_ENV = Map.of("--shard", "SYNC_SHARD", "--image-timeout", "SYNC_IMAGE_TIMEOUT",
            "--source-registry", "SOURCE_REGISTRY", "--insecure-registry", "INSECURE_REGISTRIES", "--state", "SYNC_STATE",
            "--engine", "SYNC_ENGINE", "--to", "SYNC_TARGETS", "--failing-days", "SYNC_FAILING_DAYS");

    @Option(names = "--force", arity = "0..1", fallbackValue = "true", converter = Flag.class, paramLabel = "true|false",
            description = "Copy even when the target is already up to date.")
    boolean force;

    @Option(names = "--dry-run", description = "Do every check but copy nothing.")
    boolean dryRun;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "4", description = "Images processed concurrently (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Sync only part I of N of the plan (env SYNC_SHARD), e.g. 2/4: each image belongs to one part by a hash "
                    + "of its source, platform and target name, so N jobs with 1/N … N/N together sync the whole list once. "
                    + "With --plan: show that part.")
    String shard;

    @Option(names = "--image-timeout", paramLabel = "DURATION", defaultValue = "30m",
            description = "The most one image may take, retries and waits included (env SYNC_IMAGE_TIMEOUT; e.g. 90s, 20m, 1h; default 30m). "
                    + "When it runs out the image's processes are stopped and it fails with \"gave up after …\".")
    String imageTimeout;

    @Option(names = "--source-registry", paramLabel = "HOST[:PORT]",
            description = "Where bare names like nginx:alpine resolve (env SOURCE_REGISTRY, default docker.io).")
    String sourceRegistry;

    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]", split = ",",
            description = "Allow plain HTTP / unverified TLS for this host (repeatable; env INSECURE_REGISTRIES, comma list).")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(names = "--state", paramLabel = "FILE",
            description = "Where the last seen source digests are kept, so unchanged sources need no manifest GET "
                    + "(env SYNC_STATE; default ~/.cache/image-sync/state.json).")
    Path stateFile;

    @Option(names = "--pull-reserve", paramLabel = "N", defaultValue = "10",
            description = "Pulls to keep in reserve on registries that announce a quota (Docker Hub): images that would go below it are deferred (default: ${DEFAULT-VALUE}).")
    int pullReserve;

    @Option(names = "--registry-requests", paramLabel = "N", defaultValue = "8",
            description = "Requests in flight at once per registry for the cheap checks (default: ${DEFAULT-VALUE}).")
    int registryRequests;

    @Option(names = "--engine", paramLabel = "skopeo|docker",
            description = "How images are copied (env SYNC_ENGINE): skopeo, registry to registry; or docker (pull, tag, push, "
                    + "then remove), with the CLI named by DOCKER (default docker; podman works too). Default: skopeo when installed.")
    String engine;

    @Option(names = "--failing-days", paramLabel = "DAYS",
            description = "A failure that has lasted this many days (in runs that all failed) is chronic: the notification lists it "
                    + "apart, with the hint to fix or remove its line (env SYNC_FAILING_DAYS; default 7).")
    String failingDays;

    @Option(names = "--min-free-gb", paramLabel = "GB", defaultValue = "5",
            description = "docker engine: free space needed where images are stored before each image; below it unused images "
                    + "are pruned, and if still short the image fails (default: ${DEFAULT-VALUE}).")
    double minFreeGb;

    /**
     * Workflow inputs arrive as option values and are empty on scheduled runs: an empty value means "not given"
     * for every option, and a flag also takes true/false.
     */
    public static final class Flag implements CommandLine.ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "", "false" -> false;
                case "true" -> true;
                default -> throw new CommandLine.TypeConversionException("expected true or false, not '" + value + "'");
            };
        }
    }

    /** Defaults from {@code env} for the options {@link #FROM_ENV} names; the annotation's default for the rest. */
    public static CommandLine.IDefaultValueProvider defaults(Map<String, String> env) {
        return arg -> {
            if (arg instanceof CommandLine.Model.OptionSpec option) {
                String variable = FROM_ENV.get(option.longestName());
                String value = variable == null ? null : env.get(variable);
                if (value != null && !value.isBlank()) {
                    return value;
                }
            }
            return null;
        };
    }

    /**
     * Options written as text, --option=value each (issue.java takes them after "--"), parsed as sync.java parses
     * them, with their defaults from {@code env}.
     */
    public static SyncOptions parse(List<String> args, Map<String, String> env) {
        SyncOptions options = new SyncOptions();
        try {
            new CommandLine(options).setDefaultValueProvider(defaults(env)).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new UsageError(e.getMessage());
        }
        return options;
    }

    /** A run's options: these, checked, and what the command says to sync, where, and with which report. */
    public SyncRun.Options options(Inputs inputs, String to, Path report, int maxTags) {
        within("--jobs", jobs, 1, MAX_JOBS);
        within("--registry-requests", registryRequests, 1, MAX_REGISTRY_REQUESTS);
        within("--pull-reserve", pullReserve, 0, MAX_PULL_RESERVE);
        within("--max-tags", maxTags, 1, MAX_TAGS);
        if (!(minFreeGb >= 0 && minFreeGb <= MAX_FREE_GB)) {
            throw new UsageError("--min-free-gb " + minFreeGb + ": give the free space in GB the docker engine needs, from 0 to " + MAX_FREE_GB);
        }
        return new SyncRun.Options(inputs, to, report, maxTags, force, dryRun, jobs, registryRequests, pullReserve, imageTimeout(),
                stateFile, shard(), engine, minFreeGb, insecure(), failingDays());
    }

    private static void within(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new UsageError(option + " " + value + ": give a whole number from " + min + " to " + max);
        }
    }

    public String sourceRegistry() {
        return sourceRegistry;
    }

    private Set<String> insecure() {
        Set<String> insecure = new LinkedHashSet<>();
        insecureRegistries.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).forEach(insecure::add);
        return insecure;
    }

    private Shard shard() {
        try {
            return shard == null || shard.isBlank() ? null : Shard.parse(shard);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--shard / SYNC_SHARD: " + e.getMessage());
        }
    }

    private int failingDays() {
        if (failingDays == null || failingDays.isBlank()) {
            return 7;
        }
        try {
            int days = Integer.parseInt(failingDays.strip());
            if (days >= 1 && days <= MAX_FAILING_DAYS) {
                return days;
            }
        } catch (NumberFormatException e) {
            // Said below, as for a number out of range.
        }
        throw new UsageError("--failing-days / SYNC_FAILING_DAYS '" + failingDays + "': give a whole number of days from 1 to "
                + MAX_FAILING_DAYS + " (default 7)");
    }

    private Duration imageTimeout() {
        Duration limit;
        try {
            limit = Deadline.parse(imageTimeout == null || imageTimeout.isBlank() ? "30m" : imageTimeout);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--image-timeout: " + e.getMessage());
        }
        if (limit.compareTo(MAX_IMAGE_TIMEOUT) > 0) {
            throw new UsageError("--image-timeout " + imageTimeout + ": at most " + Deadline.format(MAX_IMAGE_TIMEOUT) + " for one image");
        }
        return limit;
    }
}
