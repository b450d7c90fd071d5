import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private final Retry retry;
    private final Console console;

    public Logins(RegistryClient client, Skopeo skopeo, DockerCli docker, Path authFile, Retry retry, Console console) {
        this.client = client;
        this.skopeo = skopeo;
        this.docker = docker;
        this.authFile = authFile;
        this.retry = retry;
        this.console = console;
    }

    /** Logs in to every target, and to Docker Hub when its login is set and the list reads from it. Returns the failures, each with its fix. */
    public List<String> all(Settings settings, boolean readsDockerHub) {
        List<String> failures = new ArrayList<>();
        for (Target t : settings.targets()) {
            one(t.registry(), new Login(t.username(), t.secret()), t::loginHint, failures);
        }
        if (settings.dockerHubToken() != null && readsDockerHub) {
            one(ImageRef.DOCKER_HUB, new Login(settings.dockerHubUser(), settings.dockerHubToken()),
                    e -> "check DOCKERHUB_USERNAME and DOCKERHUB_TOKEN", failures);
        }
        return failures;
    }

    private void one(String registry, Login login, Function<SyncError, String> hint, List<String> failures) {
        Job job = Job.outside(LIMIT, console::warn);
        try {
            if (client.accepts(registry, login, job.deadline())) {
                Auth.addLogin(authFile, registry, login);
            } else if (skopeo != null) {
                check(registry, () -> skopeo.login(registry, login.username(), login.password(), job), job);
            }
            if (docker != null) {
                check(registry, () -> docker.login(registry, login.username(), login.password(), job), job);
            }
            console.info("logged in to " + registry + " as " + login.username());
        } catch (SyncError e) {
            failures.add(e.getMessage() + " — " + hint.apply(e));
        } catch (IOException e) {
            failures.add("could not write the run's private auth file: " + e.getMessage());
        }
    }

    private void check(String registry, Supplier<ProcessRunner.Result> login, Job job) {
        retry.run(() -> {
            ProcessRunner.Result r = login.get();
            if (!r.ok()) {
                throw SyncError.fromTool("login to " + registry, r, job.deadline());
            }
            return null;
        }, job);
    }
}
