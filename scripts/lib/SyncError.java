import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failure of one registry operation, as one clear line. Transient failures (429, 5xx, timeouts,
 * resets) are worth retrying; permanent ones (denied, unknown manifest, missing platform) are not.
 */
public final class SyncError extends RuntimeException {
    public enum Kind { TRANSIENT, PERMANENT }

    private static final Pattern FATAL_MSG = Pattern.compile("msg=\"((?:[^\"\\\\]|\\\\.)*)\"");
    // Status codes only count as whole words: a digest's hex may well contain "401" or "503".
    private static final Pattern DENIED = Pattern.compile("unauthorized|authentication required|denied|invalid username/password|\\b40[13]\\b");
    private static final Pattern NOT_FOUND = Pattern.compile("manifest unknown|name unknown|not found|\\b404\\b");
    private static final Pattern TRANSIENT = Pattern.compile("toomanyrequests|too many requests|\\b429\\b|\\b50[0234]\\b"
            + "|timeout|timed out|connection reset|connection refused|broken pipe|unexpected eof|tls handshake"
            + "|temporary failure|server misbehaving");

    public final Kind kind;

    public SyncError(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** Classifies a failed skopeo or docker run: {@code what} says which operation on which image, e.g. "reading source docker.io/library/nginx:1". */
    public static SyncError fromTool(String what, ProcessRunner.Result result) {
        if (result.timedOut()) {
            return new SyncError(Kind.TRANSIENT, what + ": " + result.stderr() + "; the registry is slow or unreachable, try again later");
        }
        String detail = detail(result.stderr());
        String lower = detail.toLowerCase(Locale.ROOT);
        if (DENIED.matcher(lower).find()) {
            return new SyncError(Kind.PERMANENT, what + ": access denied (" + detail + "); check the credentials and that the repository exists and is visible to them");
        }
        if (NOT_FOUND.matcher(lower).find()) {
            return new SyncError(Kind.PERMANENT, what + ": not found (" + detail + "); check the image name and tag");
        }
        if (lower.contains("no such host")) {
            return new SyncError(Kind.PERMANENT, what + ": unknown host (" + detail + "); check the registry host name");
        }
        if (TRANSIENT.matcher(lower).find()) {
            return new SyncError(Kind.TRANSIENT, what + ": " + detail);
        }
        return new SyncError(Kind.PERMANENT, what + ": " + detail);
    }

    /** A target tag that does not exist yet is an answer, not a failure. */
    public static boolean isNotFound(ProcessRunner.Result result) {
        return !result.timedOut() && NOT_FOUND.matcher(detail(result.stderr()).toLowerCase(Locale.ROOT)).find();
    }

    /** skopeo's last fatal message (logrus' msg="..."), unescaped, on one line. */
    static String detail(String stderr) {
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
        if (detail.isEmpty()) {
            detail = "failed with no message";
        }
        return detail.length() > 400 ? detail.substring(0, 400) + "…" : detail;
    }
}
