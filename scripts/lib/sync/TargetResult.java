package lib.sync;

import lib.core.ImageRef;
import lib.core.SyncError;
import lib.core.Target;
import lib.core.TargetName;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.ZoneId;
import java.util.List;

/**
 * One image at one target: {@code image} its address there, {@code repository} and {@code tag} the name it has inside
 * the target's namespace (absent for a tag-policy line that failed before choosing its tags). {@code digest} is what
 * the target holds after the run (null when it holds nothing or the run did not get to look); a failure says what happened in {@code error} and what kind of failure it was
 * in {@code kind} (for whoever acts on it: an issue answer's hint, a notification); {@code warning} is set when something is worth a look but did not fail;
 * {@code created} shows both images' build times when they differed, for information only; {@code platforms}
 * lists what a multi-platform tag serves, {@code written} what was written for it (see {@link Written}; absent in older reports).
 * {@code failing}: for a failure, since when and for how many runs in a row
 * this image has failed at this target (from the state; absent in reports written before it, and for a dry run).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TargetResult(String target, String image,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String repository,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String tag,
                           Status status, String reason, String digest, String error,
                           @JsonInclude(JsonInclude.Include.NON_NULL) SyncError.Kind kind,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String warning,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Created created,
                           @JsonInclude(JsonInclude.Include.NON_NULL) List<String> platforms, double seconds,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Written written,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Failing failing) {
    public TargetResult withWarning(String text) {
        return new TargetResult(target, image, repository, tag, status, reason, digest, error, kind, text, created, platforms, seconds, written, failing);
    }

    public TargetResult withCreated(Created times) {
        return new TargetResult(target, image, repository, tag, status, reason, digest, error, kind, warning, times, platforms, seconds, written, failing);
    }

    /** The same outcome with its error told in other words (the issue flow hides addresses an issue did not name). */
    public TargetResult withError(String text) {
        return new TargetResult(target, image, repository, tag, status, reason, digest, text, kind, warning, created, platforms, seconds, written, failing);
    }

    /** For a multi-platform line: the platforms the tag serves. */
    public TargetResult withPlatforms(List<String> held) {
        return new TargetResult(target, image, repository, tag, status, reason, digest, error, kind, warning, created, held, seconds, written, failing);
    }

    /** For a multi-platform line: what was written at the target, or what it holds there (null: nothing, or a single image). */
    public TargetResult withWritten(Written form) {
        return new TargetResult(target, image, repository, tag, status, reason, digest, error, kind, warning, created, platforms, seconds, form, failing);
    }

    /** For a report written before {@code repository} and {@code tag}: read from the address (see ImageResult#completed). */
    TargetResult completed() {
        ImageRef address = repository != null ? null : ImageResult.parsed(image);
        if (address == null) {
            return this;
        }
        // A target's repository is namespace/name, and a name never holds a '/' (TargetName turns them into '_').
        String name = address.repository().substring(address.repository().lastIndexOf('/') + 1);
        return new TargetResult(target, image, name, address.tag(), status, reason, digest, error, kind, warning, created, platforms, seconds, written, failing);
    }

    /** A failure that had already failed in the run before this one (see {@link Failing}). */
    public boolean failedBefore() {
        return status == Status.FAILED && failing != null && failing.repeated();
    }

    /** This failure with its history: since when and for how many runs in a row it has failed (null: none known). */
    public TargetResult withFailing(Failing history) {
        return new TargetResult(target, image, repository, tag, status, reason, digest, error, kind, warning, created, platforms, seconds, written, history);
    }

    /**
     * A failure's history: the date (Beijing time, as the catalog and the badge) of the first run of the row that
     * failed, how many runs have failed in a row, this one included, and whether that is longer than SYNC_FAILING_DAYS
     * allows ({@code chronic}: fix the line or remove it).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Failing(String since, int runs, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean chronic) {
        /** Beijing time: the day the daily run (03:00 there) belongs to. */
        public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

        /** Failed before this run: a failure people have already been told about. */
        public boolean repeated() {
            return runs > 1;
        }

        /** "failing since 2026-12-01 (3 runs)" */
        public String describe() {
            return "failing since " + since + " (" + runs + " run" + (runs == 1 ? "" : "s") + ")";
        }
    }

    /** The image configs' "created" of source and target: never a reason to skip, since two builds can share one. */
    public record Created(String source, String target) {}

    /**
     * Where one image×target outcome happened, and since when: builds its report entry for each status. {@code name}:
     * the image's name in the target's namespace, by the target's naming; null for a tag-policy line that failed
     * before choosing its tags.
     */
    public record At(String target, String image, TargetName name, long startNanos) {
        /** At {@code target}, under {@code name}. */
        public static At of(Target target, TargetName name, long startNanos) {
            return new At(target.id(), target.reference(name).display(), name, startNanos);
        }

        private TargetResult result(Status status, String reason, String digest, String error, SyncError.Kind kind) {
            double seconds = Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0;
            return new TargetResult(target, image, name == null ? null : name.repository(), name == null ? null : name.tag(), status, reason, digest,
                    error, kind, null, null, null, seconds, null, null);
        }

        public TargetResult copied(String reason, String digest) {
            return result(Status.COPIED, reason, digest, null, null);
        }

        public TargetResult skipped(String reason, String digest) {
            return result(Status.SKIPPED, reason, digest, null, null);
        }

        public TargetResult wouldCopy(String reason, String targetDigest) {
            return result(Status.WOULD_COPY, reason, targetDigest, null, null);
        }

        public TargetResult deferred() {
            return result(Status.DEFERRED, "pull-reserve", null, null, null);
        }

        public TargetResult failed(SyncError.Kind kind, String error, String targetDigest) {
            return result(Status.FAILED, null, targetDigest, error, kind);
        }

        /** A failure as it was thrown: a {@link SyncError} keeps its kind; anything else (a manifest that makes no sense) is permanent. */
        public TargetResult failed(RuntimeException e, String targetDigest) {
            return failed(e instanceof SyncError s ? s.kind : SyncError.Kind.PERMANENT, e.getMessage(), targetDigest);
        }

        public TargetResult cancelled() {
            return result(Status.CANCELLED, null, null, "the run was interrupted before this image was done", null);
        }
    }
}
