package lib.sync;

import lib.core.Context;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.Lazy;
import lib.core.Manifests;
import lib.core.Platform;
import lib.core.SyncError;
import lib.core.Target;
import lib.engine.Copier;
import lib.list.ImageSpec;
import lib.list.Plan;
import lib.registry.RegistryClient;

import java.util.ArrayList;
import java.util.List;

/**
 * A single-platform line at every target: finds the source's platform image, then per target reads what the tag
 * holds, decides (see {@link Decision}) and copies the platform manifest by digest where needed. A HEAD of a target
 * that already holds the digest settles it without reading anything else; the source is read and checked (never
 * only remembered) before anything is copied or compared beyond the digest.
 */
record PlatformSync(ManifestReader reader, SourceResolver sources, Copier copier, PullBudget budget, List<Target> targets, Syncer.Options options) {
    ImageResult sync(Plan.Item item, Context context) {
        ImageSpec spec = item.spec();
        SourceResolver.Image source;
        try {
            source = sources.image(spec, context);
        } catch (SyncError | IllegalArgumentException e) {
            return Syncer.atEvery(targets, item, at -> at.failed(e, null));
        }
        if (source == null) {
            return Syncer.atEvery(targets, item, TargetResult.At::deferred);
        }
        List<TargetResult> results = new ArrayList<>();
        try (ImageRun run = new ImageRun(spec, source, context)) {
            for (Target target : targets) {
                results.add(to(target, item, run));
            }
            if (run.source != null && run.source.checked()) {
                sources.state().put(spec, run.source.entry());
            }
        }
        return ImageResult.of(item, results);
    }

    private TargetResult to(Target target, Plan.Item item, ImageRun run) {
        ImageRef ref = target.reference(item.nameAt(target));
        TargetResult.At at = Syncer.at(target, item, System.nanoTime());
        if (run.source == null) {
            return at.deferred();
        }
        Digest held = null;
        try {
            Decision.Seen there = options.force() ? null : seen(ref, item.spec().platform().single(), run.context);
            held = there == null ? null : there.digest();
            if (there != null && there.digest().equals(run.source.digest())) {
                return at.skipped(Decision.Reason.DIGEST.label, held.value());
            }
            SourceResolver.Image source = run.checked();
            if (source == null) {
                return at.deferred();
            }
            Decision decision = Decision.decide(source.seen(), there, options.force());
            String reason = decision.reason().label;
            TargetResult.Created created = decision.reason() == Decision.Reason.IMAGE_ID || decision.reason() == Decision.Reason.CHANGED
                    ? new TargetResult.Created(run.sourceCreated(), createdOf(ref.withDigest(held), run.context)) : null;
            if (!decision.copy()) {
                return at.skipped(reason, held.value()).withCreated(created);
            }
            if (options.dryRun()) {
                return at.wouldCopy(reason, text(held)).withCreated(created);
            }
            if (!budget.take(item.spec().source().registry(), PullBudget.COPY)) {
                return at.deferred();
            }
            run.copyTo(ref, "copying to " + target.id() + " " + ref.display());
            Digest digest = reader.readBack(ref, run.context);
            String warning = !copier.preservesDigests() || digest.equals(source.digest()) ? null
                    : "the target reports digest " + digest + ", the source " + source.digest() + " (the manifest was re-encoded on the way)";
            return at.copied(reason, digest.value()).withWarning(warning).withCreated(created);
        } catch (SyncError | IllegalArgumentException e) {
            return at.failed(e, text(held));
        }
    }

    /** The tag at a target as far as its digest; its config digest only if the ladder asks. Null when the tag does not exist. */
    private Decision.Seen seen(ImageRef ref, Platform platform, Context context) {
        RegistryClient.Head head = reader.head(ref, context);
        if (head == null) {
            return readTarget(ref, platform, context);
        }
        if (!head.found()) {
            return null;
        }
        return new Decision.Seen(head.digest(), Lazy.of(() -> {
            Decision.Seen full = readTarget(ref, platform, context);
            return full == null ? null : full.configDigest().get();
        }));
    }

    /** The target tag read in full: for an index, the entry for the platform (another platform's only: nothing in common). */
    private Decision.Seen readTarget(ImageRef ref, Platform platform, Context context) {
        String what = "reading target " + ref.display();
        byte[] raw = reader.target(ref, what, true, context);
        if (raw == null) {
            return null;
        }
        Manifests.Parsed parsed = Manifests.parse(raw);
        if (parsed.index()) {
            Manifests.Entry entry = Manifests.select(parsed.entries(), platform);
            if (entry == null) {
                return new Decision.Seen(parsed.digest(), () -> null);
            }
            parsed = Manifests.parse(reader.target(ref.withDigest(entry.digest()), what, false, context));
        }
        Digest configDigest = parsed.configDigest();
        return new Decision.Seen(parsed.digest(), () -> configDigest);
    }

    /** A config's created time, for the report only (see TargetResult.Created): null when it cannot be read. */
    private String createdOf(ImageRef ref, Context context) {
        try {
            return reader.config(ref, "reading the config of " + ref.display(), context).created();
        } catch (SyncError | IllegalArgumentException e) {
            return null;
        }
    }

    private static String text(Digest digest) {
        return digest == null ? null : digest.value();
    }

    /** One image's source, checked at most once, and the engine's copies of it, closed (cleaned up) when the image is done. */
    private final class ImageRun implements AutoCloseable {
        private final ImageSpec spec;
        private final Context context;
        private SourceResolver.Image source;
        private Copier.Copy copy;
        /** The source config's created time, read once for every target that reports it. */
        private final Lazy<String> sourceCreated;

        ImageRun(ImageSpec spec, SourceResolver.Image source, Context context) {
            this.spec = spec;
            this.source = source;
            this.context = context;
            this.sourceCreated = Lazy.of(() -> createdOf(spec.source().withDigest(this.source.digest()), context));
        }

        /** The source, read or checked this run: what any decision beyond "the target holds this digest" needs. Null: deferred. */
        SourceResolver.Image checked() {
            if (source != null && !source.checked()) {
                source = sources.check(spec, source, context);
            }
            return source;
        }

        String sourceCreated() {
            return sourceCreated.get();
        }

        void copyTo(ImageRef destination, String what) {
            if (copy == null) {
                copy = copier.start(spec.source().withDigest(source.digest()), spec.platform().single(), context);
            }
            ImageRef from = spec.source().withDigest(source.digest());
            BlobRace.copy(reader, from, destination, () -> reader.sourceOnce(from, context), () -> copy.to(destination, what), context);
        }

        @Override
        public void close() {
            if (copy != null) {
                copy.close();
            }
        }
    }
}
