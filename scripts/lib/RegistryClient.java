import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cheap questions, asked without skopeo: HEAD a manifest and read its digest. A HEAD does not count
 * against Docker Hub's pull quota, and it needs no process. Handles the WWW-Authenticate challenge (anonymous
 * and credentialed Bearer tokens, Basic), --insecure-registry hosts (HTTPS, then HTTP), proxies from the
 * environment, a cap on requests in flight per registry, 429 with Retry-After, and Docker Hub's rate-limit headers.
 */
public final class RegistryClient {
    static final String ACCEPT = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Pattern RATE = Pattern.compile("^\\s*(\\d+)");
    static final int MAX_429_WAITS = 3;
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    /** The answer to a HEAD: {@code found} false for 404, else the manifest digest the registry reports. */
    public record Head(boolean found, String digest) {}

    /** What Docker Hub's ratelimit-limit / ratelimit-remaining headers said. */
    public record RateLimit(int limit, int remaining) {}

    /** The registry cannot answer this cheaply (no HEAD, no digest header, unknown auth): ask skopeo instead. */
    public static final class Unsupported extends RuntimeException {
        public Unsupported(String message) {
            super(message);
        }
    }

    /** A username and password (or token) for one registry, as found in the run's auth file. */
    public record Login(String username, Secret password) {}

    private final Map<String, Login> logins;
    private final Set<String> insecure;
    private final int perRegistry;
    private final Retry.Sleeper sleeper;
    private final HttpClient secure;
    private final HttpClient trusting;
    private final Map<String, String> scheme = new ConcurrentHashMap<>();
    private final Map<String, String> authorization = new ConcurrentHashMap<>();
    private final Map<String, String> challenges = new ConcurrentHashMap<>();
    private final Map<String, Boolean> pinged = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Map<String, AtomicLong>> counts = new ConcurrentHashMap<>();
    private final Map<String, RateLimit> firstLimit = new ConcurrentHashMap<>();
    private final Map<String, RateLimit> lastLimit = new ConcurrentHashMap<>();

    public RegistryClient(Map<String, Login> logins, Set<String> insecure, int perRegistry, Map<String, String> env, Retry.Sleeper sleeper) {
        this.logins = logins;
        this.insecure = insecure;
        this.perRegistry = perRegistry;
        this.sleeper = sleeper;
        ProxySelector proxies = new EnvProxies(env);
        this.secure = HttpClient.newBuilder().proxy(proxies).connectTimeout(Duration.ofSeconds(10)).build();
        this.trusting = HttpClient.newBuilder().proxy(proxies).connectTimeout(Duration.ofSeconds(10)).sslContext(TrustAll.context()).build();
    }

    /**
     * Checks a login the way skopeo login does (GET /v2/ with the credentials, through a token when the registry
     * asks for one), without starting a process. True only when the registry accepted it; false when it refused
     * or could not say, and then the caller asks skopeo, whose answer is the authority.
     */
    public boolean accepts(String registry, Login login) {
        try {
            HttpResponse<Void> open = request(registry, "GET", "/v2/", null);
            if (open.statusCode() == 200) {
                return true;
            }
            String challenge = open.headers().firstValue("WWW-Authenticate").orElse("");
            if (open.statusCode() != 401 || challenge.isEmpty()) {
                return false;
            }
            String auth = challenge.toLowerCase(Locale.ROOT).startsWith("basic") ? basic(login) : token(registry, challenge, null, login);
            return request(registry, "GET", "/v2/", auth).statusCode() == 200;
        } catch (Unsupported | SyncError e) {
            return false;
        }
    }

    /** Docker Hub's API lives on another host than its name. */
    static String apiHost(String registry) {
        return registry.equals(ImageRef.DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    public Head head(String registry, String repository, String reference) {
        String path = "/v2/" + repository + "/manifests/" + reference;
        HttpResponse<Void> response = send(registry, path, "repository:" + repository + ":pull");
        if (response.statusCode() == 404) {
            return new Head(false, null);
        }
        if (response.statusCode() != 200) {
            throw new Unsupported("HEAD " + registry + path + " answered HTTP " + response.statusCode());
        }
        String digest = response.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (digest == null || !digest.startsWith("sha256:")) {
            throw new Unsupported("HEAD " + registry + path + " gave no Docker-Content-Digest");
        }
        return new Head(true, digest);
    }

    private HttpResponse<Void> send(String registry, String path, String scope) {
        Semaphore gate = inFlight.computeIfAbsent(registry, r -> new Semaphore(perRegistry));
        try {
            gate.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unsupported("interrupted");
        }
        try {
            pinged.computeIfAbsent(registry, this::ping);
            String key = registry + " " + scope;
            // Once a registry has shown how it authenticates, a new repository is authorised before its first
            // request, so every image costs one HEAD rather than a refused one plus a retry.
            if (!authorization.containsKey(key) && challenges.containsKey(registry)) {
                authorization.putIfAbsent(key, authenticate(registry, challenges.get(registry), scope));
            }
            for (int waits = 0; ; waits++) {
                HttpResponse<Void> r = request(registry, path, authorization.get(key));
                if (r.statusCode() == 401) {
                    String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
                    String auth = authenticate(registry, challenge, scope);
                    challenges.put(registry, challenge);
                    authorization.put(key, auth);
                    r = request(registry, path, auth);
                }
                if (r.statusCode() != 429) {
                    return r;
                }
                Duration wait = retryAfter(r.headers().firstValue("Retry-After").orElse(null));
                if (waits >= MAX_429_WAITS) {
                    throw new SyncError(SyncError.Kind.TRANSIENT, registry + " keeps answering 429 Too Many Requests; try again later");
                }
                sleeper.sleep(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unsupported("interrupted");
        } finally {
            gate.release();
        }
    }

    /**
     * The API version check (GET /v2/), once per registry and before any other request to it, as docker does:
     * it settles HTTPS or HTTP and learns how the registry authenticates while no other job is waiting on it.
     */
    private Boolean ping(String registry) {
        try {
            HttpResponse<Void> r = request(registry, "GET", "/v2/", null);
            if (r.statusCode() == 401) {
                r.headers().firstValue("WWW-Authenticate").ifPresent(c -> challenges.put(registry, c));
            }
        } catch (Unsupported e) {
            // The manifest request that follows will say what is wrong, or fall back to skopeo.
        }
        return Boolean.TRUE;
    }

    private HttpResponse<Void> request(String registry, String path, String auth) {
        return request(registry, "HEAD", path, auth);
    }

    private HttpResponse<Void> request(String registry, String method, String path, String auth) {
        String host = apiHost(registry);
        String first = scheme.getOrDefault(registry, "https");
        try {
            return exchange(registry, method, URI.create(first + "://" + host + path), auth);
        } catch (IOException e) {
            if (first.equals("https") && insecure.contains(registry)) {
                scheme.put(registry, "http");
                try {
                    return exchange(registry, method, URI.create("http://" + host + path), auth);
                } catch (IOException again) {
                    throw new Unsupported("cannot reach " + registry + ": " + again.getMessage());
                }
            }
            throw new Unsupported("cannot reach " + registry + ": " + e.getMessage());
        }
    }

    private HttpResponse<Void> exchange(String registry, String method, URI uri, String auth) throws IOException {
        // Probing HTTPS on an --insecure-registry host that only speaks HTTP can stall instead of failing: keep it short.
        boolean probing = insecure.contains(registry) && uri.getScheme().equals("https") && !scheme.containsKey(registry);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(probing ? 3 : 30)).method(method, HttpRequest.BodyPublishers.noBody());
        if (method.equals("HEAD")) {
            b.header("Accept", ACCEPT);
        }
        if (auth != null) {
            b.header("Authorization", auth);
        }
        try {
            HttpClient client = insecure.contains(registry) ? trusting : secure;
            HttpResponse<Void> r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
            count(registry, method);
            if (probing) {
                scheme.put(registry, "https");
            }
            observeRateLimit(registry, r);
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** Answers a 401 challenge: Basic with the registry's login, or a Bearer token from the realm (with the login if there is one). */
    private String authenticate(String registry, String challenge, String scope) {
        Login login = logins.get(registry);
        String lower = challenge.toLowerCase(Locale.ROOT);
        if (lower.startsWith("basic")) {
            if (login == null) {
                throw new Unsupported(registry + " needs a login and none is known to this run");
            }
            return basic(login);
        }
        if (!lower.startsWith("bearer")) {
            throw new Unsupported(registry + " asks for an unknown authentication: " + challenge);
        }
        return token(registry, challenge, scope, login);
    }

    /** A Bearer token from the challenge's realm, for {@code scope} (none: a login check), with the login if there is one. */
    private String token(String registry, String challenge, String scope, Login login) {
        Map<String, String> params = new java.util.HashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new Unsupported(registry + " sent a Bearer challenge without a realm");
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        // Our own scope, not the challenge's: a remembered challenge names the repository it was issued for.
        if (scope != null) {
            url.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        URI tokenUri = URI.create(url.toString());
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).timeout(Duration.ofSeconds(30)).GET();
        if (login != null) {
            b.header("Authorization", basic(login));
        }
        try {
            String tokenHost = tokenUri.getPort() > 0 ? tokenUri.getHost() + ":" + tokenUri.getPort() : tokenUri.getHost();
            HttpClient client = insecure.contains(registry) ? trusting : secure;
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            count(tokenHost, "GET");
            if (r.statusCode() != 200) {
                throw new Unsupported("the token service of " + registry + " answered HTTP " + r.statusCode());
            }
            var json = Json.MAPPER.readTree(r.body());
            String token = json.hasNonNull("token") ? json.get("token").asText() : json.path("access_token").asText(null);
            if (token == null || token.isEmpty()) {
                throw new Unsupported("the token service of " + registry + " returned no token");
            }
            return "Bearer " + token;
        } catch (IOException e) {
            throw new Unsupported("cannot get a token for " + registry + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unsupported("interrupted");
        }
    }

    private static String basic(Login login) {
        String pair = login.username() + ":" + new String(login.password().bytes(), StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** Retry-After is seconds or an HTTP date; missing or odd values wait a second; never more than a minute. */
    static Duration retryAfter(String value) {
        Duration wait = Duration.ofSeconds(1);
        if (value != null) {
            try {
                wait = Duration.ofSeconds(Long.parseLong(value.strip()));
            } catch (NumberFormatException e) {
                try {
                    wait = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME));
                } catch (RuntimeException ignored) {
                    // Unparseable: the default second stands.
                }
            }
        }
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }

    private void observeRateLimit(String registry, HttpResponse<?> r) {
        Integer limit = rate(r.headers().firstValue("ratelimit-limit").orElse(null));
        Integer remaining = rate(r.headers().firstValue("ratelimit-remaining").orElse(null));
        if (limit != null && remaining != null) {
            RateLimit seen = new RateLimit(limit, remaining);
            firstLimit.putIfAbsent(registry, seen);
            lastLimit.put(registry, seen);
        }
    }

    /** "100;w=21600" → 100. */
    static Integer rate(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = RATE.matcher(header);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    private void count(String registry, String method) {
        counts.computeIfAbsent(registry, r -> new ConcurrentHashMap<>()).computeIfAbsent(method, k -> new AtomicLong()).incrementAndGet();
    }

    /** Requests this client sent, per registry and method. */
    public Map<String, Map<String, Long>> requests() {
        Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
        counts.forEach((registry, byMethod) -> {
            Map<String, Long> m = new java.util.TreeMap<>();
            byMethod.forEach((method, n) -> m.put(method, n.get()));
            out.put(registry, m);
        });
        return out;
    }

    public RateLimit firstRateLimit(String registry) {
        return firstLimit.get(registry);
    }

    public RateLimit lastRateLimit(String registry) {
        return lastLimit.get(registry);
    }

    public Set<String> rateLimitedRegistries() {
        return new java.util.TreeSet<>(lastLimit.keySet());
    }

    /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as curl and most container tools read them. */
    static final class EnvProxies extends ProxySelector {
        private final Map<String, String> env;

        EnvProxies(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public List<Proxy> select(URI uri) {
            String proxy = uri.getScheme().equals("https") ? first("HTTPS_PROXY", "https_proxy") : first("HTTP_PROXY", "http_proxy");
            if (proxy == null || bypass(uri.getHost())) {
                return List.of(Proxy.NO_PROXY);
            }
            URI p = URI.create(proxy.contains("://") ? proxy : "http://" + proxy);
            return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.getHost(), p.getPort() > 0 ? p.getPort() : 80)));
        }

        boolean bypass(String host) {
            String noProxy = first("NO_PROXY", "no_proxy");
            if (noProxy == null) {
                return false;
            }
            for (String entry : noProxy.split(",")) {
                String e = entry.strip().toLowerCase(Locale.ROOT);
                if (e.equals("*") || (!e.isEmpty() && (host.equals(e.startsWith(".") ? e.substring(1) : e) || host.endsWith(e.startsWith(".") ? e : "." + e)))) {
                    return true;
                }
            }
            return false;
        }

        private String first(String... names) {
            for (String n : names) {
                String v = Env.value(env, n);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            // Nothing to remember: the request fails and the caller falls back to skopeo.
        }
    }

    /** Only for hosts the user named with --insecure-registry, exactly as skopeo's --tls-verify=false. */
    static final class TrustAll {
        static javax.net.ssl.SSLContext context() {
            try {
                javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
                c.init(null, new javax.net.ssl.TrustManager[]{new javax.net.ssl.X509TrustManager() {
                    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String type) { }

                    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String type) { }

                    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                        return new java.security.cert.X509Certificate[0];
                    }
                }}, new java.security.SecureRandom());
                return c;
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
