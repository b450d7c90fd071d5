package lib.sync;

import lib.core.Digest;
import lib.core.ImageRef;
import lib.list.ImageSpec;
import lib.list.Plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One image's report entry. {@code source}: where it was read from, in full (a mirror's host for a Docker Hub name
 * read through SOURCE_REGISTRY). {@code name}, {@code fullName}, {@code tag} and {@code pinned} name the image as its
 * user does, whatever it was read through: {@code nginx}, {@code docker.io/library/nginx}, {@code 1.27}, and the digest
 * the line pins ({@code tag} is absent for a line pinned by digest alone, and for a tag-policy line that failed before
 * choosing its tags). {@code policy}: for an image a tag policy chose, the line it came from; {@code also}: the other
 * lines of the list that asked for the same image under the same name (it is synced once; absent when none did);
 * {@code shard}: the part of the plan (I of --shard I/N) that synced this image, absent when the run was not split.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageResult(Integer line, String source,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String name,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String fullName,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String tag,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Digest pinned,
                          String platform, @JsonInclude(JsonInclude.Include.NON_NULL) String policy,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Integer> also,
                          List<TargetResult> targets, @JsonInclude(JsonInclude.Include.NON_NULL) Integer shard) {
    /** The result of {@code spec} at every target: what every report entry of an image is made from. */
    public static ImageResult of(ImageSpec spec, List<TargetResult> targets) {
        ImageRef source = spec.source();
        return new ImageResult(spec.line(), source.display(), source.shortName(), source.canonicalName(), source.tag(), source.digest(),
                spec.platform().toString(), spec.policy() == null ? null : spec.text(), null, targets, null);
    }

    /** The result of a planned image, naming every line that asked for it. */
    public static ImageResult of(Plan.Item item, List<TargetResult> targets) {
        ImageResult image = of(item.spec(), targets);
        return item.also().isEmpty() ? image : new ImageResult(image.line, image.source, image.name, image.fullName, image.tag,
                image.pinned, image.platform, image.policy, item.also(), image.targets, image.shard);
    }

    /** How tables name the image: as its user does, e.g. mysql:8.0, quay.io/coreos/etcd:v3.5.0, nginx:1.25@sha256:0123456789ab. */
    public String label() {
        return ImageRef.label(name, tag, pinned);
    }

    /** The same image with each target's outcome changed by {@code change}. */
    public ImageResult withTargets(java.util.function.UnaryOperator<TargetResult> change) {
        return new ImageResult(line, source, name, fullName, tag, pinned, platform, policy, also, targets.stream().map(change).toList(), shard);
    }

    public ImageResult inShard(Integer index) {
        return new ImageResult(line, source, name, fullName, tag, pinned, platform, policy, also, targets, index);
    }

    /**
     * This entry with the fields a report written before them lacks (the names above, each target's repository and
     * tag), read from {@code source} and the targets' addresses: the one place an old report's references are parsed.
     * {@code listed}: the image as the list's line names it, when known (an old report's source shows a mirror's host
     * for a bare name read through SOURCE_REGISTRY); null names it from the source. An entry that has them is returned
     * as it is.
     */
    public ImageResult completed(ImageRef listed) {
        if (name != null) {
            return this;
        }
        ImageRef read = parsed(source);
        if (read == null) {
            return this;
        }
        ImageRef named = listed != null ? listed : read;
        return new ImageResult(line, source, named.shortName(), named.canonicalName(), read.tag(), read.digest(), platform, policy, also,
                targets.stream().map(TargetResult::completed).toList(), shard);
    }

    /** A reference as an old report wrote it, read with Docker Hub as the source registry; null when it is not one. */
    static ImageRef parsed(String reference) {
        try {
            return reference == null ? null : ImageRef.parse(reference, ImageRef.DOCKER_HUB);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
