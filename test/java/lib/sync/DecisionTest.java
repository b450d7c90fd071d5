package lib.sync;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static support.Digests.d;

/** The skip ladder, and that it fetches nothing it does not need. */
class DecisionTest {
    static Decision.Seen seen(String digest, String config) {
        return new Decision.Seen(d(digest), () -> d(config));
    }

    /** Only the digest may be looked at: what a plain copy of a new platform image knows. */
    static Decision.Seen digestOnly(String digest) {
        return new Decision.Seen(d(digest), () -> {
            throw new AssertionError("the config digest was fetched although the ladder stopped at the digest");
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
    void sameConfigIsTheSameImageReEncoded() {
        assertEquals(new Decision(false, Decision.Reason.IMAGE_ID), Decision.decide(seen("d1", "c1"), seen("d2", "c1"), false));
    }

    /** Two builds with one pinned created time (SOURCE_DATE_EPOCH, 1970) but other content: a change, whatever the times say. */
    @Test
    void anotherConfigIsAChangeEvenWithTheSameCreatedTime() {
        assertEquals(new Decision(true, Decision.Reason.CHANGED), Decision.decide(seen("d1", "c1"), seen("d2", "c2"), false));
    }

    @Test
    void forceAlwaysCopies() {
        assertEquals(new Decision(true, Decision.Reason.FORCED), Decision.decide(digestOnly("d1"), digestOnly("d1"), true));
        assertEquals(new Decision(true, Decision.Reason.FORCED), Decision.decide(digestOnly("d1"), null, true));
    }
}
