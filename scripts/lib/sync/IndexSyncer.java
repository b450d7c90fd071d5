package lib.sync;

import lib.core.Context;
import lib.core.ImageRef;
import lib.core.Manifests;
import lib.core.Platform;
import lib.core.SyncError;
import lib.core.Target;
import lib.engine.Copier;
import lib.engine.Inspector;
import lib.list.ImageSpec;
import lib.list.Plan;
import lib.registry.RegistryClient;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Syncs a multi-platform line (--platform=all, or a comma list) to every target: one tag that serves several
 * platforms. "all" copies the source's index as it is (every platform and attestation, its digest preserved);
 * a subset writes an index listing exactly the chosen platform manifests (and their attestations), built from
 * the source's index the same way every run, so its digest is stable and a HEAD can tell it is there.
 *
 * The state works as for single platforms: it remembers the source index's digest and the digest the tag should
 * have, so a warm no-op is one HEAD at the source and one per target. Copying always reads the source first.
 */
final class IndexSyncer {
    /**
     * What a target tag should hold. {@code digest}: the source index's (all) or the subset index's; {@code index}:
     * the subset index to write (null for all); {@code manifests}: the platform manifests and attestations it
     * lists; {@code platforms}: what it serves; {@code checked}: read from the source this run, not only remembered.
     */
    record Wanted(String top, String digest, byte[] index, List<String> manifests, List<String> platforms, boolean singleSource, boolean checked) {
        static Wanted remembered(SyncState.Entry entry) {
            return new Wanted(entry.top(), entry.digest(), null, List.of(), List.of(), false, false);
        }
    }

    private final Syncer syncer;
    private final Inspector inspector;
    private final Copier copier;
    private final Syncer.Options options;
    private final Syncer.Cheap cheap;

    IndexSyncer(Syncer syncer, Inspector inspector, Copier copier, Syncer.Options options, Syncer.Cheap cheap) {
        this.syncer = syncer;
        this.inspector = inspector;
        this.copier = copier;
        this.options = options;
        this.cheap = cheap;
    }

    ImageResult sync(Plan.Item item, Context context) {
        ImageSpec spec = item.spec();
        long start = System.nanoTime();
        List<TargetResult> results = new ArrayList<>();
        Wanted wanted;
        try {
            wanted = find(spec, context);
        } catch (SyncError | IllegalArgumentException e) {
            syncer.targets().forEach(t -> results.add(Syncer.at(t, item, start).failed(e, null)));
            return ImageResult.of(spec, results);
        }
        for (Target target : syncer.targets()) {
            if (wanted != null && !wanted.checked()) {
                TargetResult skipped = skippedByHead(target, item, wanted, context);
                if (skipped != null) {
                    results.add(skipped);
                    continue;
                }
                wanted = cheap.budget().take(spec.source().registry(), PullBudget.READ) ? read(spec, context) : null;
            }
            results.add(wanted == null ? Syncer.at(target, item, start).deferred() : syncTo(target, item, wanted, context));
        }
        if (wanted != null && wanted.checked()) {
            cheap.state().put(spec, new SyncState.Entry(wanted.top(), wanted.digest()));
        }
        return ImageResult.of(spec, results);
    }

    /** The source's index as remembered when a HEAD shows the tag has not moved; else read. Null: deferred. */
    private Wanted find(ImageSpec spec, Context context) {
        RegistryClient.Head top = syncer.head(spec.source(), context);
        SyncState.Entry known = cheap.state().get(spec);
        if (top != null && top.found() && known != null && known.top().equals(top.digest())) {
            return Wanted.remembered(known);
        }
        return cheap.budget().take(spec.source().registry(), PullBudget.READ) ? read(spec, context) : null;
    }

    private Wanted read(ImageSpec spec, Context context) {
        ImageRef ref = spec.source();
        byte[] raw = syncer.sourceManifest(ref, "reading source " + ref.display(), context);
        Manifests.Parsed top = Manifests.parse(raw);
        if (!top.index()) {
            if (!spec.platform().all()) {
                throw new SyncError(SyncError.Kind.PERMANENT, "source " + ref.display() + " is a single-platform image, not an index: "
                        + "a list of platforms needs an index; use --platform=all to copy it as it is, or name its one platform");
            }
            return new Wanted(top.digest(), top.digest(), null, List.of(top.digest()), List.of(), true, true);
        }
        List<Manifests.Entry> images = Manifests.images(top.entries());
        if (spec.platform().all()) {
            return new Wanted(top.digest(), top.digest(), null, top.entries().stream().map(Manifests.Entry::digest).toList(),
                    images.stream().map(Manifests.Entry::platform).toList(), false, true);
        }
        List<String> chosen = new ArrayList<>();
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
        List<String> manifests = Manifests.parse(index).entries().stream().map(Manifests.Entry::digest).toList();
        return new Wanted(top.digest(), Manifests.digest(index), index, manifests, platforms, false, true);
    }

    /** With only a remembered digest: skipped when a HEAD shows the target already holds it, else null (read the source). */
    private TargetResult skippedByHead(Target target, Plan.Item item, Wanted wanted, Context context) {
        ImageRef ref = target.reference(item.name());
        RegistryClient.Head head = options.force() ? null : syncer.head(ref, context);
        if (head != null && head.found() && head.digest().equals(wanted.digest())) {
            return new TargetResult.At(target.id(), ref.display(), System.nanoTime()).skipped(Decision.Reason.DIGEST.label, head.digest());
        }
        return null;
    }

    private TargetResult syncTo(Target target, Plan.Item item, Wanted wanted, Context context) {
        ImageRef ref = target.reference(item.name());
        TargetResult.At at = new TargetResult.At(target.id(), ref.display(), System.nanoTime());
        String held = null;
        try {
            held = options.force() ? null : digestAt(ref, context);
            String there = held;
            Decision decision = Decision.decideIndex(wanted.digest(), held, () -> wanted.index() != null && listsExactly(ref.withDigest(there), wanted, context),
                    options.force());
            String reason = decision.reason().label;
            if (!decision.copy()) {
                return at.skipped(reason, held).withPlatforms(wanted.platforms());
            }
            if (options.dryRun()) {
                return at.wouldCopy(reason, held).withPlatforms(wanted.platforms());
            }
            if (!cheap.budget().take(item.spec().source().registry(), PullBudget.COPY)) {
                return at.deferred();
            }
            String what = "copying to " + target.id() + " " + ref.display();
            try {
                if (wanted.index() == null) {
                    syncer.attempt(() -> {
                        copier.copyAll(item.spec().source().withDigest(wanted.top()), ref, what, context);
                        return null;
                    }, context);
                } else {
                    List<String> missing = wanted.manifests().stream().filter(d -> !present(ref.withDigest(d), context)).toList();
                    syncer.attempt(() -> {
                        copier.copySubset(item.spec().source(), missing, wanted.index(), ref, what, context);
                        return null;
                    }, context);
                }
            } catch (SyncError e) {
                throw refused(e);
            }
            String digest = syncer.writtenDigest(ref, context);
            String warning = wanted.singleSource() ? "the source is a single-platform image, not an index: copied as it is" : null;
            return at.copied(reason, digest).withPlatforms(wanted.platforms()).withWarning(warning);
        } catch (SyncError | IllegalArgumentException e) {
            return at.failed(e, held);
        }
    }

    /** A registry that takes image manifests but not indexes answers the index's PUT with "unsupported" or "invalid". */
    private static SyncError refused(SyncError e) {
        String m = e.getMessage().toLowerCase(java.util.Locale.ROOT);
        if (e.kind == SyncError.Kind.PERMANENT && (m.contains("manifest invalid") || m.contains("unsupported") || m.contains("manifest list"))) {
            return new SyncError(e.kind, e.getMessage() + "; this registry may not accept multi-platform images (indexes): "
                    + "use one line per platform instead (--platform=linux/amd64, --platform=linux/arm64, ...)");
        }
        return e;
    }

    /** What the target tag points at, or null when it does not exist: a HEAD, or skopeo when the client cannot ask. */
    private String digestAt(ImageRef ref, Context context) {
        RegistryClient.Head head = syncer.head(ref, context);
        if (head != null) {
            return head.found() ? head.digest() : null;
        }
        byte[] raw = syncer.attempt(() -> inspector.inspectRaw(ref, "reading target " + ref.display(), true, context), context);
        return raw == null ? null : Manifests.digest(raw);
    }

    private boolean present(ImageRef atDigest, Context context) {
        RegistryClient.Head head = syncer.head(atDigest, context);
        return head != null && head.found();
    }

    /** Whether the target's index lists exactly the chosen platform manifests (attestations aside), whoever wrote it. */
    private boolean listsExactly(ImageRef target, Wanted wanted, Context context) {
        Manifests.Parsed there = Manifests.parse(syncer.attempt(() -> inspector.inspectRaw(target, "reading target " + target.display(), false, context), context));
        if (!there.index()) {
            return false;
        }
        Set<String> held = new HashSet<>(Manifests.images(there.entries()).stream().map(Manifests.Entry::digest).toList());
        Set<String> chosen = new HashSet<>(Manifests.images(Manifests.parse(wanted.index()).entries()).stream().map(Manifests.Entry::digest).toList());
        return held.equals(chosen);
    }
}
