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

    static java.util.function.BooleanSupplier never(String what) {
        return () -> {
            throw new AssertionError(what + " was looked at although the ladder stopped before it");
        };
    }

    @Test
    void anIndexThatIsNotThereYetIsNewWithoutReadingAnything() {
        assertEquals(new Decision(true, Decision.Reason.NEW), Decision.decideIndex(d("i1"), null, never("the target index"), never("the images"), false));
    }

    /** The index this run would write (the source's, a subset, or the index without attestations) is there: one HEAD settles it. */
    @Test
    void theIndexThisRunWouldWriteSkipsWithoutReadingTheTarget() {
        assertEquals(new Decision(false, Decision.Reason.DIGEST), Decision.decideIndex(d("i1"), d("i1"), never("the target index"), never("the images"), false));
    }

    @Test
    void anIndexListingExactlyTheChosenImagesIsTheSame() {
        assertEquals(new Decision(false, Decision.Reason.DIGEST), Decision.decideIndex(d("i1"), d("i2"), () -> true, never("the images"), false));
    }

    /** A Docker manifest list has no digest known before it is written ({@code wanted} null): its images' configs decide. */
    @Test
    void aListOfTheSameImagesReEncodedIsTheSameImageId() {
        assertEquals(new Decision(false, Decision.Reason.IMAGE_ID), Decision.decideIndex(null, d("l1"), () -> false, () -> true, false));
        assertEquals(new Decision(true, Decision.Reason.CHANGED), Decision.decideIndex(null, d("l1"), () -> false, () -> false, false));
    }

    @Test
    void anyOtherIndexIsAChangeAndForceAlwaysCopies() {
        assertEquals(new Decision(true, Decision.Reason.CHANGED), Decision.decideIndex(d("i1"), d("i2"), () -> false, () -> false, false));
        assertEquals(new Decision(true, Decision.Reason.FORCED), Decision.decideIndex(d("i1"), d("i1"), never("the target index"), never("the images"), true));
    }
}
