import java.nio.file.Path;

/** How an image travels from source to target: skopeo copies registry to registry; docker pulls, tags and pushes. */
public interface Copier {
    /** One image's copies. Closing it removes whatever the engine kept locally for the image, also after a failure. */
    interface Copy extends AutoCloseable {
        /** {@code destination}: host/namespace/name:tag. */
        void to(String destination, String what);

        @Override
        void close();
    }

    /** {@code source}: host/repository@digest of the platform image. */
    Copy start(ImageSpec spec, String source, Path tmp, Console.ImageLog log);

    /** Whether the target receives the source's manifest bytes, so that another digest afterwards deserves a warning. */
    boolean preservesDigests();
}
