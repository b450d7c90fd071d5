package lib.sync;

import lib.core.Context;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.Retry;
import lib.core.SyncError;
import lib.engine.Skopeo;
import lib.engine.ZtExecRunner;
import lib.registry.RegistryClient;
import support.Fixtures;
import support.Registries;
import support.Registry;
import support.Tools;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Which refused manifest PUTs the retry layer tries again: a blob-unknown refusal when HEADs at a real registry show the
 * target holds everything the manifest needs (the race of two runs), and nothing else.
 */
@Tag("registry")
class BlobRaceTest {
    static final Context CONTEXT = Context.outside(Duration.ofMinutes(1), w -> { });
    @RegisterExtension
    static final Registries registries = new Registries("blob-race-");
    static final Registry registry = registries.open("registry");
    static Fixtures.Layout image;
    static ManifestReader reader;
    static ImageRef source;
    /** Holds the amd64 image only; {@code all} every platform; {@code empty} nothing. */
    static ImageRef amd64;
    static ImageRef all;
    static ImageRef empty;

    @BeforeAll
    static void pushFixtures() throws IOException {
        image = Fixtures.multiArch(Files.createDirectories(registries.root().resolve("layout")), Fixtures.threeArch("2024-01-01T00:00:00Z", "race"));
        Registry.push(image, registry.host + "/library/app:1", null);
        Registry.push(image, registry.host + "/ns/all:1", null);
        Tools.Result r = Tools.run(List.of("skopeo", "copy", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false",
                "docker://" + registry.host + "/library/app@" + image.digests().get("linux/amd64"), "docker://" + registry.host + "/ns/amd64:1"), null, null, null);
        assertEquals(0, r.exit(), r.stderr());
        RegistryClient client = new RegistryClient(Map.of(), Set.of(registry.host), 4, Map.of());
        reader = new ManifestReader(client, new Skopeo(new ZtExecRunner(), null, Set.of(registry.host), true),
                new Reachability(Retry.standard(), host -> { }, host -> "check " + host),
                new HeadCache(client::head, 4, List.of(), false));
        source = ImageRef.parse(registry.host + "/library/app:1", "docker.io");
        amd64 = ImageRef.parse(registry.host + "/ns/amd64:1", "docker.io");
        all = ImageRef.parse(registry.host + "/ns/all:1", "docker.io");
        empty = ImageRef.parse(registry.host + "/ns/empty:1", "docker.io");
    }

    /** skopeo's words for a refused PUT: "writing manifest: uploading manifest REF to NAME: manifest blob unknown: ...". */
    static SyncError refused(String reference, ImageRef destination) {
        return new SyncError(SyncError.Kind.PERMANENT, "copying to aliyun " + destination.display() + ": writing manifest: uploading manifest "
                + reference + " to " + destination.registry() + "/" + destination.repository() + ": manifest blob unknown: blob unknown to registry");
    }

    static byte[] manifest(String digest) {
        return reader.sourceOnce(source.withDigest(new Digest(digest)), CONTEXT);
    }

    static final Supplier<byte[]> UNUSED = () -> fail("the manifest under the tag was read, though the message names the manifest by digest");

    @Test
    void aRefusalIsTransientOnceHeadsShowEveryBlobAtTheTarget() {
        String arm = image.digests().get("linux/arm64");
        SyncError byTag = refused("1", amd64);
        SyncError judged = new BlobRace().judged(byTag, reader, source, amd64, () -> manifest(image.digests().get("linux/amd64")), CONTEXT);
        assertEquals(SyncError.Kind.TRANSIENT, judged.kind);
        assertEquals(byTag.getMessage() + "; HEADs show the target has everything that manifest refers to (another run pushing the same images at once?)",
                judged.getMessage());

        assertSame(byTag, new BlobRace().judged(byTag, reader, source, empty, () -> manifest(image.digests().get("linux/amd64")), CONTEXT),
                "the target lacks the blobs: the refusal is real");
        SyncError byDigest = refused(arm, amd64);
        assertSame(byDigest, new BlobRace().judged(byDigest, reader, source, amd64, UNUSED, CONTEXT), "the arm64 image's blobs are not in ns/amd64");
        assertEquals(SyncError.Kind.TRANSIENT, new BlobRace().judged(refused(arm, all), reader, source, all, UNUSED, CONTEXT).kind);
    }

    /**
     * An index refused for a manifest it lists: transient only when the target holds every manifest the index lists.
     * skopeo may say it only as "must be converted ... cannot modify it" (seen in two runs racing on an index), as it
     * does for a registry that takes no index at all: that gets one more try.
     */
    @Test
    void anIndexIsConfirmedByItsManifests() {
        Supplier<byte[]> index = () -> reader.sourceOnce(source, CONTEXT);
        assertEquals(SyncError.Kind.TRANSIENT, new BlobRace().judged(refused("1", all), reader, source, all, index, CONTEXT).kind);
        SyncError onlyOne = refused("1", amd64);
        assertSame(onlyOne, new BlobRace().judged(onlyOne, reader, source, amd64, index, CONTEXT));

        SyncError converted = new SyncError(SyncError.Kind.PERMANENT, "copying to aliyun " + all.display() + ": Manifest list must be converted to type "
                + "\"application/vnd.docker.distribution.manifest.list.v2+json\" to be written to destination, but we cannot modify it: "
                + "\"Instructed to preserve digests\"");
        BlobRace race = new BlobRace();
        SyncError again = race.judged(converted, reader, source, all, index, CONTEXT);
        assertEquals(SyncError.Kind.TRANSIENT, again.kind);
        assertEquals(converted.getMessage() + "; HEADs show the target has everything that index refers to: tried once more, in case another run "
                + "was pushing the same images (a registry that refuses this kind of index refuses it again)", again.getMessage());
        assertSame(converted, race.judged(converted, reader, source, all, index, CONTEXT),
                "one more try only: skopeo says the same of a registry that takes no index at all");
        assertEquals(SyncError.Kind.TRANSIENT, race.judged(refused("1", all), reader, source, all, index, CONTEXT).kind, "a blob refusal still is");
        assertSame(converted, new BlobRace().judged(converted, reader, source, amd64, index, CONTEXT));
    }

    @Test
    void everyOtherFailureIsLeftAsItIs() {
        Supplier<byte[]> amd = () -> manifest(image.digests().get("linux/amd64"));
        for (SyncError e : List.of(
                new SyncError(SyncError.Kind.DENIED, "copying to aliyun x: access denied (requested access to the resource is denied)"),
                new SyncError(SyncError.Kind.PERMANENT, "copying to aliyun x: writing manifest: manifest invalid"),
                new SyncError(SyncError.Kind.TRANSIENT, "copying to aliyun x: blob unknown; HTTP 503"),
                new SyncError(SyncError.Kind.GAVE_UP, "copying to aliyun x: manifest blob unknown: gave up after 1m (--image-timeout)"))) {
            assertSame(e, new BlobRace().judged(e, reader, source, amd64, amd, CONTEXT), e.getMessage());
        }
        SyncError unreadable = refused("1", amd64);
        assertSame(unreadable, new BlobRace().judged(unreadable, reader, source, amd64, () -> null, CONTEXT), "nothing to confirm with");
    }

    /** Under the one retry layer: a race is tried again and then written; a real refusal is not tried again. */
    @Test
    void theRetryLayerTriesARaceAgainAndARealRefusalOnce() {
        List<Duration> slept = new ArrayList<>();
        Retry retry = new Retry(4, Duration.ofSeconds(2), Duration.ofSeconds(60), slept::add, () -> 0.5);
        Supplier<byte[]> amd = () -> manifest(image.digests().get("linux/amd64"));
        AtomicInteger tries = new AtomicInteger();
        assertEquals("written", retry.run(() -> {
            if (tries.incrementAndGet() == 1) {
                throw new BlobRace().judged(refused("1", amd64), reader, source, amd64, amd, CONTEXT);
            }
            return "written";
        }, CONTEXT));
        assertEquals(2, tries.get());
        assertEquals(List.of(Duration.ofMillis(1500)), slept, "the standard wait before a second try");

        tries.set(0);
        SyncError real = assertThrows(SyncError.class, () -> retry.run(() -> {
            tries.incrementAndGet();
            throw new BlobRace().judged(refused("1", empty), reader, source, empty, amd, CONTEXT);
        }, CONTEXT));
        assertEquals(SyncError.Kind.PERMANENT, real.kind);
        assertEquals(1, tries.get());
        assertTrue(real.getMessage().endsWith("manifest blob unknown: blob unknown to registry"), real.getMessage());
    }
}
