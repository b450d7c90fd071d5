package lib.core;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What every step of one piece of work shares, as a Go context carries it: its deadline, its temporary directory
 * (removed when the work is done) and the log it tells the user through. An image gets one; so do logins, tag
 * listing and the quota probe, outside any image. Engines and the registry client take it instead of a console.
 */
public record Context(Deadline deadline, Path tmp, Log log) {
    /** Work outside any image (logins, the quota probe): a deadline of its own, no temporary directory. */
    public static Context outside(Duration limit, Log log) {
        return new Context(Deadline.after(limit), null, log);
    }
}
