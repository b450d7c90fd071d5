package lib.sync;

import lib.core.Context;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.SyncError;

import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A manifest PUT refused with MANIFEST_BLOB_UNKNOWN / BLOB_UNKNOWN although the copy had just uploaded the blobs:
 * a registry race when two runs push the same blobs at once (a dispatch next to the daily run; moby/moby#22854,
 * AliyunContainerService/image-syncer#7). Once HEADs at the target confirm everything the refused manifest refers
 * to (an image's config and layers, an index's manifests), the refusal is transient and the retry layer copies
 * again, which finds them there and only writes the manifest. When anything is missing, the refusal stands as it
 * was: the registry does not have it.
 *
 * <p>An index refused so reaches us in other words: skopeo takes the refusal for one of the index's type, may not
 * convert it (--preserve-digests), and says only that, as it does for a registry that takes no index at all. So such
 * a refusal gets one more try and no more: the race is over by then, and a registry that refuses indexes refuses the
 * second one too, which then fails with the hint for such registries. One instance serves the tries of one copy.
 */
final class BlobRace {
    /** The words skopeo and docker print for both error codes: "manifest blob unknown: blob unknown to registry". */
    private static final Pattern BLOB_UNKNOWN = Pattern.compile("blob unknown");
    private static final Pattern INDEX_REFUSED = Pattern.compile("Manifest list must be converted to type \\S+ to be written to destination, "
            + "but we cannot modify it");
    /** skopeo names the manifest it was writing: a digest for an index's image, the tag for what the tag holds. */
    private static final Pattern WRITING = Pattern.compile("uploading manifest (sha256:[0-9a-f]{64}) to ");

    private boolean indexTriedAgain;

    /**
     * {@code copy} under the retry policy, each refusal judged as {@link #judged} says by one instance for all its
     * tries. {@code source}, {@code destination} and {@code underTag} as there.
     */
    static void copy(ManifestReader reader, ImageRef source, ImageRef destination, Supplier<byte[]> underTag, Runnable copy, Context context) {
        BlobRace race = new BlobRace();
        reader.attempt(() -> {
            try {
                copy.run();
            } catch (SyncError e) {
                throw race.judged(e, reader, source, destination, underTag, context);
            }
            return null;
        }, context);
    }

    /**
     * {@code e} as the retry layer should see it. {@code source}: the repository the copy reads; {@code destination}:
     * what it writes; {@code underTag}: the manifest written under the tag (read when needed, null if it cannot be).
     */
    SyncError judged(SyncError e, ManifestReader reader, ImageRef source, ImageRef destination, Supplier<byte[]> underTag, Context context) {
        boolean blob = BLOB_UNKNOWN.matcher(e.getMessage().toLowerCase(Locale.ROOT)).find();
        boolean index = !blob && INDEX_REFUSED.matcher(e.getMessage()).find();
        if (e.retryable() || e.kind == SyncError.Kind.GAVE_UP || !(blob || index) || (index && indexTriedAgain)) {
            return e;
        }
        Matcher m = WRITING.matcher(e.getMessage());
        Digest written = m.find() ? Digest.parseOrNull(m.group(1)) : null;
        byte[] manifest = written == null ? underTag.get() : reader.sourceOnce(source.withDigest(written), context);
        if (manifest == null || !reader.holdsAllOf(destination, manifest, context)) {
            return e;
        }
        indexTriedAgain |= index;
        return new SyncError(SyncError.Kind.TRANSIENT, e.getMessage() + (index
                ? "; HEADs show the target has everything that index refers to: tried once more, in case another run was pushing the same "
                        + "images (a registry that refuses this kind of index refuses it again)"
                : "; HEADs show the target has everything that manifest refers to (another run pushing the same images at once?)"));
    }
}
