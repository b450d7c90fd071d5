package lib.engine;

import lib.core.Deadline;
import lib.core.SyncError;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a failed skopeo or docker run means, as a {@link SyncError}: its stderr classified into a kind (only
 * {@link SyncError.Kind#TRANSIENT} is worth retrying) and shortened into one clear line.
 */
public final class ToolErrors {
    static final int MAX_DETAIL = 400;
    private static final Pattern URL_TAIL = Pattern.compile("(https?://[^\\s\"?]{1,80})[^\\s\"]*");
    private static final Pattern FATAL_MSG = Pattern.compile("msg=\"((?:[^\"\\\\]|\\\\.)*)\"");
    // Status codes only count as whole words: a digest's hex may well contain "401" or "503".
    private static final Pattern DENIED = Pattern.compile("unauthorized|authentication required|denied|invalid username/password|\\b40[13]\\b");
    private static final Pattern NOT_FOUND = Pattern.compile("manifest unknown|name unknown|not found|\\b404\\b");
    private static final Pattern UNKNOWN_HOST = Pattern.compile("no such host");
    /** skopeo's words for a registry it could not talk to at all: what follows is why. */
    private static final Pattern PINGING = Pattern.compile("pinging container registry ([^\\s:]+(?::\\d+)?): (.*)");
    /** The request and the dialling skopeo prefixes to the reason: "Get "https://h/v2/": dial tcp 1.2.3.4:443: connect: ". */
    private static final Pattern WIRE = Pattern.compile("^(?:(?:Get|Head) \"[^\"]*\": )?(?:dial tcp(?: [^\\s]+)?: )?(?:lookup [^\\s:]+(?: on [^\\s]+)?: )?(?:connect: )?");
    private static final Pattern TLS = Pattern.compile("x509: |tls: |certificate");
    private static final Pattern CONNECTING = Pattern.compile("timeout|timed out|no route to host|network is unreachable|connection reset|\\beof\\b");
    private static final Pattern TRANSIENT = Pattern.compile("toomanyrequests|too many requests|\\b429\\b|\\b50[0234]\\b"
            + "|timeout|timed out|connection reset|connection refused|broken pipe|unexpected eof|\\beof\\b"
            + "|use of closed network connection|server closed|connection closed|tls handshake|temporary failure"
            + "|server misbehaving|no route to host|network is unreachable");

    /**
     * Classifies a failed skopeo or docker run: {@code what} says which operation on which image, e.g. "reading
     * source docker.io/library/nginx:1". The whole of stderr is classified; only the message is shortened. A process
     * stopped because the image's deadline ran out is not worth another try.
     */
    public static SyncError of(String what, ProcessRunner.Result result, Deadline deadline) {
        if (result.timedOut() && deadline.expired()) {
            return deadline.gaveUp(what);
        }
        if (result.timedOut()) {
            return new SyncError(SyncError.Kind.TRANSIENT, what + ": " + result.stderr() + "; the registry is slow or unreachable");
        }
        String whole = fatalMessage(result.stderr());
        Matcher pinging = PINGING.matcher(whole);
        String host = pinging.find() ? pinging.group(1) : null;
        if (whole.contains("server gave HTTP response to HTTPS client")) {
            String named = host == null ? "HOST" : host;
            return new SyncError(SyncError.Kind.PERMANENT, what + ": " + (host == null ? "the registry" : host) + " speaks plain HTTP: name it with "
                    + "--insecure-registry " + named + " (or INSECURE_REGISTRIES) if that is what you want");
        }
        if (host != null) {
            return unreachable(what, host, pinging.group(2));
        }
        String detail = shorten(whole);
        SyncError.Kind kind = classify(whole);
        return switch (kind) {
            case DENIED -> new SyncError(SyncError.Kind.DENIED, what + ": access denied (" + detail + "); check the credentials and that the repository exists and is visible to them");
            case NOT_FOUND -> new SyncError(SyncError.Kind.NOT_FOUND, what + ": not found (" + detail + "); check the image name and tag");
            case UNKNOWN_HOST -> new SyncError(SyncError.Kind.UNKNOWN_HOST, what + ": unknown host (" + detail + "); check the registry host name");
            default -> new SyncError(kind, what + ": " + detail);
        };
    }

    /** A failed login: a refusal is about the credentials only (there is no repository yet to be visible). */
    public static SyncError login(String registry, ProcessRunner.Result result, Deadline deadline) {
        String what = "login to " + registry;
        SyncError e = of(what, result, deadline);
        return e.kind == SyncError.Kind.DENIED ? new SyncError(SyncError.Kind.DENIED, what + ": the registry refused the login (" + detail(result.stderr()) + ")") : e;
    }

    /**
     * What skopeo's "pinging container registry HOST: ..." means, said without it: the host could not be talked to, and
     * why. A name that does not resolve, a refused connection and a TLS failure name the host as unreachable (the sync
     * layer keeps one verdict per host); other reasons (a timeout, an HTTP status) are retried as usual.
     */
    private static SyncError unreachable(String what, String host, String why) {
        String lower = why.toLowerCase(Locale.ROOT);
        String reason = shorten(WIRE.matcher(why).replaceFirst(""));
        if (UNKNOWN_HOST.matcher(lower).find()) {
            return new SyncError(SyncError.Kind.UNKNOWN_HOST, what + ": cannot reach " + host + ": no such host", null, host);
        }
        if (lower.contains("connection refused")) {
            return new SyncError(SyncError.Kind.TRANSIENT, what + ": cannot reach " + host + ": connection refused", null, host);
        }
        if (TLS.matcher(lower).find() && !lower.contains("handshake timeout")) {
            return new SyncError(SyncError.Kind.PERMANENT, what + ": cannot reach " + host + ": TLS failed (" + reason + ")", null, host);
        }
        // Any other answer (an HTTP status, a refusal of credentials) came from the registry: it was reached.
        boolean reached = !CONNECTING.matcher(lower).find();
        return new SyncError(classify(why), what + ": " + (reached ? host : "cannot reach " + host) + ": " + reason);
    }

    static SyncError.Kind classify(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        if (DENIED.matcher(lower).find()) {
            return SyncError.Kind.DENIED;
        }
        if (NOT_FOUND.matcher(lower).find()) {
            return SyncError.Kind.NOT_FOUND;
        }
        if (UNKNOWN_HOST.matcher(lower).find()) {
            return SyncError.Kind.UNKNOWN_HOST;
        }
        return TRANSIENT.matcher(lower).find() ? SyncError.Kind.TRANSIENT : SyncError.Kind.PERMANENT;
    }

    /** A target tag that does not exist yet is an answer, not a failure. */
    public static boolean isNotFound(ProcessRunner.Result result) {
        return !result.timedOut() && classify(fatalMessage(result.stderr())) == SyncError.Kind.NOT_FOUND;
    }

    /** skopeo's last fatal message (logrus' msg="..."), unescaped, on one line, shortened for people to read. */
    public static String detail(String stderr) {
        return shorten(fatalMessage(stderr));
    }

    private static String fatalMessage(String stderr) {
        String detail = null;
        Matcher m = FATAL_MSG.matcher(stderr);
        while (m.find()) {
            detail = m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if (detail == null) {
            detail = stderr.strip();
        }
        // skopeo wraps every failure to read an image in this prefix, which repeats what the caller already says.
        detail = detail.replaceFirst("^Error parsing image name \"[^\"]*\": ", "");
        detail = detail.replaceAll("\\s+", " ").strip();
        return detail.isEmpty() ? "failed with no message" : detail;
    }

    /**
     * Upload URLs carry long state parameters that say nothing to a person; what failed is at the end of the
     * message, so a message still too long keeps its beginning and its end.
     */
    private static String shorten(String detail) {
        String s = URL_TAIL.matcher(detail).replaceAll("$1…");
        return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL / 2) + " … " + s.substring(s.length() - MAX_DETAIL / 2);
    }

    private ToolErrors() {}
}
