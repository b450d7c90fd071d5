package lib.issue;

import lib.core.Context;
import lib.core.Deadline;
import lib.core.Env;
import lib.core.Json;
import lib.core.Log;
import lib.core.Retry;
import lib.core.Secret;
import lib.core.SyncError;
import lib.core.UsageError;
import lib.registry.BoundedBody;
import lib.registry.Http;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The few GitHub REST calls the issue flow makes (comment, make sure a label exists, label, unlabel, close) and the one
 * the daily workflow makes to keep its schedule alive (enable a workflow). JDK HTTP
 * client, GITHUB_API_URL (GitHub Enterprise and the tests' fake have their own), the workflow's GITHUB_TOKEN sent only
 * in the Authorization header and never written anywhere else; transient failures (5xx, 429, a secondary rate limit's
 * Retry-After, a dropped connection) go through the one retry layer.
 */
public final class GitHubApi {
    /** One request's time, headers and body. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** All tries of one call, waits included. */
    static final Duration CALL_LIMIT = Duration.ofMinutes(3);
    /** The most read of an answer: the calls made here answer with one comment, label or issue, a few KiB. */
    static final long ANSWER = BoundedBody.MIB;

    private final String base;
    private final String repository;
    private final Secret token;
    private final HttpClient client;
    private final Retry retry;
    private final Duration callLimit;
    private final Log log;

    GitHubApi(String base, String repository, Secret token, Map<String, String> env, Retry retry, Duration callLimit, Log log) {
        this.base = base.replaceAll("/+$", "");
        this.repository = repository;
        this.token = token;
        this.client = HttpClient.newBuilder().proxy(new Http.EnvProxies(env)).connectTimeout(Duration.ofSeconds(10)).build();
        this.retry = retry;
        this.callLimit = callLimit;
        this.log = log;
    }

    /** From the variables every GitHub Actions job has; a missing one is a usage error naming it. */
    public static GitHubApi from(Map<String, String> env, Retry retry, Log log) {
        String repository = Env.value(env, "GITHUB_REPOSITORY");
        Secret token = Env.secret(env, "GITHUB_TOKEN");
        if (repository == null || !repository.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
            throw new UsageError("GITHUB_REPOSITORY must name the repository as owner/name (GitHub Actions sets it)");
        }
        if (token == null) {
            throw new UsageError("GITHUB_TOKEN is not set: the workflow passes it to the step (env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }})");
        }
        return new GitHubApi(Objects.requireNonNullElse(Env.value(env, "GITHUB_API_URL"), "https://api.github.com"), repository, token, env, retry,
                CALL_LIMIT, log);
    }

    public void comment(int issue, String body) {
        call("POST", "/issues/" + issue + "/comments", Map.of("body", body));
    }

    /** Creates the label unless the repository has it, so it gets our colour and description rather than GitHub's grey. */
    public void ensureLabel(String name, String color, String description) {
        if (call("GET", "/labels/" + segment(name), null, 404) == null) {
            // 422: someone (a parallel run) created it meanwhile, which is just as good.
            call("POST", "/labels", Map.of("name", name, "color", color, "description", description), 422);
        }
    }

    public void addLabel(int issue, String name) {
        call("POST", "/issues/" + issue + "/labels", Map.of("labels", List.of(name)));
    }

    /** Removes a label from the issue; one it does not carry (404) is already what was wanted. */
    public void removeLabel(int issue, String name) {
        call("DELETE", "/issues/" + issue + "/labels/" + segment(name), null, 404);
    }

    /** {@code reason}: "completed" or "not_planned", as GitHub's state_reason. */
    public void close(int issue, String reason) {
        call("PATCH", "/issues/" + issue, Map.of("state", "closed", "state_reason", reason));
    }

    /**
     * Enables the workflow {@code file} (e.g. sync-batch-daily.yml), which also restarts the 60 days without activity
     * after which GitHub disables a public repository's scheduled workflows. Needs `permissions: actions: write`.
     */
    public void enableWorkflow(String file) {
        call("PUT", "/actions/workflows/" + segment(file) + "/enable", null);
    }

    /** The answer's JSON, or null when the status is one of {@code tolerated}. */
    private JsonNode call(String method, String path, Object body, int... tolerated) {
        String where = "GitHub API " + method + " /repos/" + repository + path;
        Context context = Context.outside(callLimit, log);
        return retry.run(() -> once(where, method, URI.create(base + "/repos/" + repository + path), body, tolerated, context.deadline()), context);
    }

    private JsonNode once(String where, String method, URI uri, Object body, int[] tolerated, Deadline deadline) {
        HttpResponse<byte[]> r;
        Duration timeout = deadline.cap(REQUEST_TIMEOUT, where);
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Accept", "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    .header("User-Agent", "image-sync")
                    .header("Authorization", "Bearer " + token.reveal())
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body), StandardCharsets.UTF_8));
            if (body != null) {
                b.header("Content-Type", "application/json; charset=utf-8");
            }
            r = client.send(b.build(), new BoundedBody(ANSWER, "an answer from GitHub", timeout));
        } catch (IOException e) {
            throw new SyncError(BoundedBody.tooLarge(e) ? SyncError.Kind.PERMANENT : SyncError.Kind.TRANSIENT, where + ": " + Http.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncError(SyncError.Kind.PERMANENT, where + ": interrupted");
        }
        int status = r.statusCode();
        for (int t : tolerated) {
            if (status == t) {
                return null;
            }
        }
        if (status / 100 == 2) {
            try {
                return r.body().length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
            } catch (IOException e) {
                throw new SyncError(SyncError.Kind.PERMANENT, where + ": " + status + " with an answer that is not JSON");
            }
        }
        throw error(where, status, r, uri.getRawPath().contains("/actions/") ? "actions: write" : "issues: write");
    }

    /** {@code permission}: what the workflow's token needs for the call, for the fix of a refusal. */
    private static SyncError error(String where, int status, HttpResponse<byte[]> r, String permission) {
        String message;
        try {
            message = Json.MAPPER.readTree(r.body()).path("message").asText("");
        } catch (IOException | RuntimeException e) {
            message = "";
        }
        String text = where + ": " + status + (message.isEmpty() ? "" : " " + message);
        Duration retryAfter = r.headers().firstValue("Retry-After").filter(v -> v.matches("\\d{1,6}")).map(v -> Duration.ofSeconds(Long.parseLong(v))).orElse(null);
        if (status == 429 || status >= 500 || (status == 403 && retryAfter != null)) {
            return new SyncError(SyncError.Kind.TRANSIENT, text, retryAfter);
        }
        if (status == 401 || status == 403) {
            return new SyncError(SyncError.Kind.DENIED, text + " (the workflow's token needs permissions: " + permission + "; check GITHUB_TOKEN)");
        }
        return new SyncError(status == 404 ? SyncError.Kind.NOT_FOUND : SyncError.Kind.PERMANENT, text);
    }

    /** A label name as one path segment. */
    private static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
