package lib.sync;

import lib.core.Context;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.Manifests;
import lib.core.SyncError;
import lib.core.Target;
import lib.engine.Copier;
import lib.list.ImageSpec;
import lib.list.Plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A multi-platform line (--platform=all, or a comma list) at every target: one tag that serves several platforms.
 * "all" copies the source's index as it is (every platform and attestation, its digest preserved); a subset writes
 * an index listing exactly the chosen platform manifests (and their attestations), built from the source's index
 * the same way every run, so its digest is stable and a HEAD can tell it is there.
 *
 * <p>The state works as for single platforms: it remembers the source index's digest and the digest the tag should
 * have, so a warm no-op is one HEAD at the source and one per target. Copying always reads the source first.
 */
record IndexSync(ManifestReader reader, SourceResolver sources, Copier copier, PullBudget budget, List<Target> targets, Syncer.Options options) {
    ImageResult sync(Plan.Item item, Context context) {
        ImageSpec spec = item.spec();
        long start = System.nanoTime();
        List<TargetResult> results = new ArrayList<>();
        SourceResolver.Index wanted;
        try {
            wanted = sources.index(spec, context);
        } catch (SyncError | IllegalArgumentException e) {
            return Syncer.atEvery(targets, item, at -> at.failed(e, null));
        }
        for (Target target : targets) {
            if (wanted != null && !wanted.checked()) {
                TargetResult skipped = skippedByHead(target, item, wanted, context);
                if (skipped != null) {
                    results.add(skipped);
                    continue;
                }
                wanted = sources.readIndexWithinBudget(spec, context);
            }
            results.add(wanted == null ? Syncer.at(target, item, start).deferred() : to(target, item, wanted, context));
        }
        if (wanted != null && wanted.checked()) {
            sources.state().put(spec, wanted.entry());
        }
        return ImageResult.of(item, results);
    }

    /** With only a remembered digest: skipped when a HEAD shows the target already holds it, else null (read the source). */
    private TargetResult skippedByHead(Target target, Plan.Item item, SourceResolver.Index wanted, Context context) {
        ImageRef ref = target.reference(item.nameAt(target));
        Digest held = options.force() ? null : reader.digestAtByHead(ref, context);
        if (wanted.digest().equals(held)) {
            return Syncer.at(target, item, System.nanoTime()).skipped(Decision.Reason.DIGEST.label, held.value());
        }
        return null;
    }

    private TargetResult to(Target target, Plan.Item item, SourceResolver.Index wanted, Context context) {
        ImageRef ref = target.reference(item.nameAt(target));
        TargetResult.At at = Syncer.at(target, item, System.nanoTime());
        Digest held = null;
        try {
            held = options.force() ? null : reader.digestAt(ref, context);
            Digest there = held;
            Decision decision = Decision.decideIndex(wanted.digest(), held,
                    () -> wanted.index() != null && listsExactly(ref.withDigest(there), wanted, context), options.force());
            String reason = decision.reason().label;
            if (!decision.copy()) {
                return at.skipped(reason, held.value()).withPlatforms(wanted.platforms());
            }
            if (options.dryRun()) {
                return at.wouldCopy(reason, held == null ? null : held.value()).withPlatforms(wanted.platforms());
            }
            if (!budget.take(item.spec().source().registry(), PullBudget.COPY)) {
                return at.deferred();
            }
            String what = "copying to " + target.id() + " " + ref.display();
            try {
                ImageRef top = item.spec().source().withDigest(wanted.top());
                BlobRace race = new BlobRace();
                if (wanted.index() == null) {
                    reader.attempt(() -> {
                        try {
                            copier.copyAll(top, ref, what, context);
                        } catch (SyncError e) {
                            throw race.judged(e, reader, top, ref, () -> reader.sourceOnce(top, context), context);
                        }
                        return null;
                    }, context);
                } else {
                    List<Digest> missing = wanted.manifests().stream().filter(d -> !reader.present(ref.withDigest(d), context)).toList();
                    reader.attempt(() -> {
                        try {
                            copier.copySubset(item.spec().source(), missing, wanted.index(), ref, what, context);
                        } catch (SyncError e) {
                            throw race.judged(e, reader, top, ref, wanted::index, context);
                        }
                        return null;
                    }, context);
                }
            } catch (SyncError e) {
                throw refused(e);
            }
            Digest digest = reader.readBack(ref, context);
            String warning = wanted.singleSource() ? "the source is a single-platform image, not an index: copied as it is" : null;
            return at.copied(reason, digest.value()).withPlatforms(wanted.platforms()).withWarning(warning);
        } catch (SyncError | IllegalArgumentException e) {
            return at.failed(e, held == null ? null : held.value());
        }
    }

    /** A registry that takes image manifests but not indexes answers the index's PUT with "unsupported" or "invalid". */
    private static SyncError refused(SyncError e) {
        String m = e.getMessage().toLowerCase(Locale.ROOT);
        if (e.kind == SyncError.Kind.PERMANENT && (m.contains("manifest invalid") || m.contains("unsupported") || m.contains("manifest list"))) {
            return new SyncError(e.kind, e.getMessage() + "; this registry may not accept multi-platform images (indexes): "
                    + "use one line per platform instead (--platform=linux/amd64, --platform=linux/arm64, ...)");
        }
        return e;
    }

    /** Whether the target's index lists exactly the chosen platform manifests (attestations aside), whoever wrote it. */
    private boolean listsExactly(ImageRef target, SourceResolver.Index wanted, Context context) {
        Manifests.Parsed there = Manifests.parse(reader.target(target, "reading target " + target.display(), false, context));
        if (!there.index()) {
            return false;
        }
        Set<Digest> held = new HashSet<>(Manifests.images(there.entries()).stream().map(Manifests.Entry::digest).toList());
        Set<Digest> chosen = new HashSet<>(Manifests.images(Manifests.parse(wanted.index()).entries()).stream().map(Manifests.Entry::digest).toList());
        return held.equals(chosen);
    }
}
