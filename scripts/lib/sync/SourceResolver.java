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
 * the state file recorded, the remembered answer stands and no manifest is read; otherwise the source is read, if the
 * pull reserve allows (null: deferred to a later run). A remembered answer is never trusted to copy: {@link #check}
 * reads and verifies it first, and drops a wrong entry.
 */
final class SourceResolver {
    /**
     * The platform image of a single-platform line. {@code top} is what the reference resolves to (index or
     * manifest), which the state remembers; {@code checked} is false while the digest is only remembered.
     */
    record Image(Digest top, Digest digest, Lazy<Digest> configDigest, boolean checked) {
        Decision.Seen seen() {
            return new Decision.Seen(digest, configDigest);
        }
    }

    /**
     * What a multi-platform line's tag should hold. {@code digest}: the source index's (all) or the subset index's;
     * {@code index}: the subset index to write (null for all); {@code manifests}: the platform manifests and
     * attestations it lists; {@code platforms}: what it serves; {@code checked}: read from the source this run.
     */
    record Index(Digest top, Digest digest, byte[] index, List<Digest> manifests, List<String> platforms, boolean singleSource, boolean checked) {
        static Index remembered(SyncState.Entry entry) {
            return new Index(entry.top(), entry.digest(), null, List.of(), List.of(), false, false);
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
            return new Image(known.top(), known.digest(), null, false);
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

    /** The state's entry when a HEAD shows the source's tag has not moved since it was recorded; else null. */
    private SyncState.Entry unchanged(ImageSpec spec, Context context) {
        RegistryClient.Head top = reader.head(spec.source(), context);
        SyncState.Entry known = state.get(spec);
        return top != null && top.found() && known != null && known.top().equals(top.digest()) ? known : null;
    }

    private Image readImage(ImageSpec spec, Context context) {
        ImageRef ref = spec.source();
        Platform platform = spec.platform().single();
        Manifests.Parsed top = Manifests.parse(reader.source(ref, "reading source " + ref.display(), context));
        if (!top.index()) {
            Manifests.Config c = reader.config(ref.withDigest(top.digest()), "reading the config of source " + ref.display(), context);
            if (!platform.accepts(c.os(), c.arch(), c.variant())) {
                throw new SyncError(SyncError.Kind.NO_PLATFORM, "source " + ref.display() + " is a single-platform image for " + c.platform()
                        + ", not " + spec.platform() + ": use --platform to match it");
            }
            return new Image(top.digest(), top.digest(), Lazy.of(top::configDigest), true);
        }
        Manifests.Entry entry = Manifests.select(top.entries(), platform);
        if (entry == null) {
            throw new SyncError(SyncError.Kind.NO_PLATFORM, "source " + ref.display() + " has no " + spec.platform() + " image; it offers "
                    + String.join(", ", Manifests.offered(top.entries())) + ": choose one of those with --platform");
        }
        return new Image(top.digest(), entry.digest(), Lazy.of(() -> platformManifest(ref, entry.digest(), context).configDigest()), true);
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
                return new Image(remembered.top(), remembered.digest(), Lazy.of(image::configDigest), true);
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

    private Index readIndex(ImageSpec spec, Context context) {
        ImageRef ref = spec.source();
        byte[] raw = reader.source(ref, "reading source " + ref.display(), context);
        Manifests.Parsed top = Manifests.parse(raw);
        if (!top.index()) {
            if (!spec.platform().all()) {
                throw new SyncError(SyncError.Kind.PERMANENT, "source " + ref.display() + " is a single-platform image, not an index: "
                        + "a list of platforms needs an index; use --platform=all to copy it as it is, or name its one platform");
            }
            return new Index(top.digest(), top.digest(), null, List.of(top.digest()), List.of(), true, true);
        }
        List<Manifests.Entry> images = Manifests.images(top.entries());
        if (spec.platform().all()) {
            return new Index(top.digest(), top.digest(), null, top.entries().stream().map(Manifests.Entry::digest).toList(),
                    images.stream().map(Manifests.Entry::platform).toList(), false, true);
        }
        List<Digest> chosen = new ArrayList<>();
        List<String> platforms = new ArrayList<>();
        for (Platform p : spec.platform().chosen()) {
            Manifests.Entry e = Manifests.select(images, p);
            if (e == null) {
                throw new SyncError(SyncError.Kind.NO_PLATFORM, "source " + ref.display() + " has no " + p + " image; it offers "
                        + String.join(", ", Manifests.offered(top.entries())) + ": choose from those with --platform");
            }
            chosen.add(e.digest());
            platforms.add(e.platform());
        }
        byte[] index = Manifests.subset(raw, chosen);
        List<Digest> manifests = Manifests.parse(index).entries().stream().map(Manifests.Entry::digest).toList();
        return new Index(top.digest(), Digest.of(index), index, manifests, platforms, false, true);
    }
}
