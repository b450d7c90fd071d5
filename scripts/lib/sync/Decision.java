package lib.sync;

import lib.core.Digest;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Copy or skip, for one image at one target. The ladder, in order: --force copies; a missing tag is new;
 * the same manifest digest is the same image; the same config digest (the image ID) is the same image
 * re-encoded (recompressed layers, a manifest rewritten by docker push), since the config holds every layer's
 * content digest and the whole run configuration; anything else changed. The config's "created" time is never
 * a rung: reproducible builds pin it, so two different images can share it.
 */
public record Decision(boolean copy, Reason reason) {
    public enum Reason {
        DIGEST("digest"), IMAGE_ID("image-id"), NEW("new"), CHANGED("changed"), FORCED("forced");

        public final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    /**
     * An image as seen at the source or a target. Its config digest is fetched only if the ladder gets that far:
     * for a source it needs the platform manifest, which a plain copy never does.
     */
    public record Seen(Digest digest, Supplier<Digest> configDigest) {}

    /**
     * The same for a multi-platform line, whose tag holds an index: the index this run would write is there (the
     * source's own, or for a subset or a target that refused it, the one cut from it; {@code wanted} null when it cannot
     * be known before writing); or, for a subset, an index listing exactly the chosen platform manifests is (written by
     * another tool, its digest differs); or a list of the same images re-encoded (their configs, the image IDs, are the
     * same: a Docker manifest list written for a target that takes no OCI index); else copy.
     */
    public static Decision decideIndex(Digest wanted, Digest held, BooleanSupplier listsExactlyTheChosen, BooleanSupplier sameImageIds,
                                       boolean force) {
        if (force) {
            return new Decision(true, Reason.FORCED);
        }
        if (held == null) {
            return new Decision(true, Reason.NEW);
        }
        if (held.equals(wanted) || listsExactlyTheChosen.getAsBoolean()) {
            return new Decision(false, Reason.DIGEST);
        }
        if (sameImageIds.getAsBoolean()) {
            return new Decision(false, Reason.IMAGE_ID);
        }
        return new Decision(true, Reason.CHANGED);
    }

    public static Decision decide(Seen source, Seen target, boolean force) {
        if (force) {
            return new Decision(true, Reason.FORCED);
        }
        if (target == null) {
            return new Decision(true, Reason.NEW);
        }
        if (source.digest().equals(target.digest())) {
            return new Decision(false, Reason.DIGEST);
        }
        if (source.configDigest().get().equals(target.configDigest().get())) {
            return new Decision(false, Reason.IMAGE_ID);
        }
        return new Decision(true, Reason.CHANGED);
    }
}
