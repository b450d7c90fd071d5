package lib.core;

/** A user mistake found before anything is copied: one clean message, exit 2, never a stack trace. */
public final class UsageError extends RuntimeException {
    public UsageError(String message) {
        super(message);
    }
}
