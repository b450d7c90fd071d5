import java.time.Duration;
import java.util.function.Supplier;

/** Retries transient failures with exponential backoff, bounded both in tries and in total waiting. */
public record Retry(int tries, Duration firstDelay, Duration maxWaiting, Sleeper sleeper) {
    public interface Sleeper {
        /** The real clock; tests give their own sleeper and record instead of waiting. */
        Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

        void sleep(Duration d) throws InterruptedException;
    }

    public static Retry standard() {
        return new Retry(4, Duration.ofSeconds(2), Duration.ofSeconds(60), Sleeper.SYSTEM);
    }

    /** Runs {@code action}; {@code onRetry} hears about each transient failure that will be retried. */
    public <T> T run(Supplier<T> action, java.util.function.Consumer<String> onRetry) {
        Duration delay = firstDelay;
        Duration waited = Duration.ZERO;
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (SyncError e) {
                boolean last = attempt >= tries || waited.plus(delay).compareTo(maxWaiting) > 0;
                if (e.kind != SyncError.Kind.TRANSIENT || last) {
                    throw e;
                }
                onRetry.accept(e.getMessage() + " (try " + attempt + "/" + tries + ", retrying in " + delay.toSeconds() + "s)");
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                waited = waited.plus(delay);
                delay = delay.multipliedBy(2);
            }
        }
    }
}
