package lib.sync;

import lib.core.Context;
import lib.core.ImageRef;
import lib.core.Platforms;
import lib.core.SyncError;
import lib.list.ImageList;
import lib.list.ImageSpec;
import lib.list.Plan;
import lib.registry.RegistryClient;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static support.Digests.d;

/**
 * The HEADs asked ahead: what they spare, that an image waits for one on its way (within its own deadline, so a hung
 * registry costs it one timeout), and that a bug among them reaches the image it belongs to.
 */
class HeadCacheTest {
    static final Context AHEAD = Context.outside(Duration.ofMinutes(1), w -> { });

    static List<Plan.Item> items(String... lines) {
        return java.util.Arrays.stream(lines).map(l -> {
            ImageSpec spec = ImageList.parseLine(1, l, Platforms.DEFAULT, "docker.io");
            return new Plan.Item(spec, spec.targetName());
        }).toList();
    }

    @Test
    void aSourcesAnswerServesEveryImageATargetsOnlyOne() {
        Set<String> asked = ConcurrentHashMap.newKeySet();
        HeadCache heads = new HeadCache((ref, c) -> {
            asked.add(ref.display());
            return new RegistryClient.Head(true, d(ref.display()));
        }, 4, List.of(SyncerTest.ALIYUN), false);
        heads.prefetch(items("app:1"), AHEAD);
        ImageRef source = ImageRef.parse("app:1", "docker.io");
        ImageRef target = ImageRef.in("acr.io", "ns", "app", "1");
        assertEquals(d("docker.io/library/app:1"), heads.take(source, AHEAD).digest());
        assertEquals(d("docker.io/library/app:1"), heads.take(source, AHEAD).digest(), "a source's answer serves every image that reads it");
        assertEquals(d("acr.io/ns/app:1"), heads.take(target, AHEAD).digest());
        assertNull(heads.take(target, AHEAD), "a target's answer is used once: the image may change the tag");
        assertEquals(Set.of("docker.io/library/app:1", "acr.io/ns/app:1"), asked, "each asked once");
    }

    /** An answer still on its way is waited for, but only as long as the image's own deadline allows. */
    @Test
    void anImageWaitsForItsHeadWithinItsOwnDeadline() {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        HeadCache heads = new HeadCache((ref, c) -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }, 1, List.of(), true);
        heads.prefetch(items("hung:1"), AHEAD);
        Context image = Context.outside(java.time.Duration.ofMillis(300), w -> { });
        long start = System.nanoTime();
        SyncError e = assertThrows(SyncError.class, () -> heads.take(ImageRef.parse("hung:1", "docker.io"), image));
        assertEquals(SyncError.Kind.GAVE_UP, e.kind);
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "gave up at the image's deadline");
        never.countDown();
    }

    /** A registry failure stops the asking ahead at that registry; the images ask again, with retries. */
    @Test
    void aRegistryThatFailsIsNotAskedAheadAgain() {
        Set<String> asked = ConcurrentHashMap.newKeySet();
        HeadCache heads = new HeadCache((ref, c) -> {
            asked.add(ref.display());
            throw new SyncError(SyncError.Kind.TRANSIENT, "HEAD " + ref.display() + ": connection refused");
        }, 1, List.of(), true);
        heads.prefetch(items("a:1", "b:1", "c:1"), AHEAD);
        for (String image : List.of("a:1", "b:1", "c:1")) {
            assertNull(heads.take(ImageRef.parse(image, "docker.io"), AHEAD), "nothing to use: the image asks itself");
        }
        assertEquals(1, asked.size(), "one request, then the registry is left to the images: " + asked);
    }

    /**
     * A bug thrown while asking ahead (not a registry's answer) is neither swallowed nor taken for a dead registry:
     * the image that asks for that reference gets it, with its message, and the registry's other references are still
     * asked ahead.
     */
    @Test
    void aBugAmongTheHeadsReachesItsImageAndStopsNothingElse() {
        Set<String> asked = ConcurrentHashMap.newKeySet();
        HeadCache heads = new HeadCache((ref, c) -> {
            asked.add(ref.display());
            if (ref.repository().equals("library/a")) {
                throw new IllegalStateException("a bug in asking for " + ref.display());
            }
            return new RegistryClient.Head(true, d(ref.display()));
        }, 1, List.of(), true);
        heads.prefetch(items("a:1", "b:1", "c:1"), AHEAD);
        IllegalStateException bug = assertThrows(IllegalStateException.class, () -> heads.take(ImageRef.parse("a:1", "docker.io"), AHEAD));
        assertEquals("a bug in asking for docker.io/library/a:1", bug.getMessage());
        assertEquals(d("docker.io/library/c:1"), heads.take(ImageRef.parse("c:1", "docker.io"), AHEAD).digest());
        assertEquals(Set.of("docker.io/library/a:1", "docker.io/library/b:1", "docker.io/library/c:1"), asked);
    }
}
