package lib.doctor;

import lib.core.Env;
import lib.core.ErrorLine;
import lib.core.ImageRef;
import lib.core.Login;
import lib.core.Target;
import lib.core.UsageError;
import lib.engine.DockerCli;
import lib.engine.Engines;
import lib.engine.ProcessRunner;
import lib.list.ImageSpec;
import lib.list.Inputs;
import lib.list.Plan;
import lib.registry.Http;
import lib.registry.RateLimits;
import lib.registry.RegistryProbe;
import lib.report.Console;
import lib.settings.Auth;
import lib.settings.Settings;
import lib.sync.PullBudget;
import lib.sync.Unreachable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * --doctor: everything a sync needs, checked online without copying or creating anything, as a checklist a
 * newcomer can act on. The settings and the list (as --plan checks it), the engine, each target (reachable,
 * login accepted, push permission, ACR Personal Edition's repository limit, GHCR's namespace and token) and each
 * source registry (reachable; the pull quota). Lines are "✓ …", "✗ … — fix: …" or "! … — why"; a ✗ is a
 * check the sync needs and makes the exit code 2, a "!" is worth knowing but stops nothing.
 */
public final class Doctor {
    /** The exit code when a required check fails: the one sync uses for bad settings, found before anything is copied. */
    public static final int PROBLEMS = 2;
    /** What ACR Personal Edition (个人版) holds at most; "near" is from 80 % on. */
    static final int ACR_PERSONAL_REPOSITORIES = 300;
    static final Pattern ACR_PERSONAL = Pattern.compile("registry(-[a-z]+)*\\.[a-z0-9-]+\\.aliyuncs\\.com"
            + "|crpi-[a-z0-9]+(-vpc)?\\.[a-z0-9-]+\\.personal\\.cr\\.aliyuncs\\.com");
    /** The image Docker documents for reading the pull quota: a HEAD on it spends no pull. */
    static final String QUOTA_PROBE = "ratelimitpreview/test";
    /** The repository whose push permission is asked when the list has no valid image: a token request creates nothing. */
    static final String ANY_REPOSITORY = "image-sync-doctor";

    enum Mark {
        PASS("✓"), FAIL("✗"), WARN("!");

        final String symbol;

        Mark(String symbol) {
            this.symbol = symbol;
        }
    }

    /** One line of the checklist; {@code note} is the fix of a ✗ or the reason of a "!"; null when the text says it all. */
    record Check(Mark mark, String text, String note) {
        String line() {
            return mark.symbol + " " + text + (note == null ? "" : (mark == Mark.FAIL ? " — fix: " : " — ") + note);
        }
    }

    private final Console console;
    private final Map<String, String> env;
    private final ProcessRunner runner;
    private final Set<String> insecure;
    private final String engine;
    private final double minFreeGb;
    private final int pullReserve;
    private final RegistryProbe probe;
    private final List<Check> checks = new ArrayList<>();

    public Doctor(Console console, Map<String, String> env, ProcessRunner runner, Set<String> insecure, String engine, double minFreeGb, int pullReserve) {
        this.console = console;
        this.env = env;
        this.runner = runner;
        this.insecure = insecure;
        this.engine = engine;
        this.minFreeGb = minFreeGb;
        this.pullReserve = pullReserve;
        this.probe = new RegistryProbe(insecure, env);
    }

    /** Runs every check, printing each line as soon as it is known (a slow registry should not look like a hang); returns the exit code. */
    public int run(Settings settings, Inputs.Asked asked, Plan.Result planned, String list) throws IOException {
        console.info("image-sync doctor: checking settings, engine, registries and the list (nothing is copied or created)");
        settings.errors().forEach(e -> add(Mark.FAIL, e, null));
        if (settings.targets().isEmpty() && settings.errors().isEmpty()) {
            add(Mark.FAIL, "no target configured", "set ALIYUN_REGISTRY, ALIYUN_NAMESPACE, ALIYUN_USERNAME and ALIYUN_PASSWORD, "
                    + "and/or GHCR_TOKEN with GHCR_NAMESPACE and GHCR_USERNAME");
        }
        Path privateDir = Auth.createPrivateDir(env, console::warn);
        try {
            engine(privateDir);
            for (Target t : settings.targets()) {
                target(t, repositories(planned, asked.policies(), t));
            }
            // The logins a sync reads sources with: the user's saved ones (docker login, skopeo login), the targets', Docker Hub's.
            sources(asked.specs(), settings, settings.logins(Auth.logins(Auth.createAuthFile(privateDir, env))));
        } finally {
            Auth.deletePrivateDir(privateDir, console);
        }
        list(asked, planned, list);
        return finish();
    }

    /** The list as --plan checks it; lines with a tag policy are counted, not expanded (listing tags is the sync's work). */
    private void list(Inputs.Asked asked, Plan.Result planned, String list) {
        asked.errors().forEach(e -> add(Mark.FAIL, e, null));
        planned.errors().forEach(e -> add(Mark.FAIL, e, null));
        planned.warnings().forEach(w -> add(Mark.WARN, w, null));
        if (asked.errors().isEmpty() && planned.errors().isEmpty()) {
            int policies = asked.policies().size();
            add(Mark.PASS, "list " + list + ": " + planned.items().size() + " image(s)" + (policies == 0 ? ""
                    : " and " + policies + " line(s) whose tags are chosen when the sync lists them") + ", all valid", null);
        }
    }

    /** The distinct repositories the list writes in the namespace of {@code t}, in list order; a tag policy line writes one. */
    private static List<String> repositories(Plan.Result planned, List<ImageSpec> policies, Target t) {
        Set<String> names = new LinkedHashSet<>();
        planned.items().forEach(i -> names.add(i.nameAt(t).repository()));
        for (ImageSpec spec : policies) {
            try {
                names.add(spec.withTag("latest").targetName(t.naming()).repository());
            } catch (IllegalArgumentException e) {
                // A bad --name on a policy line is the sync's to report when it expands the line; it names no repository.
            }
        }
        return List.copyOf(names);
    }

    private int finish() {
        long failed = checks.stream().filter(c -> c.mark() == Mark.FAIL).count();
        long warned = checks.stream().filter(c -> c.mark() == Mark.WARN).count();
        console.info(failed == 0
                ? "doctor: every required check passed" + (warned == 0 ? "" : "; " + warned + " note(s) marked !")
                : "doctor: " + failed + " problem(s) to fix (marked ✗); nothing was copied");
        if (ErrorLine.github(env)) {
            // Annotations put the problems on the run's page; the lines above keep the log readable as it is.
            checks.stream().filter(c -> c.mark() == Mark.FAIL).forEach(c -> console.error(c.line()));
            checks.stream().filter(c -> c.mark() == Mark.WARN).forEach(c -> console.warn(c.line()));
        }
        return failed == 0 ? 0 : PROBLEMS;
    }

    private void add(Mark mark, String text, String note) {
        Check check = new Check(mark, text, note);
        checks.add(check);
        console.info(check.line());
    }

    // ---- the engine -----------------------------------------------------------------------------

    private void engine(Path privateDir) throws IOException {
        Engines engines;
        try {
            engines = Engines.choose(engine, env, runner, runner, null, privateDir, insecure, minFreeGb);
        } catch (UsageError e) {
            add(Mark.FAIL, "engine: " + e.getMessage(), null);
            return;
        }
        if (engines.docker() == null) {
            add(Mark.PASS, "engine: " + engines.description(), null);
        } else {
            String binary = Env.value(env, "DOCKER") != null ? Env.value(env, "DOCKER") : "docker";
            ProcessRunner.Result version = runner.run(new ProcessRunner.Command(List.of(binary, "--version"), DockerCli.SHORT_TIMEOUT));
            add(Mark.PASS, "engine: " + binary + (version.ok() ? " (" + version.out().strip() + ")" : "") + ", its daemon answers", null);
            if (engines.skopeo() == null) {
                add(Mark.WARN, "skopeo is not installed", "the docker engine pulls every image to disk and pushes it again; "
                        + "with skopeo (apt-get install skopeo) images go registry to registry");
            }
        }
        engines.warnings().forEach(w -> add(Mark.WARN, "engine", w));
    }

    // ---- targets --------------------------------------------------------------------------------

    private void target(Target t, List<String> repositories) {
        access(t, repositories);
        limits(t, repositories);
    }

    /** Reachable, then login accepted, then push permission: each only once the one before it passed. */
    private void access(Target t, List<String> repositories) {
        String who = t.id();
        String ns = t.registry() + "/" + t.namespace();
        RegistryProbe.Ping ping;
        try {
            ping = probe.ping(t.registry());
        } catch (IOException e) {
            unreachable(who + ": cannot reach " + t.registry(), Unreachable.of(t.registry(), e, Unreachable.check(t.registry(), List.of(t), false)));
            return;
        }
        if (!ping.answersAsRegistry()) {
            add(Mark.FAIL, who + ": " + t.registry() + " answered HTTP " + ping.status() + " to /v2/, which a container registry does not",
                    "check " + t.variables() + "_REGISTRY: the registry's host only, e.g. registry.cn-hangzhou.aliyuncs.com");
            return;
        }
        add(Mark.PASS, who + ": " + t.registry() + " reachable", null);
        Login login = t.login();
        if (ping.open()) {
            add(Mark.WARN, who + ": " + t.registry() + " asks for no login", "an open registry says nothing about pushes until one is tried");
        } else if (login(t, ping, login)) {
            push(t, ping, login, ns, repositories);
        }
    }

    private boolean login(Target t, RegistryProbe.Ping ping, Login login) {
        try {
            if (probe.accepts(t.registry(), ping, login)) {
                add(Mark.PASS, t.id() + ": login accepted for " + t.username(), null);
                return true;
            }
            String check = "check " + t.variables() + "_USERNAME and " + secretVariable(t);
            add(Mark.FAIL, t.id() + ": login refused for " + t.username(), switch (Vendor.of(t)) {
                case ACR -> check + ": the password is the registry password set under 访问凭证 in the ACR console, not your Aliyun account password";
                case GHCR -> check + ": a personal access token (classic) with write:packages";
                case OTHER -> check + ": the login and password (or robot account and its secret) this registry gives for pushing";
            });
        } catch (IOException e) {
            add(Mark.FAIL, t.id() + ": could not check the login (" + Http.describe(e) + ")", "check the network and try again");
        } catch (RegistryProbe.Unclear e) {
            add(Mark.FAIL, t.id() + ": could not check the login: " + e.getMessage(), "try again later; if it stays, check " + t.variables() + "_REGISTRY");
        }
        return false;
    }

    private void push(Target t, RegistryProbe.Ping ping, Login login, String ns, List<String> repositories) {
        String who = t.id();
        Vendor vendor = Vendor.of(t);
        if (vendor == Vendor.GHCR && new String(t.secret().bytes(), StandardCharsets.UTF_8).startsWith("github_pat_")) {
            add(Mark.FAIL, who + ": " + secretVariable(t) + " is a fine-grained personal access token, which GHCR does not take for packages",
                    "create a personal access token (classic) with write:packages (GitHub → Settings → Developer settings)");
            return;
        }
        if (!ping.bearer()) {
            add(Mark.WARN, who + ": cannot tell whether " + t.username() + " may push to " + ns + " without writing",
                    t.registry() + " uses Basic authentication, which says nothing about permissions; the first copy will tell");
            return;
        }
        String repository = t.namespace() + "/" + (repositories.isEmpty() ? ANY_REPOSITORY : repositories.get(0));
        Set<String> actions;
        try {
            actions = probe.granted(t.registry(), ping, login, repository);
        } catch (IOException e) {
            add(Mark.FAIL, who + ": could not ask for push permission (" + Http.describe(e) + ")", "check the network and try again");
            return;
        } catch (RegistryProbe.Unclear e) {
            add(Mark.FAIL, who + ": could not ask for push permission: " + e.getMessage(), "try again later");
            return;
        }
        if (actions == null) {
            add(Mark.WARN, who + ": cannot tell whether " + t.username() + " may push to " + ns, (vendor == Vendor.GHCR ? "GHCR's" : "this registry's")
                    + " tokens do not list what they allow; " + (vendor == Vendor.GHCR ? ghcrTokenAdvice(t) : "the first copy will tell"));
        } else if (actions.contains("push")) {
            add(Mark.PASS, who + ": " + t.username() + " may push to " + ns + " (the registry's token grants " + String.join(", ", actions) + ")", null);
        } else if (actions.contains("pull")) {
            add(Mark.FAIL, who + ": " + t.username() + " may pull from " + ns + " but not push", switch (vendor) {
                case ACR -> "log in as the namespace's owner, or give this user push permission on " + t.namespace() + " (RAM access control)";
                case GHCR -> ghcrTokenAdvice(t);
                case OTHER -> "give " + t.username() + " push permission on " + t.namespace() + " (in Harbor: a project member with the Developer role "
                        + "or above, or a robot account allowed to push)";
            });
        } else {
            add(Mark.FAIL, who + ": nothing is granted on " + ns + ": the namespace does not exist, or " + t.username() + " may not use it",
                    switch (vendor) {
                        case ACR -> "create the namespace " + t.namespace() + " in the ACR console (命名空间, same region as " + t.registry()
                                + "), or correct " + t.variables() + "_NAMESPACE";
                        case GHCR -> t.variables() + "_NAMESPACE must be your GitHub user name or an organisation that lets you publish packages";
                        case OTHER -> "create " + t.namespace() + " on " + t.registry() + " (a project in Harbor), or correct " + t.variables() + "_NAMESPACE";
                    });
        }
    }

    /** ACR Personal Edition's repository limit, and GHCR's lower-case namespace: both known without asking. */
    private void limits(Target t, List<String> repositories) {
        Check quota = acrQuota(t, repositories.size());
        if (quota != null) {
            add(quota.mark(), quota.text(), quota.note());
        }
        if (t.id().equals("ghcr")) {
            String written = Env.first(env, "GHCR_NAMESPACE", "GITHUB_REPOSITORY_OWNER");
            add(Mark.PASS, "ghcr: namespace " + (t.namespace().equals(written) ? t.namespace() + " is lower case, as GHCR requires"
                    : written + " is used as " + t.namespace() + " (GHCR names are lower case)"), null);
        }
    }

    /** Null when {@code t} is not on ACR Personal Edition. The repositories the account already has count too, but cannot be seen from here. */
    static Check acrQuota(Target t, long repositories) {
        if (!ACR_PERSONAL.matcher(t.registry()).matches()) {
            return null;
        }
        String of = " of the " + ACR_PERSONAL_REPOSITORIES + " repositories ACR Personal Edition holds";
        if (repositories > ACR_PERSONAL_REPOSITORIES) {
            return new Check(Mark.FAIL, t.id() + ": the list needs " + repositories + " repositories, more than the " + ACR_PERSONAL_REPOSITORIES
                    + " ACR Personal Edition holds", "sync fewer images to Aliyun (GHCR has no such limit: --to ghcr for the rest), or use ACR Enterprise Edition");
        }
        if (repositories * 5 >= ACR_PERSONAL_REPOSITORIES * 4) {
            return new Check(Mark.WARN, t.id() + ": the list uses " + repositories + of,
                    "repositories already in the account count too; past the limit pushes fail");
        }
        return new Check(Mark.PASS, t.id() + ": the list uses " + repositories + of + " (those already there count too)", null);
    }

    private String ghcrTokenAdvice(Target t) {
        return new String(t.secret().bytes(), StandardCharsets.UTF_8).startsWith("ghs_")
                ? "the workflow's GITHUB_TOKEN may push when the workflow has `permissions: packages: write` (this repository's workflows have it)"
                : "a personal access token (classic) needs the write:packages scope";
    }

    /** The variable a target's password or token came from (GHCR's: GHCR_TOKEN, else the workflow's GITHUB_TOKEN). */
    private String secretVariable(Target t) {
        return t.id().equals("ghcr") && Env.secret(env, "GHCR_TOKEN") == null ? "GITHUB_TOKEN" : t.secretVariable();
    }

    /**
     * Whose rules a target follows, by its host; Aliyun and GHCR by their ids too (a test or a proxy may put them on
     * another host). Known rules make the fixes exact; other registries get general ones.
     */
    enum Vendor {
        ACR, GHCR, OTHER;

        static Vendor of(Target t) {
            if (t.id().equals("ghcr") || t.registry().equals("ghcr.io")) {
                return GHCR;
            }
            return t.id().equals("aliyun") || t.registry().endsWith(".aliyuncs.com") ? ACR : OTHER;
        }
    }

    // ---- sources --------------------------------------------------------------------------------

    /** Each registry the list reads from: reachable; where names are Docker Hub's (docker.io or SOURCE_REGISTRY), the pull quota. */
    private void sources(List<ImageSpec> specs, Settings settings, Map<String, Login> logins) {
        Map<String, List<ImageSpec>> bySource = new LinkedHashMap<>();
        specs.forEach(s -> bySource.computeIfAbsent(s.source().registry(), r -> new ArrayList<>()).add(s));
        bySource.forEach((registry, reading) -> {
            // DOCKERHUB_USERNAME and DOCKERHUB_TOKEN are for docker.io only, as in the sync; elsewhere a saved login is used.
            boolean hubLogin = registry.equals(ImageRef.DOCKER_HUB) && settings.dockerHubToken() != null;
            Login login = logins.get(registry);
            if (reading.stream().anyMatch(s -> s.source().dockerHubNamed())) {
                quota(registry, reading.size(), login, hubLogin, Unreachable.check(registry, settings.targets(), true));
                return;
            }
            try {
                probe.ping(registry);
                add(Mark.PASS, "source " + registry + " reachable", null);
            } catch (IOException e) {
                unreachable("source " + registry + ": cannot reach it", Unreachable.of(registry, e, Unreachable.check(registry, settings.targets(), false)));
            }
        });
    }

    /**
     * {@code hubLogin}: the login is DOCKERHUB_USERNAME's, else (when there is one) one saved on this machine; {@code check}:
     * what to check when the registry cannot be reached.
     */
    private void quota(String registry, int images, Login login, boolean hubLogin, String check) {
        String source = "source " + registry;
        String as = login == null ? "anonymous" : "logged in as " + login.username() + (hubLogin ? "" : ", a login saved on this machine");
        RegistryProbe.Quota quota;
        try {
            quota = probe.quota(registry, QUOTA_PROBE, login);
        } catch (IOException e) {
            unreachable(source + ": cannot reach it", Unreachable.of(registry, e, check));
            return;
        } catch (RegistryProbe.Unclear e) {
            add(Mark.WARN, source + " reachable; its pull quota is unknown", e.getMessage());
            return;
        }
        boolean hub = registry.equals(ImageRef.DOCKER_HUB);
        if (quota.refused() && login != null) {
            add(Mark.FAIL, source + ": login refused for " + login.username(), hubLogin
                    ? "check DOCKERHUB_USERNAME and DOCKERHUB_TOKEN (an access token from Docker Hub → Account settings → Personal access tokens)"
                    : "log in again (skopeo login " + registry + " or docker login " + registry + ")");
            return;
        }
        if (quota.refused()) {
            add(Mark.WARN, source + " reachable; it wants a login to read images", hub ? "set DOCKERHUB_USERNAME and DOCKERHUB_TOKEN"
                    : "log in once with skopeo login " + registry + " (the sync uses saved logins)");
            return;
        }
        RateLimits.RateLimit seen = quota.seen();
        if (seen == null && quota.status() == 429) {
            add(Mark.WARN, source + " reachable (" + as + "), but its pull quota is used up", "it answered 429 Too Many Requests; the quota refills within hours");
            return;
        }
        if (seen == null) {
            add(Mark.PASS, source + " reachable (" + as + "); it announces no pull quota", null);
            return;
        }
        int needed = images * (PullBudget.READ + PullBudget.COPY);
        String left = source + " reachable (" + as + "): " + seen.remaining() + " of " + seen.limit() + " pulls left";
        if (seen.remaining() - pullReserve >= needed) {
            add(Mark.PASS, left, null);
            return;
        }
        add(Mark.WARN, left, "copying all " + images + " image(s) may take up to " + needed + " and " + pullReserve
                + " are kept in reserve (--pull-reserve): the rest wait for a later run as the quota refills"
                + (hub && login == null ? "; logging in (DOCKERHUB_USERNAME, DOCKERHUB_TOKEN) raises the quota" : ""));
    }

    /** A registry that cannot be reached: why, and the fix a sync's verdict on it gives too. */
    private void unreachable(String text, Unreachable u) {
        add(Mark.FAIL, text + " (" + u.reason() + ")", u.fix());
    }
}
