import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.UUID;

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
 * Retry-After, and a Bearer token flow (a token endpoint at /token, checked by the front). Requests it lets
 * through are forwarded to the real registry unchanged. It speaks HTTPS with a throwaway self-signed
 * certificate for 127.0.0.1, as a registry named with --insecure-registry would.
 */
final class RegistryFront implements AutoCloseable {
    static final String TOKEN = "test-token-42";
    static final Set<String> FORWARDED_HEADERS = Set.of("docker-content-digest", "content-type", "docker-distribution-api-version");

    final String host;
    final AtomicInteger tokenRequests = new AtomicInteger();
    final AtomicInteger manifestGets = new AtomicInteger();
    volatile String tokenBasic;
    volatile boolean bearer;
    volatile Integer remaining;
    volatile int throttled;
    private final HttpsServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final String backend;

    RegistryFront(String backend) throws IOException {
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
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                if (tokenBasic != null && !tokenBasic.equals(auth)) {
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                byte[] body = ("{\"token\":\"" + TOKEN + "\"}").getBytes();
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                return;
            }
            if (bearer && !("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"https://" + host + "/token\",service=\"front\",scope=\"repository:x:pull\"");
                ex.sendResponseHeaders(401, -1);
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
