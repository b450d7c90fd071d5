package lib.list;

import lib.core.ImageRef;
import lib.core.Naming;
import lib.core.Platforms;
import lib.core.TargetName;

import java.util.List;

/**
 * One image to sync: where it was written ({@code line} is null for command-line images), what to read and
 * for which platform, and the explicit target name if one was given ({@code name}, possibly with ":tag").
 * {@code policy}: the tag policy of the line this image came from (a policy line itself has no tag until the
 * run lists the repository's tags); null for a line that names its tag.
 */
public record ImageSpec(Integer line, String text, ImageRef source, Platforms platform, String name, TagPolicy policy) {
    public ImageSpec withName(String explicit) {
        return new ImageSpec(line, text, source, platform, explicit, policy);
    }

    /** One tag a policy line expands to. */
    public ImageSpec withTag(String tag) {
        return new ImageSpec(line, text, source.withTag(tag), platform, name, policy);
    }

    /** A line with a policy and no tag yet: it is named, checked and synced once the run has listed the tags. */
    public boolean unexpanded() {
        return policy != null && source.tag() == null;
    }

    /** The lines that name their tag: the ones that can be checked for collisions before the run lists any tags. */
    public static List<ImageSpec> named(List<ImageSpec> specs) {
        return specs.stream().filter(spec -> !spec.unexpanded()).toList();
    }

    /**
     * Same image, same platform, same naming, and the same tag policy: a duplicate, not a collision. Two policies on one
     * repository are two requests (their union is synced, each tag once).
     */
    public boolean sameAs(ImageSpec other) {
        return source.equals(other.source) && platform.equals(other.platform) && java.util.Objects.equals(name, other.name)
                && java.util.Objects.equals(policy == null ? null : policy.describe(), other.policy == null ? null : other.policy.describe());
    }

    /** The line as written, quoted, and for an image a tag policy chose, the tag it chose: {@code '--latest=3 col' (tag 2.0.0)}. */
    public String quoted() {
        return "'" + text + "'" + (policy != null && source.tag() != null ? " (tag " + source.tag() + ")" : "");
    }

    /** The repository and tag this image gets in a target namespace: flat, the naming of every target today. */
    public TargetName targetName() {
        return targetName(Naming.FLAT);
    }

    /** The repository and tag this image gets in the namespace of a target with {@code naming}. */
    public TargetName targetName(Naming naming) {
        return TargetName.of(source, platform, name, text, naming);
    }

    /** How the image is named in log lines: as the user knows it, e.g. mysql:8.0 or quay.io/coreos/etcd:v3.5.0. */
    public String label() {
        return ImageRef.label(source.shortName(), source.tag(), source.digest());
    }

    public String where() {
        return line == null ? "command line" : "line " + line;
    }
}
