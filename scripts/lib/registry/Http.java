package lib.registry;

import lib.core.Env;
import lib.core.ImageRef;
import lib.core.Lazy;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * HTTP plumbing for registries: proxies from the environment, certificates unchecked only for hosts named
 * with --insecure-registry (which also fall back from HTTPS to HTTP, as skopeo's --tls-verify=false does),
 * every request counted per host and method, and every answer shown to the rate-limit tracker.
 */
public final class Http {
    private final Set<String> insecure;
    private final RateLimits rateLimits;
    /** Built when first used: each costs a TLS set-up, and most runs need only one of them. */
    private final Lazy<HttpClient> secure;
    private final Lazy<HttpClient> trusting;
    private final Map<String, String> scheme = new ConcurrentHashMap<>();
    private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

    Http(Set<String> insecure, Map<String, String> env, RateLimits rateLimits) {
        this.insecure = insecure;
        this.rateLimits = rateLimits;
        ProxySelector proxies = new EnvProxies(env);
        this.secure = Lazy.of(() -> HttpClient.newBuilder().proxy(proxies).connectTimeout(Duration.ofSeconds(10)).build());
        this.trusting = Lazy.of(() -> HttpClient.newBuilder().proxy(proxies).connectTimeout(Duration.ofSeconds(10)).sslContext(TrustAll.context()).build());
    }

    /**
     * The most read of an answer whose body is not used (a /v2/ check, a HEAD, an error): a registry's answers of this
     * kind are a few hundred bytes; containers/image reads error bodies up to 1 MiB too.
     */
    static final long OTHER_ANSWER = BoundedBody.MIB;

    /** A request whose answer's body is not used ({@code path} from /v2/ on); {@code headers} as name, value pairs. */
    HttpResponse<byte[]> send(String registry, String method, String path, Duration timeout, String... headers) throws IOException {
        return send(registry, method, path, timeout, OTHER_ANSWER, "an answer", headers);
    }

    /**
     * The same, the answer's body read whole, at most {@code cap} bytes of {@code kind} (as a message names it) and
     * all within {@code timeout}, headers and body; the path may carry a query (a tag list's next page).
     */
    HttpResponse<byte[]> send(String registry, String method, String path, Duration timeout, long cap, String kind,
                              String... headers) throws IOException {
        String first = scheme.getOrDefault(registry, "https");
        try {
            return exchange(registry, method, URI.create(first + "://" + ImageRef.apiHost(registry) + path), timeout, cap, kind, headers);
        } catch (IOException e) {
            if (!first.equals("https") || !insecure.contains(registry) || BoundedBody.tooLarge(e)) {
                throw e;
            }
            scheme.put(registry, "http");
            return exchange(registry, method, URI.create("http://" + ImageRef.apiHost(registry) + path), timeout, cap, kind, headers);
        }
    }

    private HttpResponse<byte[]> exchange(String registry, String method, URI uri, Duration timeout, long cap, String kind,
                                          String... headers) throws IOException {
        // Probing HTTPS on an --insecure-registry host that only speaks HTTP can stall instead of failing: keep it short.
        boolean probing = insecure.contains(registry) && uri.getScheme().equals("https") && !scheme.containsKey(registry);
        Duration limit = probing && timeout.compareTo(Duration.ofSeconds(3)) > 0 ? Duration.ofSeconds(3) : timeout;
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(limit).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i + 1] != null) {
                b.header(headers[i], headers[i + 1]);
            }
        }
        HttpResponse<byte[]> r = call(registry, registry, b.build(), new BoundedBody(cap, kind, timeout));
        if (probing) {
            scheme.put(registry, "https");
        }
        rateLimits.observe(registry, r.headers());
        return r;
    }

    /**
     * A GET from a token service, counted under the host it went to, its answer at most {@code cap} bytes within
     * {@code timeout}; its certificate is checked as the registry's is.
     */
    HttpResponse<byte[]> get(String registry, URI uri, String authorization, Duration timeout, long cap, String kind) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        String host = uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
        return call(registry, host, b.build(), new BoundedBody(cap, kind, timeout));
    }

    private HttpResponse<byte[]> call(String registry, String countAs, HttpRequest request, BoundedBody body) throws IOException {
        try {
            HttpResponse<byte[]> r = (insecure.contains(registry) ? trusting : secure).get().send(request, body);
            count(countAs, request.method());
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** What went wrong on the wire, in words: the JDK's connection exceptions often carry no message at all. */
    public static String describe(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof HttpTimeoutException) {
            // The JDK says "request timed out" of the headers; a body's own words say which answer was too slow.
            return message.startsWith("timed out") ? message : "timed out";
        }
        if (e instanceof ConnectException && unresolved(e)) {
            return "no such host";
        }
        if (e instanceof ConnectException) {
            // "No route to host" and its kin are not refusals: name them as they are.
            return message.isEmpty() || message.toLowerCase(Locale.ROOT).contains("refused") ? "connection refused" : "could not connect (" + message + ")";
        }
        if (e instanceof EOFException || message.toLowerCase(Locale.ROOT).contains("eof")) {
            return "connection closed early (EOF)";
        }
        return message.isEmpty() ? e.getClass().getSimpleName() : message;
    }

    /** The JDK reports a host name that does not resolve as a ConnectException, with the cause deep inside. */
    private static boolean unresolved(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    public static boolean isTls(IOException e) {
        return e instanceof javax.net.ssl.SSLException;
    }

    private void count(String host, String method) {
        counts.computeIfAbsent(host, r -> new ConcurrentHashMap<>()).computeIfAbsent(method, k -> new LongAdder()).increment();
    }

    /** Requests sent, per host and method. */
    Map<String, Map<String, Long>> requests() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        counts.forEach((host, byMethod) -> {
            Map<String, Long> m = new TreeMap<>();
            byMethod.forEach((method, n) -> m.put(method, n.sum()));
            out.put(host, m);
        });
        return out;
    }

    /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as curl and most container tools read them. */
    public static final class EnvProxies extends ProxySelector {
        private final Map<String, String> env;

        public EnvProxies(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public List<Proxy> select(URI uri) {
            String proxy = uri.getScheme().equals("https") ? Env.first(env, "HTTPS_PROXY", "https_proxy") : Env.first(env, "HTTP_PROXY", "http_proxy");
            if (proxy == null || bypass(uri.getHost())) {
                return List.of(Proxy.NO_PROXY);
            }
            URI p = URI.create(proxy.contains("://") ? proxy : "http://" + proxy);
            return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.getHost(), p.getPort() > 0 ? p.getPort() : 80)));
        }

        boolean bypass(String host) {
            String noProxy = Env.first(env, "NO_PROXY", "no_proxy");
            if (noProxy == null) {
                return false;
            }
            for (String entry : noProxy.split(",")) {
                String e = entry.strip().toLowerCase(Locale.ROOT);
                String domain = e.startsWith(".") ? e.substring(1) : e;
                if (e.equals("*") || (!e.isEmpty() && (host.equals(domain) || host.endsWith("." + domain)))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            // Nothing to remember: the request fails and the caller says why.
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
