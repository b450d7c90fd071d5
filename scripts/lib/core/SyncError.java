package lib.core;

import java.time.Duration;

/**
 * A failure of one registry operation, as one clear line. Only {@link Kind#TRANSIENT} failures (429, 5xx,
 * dropped or refused connections, short timeouts) are worth retrying; the others say what to fix.
 */
public final class SyncError extends RuntimeException {
    public enum Kind {
        DENIED, NOT_FOUND, UNKNOWN_HOST, TRANSIENT, PERMANENT,
        /** The image's --image-timeout ran out: nothing more is tried for it. */
        GAVE_UP
    }

    public final Kind kind;
    /** How long the registry asked us to wait (Retry-After), when it said. */
    public final Duration retryAfter;

    public SyncError(Kind kind, String message) {
        this(kind, message, null);
    }

    public SyncError(Kind kind, String message, Duration retryAfter) {
        super(message);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public boolean retryable() {
        return kind == Kind.TRANSIENT;
    }
}
