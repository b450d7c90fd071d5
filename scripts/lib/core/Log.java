package lib.core;

/**
 * Where the library tells the user something while it works. The console writes it out; an image's log holds its
 * lines back until the image is done, so parallel images never interleave. A lambda is a log of warnings alone.
 */
@FunctionalInterface
public interface Log {
    void warn(String line);

    default void info(String line) {
    }
}
