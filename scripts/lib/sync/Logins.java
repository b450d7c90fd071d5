package lib.sync;

import lib.core.Context;
import lib.core.ImageRef;
import lib.core.Log;
import lib.core.Login;
import lib.core.SyncError;
import lib.core.Target;
import lib.engine.DockerCli;
import lib.engine.ProcessRunner;
import lib.engine.Skopeo;
import lib.engine.ToolErrors;
import lib.registry.RegistryClient;
import lib.settings.Auth;
import lib.settings.Settings;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Logs in before anything is copied, so wrong credentials stop the run with one clear message instead of failing
 * every image. The registry client checks a login the way skopeo login does and records it in the private auth
 * file; skopeo decides when the client cannot say (either may be absent); the docker engine gets its own login
 * in its private config.
 */
public final class Logins {
    static final Duration LIMIT = Duration.ofMinutes(3);

    private final RegistryClient client;
    private final Skopeo skopeo;
    private final DockerCli docker;
    private final Path authFile;
    private final Reachability hosts;
    private final Log log;

    /** {@code hosts}: the retry policy and the run's verdicts on hosts, shared with the images. */
    public Logins(RegistryClient client, Skopeo skopeo, DockerCli docker, Path authFile, Reachability hosts, Log log) {
        this.client = client;
        this.skopeo = skopeo;
        this.docker = docker;
        this.authFile = authFile;
        this.hosts = hosts;
        this.log = log;
    }

    /**
     * Logs in to every target, and to Docker Hub when its login is set and the list reads from it. Returns the failures
     * in that order, each with its fix. The registry client's checks (a few round trips to each registry) run at
     * once; skopeo and docker, which write one auth file, log in one after the other.
     */
    public List<String> all(Settings settings, boolean readsDockerHub) {
        record Wanted(String registry, Login login, Function<SyncError, String> hint) {}
        List<Wanted> wanted = new ArrayList<>();
        for (Target t : settings.targets()) {
            wanted.add(new Wanted(t.registry(), t.login(), t::loginHint));
        }
        if (settings.dockerHubToken() != null && readsDockerHub) {
            wanted.add(new Wanted(ImageRef.DOCKER_HUB, settings.dockerHubLogin(), e -> "check DOCKERHUB_USERNAME and DOCKERHUB_TOKEN"));
        }
        Context context = Context.outside(LIMIT, log);
        // A thread each: the common pool has one thread on a two-core runner.
        ExecutorService checking = Executors.newFixedThreadPool(Math.max(1, wanted.size()));
        try {
            List<CompletableFuture<String>> unconfirmed = wanted.stream()
                    .map(w -> CompletableFuture.supplyAsync(() -> client.unconfirmedLogin(w.registry(), w.login(), context.deadline()), checking)).toList();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < wanted.size(); i++) {
                Wanted w = wanted.get(i);
                one(w.registry(), w.login(), w.hint(), unconfirmed.get(i).join(), context, failures);
            }
            return failures;
        } finally {
            checking.shutdownNow();
        }
    }

    /** {@code unconfirmed}: null when the registry client already saw the registry take the login, else why not. */
    private void one(String registry, Login login, Function<SyncError, String> hint, String unconfirmed, Context context, List<String> failures) {
        try {
            if (unconfirmed == null) {
                Auth.addLogin(authFile, registry, login);
            } else if (skopeo != null) {
                log.info("the login to " + registry + " is not confirmed by a request (" + unconfirmed + "): skopeo login decides");
                check(registry, () -> skopeo.login(registry, login.username(), login.password(), context), context);
            }
            if (docker != null) {
                check(registry, () -> docker.login(registry, login.username(), login.password(), context), context);
            }
            log.info("logged in to " + registry + " as " + login.username());
        } catch (SyncError e) {
            // A host that cannot be reached is said with its fix already; anything else gets the login's.
            failures.add(hosts.verdict(registry) != null ? e.getMessage() : e.getMessage() + " — " + hint.apply(e));
        } catch (IOException e) {
            failures.add("could not write the run's private auth file: " + e.getMessage());
        }
    }

    private void check(String registry, Supplier<ProcessRunner.Result> login, Context context) {
        hosts.run(registry, () -> {
            ProcessRunner.Result r = login.get();
            if (!r.ok()) {
                throw ToolErrors.login(registry, r, context.deadline());
            }
            return null;
        }, context);
    }
}
