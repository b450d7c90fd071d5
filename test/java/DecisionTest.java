import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecisionTest {
    static final Manifests.Config AMD64_T1 = new Manifests.Config("2024-01-01T00:00:00Z", "linux", "amd64", null);

    static Decision.Seen seen(String digest, String config, Manifests.Config c) {
        return new Decision.Seen(digest, () -> config, () -> c);
    }

    static Decision.Seen untouchable(String digest, String config) {
        return new Decision.Seen(digest, () -> config, () -> {
            throw new AssertionError("the config was fetched although the ladder stopped earlier");
        });
    }

    /** Only the digest may be looked at: what a plain copy of a new platform image knows. */
    static Decision.Seen digestOnly(String digest) {
        return new Decision.Seen(digest, () -> {
            throw new AssertionError("the config digest was fetched although the ladder stopped at the digest");
        }, () -> {
            throw new AssertionError("the config was fetched");
        });
    }

    @Test
    void missingTargetIsNew() {
        assertEquals(new Decision(true, Decision.Reason.NEW), Decision.decide(digestOnly("d1"), null, false));
    }

    @Test
    void sameDigestSkipsWithoutLookingFurther() {
        assertEquals(new Decision(false, Decision.Reason.DIGEST), Decision.decide(digestOnly("d1"), digestOnly("d1"), false));
    }

    @Test
    void sameConfigIsTheSameImage() {
        assertEquals(new Decision(false, Decision.Reason.IMAGE_ID), Decision.decide(untouchable("d1", "c1"), untouchable("d2", "c1"), false));
    }

    @Test
    void sameCreatedAndPlatformSkips() {
        Manifests.Config otherNotation = new Manifests.Config("2024-01-01T08:00:00+08:00", "linux", "amd64", null);
        assertEquals(new Decision(false, Decision.Reason.CREATED),
                Decision.decide(seen("d1", "c1", AMD64_T1), seen("d2", "c2", otherNotation), false));
    }

    @Test
    void sameCreatedOnAnotherPlatformIsAChange() {
        Manifests.Config arm = new Manifests.Config(AMD64_T1.created(), "linux", "arm64", null);
        assertEquals(new Decision(true, Decision.Reason.CHANGED), Decision.decide(seen("d1", "c1", AMD64_T1), seen("d2", "c2", arm), false));
    }

    @Test
    void placeholderCreatedNeverProvesSameness() {
        for (String placeholder : new String[]{null, "", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "1970-06-01T00:00:00Z", "0001-01-01T00:00:00Z"}) {
            Manifests.Config c = new Manifests.Config(placeholder, "linux", "amd64", null);
            assertEquals(new Decision(true, Decision.Reason.CHANGED), Decision.decide(seen("d1", "c1", c), seen("d2", "c2", c), false), String.valueOf(placeholder));
        }
        assertTrue(Decision.isPlaceholder("1970-12-31T23:59:59Z"));
        assertFalse(Decision.isPlaceholder("1971-01-01T00:00:00Z"));
    }

    @Test
    void differentCreatedIsAChange() {
        Manifests.Config later = new Manifests.Config("2024-02-01T00:00:00Z", "linux", "amd64", null);
        assertEquals(new Decision(true, Decision.Reason.CHANGED), Decision.decide(seen("d1", "c1", AMD64_T1), seen("d2", "c2", later), false));
    }

    @Test
    void forceAlwaysCopies() {
        assertEquals(new Decision(true, Decision.Reason.FORCED), Decision.decide(digestOnly("d1"), digestOnly("d1"), true));
        assertEquals(new Decision(true, Decision.Reason.FORCED), Decision.decide(digestOnly("d1"), null, true));
    }
}
