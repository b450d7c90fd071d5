package lib.issue;

import lib.core.Retry;
import lib.core.Secret;
import lib.core.SyncError;
import lib.core.UsageError;
import support.FakeGitHub;
import support.FaultProxy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST calls against the fake API: what a passing failure and a missing permission look like to the owner. */
class GitHubApiTest {
    static final String TOKEN = "ghs-api-" + UUID.randomUUID();
    final List<String> warnings = new CopyOnWriteArrayList<>();

    GitHubApi api(FakeGitHub github) {
        Retry quick = new Retry(3, Duration.ofMillis(10), Duration.ofSeconds(1), Retry.Sleeper.SYSTEM, () -> 0.5);
        return GitHubApi.from(Map.of("GITHUB_API_URL", github.url() + "/", "GITHUB_REPOSITORY", "alice/image-sync", "GITHUB_TOKEN", TOKEN),
                quick, warnings::add);
    }

    @Test
    void aServerErrorIsTriedAgainAndSaidOnce() {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            github.failures.add(Map.entry(502, "Server Error"));
            api(github).comment(3, "hello");
            assertEquals(List.of("POST /repos/alice/image-sync/issues/3/comments", "POST /repos/alice/image-sync/issues/3/comments"), github.calls());
            assertEquals(List.of("hello", "hello"), github.comments(), "the same comment, sent again");
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("GitHub API POST /repos/alice/image-sync/issues/3/comments: 502 Server Error"), warnings.get(0));
        }
    }

    /** What a workflow without "issues: write" gets: one clear line, no retry, no token. */
    @Test
    void aMissingPermissionSaysWhichOneAndIsNotRetried() {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            github.failures.add(Map.entry(403, "Resource not accessible by integration"));
            SyncError e = assertThrows(SyncError.class, () -> api(github).close(3, "completed"));
            assertEquals("GitHub API PATCH /repos/alice/image-sync/issues/3: 403 Resource not accessible by integration "
                    + "(the workflow's token needs permissions: issues: write; check GITHUB_TOKEN)", e.getMessage());
            assertEquals(1, github.requests.size());
            assertFalse(e.getMessage().contains(TOKEN));
        }
    }

    /** Enabling a workflow is a PUT by its file name, answered 204; a refusal names the permission it needs. */
    @Test
    void enablingAWorkflowIsOnePutAndARefusalNamesActionsWrite() {
        try (FakeGitHub github = new FakeGitHub(TOKEN)) {
            github.workflows.add("sync-batch-daily.yml");
            api(github).enableWorkflow("sync-batch-daily.yml");
            assertEquals(List.of("PUT /repos/alice/image-sync/actions/workflows/sync-batch-daily.yml/enable"), github.calls());
            assertEquals(List.of("sync-batch-daily.yml"), github.enabled);

            github.failures.add(Map.entry(403, "Resource not accessible by integration"));
            SyncError e = assertThrows(SyncError.class, () -> api(github).enableWorkflow("sync-batch-daily.yml"));
            assertEquals("GitHub API PUT /repos/alice/image-sync/actions/workflows/sync-batch-daily.yml/enable: 403 Resource not accessible by integration "
                    + "(the workflow's token needs permissions: actions: write; check GITHUB_TOKEN)", e.getMessage());
            assertEquals(2, github.requests.size(), "not retried");
        }
    }

    /**
     * GitHub's answers are read as the registries' are: an answer without end stops at 1 MiB and is not asked again;
     * one that drips ends at the call's deadline (1 s here, 3 minutes in a run).
     */
    @Test
    void anAnswerOverItsCapOrOneThatDripsEndsTheCall() {
        try (FakeGitHub github = new FakeGitHub(TOKEN); FaultProxy proxy = FaultProxy.start(github.url().substring("http://".length()))) {
            Retry quick = new Retry(3, Duration.ofMillis(10), Duration.ofSeconds(1), Retry.Sleeper.SYSTEM, () -> 0.5);
            GitHubApi api = new GitHubApi("http://" + proxy.host, "alice/image-sync", new Secret(TOKEN), Map.of(), quick, Duration.ofSeconds(1), warnings::add);
            proxy.on("POST", ".*/comments").times(1).huge(600L * 1024 * 1024);
            SyncError big = assertThrows(SyncError.class, () -> api.comment(3, "hello"));
            assertEquals(SyncError.Kind.PERMANENT, big.kind);
            assertEquals("GitHub API POST /repos/alice/image-sync/issues/3/comments: the answer is over 1 MiB, the most this tool reads for an answer from GitHub",
                    big.getMessage());
            assertEquals(1, proxy.count("POST", ".*/comments"), "not asked again");

            proxy.on("PATCH", ".*").drip(Duration.ofMillis(200));
            long start = System.nanoTime();
            SyncError slow = assertThrows(SyncError.class, () -> api.close(3, "completed"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(SyncError.Kind.GAVE_UP, slow.kind);
            assertTrue(slow.getMessage().startsWith("GitHub API PATCH /repos/alice/image-sync/issues/3: timed out: an answer from GitHub was still arriving after"),
                    slow.getMessage());
            assertTrue(took.compareTo(Duration.ofMillis(800)) > 0 && took.compareTo(Duration.ofSeconds(4)) < 0, "took " + took);
            assertFalse(big.getMessage().contains(TOKEN) || slow.getMessage().contains(TOKEN));
        }
    }

    @Test
    void withoutTheRepositoryOrTheTokenItSaysWhatIsMissing() {
        Retry retry = Retry.standard();
        assertTrue(assertThrows(UsageError.class, () -> GitHubApi.from(Map.of("GITHUB_TOKEN", TOKEN), retry, w -> {}))
                .getMessage().startsWith("GITHUB_REPOSITORY must name the repository as owner/name"));
        assertTrue(assertThrows(UsageError.class, () -> GitHubApi.from(Map.of("GITHUB_REPOSITORY", "a/b"), retry, w -> {}))
                .getMessage().startsWith("GITHUB_TOKEN is not set"));
    }
}
