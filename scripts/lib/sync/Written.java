package lib.sync;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a multi-platform line wrote at a target (the report's "written"), in the order it is tried there: the index
 * as the source has it; when the target refuses that, the index without attestations and other entries that are no
 * platform's image; when it refuses that too, a Docker manifest list of the platform images as Docker schema 2.
 */
public enum Written {
    INDEX("index"), INDEX_WITHOUT_ATTESTATIONS("index-without-attestations"), DOCKER_LIST("docker-list");

    private final String label;

    Written(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    /** A report's or state file's label; null for one this version does not know (written by a newer one). */
    @JsonCreator
    public static Written of(String label) {
        for (Written w : values()) {
            if (w.label.equals(label)) {
                return w;
            }
        }
        return null;
    }

    /** What to try when a target refuses this; null when nothing is left. */
    Written next() {
        return ordinal() + 1 < values().length ? values()[ordinal() + 1] : null;
    }
}
