package lib.registry;

import lib.core.Json;
import lib.core.Login;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The doctor's questions to a registry, asked as docker and skopeo ask them but never writing: does it answer
 * /v2/, does it accept a login, what may a login do with a repository, and how many pulls are left. Each answer
 * says what the registry said; the doctor turns it into a checklist.
 *
 * What a login may do is read from the token service, as the distribution token protocol defines it: a token
 * for {@code repository:NAME:pull,push} carries, when it is a JWT, an {@code access} claim with the actions
 * actually granted. Docker Hub's tokens are such JWTs; GHCR's are not (an opaque "djE6…", base64 of
 * "v1:NAME:time"), so for GHCR the answer is "cannot tell". Asking for a token creates nothing.
 */
public final class RegistryProbe {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** How /v2/ answered without credentials: 200 for an open registry, 401 with how to authenticate. */
    public record Ping(int status, String challenge) {
        public boolean open() {
            return status == 200;
        }

        /** Whether the registry speaks the registry API at all: open, or asking for a login the way registries do. */
        public boolean answersAsRegistry() {
            return open() || (status == 401 && challenge != null);
        }

        public boolean bearer() {
            return challenge != null && challenge.toLowerCase(Locale.ROOT).startsWith("bearer");
        }
    }

    /** What the registry said about a pull quota: the ratelimit headers (null when it sent none) and the HEAD's status. */
    public record Quota(RateLimits.RateLimit seen, int status) {
        public boolean refused() {
            return status == 401 || status == 403;
        }
    }

    /** A question the registry answered in a way no registry should (a broken token service, a token-less answer). */
    public static final class Unclear extends Exception {
        Unclear(String message) {
            super(message);
        }
    }

    private final Http http;
    private final RegistryAuth auth;
    private final RateLimits rateLimits = new RateLimits();

    public RegistryProbe(Set<String> insecure, Map<String, String> env) {
        this.http = new Http(insecure, env, rateLimits);
        this.auth = new RegistryAuth(http, Map.of());
    }

    /** GET /v2/ without credentials. An IOException means the registry could not be reached at all. */
    public Ping ping(String registry) throws IOException {
        HttpResponse<byte[]> r = http.send(registry, "GET", "/v2/", TIMEOUT);
        return new Ping(r.statusCode(), r.statusCode() == 401 ? r.headers().firstValue("WWW-Authenticate").orElse(null) : null);
    }

    /** Whether a registry that asked for a login ({@code ping}) accepts this one, checked as docker login does. */
    public boolean accepts(String registry, Ping ping, Login login) throws IOException, Unclear {
        String authorization = login.basicHeader();
        if (ping.bearer()) {
            String token = token(registry, ping, null, login);
            if (token == null) {
                return false;
            }
            authorization = "Bearer " + token;
        }
        return http.send(registry, "GET", "/v2/", TIMEOUT, "Authorization", authorization).statusCode() == 200;
    }

    /**
     * The actions the token service grants {@code login} on {@code repository} when asked for pull and push; null when
     * its token does not say (not a JWT with an access claim). Only for registries with a Bearer challenge, after
     * {@link #accepts} said yes.
     */
    public Set<String> granted(String registry, Ping ping, Login login, String repository) throws IOException, Unclear {
        String token = token(registry, ping, "repository:" + repository + ":pull,push", login);
        // The login was accepted without a scope: a token service that refuses this scope outright (as some answer
        // 403 instead of a token with fewer actions) grants nothing on it.
        return token == null ? Set.of() : grantedActions(token, repository);
    }

    /**
     * A HEAD on the manifest Docker documents for reading the pull quota ({@code repository:latest}); a HEAD costs
     * no pull. {@code login} null: anonymous. A refused login shows as a 401 status.
     */
    public Quota quota(String registry, String repository, Login login) throws IOException, Unclear {
        Ping ping = ping(registry);
        String authorization = null;
        if (ping.status() == 401 && ping.challenge() != null) {
            if (ping.bearer()) {
                String token = token(registry, ping, "repository:" + repository + ":pull", login);
                if (token == null) {
                    return new Quota(null, 401);
                }
                authorization = "Bearer " + token;
            } else if (login != null) {
                authorization = login.basicHeader();
            }
        }
        HttpResponse<byte[]> r = http.send(registry, "HEAD", "/v2/" + repository + "/manifests/latest", TIMEOUT,
                "Accept", RegistryClient.ACCEPT, "Authorization", authorization);
        return new Quota(rateLimits.last(registry), r.statusCode());
    }

    /** A token from the realm of {@code ping}'s challenge; null when the token service refused the login (401, 403). */
    private String token(String registry, Ping ping, String scope, Login login) throws IOException, Unclear {
        HttpResponse<byte[]> r;
        try {
            r = auth.tokenResponse(registry, ping.challenge(), scope, login, TIMEOUT);
        } catch (RegistryClient.Unsupported e) {
            throw new Unclear(e.getMessage());
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            return null;
        }
        String token = r.statusCode() == 200 ? RegistryAuth.tokenIn(r.body()) : null;
        if (token == null) {
            throw new Unclear("the token service of " + registry + " answered HTTP " + r.statusCode() + (r.statusCode() == 200 ? " without a token" : ""));
        }
        return token;
    }

    /**
     * The actions a registry token grants on {@code repository}, read from its JWT access claim; empty when it grants
     * none, null when the token is not a JWT with an access claim and so says nothing. The signature is not checked:
     * the token is only read, never trusted, and the registry checks it anyway.
     */
    static Set<String> grantedActions(String token, String repository) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        JsonNode access;
        try {
            access = Json.MAPPER.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)).get("access");
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        if (access == null || !access.isArray()) {
            return null;
        }
        Set<String> actions = new TreeSet<>();
        for (JsonNode entry : access) {
            if ("repository".equals(entry.path("type").asText()) && repository.equals(entry.path("name").asText())) {
                entry.path("actions").forEach(a -> actions.add(a.asText()));
            }
        }
        return actions;
    }
}
