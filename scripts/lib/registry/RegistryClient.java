package lib.registry;

import lib.core.Context;
import lib.core.Deadline;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.Json;
import lib.core.Login;
import lib.core.SyncError;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

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
 * trusts) is {@link Unsupported}, and then skopeo is asked.
 */
public final class RegistryClient {
    static final String ACCEPT = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    /** One request's time, headers and body; never more than what is left of the image's --image-timeout. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The most a manifest may be: registries "SHOULD expect to be able to support manifest pushes of at least 4
     * megabytes" (distribution spec, "Pushing Manifests"), and Docker's registry and containers/image stop there.
     */
    static final long MANIFEST = 4 * BoundedBody.MIB;
    /**
     * The most one page of a tag list may be. A page of 100 tags is at most 13 KiB (a tag is 128 characters at
     * most); this leaves room for registries that ignore the page size and answer every tag at once, or add
     * per-digest details (Google's registries do).
     */
    static final long TAG_PAGE = 4 * BoundedBody.MIB;
    /**
     * A registry whose tag list goes on past this many pages is not paginating sanely (at 100 a page, that is
     * 100,000 tags); a Link back to a page already read is caught at once.
     */
    static final int MAX_PAGES = 1000;
    /** The most all pages of one tag list may be together: 1000 full pages of 100 tags fit with room to spare. */
    static final long TAG_LIST = 16 * BoundedBody.MIB;
    /** A Link header's entries: {@code <target>} and its parameters. */
    private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,]*)*)");
    /** A Bearer challenge's error parameter as RFC 6750 names it: the token was good, but not for this. */
    private static final Pattern INSUFFICIENT_SCOPE = Pattern.compile("\\berror\\s*=\\s*\"?insufficient_scope\\b", Pattern.CASE_INSENSITIVE);
    /** rel="next", the relation a list's following page has; rel may hold several relations. */
    private static final Pattern NEXT = Pattern.compile("rel\\s*=\\s*\"?(?:[^\";,]*\\s)?next(?:[\\s\";]|$)", Pattern.CASE_INSENSITIVE);

    /** The answer to a HEAD: {@code found} false for 404, else the manifest digest and media type the registry reports. */
    public record Head(boolean found, Digest digest, String mediaType) {
        public Head(boolean found, Digest digest) {
            this(found, digest, null);
        }
    }

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
            HttpResponse<byte[]> open = http.send(registry, "GET", "/v2/", timeout);
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
        return gated(ref.registry(), what, () -> answer(what, send(ref, "HEAD", path, ACCEPT, Http.OTHER_ANSWER, "an answer", context.deadline(), what)));
    }

    /**
     * Whether {@code repository} (its tag and digest are not used) holds the blob {@code digest}: HEAD
     * /v2/NAME/blobs/DIGEST, as a client asks before it uploads. Errors as for {@link #head}.
     */
    public boolean hasBlob(ImageRef repository, Digest digest, Context context) {
        String what = "HEAD " + repository.name() + " blob " + digest;
        String path = "/v2/" + repository.repository() + "/blobs/" + digest;
        HttpResponse<byte[]> r = gated(repository.registry(), what, () -> send(repository, "HEAD", path, null, Http.OTHER_ANSWER, "an answer", context.deadline(), what));
        if (r.statusCode() == 404) {
            return false;
        }
        refuseUnlessOk(what, r);
        return true;
    }

    /**
     * The manifest {@code ref} names, byte for byte as the registry stores it: what skopeo inspect --raw reads, without
     * a process. A GET, so Docker Hub counts it as a pull, as it counts skopeo's. Null when the registry has no such
     * manifest (skopeo then says so in its own words); errors as for {@link #head}. One over {@link #MANIFEST} is a
     * permanent failure: no registry should send it, and reading on would only fill the memory.
     */
    public byte[] manifest(ImageRef ref, Context context) {
        String what = "GET " + ref.display();
        String path = "/v2/" + ref.repository() + "/manifests/" + ref.reference();
        HttpResponse<byte[]> r = gated(ref.registry(), what, () -> send(ref, "GET", path, ACCEPT, MANIFEST, "a manifest", context.deadline(), what));
        if (r.statusCode() == 404) {
            return null;
        }
        refuseHidden(what, ref.registry(), r);
        refuseUnlessOk(what, r);
        return r.body();
    }

    /**
     * Every tag of {@code repository} (its tag and digest are not used), each once, in the order the registry lists
     * them: GET /v2/NAME/tags/list with {@code pageSize} a page, following each Link rel="next" (a path, or a URL on
     * the same host) until there is none, with the same authorization as a HEAD. A registry that ignores the page
     * size answers in one page. A repository the registry does not know is a {@link SyncError.Kind#NOT_FOUND}
     * failure, "repository not found": a policy cannot select from it, and the user should check the name. A list
     * that breaks the rules (a page over {@link #TAG_PAGE}, pages over {@link #TAG_LIST} together, more than
     * {@link #MAX_PAGES} pages, a page that repeats, a next page on another host, an answer that is not a tag list)
     * is a permanent failure: skopeo, which follows such lists further, is not asked instead.
     */
    public List<String> tags(ImageRef repository, int pageSize, Context context) {
        return tags(repository, pageSize, MAX_PAGES, TAG_LIST, context);
    }

    /** As above, giving up after {@code maxPages} pages or {@code maxBytes} of them. */
    List<String> tags(ImageRef repository, int pageSize, int maxPages, long maxBytes, Context context) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size " + pageSize + ": a page holds at least one tag");
        }
        String list = "listing the tags of " + repository.name();
        Set<String> tags = new LinkedHashSet<>();
        Set<String> read = new HashSet<>();
        long bytes = 0;
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
            HttpResponse<byte[]> r = gated(repository.registry(), what,
                    () -> send(repository, "GET", target, null, TAG_PAGE, "a page of tags", context.deadline(), what));
            if (r.statusCode() == 404) {
                throw new SyncError(SyncError.Kind.NOT_FOUND, what + ": repository not found; check the image name");
            }
            refuseHidden(what, repository.registry(), r);
            refuseUnlessOk(what, r);
            bytes += r.body().length;
            if (bytes > maxBytes) {
                throw new SyncError(SyncError.Kind.PERMANENT, list + ": the registry's tag list is over " + BoundedBody.size(maxBytes)
                        + " after " + number + " pages, the most this tool reads; name the tags to copy instead of a policy");
            }
            tags.addAll(tagsIn(what, r.body()));
            page = next(what, r);
        }
        return List.copyOf(tags);
    }

    /**
     * A request under the registry's limit on requests in flight; a failure on the wire is transient, a TLS one is
     * skopeo's to judge, an answer over its cap is permanent.
     */
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
            if (BoundedBody.tooLarge(e)) {
                throw new SyncError(SyncError.Kind.PERMANENT, what + ": " + Http.describe(e));
            }
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
    private HttpResponse<byte[]> send(ImageRef ref, String method, String path, String accept, long cap, String kind,
                                      Deadline deadline, String what) throws IOException {
        String registry = ref.registry();
        String scope = "repository:" + ref.repository() + ":pull";
        auth.ping(registry, deadline.cap(REQUEST_TIMEOUT, what));
        String authorization = auth.current(registry, scope, deadline.cap(REQUEST_TIMEOUT, what));
        HttpResponse<byte[]> r = http.send(registry, method, path, deadline.cap(REQUEST_TIMEOUT, what), cap, kind, "Accept", accept, "Authorization", authorization);
        if (r.statusCode() == 401) {
            String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
            authorization = auth.renew(registry, challenge, scope, deadline.cap(REQUEST_TIMEOUT, what));
            r = http.send(registry, method, path, deadline.cap(REQUEST_TIMEOUT, what), cap, kind, "Accept", accept, "Authorization", authorization);
        }
        return r;
    }

    private static Head answer(String what, HttpResponse<?> r) {
        if (r.statusCode() == 404) {
            return new Head(false, null);
        }
        refuseUnlessOk(what, r);
        Digest digest = Digest.parseOrNull(r.headers().firstValue("Docker-Content-Digest").orElse(null));
        if (digest == null) {
            throw new Unsupported(what + " gave no usable Docker-Content-Digest");
        }
        return new Head(true, digest, r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].strip()).orElse(null));
    }

    /**
     * A 401 with error="insufficient_scope" to a request that carried the token the token service had just given
     * ({@link #send} answers every first 401): Docker Hub's answer for a repository that does not exist, given on
     * purpose so that it cannot be told from a private one. Said as such, as a failure of that image only.
     */
    private static void refuseHidden(String what, String registry, HttpResponse<?> r) {
        if (r.statusCode() == 401 && r.headers().allValues("WWW-Authenticate").stream().anyMatch(c -> INSUFFICIENT_SCOPE.matcher(c).find())) {
            throw notFoundOrPrivate(what, registry);
        }
    }

    /** The words for a repository a registry refuses to read without saying whether it exists (see {@link #refuseHidden}). */
    public static SyncError notFoundOrPrivate(String what, String registry) {
        String who = registry.equals(ImageRef.DOCKER_HUB) ? "Docker Hub" : "the registry";
        return new SyncError(SyncError.Kind.NOT_FOUND, what + ": not found, or private: check the name (" + who + " does not say which)");
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

    /**
     * The tags of one page: {"name": ..., "tags": [...]}, where "tags" may be null or missing for a repository without
     * any. Read as a stream, so what else a page carries (Google's per-digest details) is skipped, not kept.
     */
    private static List<String> tagsIn(String what, byte[] body) {
        List<String> out = new ArrayList<>();
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notATagList(what);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean tags = p.currentName().equals("tags");
                JsonToken value = p.nextToken();
                if (tags && value == JsonToken.START_ARRAY) {
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        if (t == null) {
                            throw notJson(what);
                        }
                        if (!t.isScalarValue()) {
                            throw notATagList(what);
                        }
                        out.add(p.getText());
                    }
                } else if (tags && value != JsonToken.VALUE_NULL) {
                    throw notATagList(what);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw notJson(what);
        }
        return out;
    }

    private static SyncError notJson(String what) {
        return new SyncError(SyncError.Kind.PERMANENT, what + ": the registry's answer is not JSON");
    }

    private static SyncError notATagList(String what) {
        return new SyncError(SyncError.Kind.PERMANENT, what + ": the registry's answer has no list of tags");
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
                    throw new SyncError(SyncError.Kind.PERMANENT, what + ": the registry's Link to the next page is not a URL: " + m.group(1));
                }
                if (next.getRawAuthority() == null || !next.getRawAuthority().equalsIgnoreCase(r.uri().getRawAuthority())) {
                    throw new SyncError(SyncError.Kind.PERMANENT, what + ": the registry's next page is on another host (" + m.group(1)
                            + "); pages are followed on the registry itself only");
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
