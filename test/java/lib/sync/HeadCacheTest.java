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
import static support.Digests.d;

/** The HEADs asked ahead: what they spare, and that a bug among them reaches the image it belongs to. */
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
        assertEquals(Set.of("docker.io/library/app:1", "acr.io/ns/app:1"), asked);
        ImageRef source = ImageRef.parse("app:1", "docker.io");
        ImageRef target = ImageRef.in("acr.io", "ns", "app", "1");
        assertEquals(d("docker.io/library/app:1"), heads.take(source).digest());
        assertEquals(d("docker.io/library/app:1"), heads.take(source).digest(), "a source's answer serves every image that reads it");
        assertEquals(d("acr.io/ns/app:1"), heads.take(target).digest());
        assertNull(heads.take(target), "a target's answer is used once: the image may change the tag");
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
        assertEquals(1, asked.size(), "one request, then the registry is left to the images: " + asked);
        assertNull(heads.take(ImageRef.parse("a:1", "docker.io")));
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
        assertEquals(Set.of("docker.io/library/a:1", "docker.io/library/b:1", "docker.io/library/c:1"), asked);
        IllegalStateException bug = assertThrows(IllegalStateException.class, () -> heads.take(ImageRef.parse("a:1", "docker.io")));
        assertEquals("a bug in asking for docker.io/library/a:1", bug.getMessage());
        assertEquals(d("docker.io/library/c:1"), heads.take(ImageRef.parse("c:1", "docker.io")).digest());
    }
}
