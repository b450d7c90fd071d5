///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS org.zeroturnaround:zt-exec:1.12
//DEPS org.slf4j:slf4j-nop:1.7.36
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//DEPS commons-io:commons-io:2.18.0
//SOURCES lib/Auth.java
//SOURCES lib/Console.java
//SOURCES lib/CountingRunner.java
//SOURCES lib/Copier.java
//SOURCES lib/Decision.java
//SOURCES lib/DockerCli.java
//SOURCES lib/Env.java
//SOURCES lib/ImageList.java
//SOURCES lib/ImageRef.java
//SOURCES lib/ImageSpec.java
//SOURCES lib/Inspector.java
//SOURCES lib/Json.java
//SOURCES lib/Lazy.java
//SOURCES lib/Manifests.java
//SOURCES lib/Plan.java
//SOURCES lib/Platform.java
//SOURCES lib/ProcessRunner.java
//SOURCES lib/PullBudget.java
//SOURCES lib/RegistryClient.java
//SOURCES lib/Report.java
//SOURCES lib/Retry.java
//SOURCES lib/Secret.java
//SOURCES lib/Settings.java
//SOURCES lib/Skopeo.java
//SOURCES lib/Summary.java
//SOURCES lib/SyncError.java
//SOURCES lib/SyncState.java
//SOURCES lib/Syncer.java
//SOURCES lib/Target.java
//SOURCES lib/TargetName.java
//SOURCES lib/ZtExecRunner.java

import org.apache.commons.io.file.PathUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

@Command(name = "sync", mixinStandardHelpOptions = true, version = "image-sync 0.1.0",
        description = "Copies container images (Docker Hub or any registry) into your Aliyun Container Registry and/or GHCR, "
                + "one platform per image, skipping what is already there.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image synced, skipped or deferred", "1:at least one image failed (the others were still processed)",
                "2:bad usage, bad list, bad or missing settings, failed login (nothing was copied)"})
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

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", defaultValue = "linux/amd64",
            description = "Platform for IMAGE arguments and list lines without one (default: ${DEFAULT-VALUE}).")
    String platform;

    @Option(names = "--name", paramLabel = "NAME[:TAG]", description = "Explicit target name; only with exactly one IMAGE.")
    String name;

    @Option(names = "--force", arity = "0..1", fallbackValue = "true", converter = Flag.class, paramLabel = "true|false",
            description = "Copy even when the target is already up to date.")
    boolean force;

    @Option(names = "--plan", description = "Offline: parse, name, check for collisions and print the source → target table.")
    boolean plan;

    @Option(names = "--dry-run", description = "Do every check but copy nothing.")
    boolean dryRun;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report to FILE.")
    Path report;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "4", description = "Images processed concurrently (default: ${DEFAULT-VALUE}).")
    int jobs;

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

    Map<String, String> env = System.getenv();
    ProcessRunner runner = new ZtExecRunner();
    Retry retry = Retry.standard();

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

    /** A user mistake: one clean message, exit 2, nothing copied. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine(new sync()).execute(args));
    }

    static CommandLine commandLine(sync command) {
        return new CommandLine(command)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("sync: " + (e instanceof UsageError ? "" : "internal error: ") + e.getMessage());
                    return e instanceof UsageError ? USAGE : 1;
                });
    }

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        Console console = new Console(System.out, System.err, "true".equals(env.get("GITHUB_ACTIONS")));
        String registry = sourceRegistry == null || sourceRegistry.isBlank() ? ImageRef.DOCKER_HUB : sourceRegistry.strip().toLowerCase(Locale.ROOT);
        Plan.Result planned = plan(console, registry);
        if (!planned.errors().isEmpty()) {
            planned.errors().forEach(console::error);
            console.error(planned.errors().size() + " problem(s) found; nothing was copied. Fix them and run again.");
            return USAGE;
        }
        Settings settings = Settings.from(env, to);
        boolean targetsRequired = !plan || (to != null && !to.isBlank());
        if (targetsRequired && !settings.errors().isEmpty()) {
            settings.errors().forEach(console::error);
            return USAGE;
        }
        if (plan) {
            printPlan(console, planned.items(), settings.targets());
            return 0;
        }
        if (settings.targets().isEmpty()) {
            throw new UsageError("no target configured: set ALIYUN_REGISTRY, ALIYUN_NAMESPACE, ALIYUN_USERNAME and ALIYUN_PASSWORD, "
                    + "and/or GHCR_TOKEN (or GITHUB_TOKEN) with GHCR_NAMESPACE and GHCR_USERNAME; or use --plan to only check the list");
        }
        if (jobs < 1 || registryRequests < 1 || pullReserve < 0) {
            throw new UsageError("--jobs and --registry-requests must be at least 1, --pull-reserve at least 0");
        }
        settings.targets().forEach(t -> console.hide(t.secret()));
        console.hide(settings.dockerHubToken());
        String skopeoVersion = null;
        try {
            skopeoVersion = Skopeo.version(runner);
        } catch (ProcessRunner.NotFound e) {
            // No skopeo: the docker engine can still do the work.
        }
        String engineName = engine == null || engine.isBlank() ? (skopeoVersion != null ? "skopeo" : "docker") : engine.strip().toLowerCase(Locale.ROOT);
        if (!List.of("skopeo", "docker").contains(engineName)) {
            throw new UsageError("--engine must be skopeo or docker, not '" + engine + "'");
        }
        if (engineName.equals("skopeo") && skopeoVersion == null) {
            throw new UsageError("skopeo is not installed: install it (Debian/Ubuntu: sudo apt-get install skopeo; macOS: brew install skopeo) "
                    + "and run again, or use --engine docker");
        }
        String dockerBinary = engineName.equals("docker") ? dockerBinary(skopeoVersion) : null;
        Path privateDir = Auth.createPrivateDir();
        Thread cleanup = new Thread(() -> deleteQuietly(privateDir));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return run(console, planned.items(), settings, privateDir, skopeoVersion, dockerBinary, started);
        } finally {
            deleteQuietly(privateDir);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private Plan.Result plan(Console console, String registry) {
        Platform defaultPlatform;
        if (name != null && name.isBlank()) {
            name = null;
        }
        try {
            defaultPlatform = platform == null || platform.isBlank() ? Platform.DEFAULT : Platform.parse(platform.strip());
        } catch (IllegalArgumentException e) {
            throw new UsageError("--platform: " + e.getMessage());
        }
        List<String> errors = new ArrayList<>();
        List<ImageSpec> specs = new ArrayList<>();
        String file = imagesFile.toString();
        if (images.stream().anyMatch(String::isBlank)) {
            throw new UsageError("an IMAGE argument is empty: give an image such as nginx:alpine");
        }
        if (!images.isEmpty()) {
            if (name != null && images.size() != 1) {
                throw new UsageError("--name needs exactly one IMAGE argument (got " + images.size() + ")");
            }
            for (String image : images) {
                try {
                    ImageSpec spec = ImageList.parseLine(null, image, defaultPlatform, registry);
                    specs.add(name == null ? spec : new ImageSpec(null, spec.text(), spec.source(), spec.platform(), name));
                } catch (IllegalArgumentException e) {
                    errors.add("'" + image + "': " + e.getMessage());
                }
            }
        } else {
            if (name != null) {
                throw new UsageError("--name needs exactly one IMAGE argument, not a list file");
            }
            String content;
            try {
                content = Files.readString(imagesFile, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new UsageError(file + " not found: create it (one image per line), pass another with -f FILE, or give images as arguments");
            } catch (IOException e) {
                throw new UsageError("cannot read " + file + ": " + e.getMessage());
            }
            ImageList.Parsed parsed = ImageList.parse(file, content, defaultPlatform, registry);
            parsed.warnings().forEach(console::warn);
            errors.addAll(parsed.errors());
            specs.addAll(parsed.images());
        }
        Plan.Result named = Plan.of(file, specs);
        errors.addAll(named.errors());
        if (errors.isEmpty() && named.items().isEmpty()) {
            throw new UsageError(file + " lists no images: add one image per line, e.g. nginx:alpine");
        }
        return new Plan.Result(named.items(), errors);
    }

    private void printPlan(Console console, List<Plan.Item> items, List<Target> targets) {
        console.info(String.format(Locale.ROOT, "%-6s %-48s %-14s %s", "LINE", "SOURCE", "PLATFORM", "TARGET"));
        for (Plan.Item item : items) {
            ImageSpec spec = item.spec();
            List<String> destinations = new ArrayList<>();
            if (targets.isEmpty()) {
                destinations.add("<registry>/<namespace>/" + item.name());
            }
            targets.forEach(t -> destinations.add(t.id() + " " + t.reference(item.name())));
            for (String destination : destinations) {
                console.info(String.format(Locale.ROOT, "%-6s %-48s %-14s → %s", spec.line() == null ? "-" : spec.line(),
                        spec.source().display(), spec.platform(), destination));
            }
        }
        console.info(items.size() + " image(s)" + (targets.isEmpty()
                ? "; no target configured yet (set the ALIYUN_* or GHCR_* variables to see full target names)" : ""));
    }

    /** The docker-compatible CLI to use: DOCKER, else docker; it must answer, and podman cannot inspect without skopeo. */
    private String dockerBinary(String skopeoVersion) {
        String binary = Env.value(env, "DOCKER") != null ? Env.value(env, "DOCKER") : "docker";
        try {
            if (!runner.run(new ProcessRunner.Command(List.of(binary, "--version"), Skopeo.INSPECT_TIMEOUT)).ok()) {
                throw new UsageError(binary + " --version failed: check that " + binary + " works, or set DOCKER to a docker-compatible CLI");
            }
        } catch (ProcessRunner.NotFound e) {
            throw new UsageError(binary + " is not installed: install Docker, set DOCKER to a compatible CLI such as podman, or install skopeo");
        }
        return binary;
    }

    private int run(Console console, List<Plan.Item> items, Settings settings, Path privateDir, String skopeoVersion,
                    String dockerBinary, long started) throws Exception {
        Map<String, Double> phases = new java.util.LinkedHashMap<>();
        phases.put("plan", seconds(started));
        long phase = System.nanoTime();
        Set<String> insecure = new LinkedHashSet<>();
        if (insecureRegistries != null) {
            insecureRegistries.stream().map(String::strip).filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT)).forEach(insecure::add);
        }
        Path authFile = Auth.createAuthFile(privateDir, env);
        Map<String, RegistryClient.Login> logins = new java.util.HashMap<>(Auth.logins(authFile));
        settings.targets().forEach(t -> logins.put(t.registry(), new RegistryClient.Login(t.username(), t.secret())));
        if (settings.dockerHubToken() != null) {
            logins.put(ImageRef.DOCKER_HUB, new RegistryClient.Login(settings.dockerHubUser(), settings.dockerHubToken()));
        }
        RegistryClient client = new RegistryClient(logins, insecure, registryRequests, env, Retry.Sleeper.SYSTEM);
        CountingRunner counting = new CountingRunner(runner);
        Skopeo skopeo = skopeoVersion == null ? null : new Skopeo(counting, authFile, insecure, Skopeo.supportsPreserveDigests(skopeoVersion));
        DockerCli docker = null;
        if (dockerBinary != null) {
            Path dockerConfig = Files.createDirectory(privateDir.resolve("docker"),
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            docker = new DockerCli(counting, dockerBinary, dockerConfig, insecure, minFreeGb);
            if (!insecure.isEmpty() && !dockerBinary.contains("podman")) {
                console.warn("docker takes insecure registries from its daemon's configuration (insecure-registries in daemon.json); "
                        + "--insecure-registry applies to the checks only");
            }
        }
        login(console, new Login(skopeo, docker, client, authFile), items, settings);
        Inspector inspector = skopeo != null ? skopeo : docker;
        Copier copier = docker != null ? docker : skopeo;
        phases.put("login", seconds(phase));
        phase = System.nanoTime();

        SyncState state = SyncState.load(stateFile(), console::warn);
        Syncer.Cheap cheap = new Syncer.Cheap(client, state, new PullBudget(client, pullReserve));
        List<Target> targets = settings.targets();
        console.info("image-sync: " + items.size() + " image(s) → " + String.join(", ", targets.stream().map(t -> t.id() + " " + t.registry() + "/" + t.namespace()).toList())
                + " (" + (docker != null ? "docker engine: " + dockerBinary : skopeoVersion) + ", " + jobs + " job(s)" + (dryRun ? ", dry run" : "") + (force ? ", forced" : "") + ")");
        Syncer syncer = new Syncer(inspector, copier, retry, targets, new Syncer.Options(force, dryRun), privateDir, cheap);
        probeQuotas(console, syncer, client, items);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, items.size()));
        List<Future<Report.ImageResult>> futures = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Plan.Item item = items.get(i);
            Console.ImageLog log = console.image(i + 1, items.size(), item.spec());
            futures.add(pool.submit(() -> {
                try {
                    return syncer.sync(item.spec(), item.name(), log);
                } finally {
                    log.flush();
                }
            }));
        }
        pool.shutdown();
        List<Report.ImageResult> results = new ArrayList<>();
        for (Future<Report.ImageResult> f : futures) {
            results.add(f.get());
        }
        phases.put("sync", seconds(phase));
        if (!dryRun) {
            try {
                state.save();
            } catch (IOException e) {
                console.warn("could not save the state file " + stateFile() + ": " + e.getMessage() + " (the next run checks every source in full)");
            }
        }
        phases.put("total", seconds(started));
        Report result = Report.of(results).withStats(new Report.Stats(client.requests(), counting.started(), phases, quotas(client)));
        Summary.print(console, items, result);
        logQuotas(console, result.stats().rateLimits());
        console.stepSummary(env.get("GITHUB_STEP_SUMMARY"), Summary.markdown(items, result));
        if (report != null) {
            result.write(report);
            console.info("report written to " + report);
        }
        return result.summary().failed() > 0 ? 1 : 0;
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e7) / 100.0;
    }

    private Path stateFile() {
        if (stateFile != null && !stateFile.toString().isBlank()) {
            return stateFile;
        }
        String cache = Env.value(env, "XDG_CACHE_HOME");
        Path base = cache != null ? Path.of(cache) : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache");
        return base.resolve("image-sync").resolve("state.json");
    }

    /** One HEAD per source registry before the run, so the quota it announces is known (and logged) from the start. */
    private void probeQuotas(Console console, Syncer syncer, RegistryClient client, List<Plan.Item> items) {
        Set<String> seen = new LinkedHashSet<>();
        for (Plan.Item item : items) {
            if (seen.add(item.spec().source().registry())) {
                syncer.probe(item.spec());
            }
        }
        for (String registry : client.rateLimitedRegistries()) {
            RegistryClient.RateLimit q = client.firstRateLimit(registry);
            console.info("pull quota at " + registry + ": " + q.remaining() + " of " + q.limit() + " left (keeping " + pullReserve + " in reserve)");
        }
    }

    private static Map<String, Report.Quota> quotas(RegistryClient client) {
        Map<String, Report.Quota> out = new java.util.TreeMap<>();
        for (String registry : client.rateLimitedRegistries()) {
            RegistryClient.RateLimit first = client.firstRateLimit(registry);
            out.put(registry, new Report.Quota(first.limit(), first.remaining(), client.lastRateLimit(registry).remaining()));
        }
        return out;
    }

    private static void logQuotas(Console console, Map<String, Report.Quota> quotas) {
        quotas.forEach((registry, q) -> console.info("pull quota at " + registry + ": " + q.remainingAtStart() + " of " + q.limit()
                + " left at the start, " + q.remainingAtEnd() + " at the end"));
    }

    /**
     * What logging in needs: the registry client checks, skopeo decides when the client cannot (either may be
     * absent), and the docker engine gets its own login in its private config.
     */
    private record Login(Skopeo skopeo, DockerCli docker, RegistryClient client, Path authFile) {}

    /** Logs in before anything is copied, so wrong credentials stop the run with a clear message instead of failing every image. */
    private void login(Console console, Login via, List<Plan.Item> items, Settings settings) {
        List<String> failures = new ArrayList<>();
        for (Target t : settings.targets()) {
            loginTo(console, via, t.registry(), t.username(), t.secret(), t::loginHint, failures);
        }
        boolean readsDockerHub = items.stream().anyMatch(i -> i.spec().source().registry().equals(ImageRef.DOCKER_HUB));
        if (settings.dockerHubToken() != null && readsDockerHub) {
            loginTo(console, via, ImageRef.DOCKER_HUB, settings.dockerHubUser(), settings.dockerHubToken(),
                    e -> "check DOCKERHUB_USERNAME and DOCKERHUB_TOKEN", failures);
        }
        if (!failures.isEmpty()) {
            failures.forEach(console::error);
            throw new UsageError("login failed; nothing was copied");
        }
    }

    private void loginTo(Console console, Login via, String registry, String user, Secret secret,
                         java.util.function.Function<SyncError, String> hint, List<String> failures) {
        try {
            RegistryClient.Login login = new RegistryClient.Login(user, secret);
            if (via.client().accepts(registry, login)) {
                Auth.addLogin(via.authFile(), registry, login);
            } else if (via.skopeo() != null) {
                login(console, registry, () -> via.skopeo().login(registry, user, secret));
            }
            if (via.docker() != null) {
                login(console, registry, () -> via.docker().login(registry, user, secret));
            }
            console.info("logged in to " + registry + " as " + user);
        } catch (SyncError e) {
            failures.add(e.getMessage() + " — " + hint.apply(e));
        } catch (IOException e) {
            failures.add("could not write the run's private auth file: " + e.getMessage());
        }
    }

    private void login(Console console, String registry, java.util.function.Supplier<ProcessRunner.Result> login) {
        retry.run(() -> {
            ProcessRunner.Result r = login.get();
            if (!r.ok()) {
                throw SyncError.fromTool("login to " + registry, r);
            }
            return null;
        }, console::warn);
    }

    private static void deleteQuietly(Path dir) {
        try {
            if (Files.exists(dir)) {
                PathUtils.deleteDirectory(dir);
            }
        } catch (IOException e) {
            System.err.println("warning: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
