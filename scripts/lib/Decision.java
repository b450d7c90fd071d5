import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;

/**
 * Copy or skip, for one image at one target. The ladder, in order:
 * same manifest digest; same config digest (the image ID: re-encoded manifest or recompressed layers);
 * same non-placeholder created time and platform; else copy ("new" or "changed"; "forced" with --force).
 */
public record Decision(boolean copy, Reason reason) {
    public enum Reason {
        DIGEST("digest"), IMAGE_ID("image-id"), CREATED("created"), NEW("new"), CHANGED("changed"), FORCED("forced");

        public final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    /**
     * An image as seen at the source or a target. Its config digest and config are fetched only if the ladder
     * gets that far: for a source, the config digest needs the platform manifest, which a plain copy never does.
     */
    public record Seen(String digest, Supplier<String> configDigest, Supplier<Manifests.Config> config) {}

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
        if (sameCreated(source.config().get(), target.config().get())) {
            return new Decision(false, Reason.CREATED);
        }
        return new Decision(true, Reason.CHANGED);
    }

    /** Reproducible builds pin created to the epoch, so a placeholder time says nothing about sameness. */
    static boolean sameCreated(Manifests.Config a, Manifests.Config b) {
        if (isPlaceholder(a.created()) || isPlaceholder(b.created())) {
            return false;
        }
        return instant(a.created()).equals(instant(b.created()))
                && a.os() != null && a.os().equals(b.os())
                && a.arch() != null && a.arch().equals(b.arch())
                && java.util.Objects.equals(a.variant(), b.variant());
    }

    static boolean isPlaceholder(String created) {
        if (created == null || created.isBlank() || created.startsWith("0001-01-01")) {
            return true;
        }
        Object t = instant(created);
        return t instanceof Instant i && i.isBefore(Instant.parse("1971-01-01T00:00:00Z"));
    }

    /** An Instant when the text parses, so equal times in different notations compare equal; else the text. */
    private static Object instant(String created) {
        try {
            return OffsetDateTime.parse(created).toInstant();
        } catch (DateTimeParseException e) {
            return created;
        }
    }
}
