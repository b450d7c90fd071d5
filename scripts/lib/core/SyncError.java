package lib.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Duration;
import java.util.Locale;

/**
 * A failure of one registry operation, as one clear line. Only {@link Kind#TRANSIENT} failures (429, 5xx,
 * dropped or refused connections, short timeouts) are worth retrying; the others say what to fix.
 */
public final class SyncError extends RuntimeException {
    /** What kind of failure, as reports name it (the report's "kind", next to the message). */
    public enum Kind {
        DENIED, NOT_FOUND, UNKNOWN_HOST, TRANSIENT, PERMANENT,
        /** The registry refused connections or failed TLS, through every retry: the run's one verdict on that host. */
        UNREACHABLE,
        /** The image's --image-timeout ran out: nothing more is tried for it. */
        GAVE_UP,
        /** The source has no image for the platform asked for. */
        NO_PLATFORM,
        /** A bug, or a resource gone (no memory, no temporary space): the image failed, the run went on. */
        INTERNAL;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** A report's kind; null for none, and for a kind this version does not know (a report written by a newer one). */
        @JsonCreator
        public static Kind of(String label) {
            for (Kind k : values()) {
                if (k.label().equals(label)) {
                    return k;
                }
            }
            return null;
        }
    }

    public final Kind kind;
    /** How long the registry asked us to wait (Retry-After), when it said. */
    public final Duration retryAfter;
    /**
     * The registry this failure could not reach at all (it does not resolve, refuses connections or fails TLS), when
     * the tool that failed said so; null otherwise, and also when the failure may or may not be that.
     */
    public final String unreachable;

    public SyncError(Kind kind, String message) {
        this(kind, message, null);
    }

    public SyncError(Kind kind, String message, Duration retryAfter) {
        this(kind, message, retryAfter, null);
    }

    public SyncError(Kind kind, String message, Duration retryAfter, String unreachable) {
        super(message);
        this.kind = kind;
        this.retryAfter = retryAfter;
        this.unreachable = unreachable;
    }

    public boolean retryable() {
        return kind == Kind.TRANSIENT;
    }
}
