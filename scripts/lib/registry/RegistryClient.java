package lib.registry;

import lib.core.Context;
import lib.core.Deadline;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.Json;
import lib.core.Login;
import lib.core.SyncError;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cheap questions, asked without skopeo: HEAD a manifest and read its digest, list a repository's tags.
 * Neither counts against Docker Hub's pull quota, and neither needs a process. It does not retry: a 429, a 5xx
 * or a dropped connection is a transient {@link SyncError} (with the registry's Retry-After) for the one retry
 * layer; what it cannot answer at all (no digest header, an unknown authentication, a certificate only skopeo
 * trusts, a tag list that is not JSON) is {@link Unsupported}, and then skopeo is asked.
 */
public final class RegistryClient {
    static final String ACCEPT = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /**
     * A registry whose tag list goes on past this many pages is not paginating sanely (at 100 a page, that is
     * 100,000 tags); a Link back to a page already read is caught at once.
     */
    static final int MAX_PAGES = 1000;
    /** A Link header's entries: {@code <target>} and its parameters. */
    private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,]*)*)");
    /** rel="next", the relation a list's following page has; rel may hold several relations. */
    private static final Pattern NEXT = Pattern.compile("rel\\s*=\\s*\"?(?:[^\";,]*\\s)?next(?:[\\s\";]|$)", Pattern.CASE_INSENSITIVE);

    /** The answer to a HEAD: {@code found} false for 404, else the manifest digest the registry reports. */
    public record Head(boolean found, Digest digest) {}

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
     * asks for one), without starting a process. Null when the registry accepted it; else why it is not confirmed
     * (refused, or the client could not say), and then the caller asks skopeo, whose answer is the authority.
     */
    public String unconfirmedLogin(String registry, Login login, Deadline deadline) {
        try {
            Duration timeout = deadline.cap(REQUEST_TIMEOUT, "logging in to " + registry);
            HttpResponse<Void> open = http.send(registry, "GET", "/v2/", timeout);
            auth.pinged(registry, open);
            if (open.statusCode() == 200) {
                return null;
            }
            String challenge = open.headers().firstValue("WWW-Authenticate").orElse("");
            if (open.statusCode() != 401 || challenge.isEmpty()) {
                return "GET /v2/ answered HTTP " + open.statusCode() + (challenge.isEmpty() ? " without a challenge" : "");
            }
            String authorization = auth.answer(registry, challenge, null, login, timeout);
            int status = http.send(registry, "GET", "/v2/", timeout, "Authorization", authorization).statusCode();
            return status == 200 ? null : "GET /v2/ with the login answered HTTP " + status;
        } catch (IOException e) {
            return Http.describe(e);
        } catch (Unsupported | SyncError e) {
            return e.getMessage();
        }
    }

    public Head head(ImageRef ref, Context context) {
        String what = "HEAD " + ref.display();
        String path = "/v2/" + ref.repository() + "/manifests/" + ref.reference();
        return gated(ref.registry(), what, () -> answer(what, send(ref, "HEAD", path, ACCEPT, HttpResponse.BodyHandlers.discarding(), context.deadline(), what)));
    }

    /**
     * The manifest {@code ref} names, byte for byte as the registry stores it: what skopeo inspect --raw reads, without
     * a process. A GET, so Docker Hub counts it as a pull, as it counts skopeo's. Null when the registry has no such
     * manifest (skopeo then says so in its own words); errors as for {@link #head}.
     */
    public byte[] manifest(ImageRef ref, Context context) {
        String what = "GET " + ref.display();
        String path = "/v2/" + ref.repository() + "/manifests/" + ref.reference();
        HttpResponse<byte[]> r = gated(ref.registry(), what, () -> send(ref, "GET", path, ACCEPT, HttpResponse.BodyHandlers.ofByteArray(), context.deadline(), what));
        if (r.statusCode() == 404) {
            return null;
        }
        refuseUnlessOk(what, r);
        return r.body();
    }

    /**
     * Every tag of {@code repository} (its tag and digest are not used), each once, in the order the registry lists
     * them: GET /v2/NAME/tags/list with {@code pageSize} a page, following each Link rel="next" (a path, or a URL on
     * the same host) until there is none, with the same authorization as a HEAD. A registry that ignores the page
     * size answers in one page. A repository the registry does not know is a {@link SyncError.Kind#NOT_FOUND}
     * failure, "repository not found": a policy cannot select from it, and the user should check the name.
     */
    public List<String> tags(ImageRef repository, int pageSize, Context context) {
        return tags(repository, pageSize, MAX_PAGES, context);
    }

    /** As above, giving up after {@code maxPages} pages. */
    List<String> tags(ImageRef repository, int pageSize, int maxPages, Context context) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size " + pageSize + ": a page holds at least one tag");
        }
        String list = "listing the tags of " + repository.name();
        Set<String> tags = new LinkedHashSet<>();
        Set<String> read = new HashSet<>();
        String page = "/v2/" + repository.repository() + "/tags/list?n=" + pageSize;
        for (int number = 1; page != null; number++) {
            if (number > maxPages) {
                throw new SyncError(SyncError.Kind.PERMANENT, list + ": the registry still had more after " + maxPages + " pages of " + pageSize
                        + "; name the tags to copy instead of a policy");
            }
            if (!read.add(page)) {
                throw new SyncError(SyncError.Kind.PERMANENT, list + ": the registry's next page (" + page + ") is one already read; its pagination is broken");
            }
            String what = number == 1 ? list : list + " (page " + number + ")";
            String target = page;
            HttpResponse<String> r = gated(repository.registry(), what,
                    () -> send(repository, "GET", target, null, HttpResponse.BodyHandlers.ofString(), context.deadline(), what));
            if (r.statusCode() == 404) {
                throw new SyncError(SyncError.Kind.NOT_FOUND, what + ": repository not found; check the image name");
            }
            refuseUnlessOk(what, r);
            tags.addAll(tagsIn(what, r.body()));
            page = next(what, r);
        }
        return List.copyOf(tags);
    }

    /** A request under the registry's limit on requests in flight; a failure on the wire is transient, a TLS one is skopeo's to judge. */
    private <T> T gated(String registry, String what, Exchange<T> exchange) {
        Semaphore gate = inFlight.computeIfAbsent(registry, r -> new Semaphore(perRegistry));
        try {
            gate.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncError(SyncError.Kind.PERMANENT, what + ": interrupted");
        }
        try {
            return exchange.run();
        } catch (IOException e) {
            if (Http.isTls(e)) {
                throw new Unsupported(what + ": " + Http.describe(e));
            }
            throw new SyncError(SyncError.Kind.TRANSIENT, what + ": " + Http.describe(e));
        } finally {
            gate.release();
        }
    }

    @FunctionalInterface
    private interface Exchange<T> {
        T run() throws IOException;
    }

    /** A request with the repository's pull authorization; a 401 is answered once with the challenge it brings. */
    private <T> HttpResponse<T> send(ImageRef ref, String method, String path, String accept, HttpResponse.BodyHandler<T> body,
                                     Deadline deadline, String what) throws IOException {
        String registry = ref.registry();
        String scope = "repository:" + ref.repository() + ":pull";
        auth.ping(registry, deadline.cap(REQUEST_TIMEOUT, what));
        String authorization = auth.current(registry, scope, deadline.cap(REQUEST_TIMEOUT, what));
        HttpResponse<T> r = http.send(registry, method, path, deadline.cap(REQUEST_TIMEOUT, what), body, "Accept", accept, "Authorization", authorization);
        if (r.statusCode() == 401) {
            String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
            authorization = auth.renew(registry, challenge, scope, deadline.cap(REQUEST_TIMEOUT, what));
            r = http.send(registry, method, path, deadline.cap(REQUEST_TIMEOUT, what), body, "Accept", accept, "Authorization", authorization);
        }
        return r;
    }

    private static Head answer(String what, HttpResponse<Void> r) {
        if (r.statusCode() == 404) {
            return new Head(false, null);
        }
        refuseUnlessOk(what, r);
        Digest digest = Digest.parseOrNull(r.headers().firstValue("Docker-Content-Digest").orElse(null));
        if (digest == null) {
            throw new Unsupported(what + " gave no usable Docker-Content-Digest");
        }
        return new Head(true, digest);
    }

    /** 429 and 5xx are transient, for the retry layer; any other answer but 200 is left to skopeo. */
    private static void refuseUnlessOk(String what, HttpResponse<?> r) {
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

    /** The tags of one page: {"name": ..., "tags": [...]}, where "tags" may be null or missing for a repository without any. */
    private static List<String> tagsIn(String what, String body) {
        JsonNode tags;
        try {
            tags = Json.MAPPER.readTree(body).path("tags");
        } catch (IOException e) {
            throw new Unsupported(what + ": the registry's answer is not JSON");
        }
        if (tags.isMissingNode() || tags.isNull()) {
            return List.of();
        }
        if (!tags.isArray()) {
            throw new Unsupported(what + ": the registry's answer has no list of tags");
        }
        List<String> out = new ArrayList<>();
        tags.forEach(t -> out.add(t.asText()));
        return out;
    }

    /**
     * The path and query of the page after {@code r}, from its Link rel="next"; null on the last page. A Link to
     * another host is not followed: the registry's authorization must not go there.
     */
    private static String next(String what, HttpResponse<?> r) {
        for (String header : r.headers().allValues("Link")) {
            Matcher m = LINK.matcher(header);
            while (m.find()) {
                if (!NEXT.matcher(m.group(2)).find()) {
                    continue;
                }
                URI next;
                try {
                    next = r.uri().resolve(m.group(1).strip());
                } catch (IllegalArgumentException e) {
                    throw new Unsupported(what + ": the registry's Link to the next page is not a URL: " + m.group(1));
                }
                if (next.getRawAuthority() == null || !next.getRawAuthority().equalsIgnoreCase(r.uri().getRawAuthority())) {
                    throw new Unsupported(what + ": the registry's next page is on another host: " + m.group(1));
                }
                return next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
            }
        }
        return null;
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

    /** How many requests go to one registry at once (--registry-requests). */
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
