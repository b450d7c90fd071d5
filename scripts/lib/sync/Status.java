package lib.sync;

import com.fasterxml.jackson.annotation.JsonValue;

/** What happened to one image at one target, as reports, summaries and notifications name it. */
public enum Status {
    COPIED("copied"), SKIPPED("skipped"), WOULD_COPY("would-copy"), DEFERRED("deferred"), FAILED("failed"), CANCELLED("cancelled");

    @JsonValue
    public final String label;

    Status(String label) {
        this.label = label;
    }
}
