import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The run's outcome, as written by --report: the shape is a contract other tools (notify, workflows) read. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Report(Summary summary, List<ImageResult> images, @JsonInclude(JsonInclude.Include.NON_NULL) Stats stats) {
    public enum Status {
        COPIED("copied"), SKIPPED("skipped"), WOULD_COPY("would-copy"), DEFERRED("deferred"), FAILED("failed"), CANCELLED("cancelled");

        @JsonValue
        public final String label;

        Status(String label) {
            this.label = label;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Summary(int copied, int skipped, int failed,
                          @JsonProperty("would-copy") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int wouldCopy,
                          @JsonInclude(JsonInclude.Include.NON_DEFAULT) int deferred,
                          @JsonInclude(JsonInclude.Include.NON_DEFAULT) int cancelled) {}

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

        public ImageResult inShard(Integer index) {
            return new ImageResult(line, source, platform, policy, targets, index);
        }
    }

    /**
     * One image at one target. {@code digest} is what the target holds after the run (null when it holds nothing
     * or the run did not get to look); {@code warning} is set when something is worth a look but did not fail;
     * {@code created} shows both images' build times when they differed, for information only; {@code platforms}
     * lists what a multi-platform tag serves.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TargetResult(String target, String image, Status status, String reason, String digest, String error,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String warning,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Created created,
                               @JsonInclude(JsonInclude.Include.NON_NULL) List<String> platforms, double seconds) {
        public TargetResult withWarning(String text) {
            return new TargetResult(target, image, status, reason, digest, error, text, created, platforms, seconds);
        }

        public TargetResult withCreated(Created times) {
            return new TargetResult(target, image, status, reason, digest, error, warning, times, platforms, seconds);
        }

        /** For a multi-platform line: the platforms the tag serves. */
        public TargetResult withPlatforms(List<String> held) {
            return new TargetResult(target, image, status, reason, digest, error, warning, created, held, seconds);
        }
    }

    /** The image configs' "created" of source and target: never a reason to skip, since two builds can share one. */
    public record Created(String source, String target) {}

    /** Where one image×target outcome happened, and since when: builds its report entry for each status. */
    public record At(String target, String image, long startNanos) {
        private TargetResult result(Status status, String reason, String digest, String error) {
            double seconds = Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0;
            return new TargetResult(target, image, status, reason, digest, error, null, null, null, seconds);
        }

        public TargetResult copied(String reason, String digest) {
            return result(Status.COPIED, reason, digest, null);
        }

        public TargetResult skipped(String reason, String digest) {
            return result(Status.SKIPPED, reason, digest, null);
        }

        public TargetResult wouldCopy(String reason, String targetDigest) {
            return result(Status.WOULD_COPY, reason, targetDigest, null);
        }

        public TargetResult deferred() {
            return result(Status.DEFERRED, "pull-reserve", null, null);
        }

        public TargetResult failed(String error, String targetDigest) {
            return result(Status.FAILED, null, targetDigest, error);
        }

        public TargetResult cancelled() {
            return result(Status.CANCELLED, null, null, "the run was interrupted before this image was done");
        }
    }

    /**
     * What the run cost: requests the registry client sent (per registry and method; skopeo's own requests are
     * not seen, its processes are counted instead), processes started, seconds per phase, and the quota
     * registries announced at the start and the end.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Stats(Map<String, Map<String, Long>> requests, Map<String, Long> processes, Map<String, Double> seconds,
                        Map<String, Quota> rateLimits) {}

    public record Quota(int limit, int remainingAtStart, int remainingAtEnd) {}

    public Report withStats(Stats newStats) {
        return new Report(summary, images, newStats);
    }

    public static Report of(List<ImageResult> images) {
        Map<Status, Integer> n = new EnumMap<>(Status.class);
        images.forEach(image -> image.targets().forEach(t -> n.merge(t.status(), 1, Integer::sum)));
        return new Report(new Summary(count(n, Status.COPIED), count(n, Status.SKIPPED), count(n, Status.FAILED),
                count(n, Status.WOULD_COPY), count(n, Status.DEFERRED), count(n, Status.CANCELLED)), images, null);
    }

    private static int count(Map<Status, Integer> counts, Status status) {
        return counts.getOrDefault(status, 0);
    }

    /**
     * Why the report could not be written at {@code file}, or null when it can: asked before anything is copied,
     * so a typo in the path does not turn a finished sync into a failure.
     */
    public static String unwritable(Path file) {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            return "is a directory; give a file name, e.g. sync-report.json";
        }
        if (Files.exists(target) && !Files.isWritable(target)) {
            return "exists and is not writable";
        }
        try {
            Path parent = Files.createDirectories(target.getParent());
            Files.delete(Files.createTempFile(parent, ".report-", ".tmp"));
            return null;
        } catch (IOException | RuntimeException e) {
            return "cannot be written there (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    public static Report read(Path file) throws IOException {
        return Json.MAPPER.readValue(file.toFile(), Report.class);
    }
}
