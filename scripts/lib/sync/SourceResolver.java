package lib.sync;

import lib.core.Context;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.Lazy;
import lib.core.Manifests;
import lib.core.Platform;
import lib.core.SyncError;
import lib.list.ImageSpec;
import lib.registry.RegistryClient;

import java.util.ArrayList;
import java.util.List;

/**
 * What the source holds for a line, as cheaply as the state allows: when a HEAD shows the tag still resolves to what
 * the state file recorded, and the entry proves what it says (see {@link #proves}), the remembered answer stands and
 * no manifest is read; otherwise the source is read, if the pull reserve allows (null: deferred to a later run). A
 * remembered answer is never trusted to copy: {@link #check} reads and verifies it first, and drops a wrong entry.
 */
final class SourceResolver {
    /**
     * The platform image of a single-platform line. {@code top} is what the reference resolves to (index or
     * manifest), which the state remembers with its bytes, {@code source}; {@code checked} is false while the digest
     * is only remembered.
     */
    record Image(Digest top, Digest digest, byte[] source, Lazy<Digest> configDigest, boolean checked) {
        SyncState.Entry entry() {
            return new SyncState.Entry(top, digest, source);
        }

        Decision.Seen seen() {
            return new Decision.Seen(digest, configDigest);
        }
    }

    /**
     * What a multi-platform line's tag should hold. {@code digest}: the source index's (all) or the subset index's;
     * {@code source}: the source's index as read; {@code index}: the subset index to write (null for all);
     * {@code manifests}: the platform manifests and attestations it lists; {@code platforms}: what it serves;
     * {@code checked}: read from the source this run.
     */
    record Index(Digest top, Digest digest, byte[] source, byte[] index, List<Digest> manifests, List<String> platforms, boolean singleSource,
                 boolean checked) {
        static Index remembered(SyncState.Entry entry) {
            boolean single = entry.source() != null && !Manifests.parse(entry.source()).index();
            return new Index(entry.top(), entry.digest(), entry.source(), null, List.of(), List.of(), single, false);
        }

        /**
         * What the state keeps: the digest with the source index it follows from, so it can prove itself, and so that
         * what a target that refused that index holds instead can be told with a HEAD (see IndexSync).
         */
        SyncState.Entry entry() {
            return new SyncState.Entry(top, digest, source);
        }
    }

    private final ManifestReader reader;
    private final SyncState state;
    private final PullBudget budget;

    SourceResolver(ManifestReader reader, SyncState state, PullBudget budget) {
        this.reader = reader;
        this.state = state;
        this.budget = budget;
    }

    SyncState state() {
        return state;
    }

    /** The source's platform image, as remembered or read; null: deferred. */
    Image image(ImageSpec spec, Context context) {
        SyncState.Entry known = unchanged(spec, context);
        if (known != null) {
            return new Image(known.top(), known.digest(), known.source(), null, false);
        }
        return budget.take(spec.source().registry(), PullBudget.READ) ? readImage(spec, context) : null;
    }

    /** A multi-platform line's index, as remembered or read; null: deferred. */
    Index index(ImageSpec spec, Context context) {
        SyncState.Entry known = unchanged(spec, context);
        if (known != null) {
            return Index.remembered(known);
        }
        return readIndexWithinBudget(spec, context);
    }

    /** The index read now (a remembered one did not answer a target), if the budget allows; null: deferred. */
    Index readIndexWithinBudget(ImageSpec spec, Context context) {
        return budget.take(spec.source().registry(), PullBudget.READ) ? readIndex(spec, context) : null;
    }

    /**
     * The state's entry when a HEAD shows the source's tag has not moved since it was recorded, and the entry proves
     * itself; else null. An entry whose own bytes contradict it is wrong, and dropped aloud; one of an older version,
     * without bytes, that cannot prove itself is simply read again (and rewritten with them).
     */
    private SyncState.Entry unchanged(ImageSpec spec, Context context) {
        RegistryClient.Head top = reader.head(spec.source(), context);
        SyncState.Entry known = state.get(spec);
        if (top == null || !top.found() || known == null || !known.top().equals(top.digest())) {
            return null;
        }
        if (proves(spec, known, top.mediaType())) {
            return known;
        }
        if (known.source() != null) {
            context.log().warn("the state file's entry for " + SyncState.key(spec) + " (" + known.digest() + ") does not follow from the source "
                    + "manifest it holds; it is dropped and the source is read again");
            state.drop(spec);
        }
        return null;
    }

    /**
     * Whether an entry whose top the source's HEAD has just confirmed proves the digest it claims, so that the state is
     * trusted for nothing the run has not seen: the digest is the top itself, and the top is what the line copies (a
     * single image for a single-platform line, by its media type; anything for "all"); or the entry carries the
     * source's top manifest, which hashes to the top, and the line's digest follows from it as a read would make it.
     * Nothing is asked for this: the proof is in the bytes the HEAD vouched for.
     */
    static boolean proves(ImageSpec spec, SyncState.Entry known, String mediaType) {
        if (known.source() != null) {
            try {
                return Digest.of(known.source()).equals(known.top()) && known.digest().equals(wanted(spec, known.source()));
            } catch (IllegalArgumentException | SyncError e) {
                return false;
            }
        }
        return known.digest().equals(known.top())
                && (spec.platform().all() || (mediaType != null && !Manifests.INDEX_TYPES.contains(mediaType)));
    }

    /** The digest a line wants from a source index, made exactly as reading the source makes it. */
    private static Digest wanted(ImageSpec spec, byte[] raw) {
        Manifests.Parsed top = Manifests.parse(raw);
        if (top.index() && !spec.platform().multi()) {
            return platformEntry(spec, top).digest();
        }
        return Digest.of(lineIndex(spec, raw));
    }

    /** What a multi-platform line writes from the source's top manifest: the index itself for "all", else the subset cut from it. */
    static byte[] lineIndex(ImageSpec spec, byte[] raw) {
        Manifests.Parsed top = Manifests.parse(raw);
        return !top.index() || spec.platform().all() ? raw : Manifests.subset(raw, chosen(spec, top).stream().map(Manifests.Entry::digest).toList());
    }

    /** A single-platform line's entry in its source's index. */
    private static Manifests.Entry platformEntry(ImageSpec spec, Manifests.Parsed top) {
        Manifests.Entry entry = Manifests.select(top.entries(), spec.platform().single());
        if (entry == null) {
            throw new SyncError(SyncError.Kind.NO_PLATFORM, "source " + spec.source().display() + " has no " + spec.platform() + " image; it offers "
                    + String.join(", ", Manifests.offered(top.entries())) + ": choose one of those with --platform");
        }
        refuseNested(spec.source(), List.of(entry));
        return entry;
    }

    /** A platform list's entries in its source's index, in the order the line names them. */
    private static List<Manifests.Entry> chosen(ImageSpec spec, Manifests.Parsed top) {
        List<Manifests.Entry> images = Manifests.images(top.entries());
        List<Manifests.Entry> chosen = new ArrayList<>();
        for (Platform p : spec.platform().chosen()) {
            Manifests.Entry e = Manifests.select(images, p);
            if (e == null) {
                throw new SyncError(SyncError.Kind.NO_PLATFORM, "source " + spec.source().display() + " has no " + p + " image; it offers "
                        + String.join(", ", Manifests.offered(top.entries())) + ": choose from those with --platform");
            }
            chosen.add(e);
        }
        return chosen;
    }

    private Image readImage(ImageSpec spec, Context context) {
        ImageRef ref = spec.source();
        Platform platform = spec.platform().single();
        byte[] raw = reader.source(ref, "reading source " + ref.display(), context);
        Manifests.Parsed top = Manifests.parse(raw);
        if (!top.index()) {
            Manifests.Config c = reader.config(ref.withDigest(top.digest()), "reading the config of source " + ref.display(), context);
            if (!platform.accepts(c.os(), c.arch(), c.variant())) {
                throw new SyncError(SyncError.Kind.NO_PLATFORM, "source " + ref.display() + " is a single-platform image for " + c.platform()
                        + ", not " + spec.platform() + ": use --platform to match it");
            }
            return new Image(top.digest(), top.digest(), raw, Lazy.of(top::configDigest), true);
        }
        Manifests.Entry entry = platformEntry(spec, top);
        return new Image(top.digest(), entry.digest(), raw, Lazy.of(() -> platformManifest(ref, entry.digest(), context).configDigest()), true);
    }

    /**
     * Reads and checks a remembered platform image: its manifest must hash to the digest and its config must be the
     * requested platform. An entry that fails is dropped and the source is read in full (null: deferred).
     */
    Image check(ImageSpec spec, Image remembered, Context context) {
        ImageRef at = spec.source().withDigest(remembered.digest());
        String problem;
        try {
            Manifests.Parsed image = platformManifest(spec.source(), remembered.digest(), context);
            Manifests.Config c = reader.config(at, "reading the config of source " + at.display(), context);
            if (spec.platform().single().accepts(c.os(), c.arch(), c.variant())) {
                return new Image(remembered.top(), remembered.digest(), remembered.source(), Lazy.of(image::configDigest), true);
            }
            problem = "it is a " + c.platform() + " image, not " + spec.platform();
        } catch (SyncError e) {
            if (e.kind != SyncError.Kind.NOT_FOUND && e.kind != SyncError.Kind.PERMANENT) {
                throw e;
            }
            problem = e.getMessage();
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        context.log().warn("the state file's entry for " + SyncState.key(spec) + " (" + remembered.digest() + ") is wrong: " + problem
                + "; it is dropped and the source is read again");
        state.drop(spec);
        return budget.take(spec.source().registry(), PullBudget.READ) ? readImage(spec, context) : null;
    }

    /** A platform manifest by digest, checked against it: what a registry serves under a digest must hash to it. */
    private Manifests.Parsed platformManifest(ImageRef repository, Digest digest, Context context) {
        ImageRef at = repository.withDigest(digest);
        Manifests.Parsed image = Manifests.parse(reader.source(at, "reading " + at.display(), context));
        if (image.index() || !image.digest().equals(digest)) {
            throw new SyncError(SyncError.Kind.PERMANENT, at.display() + " is not the platform manifest with that digest");
        }
        return image;
    }

    /**
     * An index that lists an index (a nested index) is refused the same way on every run, whatever the line asks:
     * copying it by digest as one platform's image, or as part of a whole, gives nothing a client can pull.
     */
    private static void refuseNested(ImageRef ref, List<Manifests.Entry> entries) {
        for (Manifests.Entry e : entries) {
            if (e.nestedIndex()) {
                throw new SyncError(SyncError.Kind.PERMANENT, "source " + ref.display() + " is an index that lists another index ("
                        + e.digest().brief() + (e.os() == null ? "" : ", for " + e.platform()) + "): nested indexes are not supported; "
                        + "name the inner index by its digest instead, e.g. " + ref.name() + (ref.tag() == null ? "" : ":" + ref.tag()) + "@" + e.digest());
            }
        }
    }

    private Index readIndex(ImageSpec spec, Context context) {
        ImageRef ref = spec.source();
        byte[] raw = reader.source(ref, "reading source " + ref.display(), context);
        Manifests.Parsed top = Manifests.parse(raw);
        if (!top.index()) {
            if (!spec.platform().all()) {
                throw new SyncError(SyncError.Kind.PERMANENT, "source " + ref.display() + " is a single-platform image, not an index: "
                        + "a list of platforms needs an index; use --platform=all to copy it as it is, or name its one platform");
            }
            return new Index(top.digest(), top.digest(), raw, null, List.of(top.digest()), List.of(), true, true);
        }
        refuseNested(ref, top.entries());
        if (spec.platform().all()) {
            return new Index(top.digest(), top.digest(), raw, null, top.entries().stream().map(Manifests.Entry::digest).toList(),
                    Manifests.images(top.entries()).stream().map(Manifests.Entry::platform).toList(), false, true);
        }
        List<Manifests.Entry> chosen = chosen(spec, top);
        byte[] index = lineIndex(spec, raw);
        List<Digest> manifests = Manifests.parse(index).entries().stream().map(Manifests.Entry::digest).toList();
        return new Index(top.digest(), Digest.of(index), raw, index, manifests, chosen.stream().map(Manifests.Entry::platform).toList(), false, true);
    }
}
