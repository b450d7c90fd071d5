import lib.core.Retry;
import support.FakeGitHub;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * keepalive.java in this JVM against the fake GitHub API: the running workflow is enabled by its file name, and
 * whatever goes wrong is one warning and exit 0 (the run's outcome is the sync's, never the keepalive's).
 */
class KeepaliveTest {
    static final String TOKEN = "ghs-keepalive-token";

    record Run(int exit, String out) {}

    static Run keepalive(Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        keepalive command = new keepalive();
        command.env = env;
        command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.retry = new Retry(3, Duration.ofMillis(1), Duration.ofSeconds(5), d -> { }, () -> 0.5);
        int exit = lib.core.Commands.of(command, env).execute();
        return new Run(exit, out.toString(StandardCharsets.UTF_8));
    }

    static Map<String, String> env(FakeGitHub github) {
        Map<String, String> env = new HashMap<>(Map.of("GITHUB_ACTIONS", "true", "GITHUB_REPOSITORY", "me/image-sync", "GITHUB_TOKEN", TOKEN,
                "GITHUB_WORKFLOW_REF", "me/image-sync/.github/workflows/sync-batch-daily.yml@refs/heads/main"));
        env.put("GITHUB_API_URL", github.url());
        return env;
    }

    @Test
    void theRunningWorkflowIsEnabledByItsFileName() {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            github.workflows.add("sync-batch-daily.yml");
            Run r = keepalive(env(github));
            assertEquals(0, r.exit());
            assertEquals(List.of("PUT /repos/me/image-sync/actions/workflows/sync-batch-daily.yml/enable"), github.calls());
            assertEquals("keepalive: sync-batch-daily.yml stays enabled (GitHub disables a public repository's scheduled workflows after 60 days "
                    + "without activity)\n", r.out());
        }
        assertEquals("sync-batch-daily.yml", keepalive.fromRef("o/r/.github/workflows/sync-batch-daily.yml@refs/heads/main"));
        assertNull(keepalive.fromRef("o/r/.github/workflows/@refs/heads/main"));
        assertNull(keepalive.fromRef(null));
    }

    /** A refusal, a workflow GitHub does not know, no token, no workflow ref: each one warning, exit 0, the token never shown. */
    @Test
    void everyFailureIsOneWarningAndExitZero() {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            Run unknown = keepalive(env(github));
            assertEquals(0, unknown.exit());
            assertEquals("::warning::keepalive: could not keep sync-batch-daily.yml enabled: GitHub API PUT /repos/me/image-sync/actions/workflows/"
                    + "sync-batch-daily.yml/enable: 404 Not Found; GitHub disables its schedule after 60 days without activity in a public repository "
                    + "(enable it again on the Actions tab)\n", unknown.out());

            Map<String, String> env = env(github);
            env.remove("GITHUB_TOKEN");
            Run noToken = keepalive(env);
            assertEquals(0, noToken.exit());
            assertEquals("::warning::keepalive: could not keep sync-batch-daily.yml enabled: GITHUB_TOKEN is not set: the workflow passes it to the step "
                    + "(env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}); GitHub disables its schedule after 60 days without activity in a public "
                    + "repository (enable it again on the Actions tab)\n", noToken.out());

            env = env(github);
            env.remove("GITHUB_WORKFLOW_REF");
            Run noRef = keepalive(env);
            assertEquals(0, noRef.exit());
            assertEquals("::warning::keepalive: cannot tell which workflow runs (GITHUB_WORKFLOW_REF is not set): give --workflow FILE\n", noRef.out());
            assertEquals(1, github.requests.size(), "only the first asked GitHub");
            github.requests.forEach(request -> assertEquals("Bearer " + TOKEN, request.authorization()));
        }
    }
}
