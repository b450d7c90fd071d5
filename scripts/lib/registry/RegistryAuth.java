package lib.registry;

import lib.core.Json;
import lib.core.Login;
import lib.core.SyncError;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the registry client authenticates: the WWW-Authenticate challenge a registry sent, answered with Basic
 * (its login) or a Bearer token from the realm (anonymous or with the login), one Authorization per
 * registry and scope, reused by every request for that scope.
 */
final class RegistryAuth {
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    /** A token service's answer: a token of a few KiB; containers/image allows 1 MiB too ("greatly sufficient"). */
    static final long TOKEN_ANSWER = BoundedBody.MIB;

    private final Http http;
    private final Map<String, Login> logins;
    private final Map<String, String> challenges = new ConcurrentHashMap<>();
    private final Map<String, String> authorization = new ConcurrentHashMap<>();
    private final Set<String> pinged = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> pingLocks = new ConcurrentHashMap<>();

    RegistryAuth(Http http, Map<String, Login> logins) {
        this.http = http;
        this.logins = logins;
    }

    /**
     * The API version check (GET /v2/), once per registry and before any other request to it, as docker does:
     * it settles HTTPS or HTTP and learns how the registry authenticates while no other job is waiting on it.
     */
    void ping(String registry, Duration timeout) {
        if (pinged.contains(registry)) {
            return;
        }
        synchronized (pingLocks.computeIfAbsent(registry, r -> new Object())) {
            if (pinged.contains(registry)) {
                return;
            }
            try {
                HttpResponse<byte[]> r = http.send(registry, "GET", "/v2/", timeout);
                if (r.statusCode() == 401) {
                    r.headers().firstValue("WWW-Authenticate").ifPresent(c -> challenges.put(registry, c));
                }
            } catch (IOException e) {
                // The manifest request that follows says what is wrong.
            }
            pinged.add(registry);
        }
    }

    /** A GET /v2/ sent for another reason (a login check) has answered what {@link #ping} asks: it is not asked again. */
    void pinged(String registry, HttpResponse<?> answer) {
        if (answer.statusCode() == 401) {
            answer.headers().firstValue("WWW-Authenticate").ifPresent(c -> challenges.put(registry, c));
        }
        pinged.add(registry);
    }

    /**
     * The Authorization for {@code scope}, or null while the registry has not asked for one. Once a registry has
     * shown how it authenticates, a new repository is authorised before its first request, so every image costs
     * one request rather than a refused one plus a retry.
     */
    String current(String registry, String scope, Duration timeout) {
        String key = registry + " " + scope;
        String known = authorization.get(key);
        if (known != null || !challenges.containsKey(registry)) {
            return known;
        }
        String fresh = answer(registry, challenges.get(registry), scope, logins.get(registry), timeout);
        authorization.put(key, fresh);
        return fresh;
    }

    /** After a 401: answers its challenge, remembers it for the registry, and returns the new Authorization. */
    String renew(String registry, String challenge, String scope, Duration timeout) {
        String fresh = answer(registry, challenge, scope, logins.get(registry), timeout);
        challenges.put(registry, challenge);
        authorization.put(registry + " " + scope, fresh);
        return fresh;
    }

    /** Answers a challenge with {@code login} (which may be null: anonymous); {@code scope} null for a login check. */
    String answer(String registry, String challenge, String scope, Login login, Duration timeout) {
        String lower = challenge.toLowerCase(Locale.ROOT);
        if (lower.startsWith("basic")) {
            if (login == null) {
                throw new RegistryClient.Unsupported(registry + " needs a login and none is known to this run");
            }
            return login.basicHeader();
        }
        if (!lower.startsWith("bearer")) {
            throw new RegistryClient.Unsupported(registry + " asks for an unknown authentication: " + challenge);
        }
        return token(registry, challenge, scope, login, timeout);
    }

    private String token(String registry, String challenge, String scope, Login login, Duration timeout) {
        try {
            HttpResponse<byte[]> r = tokenResponse(registry, challenge, scope, login, timeout);
            if (r.statusCode() != 200) {
                throw new RegistryClient.Unsupported("the token service of " + registry + " answered HTTP " + r.statusCode());
            }
            String token = tokenIn(r.body());
            if (token == null) {
                throw new RegistryClient.Unsupported("the token service of " + registry + " returned no token");
            }
            return "Bearer " + token;
        } catch (IOException e) {
            if (BoundedBody.tooLarge(e)) {
                throw new SyncError(SyncError.Kind.PERMANENT, "the token service of " + registry + ": " + Http.describe(e));
            }
            throw new RegistryClient.Unsupported("cannot get a token for " + registry + ": " + Http.describe(e));
        }
    }

    /**
     * The token service's own answer to a Bearer challenge, for {@code scope} (null: a login check) with {@code login}
     * (null: anonymous). The doctor reads it whole: a refused login is its answer, not an error.
     */
    HttpResponse<byte[]> tokenResponse(String registry, String challenge, String scope, Login login, Duration timeout) throws IOException {
        Map<String, String> params = new HashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new RegistryClient.Unsupported(registry + " sent a Bearer challenge without a realm");
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        // Our own scope, not the challenge's: a remembered challenge names the repository it was issued for.
        if (scope != null) {
            url.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        return http.get(registry, URI.create(url.toString()), login == null ? null : login.basicHeader(), timeout, TOKEN_ANSWER, "a token");
    }

    /** The token in a token service's JSON ("token", or OAuth's "access_token"); null when there is none. */
    static String tokenIn(byte[] body) throws IOException {
        var json = Json.MAPPER.readTree(body);
        String token = json.hasNonNull("token") ? json.get("token").asText() : json.path("access_token").asText(null);
        return token == null || token.isEmpty() ? null : token;
    }
}
