package lib.sync;

import lib.list.ImageSpec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * {@code policy}: for an image a tag policy chose, the line it came from; {@code shard}: the part of the plan
 * (I of --shard I/N) that synced this image, absent when the run was not split.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageResult(Integer line, String source, String platform, @JsonInclude(JsonInclude.Include.NON_NULL) String policy,
                          List<TargetResult> targets, @JsonInclude(JsonInclude.Include.NON_NULL) Integer shard) {
    public ImageResult(Integer line, String source, String platform, String policy, List<TargetResult> targets) {
        this(line, source, platform, policy, targets, null);
    }

    /** The result of {@code spec} at every target: what every report entry of an image is made from. */
    public static ImageResult of(ImageSpec spec, List<TargetResult> targets) {
        return new ImageResult(spec.line(), spec.source().display(), spec.platform().toString(),
                spec.policy() == null ? null : spec.text(), targets);
    }

    public ImageResult inShard(Integer index) {
        return new ImageResult(line, source, platform, policy, targets, index);
    }
}
