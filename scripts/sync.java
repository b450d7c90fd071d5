///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS org.zeroturnaround:zt-exec:1.12
//DEPS org.slf4j:slf4j-nop:1.7.36
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//DEPS commons-io:commons-io:2.18.0
//SOURCES lib/list/ImageList.java
//SOURCES lib/list/ImageSpec.java
//SOURCES lib/list/Inputs.java
//SOURCES lib/list/Plan.java
//SOURCES lib/list/SemVer.java
//SOURCES lib/list/Shard.java
//SOURCES lib/list/TagPolicy.java
//SOURCES lib/list/VersionRange.java
//SOURCES lib/list/Platforms.java
//SOURCES lib/list/Platform.java
//SOURCES lib/list/TargetName.java
//SOURCES lib/settings/Auth.java
//SOURCES lib/settings/Doctor.java
//SOURCES lib/settings/Env.java
//SOURCES lib/settings/Json.java
//SOURCES lib/settings/Login.java
//SOURCES lib/settings/Secret.java
//SOURCES lib/settings/Settings.java
//SOURCES lib/settings/Target.java
//SOURCES lib/settings/UsageError.java
//SOURCES lib/registry/Http.java
//SOURCES lib/registry/ImageRef.java
//SOURCES lib/registry/Logins.java
//SOURCES lib/registry/Manifests.java
//SOURCES lib/registry/RateLimits.java
//SOURCES lib/registry/RegistryAuth.java
//SOURCES lib/registry/RegistryClient.java
//SOURCES lib/registry/RegistryProbe.java
//SOURCES lib/engine/Copier.java
//SOURCES lib/engine/CountingRunner.java
//SOURCES lib/engine/DockerCli.java
//SOURCES lib/engine/Engines.java
//SOURCES lib/engine/Inspector.java
//SOURCES lib/engine/ProcessRunner.java
//SOURCES lib/engine/Skopeo.java
//SOURCES lib/engine/ZtExecRunner.java
//SOURCES lib/sync/Batch.java
//SOURCES lib/sync/Deadline.java
//SOURCES lib/sync/Decision.java
//SOURCES lib/sync/IndexSyncer.java
//SOURCES lib/sync/Job.java
//SOURCES lib/sync/Lazy.java
//SOURCES lib/sync/PullBudget.java
//SOURCES lib/sync/Retry.java
//SOURCES lib/sync/SyncError.java
//SOURCES lib/sync/SyncState.java
//SOURCES lib/sync/TagExpansion.java
//SOURCES lib/sync/Syncer.java
//SOURCES lib/report/Console.java
//SOURCES lib/report/Report.java
//SOURCES lib/report/Outcome.java
//SOURCES lib/report/Summary.java

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

@Command(name = "sync", mixinStandardHelpOptions = true, version = "image-sync 0.2.0",
        description = "Copies container images (Docker Hub or any registry) into your Aliyun Container Registry and/or GHCR, "
                + "one platform per image, skipping what is already there.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image synced, skipped or deferred", "1:at least one image failed or was cancelled (the others were still processed)",
                "2:bad usage, bad list, bad or missing settings, failed login, unusable engine (nothing was copied)"},
        footerHeading = "%nEnvironment:%n",
        footer = {"  ALIYUN_REGISTRY, ALIYUN_NAMESPACE, ALIYUN_USERNAME, ALIYUN_PASSWORD   the Aliyun target",
                "  GHCR_TOKEN (or GITHUB_TOKEN), GHCR_NAMESPACE, GHCR_USERNAME          the GHCR target",
                "  SYNC_TARGETS       default of --to        DOCKERHUB_USERNAME, DOCKERHUB_TOKEN   Docker Hub login",
                "  SOURCE_REGISTRY, INSECURE_REGISTRIES, SYNC_STATE, SYNC_ENGINE, SYNC_IMAGE_TIMEOUT, DOCKER   as the options say",
                "",
                "Examples:",
                "  ./jbang scripts/sync.java --plan                          check images.txt offline",
                "  ./jbang scripts/sync.java --doctor                        check engine, logins, push permission and quotas online",
                "  ./jbang scripts/sync.java                                 sync images.txt to every configured target",
                "  ./jbang scripts/sync.java --to aliyun --platform linux/arm64 mysql:8.0",
                "  ./jbang scripts/sync.java --platform all --dry-run nginx:1.27   one tag for every platform, checked only"})
public class sync implements java.util.concurrent.Callable<Integer> {
    static final int USAGE = 2;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images to sync (images.txt syntax); when none, --images is read.")
    List<String> images = new ArrayList<>();

    @Option(names = {"-f", "--images"}, paramLabel = "FILE", defaultValue = "images.txt", description = "The image list (default: ${DEFAULT-VALUE}).")
    Path imagesFile;

    @Option(names = "--to", paramLabel = "LIST", defaultValue = "${env:SYNC_TARGETS}",
            description = "auto, aliyun, ghcr or both (comma list allowed). Default: env SYNC_TARGETS, else auto: Aliyun when its "
                    + "settings are present; GHCR when GHCR_TOKEN or GHCR_NAMESPACE is set, or GITHUB_TOKEN when Aliyun is not configured.")
    String to;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]|all|LIST", defaultValue = "linux/amd64",
            description = "Platform for IMAGE arguments and list lines without one (default: ${DEFAULT-VALUE}). \"all\" copies the whole "
                    + "multi-platform image under one tag; a comma list (linux/amd64,linux/arm64) writes one tag serving exactly those.")
    String platform;

    @Option(names = "--name", paramLabel = "NAME[:TAG]", description = "Explicit target name; only with exactly one IMAGE.")
    String name;

    @Option(names = "--force", arity = "0..1", fallbackValue = "true", converter = Flag.class, paramLabel = "true|false",
            description = "Copy even when the target is already up to date.")
    boolean force;

    @Option(names = "--plan", description = "Offline: parse, name, check for collisions and print the source → target table.")
    boolean plan;

    @Option(names = "--doctor", description = "Online, copies and creates nothing: a checklist of the engine, each target (reachable, "
            + "login, push permission), the sources' pull quota and the list, with the fix for every problem. Exit 0 or 2.")
    boolean doctor;

    @Option(names = "--dry-run", description = "Do every check but copy nothing.")
    boolean dryRun;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report to FILE (checked before anything is copied).")
    Path report;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "4", description = "Images processed concurrently (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--shard", paramLabel = "I/N", defaultValue = "${env:SYNC_SHARD}",
            description = "Sync only part I of N of the plan (env SYNC_SHARD), e.g. 2/4: each image belongs to one part by a hash "
                    + "of its source, platform and target name, so N jobs with 1/N … N/N together sync the whole list once. "
                    + "With --plan: show that part.")
    String shard;

    @Option(names = "--max-tags", paramLabel = "N", defaultValue = "50",
            description = "The most tags one tag-policy line (--tags, --semver, --latest) may select; more is an error for that line (default: ${DEFAULT-VALUE}).")
    int maxTags;

    @Option(names = "--image-timeout", paramLabel = "DURATION", defaultValue = "${env:SYNC_IMAGE_TIMEOUT:-30m}",
            description = "The most one image may take, retries and waits included (env SYNC_IMAGE_TIMEOUT; e.g. 90s, 20m, 1h; default 30m). "
                    + "When it runs out the image's processes are stopped and it fails with \"gave up after …\".")
    String imageTimeout;

    @Option(names = "--source-registry", paramLabel = "HOST[:PORT]", defaultValue = "${env:SOURCE_REGISTRY}",
            description = "Where bare names like nginx:alpine resolve (env SOURCE_REGISTRY, default docker.io).")
    String sourceRegistry;

    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]", split = ",", defaultValue = "${env:INSECURE_REGISTRIES}",
            description = "Allow plain HTTP / unverified TLS for this host (repeatable; env INSECURE_REGISTRIES, comma list).")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(names = "--state", paramLabel = "FILE", defaultValue = "${env:SYNC_STATE}",
            description = "Where the last seen source digests are kept, so unchanged sources need no manifest GET "
                    + "(env SYNC_STATE; default ~/.cache/image-sync/state.json).")
    Path stateFile;

    @Option(names = "--pull-reserve", paramLabel = "N", defaultValue = "10",
            description = "Pulls to keep in reserve on registries that announce a quota (Docker Hub): images that would go below it are deferred (default: ${DEFAULT-VALUE}).")
    int pullReserve;

    @Option(names = "--registry-requests", paramLabel = "N", defaultValue = "8",
            description = "Requests in flight at once per registry for the cheap checks (default: ${DEFAULT-VALUE}).")
    int registryRequests;

    @Option(names = "--engine", paramLabel = "skopeo|docker", defaultValue = "${env:SYNC_ENGINE}",
            description = "How images are copied (env SYNC_ENGINE): skopeo, registry to registry; or docker (pull, tag, push, "
                    + "then remove), with the CLI named by DOCKER (default docker; podman works too). Default: skopeo when installed.")
    String engine;

    @Option(names = "--min-free-gb", paramLabel = "GB", defaultValue = "5",
            description = "docker engine: free space needed where images are stored before each image; below it unused images "
                    + "are pruned, and if still short the image fails (default: ${DEFAULT-VALUE}).")
    double minFreeGb;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Map<String, String> env = System.getenv();
    ProcessRunner runner = new ZtExecRunner();
    Retry retry = Retry.standard();
    Console console;

    /**
     * Workflow inputs arrive as option values and are empty on scheduled runs: an empty value means "not given"
     * for every option, and a flag also takes true/false.
     */
    static final class Flag implements CommandLine.ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "", "false" -> false;
                case "true" -> true;
                default -> throw new CommandLine.TypeConversionException("expected true or false, not '" + value + "'");
            };
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine(new sync()).execute(Env.arguments(args)));
    }

    /** Every error is one "sync: ..." line (two for a bad option: what, and where to read more); never the whole help. */
    static CommandLine commandLine(sync command) {
        return new CommandLine(command)
                .setParameterExceptionHandler((e, args) -> {
                    e.getCommandLine().getErr().println("sync: " + e.getMessage());
                    e.getCommandLine().getErr().println("sync: see --help for the options and their values");
                    return USAGE;
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("sync: " + (e instanceof UsageError ? "" : "internal error: ") + e.getMessage());
                    return e instanceof UsageError ? USAGE : 1;
                });
    }

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        if (console == null) {
            console = Console.of(env);
        }
        Settings settings = Settings.from(env, to);
        if (!images.isEmpty() && spec.commandLine().getParseResult().hasMatchedOption("--images")) {
            throw new UsageError("-f/--images and IMAGE arguments were both given: sync either the list file or the images named");
        }
        Inputs.Asked asked;
        try {
            asked = Inputs.read(new Inputs(images, imagesFile, name, platform, sourceRegistry), console::warn);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        Plan.Result planned = Plan.of(imagesFile.toString(), asked.named(), settings.targets());
        List<String> problems = new ArrayList<>(asked.errors());
        problems.addAll(planned.errors());
        if (doctor) {
            if (plan) {
                throw new UsageError("--doctor and --plan were both given: --doctor already checks the list as --plan does");
            }
            hideSecrets(settings);
            return new Doctor(console, env, runner, insecure(), engine, minFreeGb, pullReserve)
                    .run(settings, asked, planned, images.isEmpty() ? imagesFile.toString() : "IMAGE arguments");
        }
        if (!problems.isEmpty()) {
            return refuse(problems);
        }
        if (!settings.errors().isEmpty()) {
            settings.errors().forEach(console::error);
            return USAGE;
        }
        Shard part = shard();
        if (plan) {
            planned.warnings().forEach(console::warn);
            List<Plan.Item> items = part == null ? planned.items() : part.select(planned.items());
            Summary.plan(console, items, asked.policies(), settings.targets());
            if (part != null) {
                console.info("shard " + part + ": " + items.size() + " of the list's " + planned.items().size() + " image(s)"
                        + (asked.policies().isEmpty() ? "" : "; the images tag policies choose are shared out when the run lists them"));
            }
            return 0;
        }
        if (settings.targets().isEmpty()) {
            throw new UsageError("no target configured: set ALIYUN_REGISTRY, ALIYUN_NAMESPACE, ALIYUN_USERNAME and ALIYUN_PASSWORD, "
                    + "and/or GHCR_TOKEN (or GITHUB_TOKEN) with GHCR_NAMESPACE and GHCR_USERNAME; or use --plan to only check the list");
        }
        if (jobs < 1 || registryRequests < 1 || pullReserve < 0) {
            throw new UsageError("--jobs and --registry-requests must be at least 1, --pull-reserve at least 0");
        }
        String unwritable = report == null ? null : Report.unwritable(report);
        if (unwritable != null) {
            throw new UsageError("--report " + report + ": " + unwritable);
        }
        hideSecrets(settings);
        Duration timeout = imageTimeout();
        Path privateDir = Auth.createPrivateDir(env, console::warn);
        try {
            return run(asked, part, settings, privateDir, timeout, started);
        } finally {
            Outcome.deleteQuietly(privateDir, console);
        }
    }

    /** Every mistake in the list at once, then exit 2: nothing was copied. */
    private int refuse(List<String> problems) {
        problems.forEach(console::error);
        console.error(problems.size() + " problem(s) found; nothing was copied. Fix them and run again.");
        return USAGE;
    }

    private int run(Inputs.Asked asked, Shard part, Settings settings, Path privateDir, Duration timeout, long started) throws Exception {
        Outcome outcome = new Outcome(console, part, env.get("GITHUB_STEP_SUMMARY"), report, !dryRun, started);
        Set<String> insecure = insecure();
        Path authFile = Auth.createAuthFile(privateDir, env);
        Map<String, Login> logins = new HashMap<>(Auth.logins(authFile));
        settings.targets().forEach(t -> logins.put(t.registry(), new Login(t.username(), t.secret())));
        if (settings.dockerHubToken() != null) {
            logins.put(ImageRef.DOCKER_HUB, new Login(settings.dockerHubUser(), settings.dockerHubToken()));
        }
        RegistryClient client = new RegistryClient(logins, insecure, registryRequests, env);
        CountingRunner counting = new CountingRunner(runner);
        Engines engines = Engines.choose(engine, env, runner, counting, authFile, privateDir, insecure, minFreeGb);
        engines.warnings().forEach(console::warn);
        List<String> failures = new Logins(client, engines.skopeo(), engines.docker(), authFile, retry, console)
                .all(settings, asked.specs().stream().anyMatch(s -> s.source().registry().equals(ImageRef.DOCKER_HUB)));
        if (!failures.isEmpty()) {
            failures.forEach(console::error);
            throw new UsageError("login failed; nothing was copied");
        }
        outcome.phase("login");
        TagExpansion.Result expanded = TagExpansion.expand(imagesFile.toString(), asked.policies(), client, engines.skopeo(), retry, maxTags,
                settings.targets(), timeout, console);
        List<ImageSpec> specs = new ArrayList<>(asked.named());
        specs.addAll(expanded.specs());
        Plan.Result planned = Plan.of(imagesFile.toString(), specs, settings.targets());
        List<String> problems = new ArrayList<>(expanded.errors());
        problems.addAll(planned.errors());
        if (!problems.isEmpty()) {
            return refuse(problems);
        }
        planned.warnings().forEach(console::warn);
        List<Plan.Item> items = part == null ? planned.items() : part.select(planned.items());

        SyncState state = SyncState.load(stateFile(), console::warn);
        Syncer syncer = new Syncer(engines.inspector(), engines.copier(), retry, settings.targets(), new Syncer.Options(force, dryRun),
                new Syncer.Cheap(client, state, new PullBudget(client, pullReserve)));
        console.info("image-sync: " + items.size() + " image(s) → " + String.join(", ", settings.targets().stream()
                .map(t -> t.id() + " " + t.registry() + "/" + t.namespace()).toList()) + " (" + engines.description() + ", "
                + Math.min(jobs, items.size()) + " job(s), " + Deadline.format(timeout) + " per image" + (dryRun ? ", dry run" : "") + (force ? ", forced" : "") + ")");
        syncer.prefetch(items, Job.outside(timeout, console::warn));
        outcome.logQuotas(client.rateLimits(), pullReserve);
        Batch batch = new Batch(syncer, console, jobs, timeout, privateDir, Batch.HEARTBEAT);
        Thread onSignal = new Thread(() -> {
            batch.cancel();
            outcome.finish(concat(expanded.failed(), batch.results()), state, client, counting);
        }, "image-sync-cancel");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            return outcome.finish(concat(expanded.failed(), batch.run(items)), state, client, counting);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException e) {
                // Shutting down already: the hook finishes the run.
            }
        }
    }

    private static List<Report.ImageResult> concat(List<Report.ImageResult> first, List<Report.ImageResult> then) {
        List<Report.ImageResult> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }

    private void hideSecrets(Settings settings) {
        settings.targets().forEach(t -> console.hide(t.secret(), t.secretVariable()));
        console.hide(settings.dockerHubToken(), "DOCKERHUB_TOKEN");
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

    private Duration imageTimeout() {
        try {
            return Deadline.parse(imageTimeout == null || imageTimeout.isBlank() ? "30m" : imageTimeout);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--image-timeout: " + e.getMessage());
        }
    }

    private Path stateFile() {
        if (stateFile != null && !stateFile.toString().isBlank()) {
            return stateFile;
        }
        String cache = Env.value(env, "XDG_CACHE_HOME");
        Path base = cache != null ? Path.of(cache) : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache");
        return base.resolve("image-sync").resolve("state.json");
    }
}
