import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The cheap questions, asked without skopeo: HEAD a manifest and read its digest. A HEAD does not count
 * against Docker Hub's pull quota, and it needs no process. It does not retry: a 429, a 5xx or a dropped
 * connection is a transient {@link SyncError} (with the registry's Retry-After) for the one retry layer; what
 * it cannot answer at all (no digest header, an unknown authentication, a certificate only skopeo trusts) is
 * {@link Unsupported}, and then skopeo is asked.
 */
public final class RegistryClient {
    static final String ACCEPT = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** The answer to a HEAD: {@code found} false for 404, else the manifest digest the registry reports. */
    public record Head(boolean found, String digest) {}

    /** The registry cannot answer this cheaply: ask skopeo instead. */
    public static final class Unsupported extends RuntimeException {
        public Unsupported(String message) {
            super(message);
        }
    }

    private final int perRegistry;
    private final RateLimits rateLimits = new RateLimits();
    private final Http http;
    private final RegistryAuth auth;
    private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();

    public RegistryClient(Map<String, Login> logins, Set<String> insecure, int perRegistry, Map<String, String> env) {
        this.perRegistry = perRegistry;
        this.http = new Http(insecure, env, rateLimits);
        this.auth = new RegistryAuth(http, logins);
    }

    /**
     * Checks a login the way skopeo login does (GET /v2/ with the credentials, through a token when the registry
     * asks for one), without starting a process. True only when the registry accepted it; false when it refused
     * or could not say, and then the caller asks skopeo, whose answer is the authority.
     */
    public boolean accepts(String registry, Login login, Deadline deadline) {
        try {
            Duration timeout = deadline.cap(REQUEST_TIMEOUT, "logging in to " + registry);
            HttpResponse<Void> open = http.send(registry, "GET", "/v2/", timeout);
            auth.pinged(registry, open);
            if (open.statusCode() == 200) {
                return true;
            }
            String challenge = open.headers().firstValue("WWW-Authenticate").orElse("");
            if (open.statusCode() != 401 || challenge.isEmpty()) {
                return false;
            }
            String authorization = auth.answer(registry, challenge, null, login, timeout);
            return http.send(registry, "GET", "/v2/", timeout, "Authorization", authorization).statusCode() == 200;
        } catch (IOException | Unsupported | SyncError e) {
            return false;
        }
    }

    public Head head(ImageRef ref, Job job) {
        return answer("HEAD " + ref.display(), request(ref, job, "HEAD " + ref.display(), "HEAD", HttpResponse.BodyHandlers.discarding()));
    }

    /**
     * The manifest {@code ref} names, byte for byte as the registry stores it: what skopeo inspect --raw reads, without
     * a process. A GET, so Docker Hub counts it as a pull, as it counts skopeo's. Null when the registry has no such
     * manifest (skopeo then says so in its own words); errors as for {@link #head}.
     */
    public byte[] manifest(ImageRef ref, Job job) {
        String what = "GET " + ref.display();
        HttpResponse<byte[]> r = request(ref, job, what, "GET", HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 404) {
            return null;
        }
        failOn(what, r);
        return r.body();
    }

    private <T> HttpResponse<T> request(ImageRef ref, Job job, String what, String method, HttpResponse.BodyHandler<T> body) {
        Semaphore gate = inFlight.computeIfAbsent(ref.registry(), r -> new Semaphore(perRegistry));
        try {
            gate.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncError(SyncError.Kind.PERMANENT, what + ": interrupted");
        }
        try {
            return send(ref, job.deadline(), what, method, body);
        } catch (IOException e) {
            if (Http.isTls(e)) {
                throw new Unsupported(what + ": " + Http.describe(e));
            }
            throw new SyncError(SyncError.Kind.TRANSIENT, what + ": " + Http.describe(e));
        } finally {
            gate.release();
        }
    }

    private <T> HttpResponse<T> send(ImageRef ref, Deadline deadline, String what, String method, HttpResponse.BodyHandler<T> body) throws IOException {
        String registry = ref.registry();
        String path = "/v2/" + ref.repository() + "/manifests/" + ref.reference();
        String scope = "repository:" + ref.repository() + ":pull";
        auth.ping(registry, deadline.cap(REQUEST_TIMEOUT, what));
        String authorization = auth.current(registry, scope, deadline.cap(REQUEST_TIMEOUT, what));
        HttpResponse<T> r = http.send(registry, method, path, deadline.cap(REQUEST_TIMEOUT, what), body, "Accept", ACCEPT, "Authorization", authorization);
        if (r.statusCode() == 401) {
            String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
            authorization = auth.renew(registry, challenge, scope, deadline.cap(REQUEST_TIMEOUT, what));
            r = http.send(registry, method, path, deadline.cap(REQUEST_TIMEOUT, what), body, "Accept", ACCEPT, "Authorization", authorization);
        }
        return r;
    }

    private static Head answer(String what, HttpResponse<Void> r) {
        if (r.statusCode() == 404) {
            return new Head(false, null);
        }
        failOn(what, r);
        String digest = r.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (digest == null || !digest.matches("sha256:[0-9a-f]{64}")) {
            throw new Unsupported(what + " gave no usable Docker-Content-Digest");
        }
        return new Head(true, digest);
    }

    /** Anything but a 200 (or a 404, which the caller answers): transient for 429 and 5xx, else a question for skopeo. */
    private static void failOn(String what, HttpResponse<?> r) {
        int status = r.statusCode();
        if (status == 429) {
            String header = r.headers().firstValue("Retry-After").orElse(null);
            throw new SyncError(SyncError.Kind.TRANSIENT, what + ": HTTP 429 Too Many Requests"
                    + (header == null ? "" : " (Retry-After: " + header.strip() + ")"), retryAfter(header));
        }
        if (status >= 500) {
            throw new SyncError(SyncError.Kind.TRANSIENT, what + ": HTTP " + status + " from the registry");
        }
        if (status != 200) {
            throw new Unsupported(what + " answered HTTP " + status);
        }
    }

    /** Retry-After is seconds or an HTTP date; missing or odd values mean a second. Not capped: the retry layer decides. */
    static Duration retryAfter(String value) {
        if (value == null) {
            return null;
        }
        Duration wait = Duration.ofSeconds(1);
        try {
            wait = Duration.ofSeconds(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            try {
                wait = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (RuntimeException ignored) {
                // Unparseable: the default second stands.
            }
        }
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    /** --registry-requests: how many requests this client keeps in flight at most, per registry. */
    public int perRegistry() {
        return perRegistry;
    }

    public RateLimits rateLimits() {
        return rateLimits;
    }

    /** Requests this client sent, per registry (or token host) and method. */
    public Map<String, Map<String, Long>> requests() {
        return http.requests();
    }
}
