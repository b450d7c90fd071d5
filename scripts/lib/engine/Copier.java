package lib.engine;

import lib.core.Context;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.Platform;

import java.util.List;

/** How an image travels from source to target: skopeo copies registry to registry; docker pulls, tags and pushes. */
public interface Copier {
    /** One image's copies. Closing it removes whatever the engine kept locally for the image, also after a failure. */
    interface Copy extends AutoCloseable {
        void to(ImageRef destination, String what);

        @Override
        void close();
    }

    /** {@code source}: the platform image, by digest. */
    Copy start(ImageRef source, Platform platform, Context context);

    /**
     * A whole multi-platform image, registry to registry: {@code source} (an index, or a single manifest, by
     * digest) with every platform and attestation it lists, digests preserved, under {@code destination}'s tag.
     */
    void copyAll(ImageRef source, ImageRef destination, String what, Context context);

    /**
     * Part of an index: the platform manifests (and attestations) {@code missing} at the destination are copied
     * by digest from {@code source}'s repository, then {@code index} (listing exactly the chosen ones) is
     * written under {@code destination}'s tag.
     */
    void copySubset(ImageRef source, List<Digest> missing, byte[] index, ImageRef destination, String what, Context context);

    /**
     * The platform image {@code source} (by digest) in {@code repository} as a Docker schema 2 manifest, for a Docker
     * manifest list; returns the manifest as written (its digest is the new one).
     */
    byte[] copyAsDockerImage(ImageRef source, ImageRef repository, String what, Context context);

    /** Whether the target receives the source's manifest bytes, so that another digest afterwards deserves a warning. */
    boolean preservesDigests();
}
