import java.nio.file.Path;
import java.time.Duration;

/**
 * What every step of one image shares: its deadline, its temporary directory (removed when the image is done)
 * and where it reports progress. Engines and the registry client take it instead of a log.
 */
public record Job(Deadline deadline, Path tmp, Progress progress) {
    /** How an engine or the retry layer tells the user something while an image is being worked on. */
    @FunctionalInterface
    public interface Progress {
        void warn(String message);
    }

    /** Work outside any image (logins, the quota probe): a deadline of its own, no temporary directory. */
    public static Job outside(Duration limit, Progress progress) {
        return new Job(Deadline.after(limit), null, progress);
    }
}
