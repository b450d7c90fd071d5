package lib.report;

import lib.core.ImageRef;
import lib.core.Json;
import lib.sync.ImageResult;
import lib.sync.Status;

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
import java.util.function.Supplier;

/** The run's outcome, as written by --report: the shape is a contract other tools (notify, workflows) read. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Report(Summary summary, List<ImageResult> images, @JsonInclude(JsonInclude.Include.NON_NULL) Stats stats) {
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Summary(int copied, int skipped, int failed,
                          @JsonProperty("would-copy") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int wouldCopy,
                          @JsonInclude(JsonInclude.Include.NON_DEFAULT) int deferred,
                          @JsonInclude(JsonInclude.Include.NON_DEFAULT) int cancelled) {}

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

    /**
     * This report with every image named as its user names it: one written before images carried their names gets
     * them from its references (see ImageResult#completed), those of list lines named as {@code listed} names them
     * (each line's image; asked only for such a report).
     */
    public Report completed(Supplier<Map<Integer, ImageRef>> listed) {
        if (images.stream().allMatch(i -> i.name() != null)) {
            return this;
        }
        Map<Integer, ImageRef> lines = listed.get();
        return new Report(summary, images.stream().map(i -> i.completed(i.line() == null ? null : lines.get(i.line()))).toList(), stats);
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
