package lib.core;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The one layer that decides retries (skopeo and the registry client do not retry on their own): transient
 * failures only, exponential backoff with jitter, Retry-After honoured up to a cap, never past the deadline.
 */
public record Retry(int tries, Duration firstDelay, Duration maxRetryAfter, Sleeper sleeper, DoubleSupplier random) {
    public interface Sleeper {
        /** The real clock; tests give their own sleeper and record instead of waiting. */
        Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

        void sleep(Duration d) throws InterruptedException;
    }

    public static Retry standard() {
        return new Retry(5, Duration.ofSeconds(2), Duration.ofSeconds(60), Sleeper.SYSTEM, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Runs {@code action} within the context's deadline; each transient failure that will be retried is told to its log. */
    public <T> T run(Supplier<T> action, Context context) {
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (SyncError e) {
                Duration wait = waitBefore(attempt + 1, e);
                if (wait == null || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                if (wait.compareTo(context.deadline().remaining()) >= 0) {
                    throw context.deadline().gaveUp(e.getMessage());
                }
                context.log().warn(e.getMessage() + " (try " + attempt + "/" + tries + ", retrying in " + Deadline.format(wait) + ")");
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** How long to wait before try {@code next}, or null when {@code e} is not to be retried. */
    Duration waitBefore(int next, SyncError e) {
        if (!e.retryable() || next > tries) {
            return null;
        }
        if (e.retryAfter != null) {
            // A registry that asks for more than the cap is not coming back soon enough for this run.
            return e.retryAfter.compareTo(maxRetryAfter) > 0 ? null : e.retryAfter;
        }
        // "Equal jitter": half the exponential delay is fixed, half random, so parallel jobs do not retry in step.
        long full = firstDelay.toMillis() << (next - 2);
        return Duration.ofMillis(full / 2 + (long) (random.getAsDouble() * (full / 2)));
    }
}
