package support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A front for a real registry, for what Debian's registry cannot do: Docker Hub's rate-limit headers, 429 with
 * Retry-After, and a Bearer token flow as the distribution token protocol has it: a token endpoint at /token
 * that grants each login the actions {@link #grants} allows of those asked for in {@code scope}, in a JWT's
 * access claim as Docker Hub's tokens carry it (or, with {@link #opaqueTokens}, in an opaque token as GHCR's),
 * and a registry that takes only tokens it issued, for the repositories and actions they grant. Requests it lets
 * through are forwarded to the real registry unchanged. It speaks HTTPS with a throwaway self-signed
 * certificate for 127.0.0.1, as a registry named with --insecure-registry would.
 */
public final class RegistryFront implements AutoCloseable {
    public static final Set<String> FORWARDED_HEADERS = Set.of("docker-content-digest", "content-type", "docker-distribution-api-version");
    private static final Pattern SCOPE = Pattern.compile("repository:([^:]+):([a-z,*]+)");
    private static final Pattern REPOSITORY_PATH = Pattern.compile("/v2/(.+)/(manifests|blobs|tags)/.*");

    public final String host;
    public final AtomicInteger tokenRequests = new AtomicInteger();
    public final AtomicInteger manifestGets = new AtomicInteger();
    /** Logins the token service knows, user → password; a wrong one is refused with 401. */
    public final Map<String, String> users = new ConcurrentHashMap<>();
    /** Whether a request without a login gets a token (as on Docker Hub), granted as user "". */
    public volatile boolean anonymous = true;
    /** What a user may do with a repository; a token grants the actions asked for that this allows. */
    public volatile BiFunction<String, String, Set<String>> grants = (user, repository) -> Set.of("pull", "push");
    /** GHCR's kind of token: base64 of "v1:NAME:time", which says nothing about what it grants. */
    public volatile boolean opaqueTokens;
    public volatile boolean bearer;
    public volatile Integer remaining;
    public volatile int throttled;
    private final HttpsServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final String backend;
    /** Every token issued, with what it grants: repository → actions. */
    private final Map<String, Map<String, Set<String>>> issued = new ConcurrentHashMap<>();
    private final byte[] signingKey = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);

    public RegistryFront(String backend) throws IOException {
        this.backend = backend;
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(selfSigned()));
        server.createContext("/", this::handle);
        server.start();
        host = "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/token")) {
                tokenRequests.incrementAndGet();
                String user = user(ex.getRequestHeaders().getFirst("Authorization"));
                if (user == null) {
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                byte[] body = ("{\"token\":\"" + issue(user, ex.getRequestURI().getRawQuery()) + "\"}").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                return;
            }
            String needed = needed(ex.getRequestMethod(), path);
            String authorization = ex.getRequestHeaders().getFirst("Authorization");
            if (bearer && !allowed(authorization, needed)) {
                // A token it issued that does not grant this: Docker Hub's answer, also for a repository that does not exist.
                boolean insufficient = needed != null && granted(authorization) != null;
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"https://" + host + "/token\",service=\"front\""
                        + (needed == null ? "" : ",scope=\"repository:" + needed + "\"") + (insufficient ? ",error=\"insufficient_scope\"" : ""));
                byte[] body = insufficient ? ("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":"
                        + "[{\"Type\":\"repository\",\"Class\":\"\",\"Name\":\"" + needed.substring(0, needed.lastIndexOf(':'))
                        + "\",\"Action\":\"pull\"}]}]}\n").getBytes(StandardCharsets.UTF_8) : new byte[0];
                if (insufficient) {
                    ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
                }
                ex.sendResponseHeaders(401, body.length == 0 || ex.getRequestMethod().equals("HEAD") ? -1 : body.length);
                if (body.length > 0 && !ex.getRequestMethod().equals("HEAD")) {
                    ex.getResponseBody().write(body);
                }
                return;
            }
            if (remaining != null) {
                ex.getResponseHeaders().add("ratelimit-limit", "100;w=21600");
                ex.getResponseHeaders().add("ratelimit-remaining", remaining + ";w=21600");
            }
            if (throttled > 0 && path.contains("/manifests/")) {
                throttled--;
                ex.getResponseHeaders().add("Retry-After", "7");
                ex.sendResponseHeaders(429, -1);
                return;
            }
            if (ex.getRequestMethod().equals("GET") && path.contains("/manifests/")) {
                manifestGets.incrementAndGet();
            }
            forward(ex);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The user a token request is for ("" anonymous), or null when its login is wrong or anonymous requests are refused. */
    private String user(String authorization) {
        if (authorization == null) {
            return anonymous ? "" : null;
        }
        String[] pair = new String(Base64.getDecoder().decode(authorization.substring("Basic ".length())), StandardCharsets.UTF_8).split(":", 2);
        return pair.length == 2 && pair[1].equals(users.get(pair[0])) ? pair[0] : null;
    }

    /** A token granting, for each scope asked for, the actions asked for that {@link #grants} allows {@code user}. */
    private String issue(String user, String query) {
        Map<String, Set<String>> granted = new TreeMap<>();
        for (String param : query == null ? new String[0] : query.split("&")) {
            Matcher m = SCOPE.matcher(URLDecoder.decode(param.replaceFirst("^scope=", ""), StandardCharsets.UTF_8));
            if (param.startsWith("scope=") && m.matches()) {
                Set<String> actions = new TreeSet<>(List.of(m.group(2).split(",")));
                actions.retainAll(grants.apply(user, m.group(1)));
                granted.put(m.group(1), actions);
            }
        }
        String token = opaqueTokens
                ? Base64.getEncoder().encodeToString(("v1:" + String.join(",", granted.keySet()) + ":" + System.nanoTime()).getBytes(StandardCharsets.UTF_8))
                : jwt(user, granted);
        issued.put(token, granted);
        return token;
    }

    /** A JWT shaped as the distribution spec's (and Docker Hub's): the grants in its access claim, signed with HS256. */
    private String jwt(String user, Map<String, Set<String>> granted) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "front");
        claims.put("sub", user);
        claims.put("aud", "front");
        claims.put("exp", System.currentTimeMillis() / 1000 + 300);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", granted.entrySet().stream()
                .map(e -> Map.of("type", "repository", "name", e.getKey(), "actions", List.copyOf(e.getValue()))).toList());
        try {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String signed = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                    + b64.encodeToString(Fixtures.JSON.writeValueAsBytes(claims));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return signed + "." + b64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "NAME:pull" for reading a repository, "NAME:push" for writing it; null for requests about no repository (/v2/). */
    private static String needed(String method, String path) {
        Matcher m = REPOSITORY_PATH.matcher(path);
        if (!m.matches()) {
            return null;
        }
        return m.group(1) + ":" + (method.equals("GET") || method.equals("HEAD") ? "pull" : "push");
    }

    /** Whether {@code authorization} is a token this front issued that grants {@code needed} (any issued token when null). */
    private boolean allowed(String authorization, String needed) {
        Map<String, Set<String>> granted = granted(authorization);
        if (granted == null || needed == null) {
            return granted != null;
        }
        int colon = needed.lastIndexOf(':');
        return granted.getOrDefault(needed.substring(0, colon), Set.of()).contains(needed.substring(colon + 1));
    }

    /** What a token this front issued grants; null for no token, or one it did not issue. */
    private Map<String, Set<String>> granted(String authorization) {
        return authorization == null || !authorization.startsWith("Bearer ") ? null : issued.get(authorization.substring("Bearer ".length()));
    }

    private void forward(HttpExchange ex) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + backend + ex.getRequestURI()))
                .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
        for (String h : List.of("Accept")) {
            List<String> values = ex.getRequestHeaders().get(h);
            if (values != null) {
                values.forEach(v -> b.header(h, v));
            }
        }
        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        r.headers().map().forEach((name, values) -> {
            if (FORWARDED_HEADERS.contains(name.toLowerCase())) {
                values.forEach(v -> ex.getResponseHeaders().add(name, v));
            }
        });
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(r.statusCode(), head || r.body().length == 0 ? -1 : r.body().length);
        if (!head) {
            ex.getResponseBody().write(r.body());
        }
    }

    /** A key pair made by the JDK's keytool; its password reaches keytool through the environment. */
    private static SSLContext selfSigned() throws IOException {
        Path dir = Files.createTempDirectory("front-tls");
        Path store = dir.resolve("front.p12");
        String password = UUID.randomUUID().toString();
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Tools.Result r = Tools.run(java.util.List.of(keytool, "-genkeypair", "-alias", "front", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass:env", "STORE_PASSWORD", "-keypass:env", "STORE_PASSWORD"),
                withPassword(password), dir, null);
        if (r.exit() != 0) {
            throw new IllegalStateException("keytool failed: " + r.stderr());
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password.toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static Map<String, String> withPassword(String password) {
        Map<String, String> env = Tools.cleanEnv();
        env.put("STORE_PASSWORD", password);
        return env;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
