/** How an image travels from source to target: skopeo copies registry to registry; docker pulls, tags and pushes. */
public interface Copier {
    /** One image's copies. Closing it removes whatever the engine kept locally for the image, also after a failure. */
    interface Copy extends AutoCloseable {
        void to(ImageRef destination, String what);

        @Override
        void close();
    }

    /** {@code source}: the platform image, by digest. */
    Copy start(ImageRef source, Platform platform, Job job);

    /** Whether the target receives the source's manifest bytes, so that another digest afterwards deserves a warning. */
    boolean preservesDigests();
}
