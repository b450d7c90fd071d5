package lib.run;

import lib.core.Commands;
import lib.core.Context;
import lib.core.ImageRef;
import lib.core.Platforms;
import lib.core.Retry;
import lib.core.SyncError;
import lib.core.UsageError;
import lib.doctor.Doctor;
import lib.engine.CountingRunner;
import lib.engine.Engines;
import lib.engine.ProcessRunner;
import lib.list.ImageList;
import lib.list.ImageSpec;
import lib.list.Inputs;
import lib.list.ListAppend;
import lib.list.Plan;
import lib.list.Shard;
import lib.list.StackImages;
import lib.registry.RateLimits;
import lib.registry.RegistryProbe;
import lib.registry.RegistryClient;
import lib.report.Console;
import lib.report.Outcome;
import lib.report.Report;
import lib.report.Summary;
import lib.settings.Auth;
import lib.settings.Settings;
import lib.sync.Batch;
import lib.sync.ImageResult;
import lib.sync.Logins;
import lib.sync.PullBudget;
import lib.sync.Reachability;
import lib.sync.SyncState;
import lib.sync.Syncer;
import lib.sync.TagExpansion;
import lib.sync.TargetResult;
import lib.sync.Unreachable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One sync, from what was asked to the report: the library call behind sync.java and issue.java. It reads and checks
 * the list, logs in, lists the tags policies choose, plans again with them, syncs the batch and writes the report,
 * the state and the summaries, whichever way the run ends (a SIGINT or SIGTERM included). {@link #plan} and
 * {@link #doctor} stop short of syncing: offline, and online without copying.
 */
public final class SyncRun {
    /** The exit code of everything found wrong before anything is copied. */
    public static final int USAGE = Commands.USAGE;
    /** The most tags one tag-policy line may choose, unless --max-tags says otherwise. */
    public static final int DEFAULT_MAX_TAGS = 50;

    /**
     * Everything a run is asked to do: what to sync ({@code inputs}: the list, or images, with their platform and
     * name), where ({@code to}, as --to takes it; null: SYNC_TARGETS' auto), the report file (null: none), how many
     * tags a policy line may choose, and how the run works ({@code failingDays}: after how many days of failing runs a
     * failure is chronic).
     */
    public record Options(Inputs inputs, String to, Path report, int maxTags, boolean force, boolean dryRun, int jobs,
                          int registryRequests, int pullReserve, Duration imageTimeout, Path stateFile, Shard shard,
                          String engine, double minFreeGb, Set<String> insecure, int failingDays) {}

    /** How a run ended: its exit code, the report (null when it stopped before syncing) and what stopped it. */
    public record Result(int exit, Report report, List<String> problems) {}

    /** The list as read and checked offline, and the settings: what --plan, --doctor and a sync all start from. */
    private record Checked(Settings settings, Inputs.Asked asked, Plan.Result planned, List<String> problems) {}

    private final Map<String, String> env;
    private final ProcessRunner runner;
    private final Retry retry;
    private final Console console;

    public SyncRun(Map<String, String> env, ProcessRunner runner, Retry retry, Console console) {
        this.env = env;
        this.runner = runner;
        this.retry = retry;
        this.console = console;
    }

    /** --plan: parse, name, check for collisions and print where each image would go; nothing is asked online. */
    public int plan(Options o) {
        Checked c = check(o);
        if (!c.problems().isEmpty()) {
            return refuse(c.problems()).exit();
        }
        if (!c.settings().errors().isEmpty()) {
            return stop(c.settings().errors()).exit();
        }
        c.planned().warnings().forEach(console::warn);
        List<Plan.Item> items = o.shard() == null ? c.planned().items() : o.shard().select(c.planned().items());
        Summary.plan(console, items, c.asked().policies(), c.settings().targets());
        if (o.shard() != null) {
            console.info("shard " + o.shard() + ": " + items.size() + " of the list's " + c.planned().items().size() + " image(s)"
                    + (c.asked().policies().isEmpty() ? "" : "; the images tag policies choose are shared out when the run lists them"));
        }
        return 0;
    }

    /** --doctor: a checklist of everything a sync needs, checked online; copies and creates nothing. */
    public int doctor(Options o) throws IOException {
        Checked c = check(o);
        hideSecrets(c.settings());
        return new Doctor(console, env, runner, o.insecure(), o.engine(), o.minFreeGb(), o.pullReserve())
                .run(c.settings(), c.asked(), c.planned(), o.inputs().list());
    }

    /**
     * --from: the images.txt lines the images in a stack's files need (compose files, Kubernetes manifests, helm template
     * output; "-" reads {@code stdin}), printed one a line, or with {@code append} added to that list when it lacks them.
     * Copies nothing. 0 when every image was read (and added or listed already), 1 when one could not be.
     */
    public int from(String from, Path append, InputStream stdin) throws IOException {
        StackImages.Result found;
        try {
            found = StackImages.read(from, stdin);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        found.notes().forEach(console::warn);
        found.problems().forEach(console::error);
        List<ImageSpec> seen = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (StackImages.Found image : found.images()) {
            ImageSpec spec = ImageList.parseLine(null, image.image(), Platforms.DEFAULT, ImageRef.DOCKER_HUB);
            if (seen.stream().noneMatch(spec::sameAs)) {
                seen.add(spec);
                lines.add(image.image());
            }
        }
        if (lines.isEmpty() && found.problems().isEmpty()) {
            console.warn("--from " + from + ": no image found (Compose: services.*.image; Kubernetes: containers, initContainers, ephemeralContainers)");
        }
        if (append == null) {
            lines.forEach(console::info);
            return found.problems().isEmpty() ? 0 : 1;
        }
        ListAppend.Appended appended = ListAppend.to(append, "# from " + from + " (sync.java --from)", lines, List.of());
        appended.added().forEach(line -> console.info("added: " + line));
        appended.refused().forEach(line -> console.error("not added: " + line));
        console.info(append + ": " + appended.added().size() + " line(s) added, " + appended.present().size() + " already listed");
        return found.problems().isEmpty() && appended.refused().isEmpty() ? 0 : 1;
    }

    /**
     * The sync. Bad options are a {@link UsageError}; anything else found before copying ends the run with exit 2.
     * Once the options are good, a SIGINT or SIGTERM at any moment still ends with a report (see {@link Ending}).
     */
    public Result sync(Options o) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Checked c = check(o);
        if (!c.problems().isEmpty()) {
            return refuse(c.problems());
        }
        if (!c.settings().errors().isEmpty()) {
            return stop(c.settings().errors());
        }
        if (c.settings().targets().isEmpty()) {
            throw new UsageError("no target configured: set ALIYUN_REGISTRY, ALIYUN_NAMESPACE, ALIYUN_USERNAME and ALIYUN_PASSWORD, "
                    + "and/or GHCR_TOKEN (or GITHUB_TOKEN) with GHCR_NAMESPACE and GHCR_USERNAME; or use --plan to only check the list");
        }
        String unwritable = o.report() == null ? null : Report.unwritable(o.report());
        if (unwritable != null) {
            throw new UsageError("--report " + o.report() + ": " + unwritable);
        }
        Path state = stateFile(o);
        if (Files.exists(state) && !Files.isRegularFile(state) && !Files.isDirectory(state)) {
            // Reading a FIFO waits for a writer that may never come.
            throw new UsageError("--state " + state + " is not a regular file (a FIFO or a device?): give a file path, or leave --state out");
        }
        hideSecrets(c.settings());
        Outcome outcome = new Outcome(console, o.shard(), env.get("GITHUB_STEP_SUMMARY"), o.report(), !o.dryRun(), o.failingDays(), started);
        Ending ending = new Ending(outcome, c.settings().targets(), console);
        ending.planned(mine(o.shard(), c.planned().items()), c.asked().policies().stream().filter(line -> owns(o.shard(), line)).toList());
        Thread onSignal = new Thread(ending::interrupted, "image-sync-cancel");
        Runtime.getRuntime().addShutdownHook(onSignal);
        Path privateDir = null;
        try {
            privateDir = Auth.createPrivateDir(env, console);
            ending.privateDir(privateDir);
            return run(o, c, ending, outcome, privateDir);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
                if (privateDir != null) {
                    Auth.deletePrivateDir(privateDir, console);
                }
            } catch (IllegalStateException e) {
                // Shutting down already: the hook finishes the run and removes the private directory.
            }
        }
    }

    private Checked check(Options o) {
        Settings settings = Settings.from(env, o.to());
        settings.notes().forEach(n -> console.info("note: " + n));
        Inputs.Asked asked;
        try {
            asked = Inputs.read(o.inputs(), console);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        Plan.Result planned = Plan.of(o.inputs().list(), asked.named(), settings.targets());
        List<String> problems = new ArrayList<>(asked.errors());
        problems.addAll(planned.errors());
        return new Checked(settings, asked, planned, problems);
    }

    private Result run(Options o, Checked c, Ending ending, Outcome outcome, Path privateDir) throws IOException, InterruptedException {
        Settings settings = c.settings();
        Path authFile = Auth.createAuthFile(privateDir, env);
        RegistryClient client = new RegistryClient(settings.logins(Auth.logins(authFile)), o.insecure(), o.registryRequests(), env);
        CountingRunner counting = new CountingRunner(runner);
        SyncState state = SyncState.load(stateFile(o), console);
        ending.working(state, () -> costs(client, counting));
        Engines engines = Engines.choose(o.engine(), env, runner, counting, authFile, privateDir, o.insecure(), o.minFreeGb());
        engines.warnings().forEach(console::warn);
        boolean readsDockerHub = c.asked().specs().stream().anyMatch(s -> s.source().registry().equals(ImageRef.DOCKER_HUB));
        Reachability hosts = reachability(o, c);
        List<String> failures = new Logins(client, engines.skopeo(), engines.docker(), authFile, hosts, console).all(settings, readsDockerHub);
        if (!failures.isEmpty()) {
            failures.add("login failed; nothing was copied");
            return stop(failures);
        }
        outcome.phase("login");

        String list = o.inputs().list();
        Syncer syncer = new Syncer(client, engines.inspector(), engines.copier(), hosts, settings.targets(), new Syncer.Options(o.force(), o.dryRun()),
                state, new PullBudget(client, o.pullReserve()));
        TagExpansion.Result expanded = TagExpansion.expand(list, c.asked().policies(), syncer, o.maxTags(), o.imageTimeout(), console);
        // The tags the policies chose are named and checked for collisions like every other line; a tag that collides fails
        // its line's image (a new tag upstream must not stop a list that was valid yesterday), the rest goes on.
        List<ImageSpec> specs = new ArrayList<>(c.asked().named());
        specs.addAll(expanded.specs());
        Plan.Result planned = Plan.of(list, specs, settings.targets());
        List<ImageResult> failed = new ArrayList<>(failedHere(o.shard(), expanded.failed()));
        List<String> problems = new ArrayList<>();
        for (Plan.Refused refused : planned.refused()) {
            if (refused.spec().policy() == null) {
                problems.add(refused.error());
            } else if (owns(o.shard(), refused.spec())) {
                failed.add(ImageResult.of(refused.spec(), settings.targets().stream().map(t -> TargetResult.At.of(t,
                        refused.spec().targetName(t.naming()), System.nanoTime()).failed(SyncError.Kind.PERMANENT, refused.error(), null)).toList()));
            }
        }
        if (!problems.isEmpty()) {
            return refuse(problems);
        }
        planned.warnings().forEach(console::warn);
        List<Plan.Item> items = mine(o.shard(), planned.items());
        ending.expanded(items, failed);

        console.info("image-sync: " + items.size() + " image(s) → " + String.join(", ", settings.targets().stream()
                .map(t -> t.id() + " " + t.registry() + "/" + t.namespace()).toList()) + " (" + engines.description() + ", "
                + Math.min(o.jobs(), items.size()) + " job(s), " + lib.core.Deadline.format(o.imageTimeout()) + " per image"
                + (o.dryRun() ? ", dry run" : "") + (o.force() ? ", forced" : "") + ")");
        syncer.prefetch(items, Context.outside(o.imageTimeout(), console));
        Batch batch = new Batch(syncer, console, o.jobs(), o.imageTimeout(), privateDir, Batch.HEARTBEAT);
        ending.running(batch);
        Report report = ending.finish(batch.run(items));
        return new Result(outcome.exit(), report, List.of());
    }

    /** This shard's part of the plan: all of it when the run is not split. */
    private static List<Plan.Item> mine(Shard shard, List<Plan.Item> items) {
        return shard == null ? items : shard.select(items);
    }

    /**
     * This shard's part of the lines that failed before their tags were chosen: each such line is reported by exactly
     * one shard (by the same stable hash as images), so the shards' reports merge.
     */
    private static List<ImageResult> failedHere(Shard shard, List<ImageResult> failedLines) {
        return shard == null ? failedLines : failedLines.stream().filter(r -> shard.owns(r.source() + " " + r.platform() + " " + r.policy())).toList();
    }

    /** Whether this shard reports a tag-policy line's own failure (or its tags' collisions): the same line in every shard. */
    private static boolean owns(Shard shard, ImageSpec line) {
        return shard == null || shard.owns(line.source().withTag(null).display() + " " + line.platform() + " " + line.text());
    }

    /**
     * The run's verdicts on hosts, judged as --doctor judges them: a target's registry, Docker Hub, the mirror Docker Hub
     * names are read through, or a host the list names.
     */
    private Reachability reachability(Options o, Checked c) {
        RegistryProbe probe = new RegistryProbe(o.insecure(), env);
        Set<String> mirrors = new HashSet<>();
        c.asked().specs().stream().filter(s -> s.source().dockerHubNamed()).forEach(s -> mirrors.add(s.source().registry()));
        return new Reachability(retry, probe::ping, host -> Unreachable.check(host, c.settings().targets(), mirrors.contains(host)));
    }

    /** Every mistake in the list at once, then exit 2: nothing was copied. */
    private Result refuse(List<String> problems) {
        List<String> said = new ArrayList<>(problems);
        said.add(problems.size() + " problem(s) found; nothing was copied. Fix them and run again.");
        return stop(said);
    }

    private Result stop(List<String> problems) {
        problems.forEach(console::error);
        return new Result(USAGE, null, List.copyOf(problems));
    }

    private void hideSecrets(Settings settings) {
        settings.targets().forEach(t -> console.hide(t.secret(), t.secretVariable()));
        console.hide(settings.dockerHubToken(), "DOCKERHUB_TOKEN");
    }

    private Path stateFile(Options o) {
        if (o.stateFile() != null && !o.stateFile().toString().isBlank()) {
            return o.stateFile();
        }
        String cache = lib.core.Env.value(env, "XDG_CACHE_HOME");
        Path base = cache != null ? Path.of(cache) : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache");
        return base.resolve("image-sync").resolve("state.json");
    }

    private static Map<String, Report.Quota> quotas(RateLimits limits) {
        Map<String, Report.Quota> quotas = new TreeMap<>();
        for (String registry : limits.registries()) {
            quotas.put(registry, new Report.Quota(limits.first(registry).limit(), limits.first(registry).remaining(), limits.last(registry).remaining()));
        }
        return quotas;
    }

    private static Outcome.Costs costs(RegistryClient client, CountingRunner counting) {
        return new Outcome.Costs(client.requests(), counting.started(), quotas(client.rateLimits()));
    }

}
