import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The run's outcome, as written by --report: the shape is a contract other tools (notify, workflows) read. */
public record Report(Summary summary, List<ImageResult> images, @JsonInclude(JsonInclude.Include.NON_NULL) Stats stats) {
    public static final String COPIED = "copied";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";
    public static final String WOULD_COPY = "would-copy";
    public static final String DEFERRED = "deferred";

    public record Summary(int copied, int skipped, int failed,
                          @JsonProperty("would-copy") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int wouldCopy,
                          @JsonInclude(JsonInclude.Include.NON_DEFAULT) int deferred) {}

    public record ImageResult(Integer line, String source, String platform, List<TargetResult> targets) {}

    /** One image at one target. {@code warning} is set when something is worth a look but did not fail. */
    public record TargetResult(String target, String image, String status, String reason, String digest, String error,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String warning, double seconds) {}

    /**
     * What the run cost: requests the registry client sent (per registry and method; skopeo's own requests are
     * not seen, its processes are counted instead), processes started, seconds per phase, and the quota
     * registries announced at the start and the end.
     */
    public record Stats(Map<String, Map<String, Long>> requests, Map<String, Long> processes, Map<String, Double> seconds,
                        Map<String, Quota> rateLimits) {}

    public record Quota(int limit, int remainingAtStart, int remainingAtEnd) {}

    public Report withStats(Stats stats) {
        return new Report(summary, images, stats);
    }

    public static Report of(List<ImageResult> images) {
        int copied = 0, skipped = 0, failed = 0, wouldCopy = 0, deferred = 0;
        for (ImageResult image : images) {
            for (TargetResult t : image.targets()) {
                switch (t.status()) {
                    case COPIED -> copied++;
                    case SKIPPED -> skipped++;
                    case FAILED -> failed++;
                    case DEFERRED -> deferred++;
                    default -> wouldCopy++;
                }
            }
        }
        return new Report(new Summary(copied, skipped, failed, wouldCopy, deferred), images, null);
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }
}
