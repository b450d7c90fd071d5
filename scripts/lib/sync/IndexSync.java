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
import java.util.regex.Pattern;

/**
 * A multi-platform line (--platform=all, or a comma list) at every target: one tag that serves several platforms.
 * "all" copies the source's index as it is (every platform and attestation, its digest preserved); a subset writes
 * an index listing exactly the chosen platform manifests (and their attestations), built from the source's index
 * the same way every run, so its digest is stable and a HEAD can tell it is there.
 *
 * <p>A target that refuses the index gets less, in the order of {@link Written}: the index without attestations, then
 * a Docker manifest list. The state remembers per target registry what it took, so later lines there (in this run
 * and the next ones) start from that, and a HEAD still tells an index written so: its digest follows from the source.
 *
 * <p>The state works as for single platforms: it remembers the source index's digest and the digest the tag should
 * have, so a warm no-op is one HEAD at the source and one per target. Copying always reads the source first.
 */
record IndexSync(ManifestReader reader, SourceResolver sources, Copier copier, PullBudget budget, List<Target> targets, Syncer.Options options) {
    private static final Pattern REFUSED = Pattern.compile("manifest invalid|unsupported|unknown manifest class|manifest list must be converted"
            + "|\\b400\\b|\\b415\\b");

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
        for (int i = 0; i < targets.size(); i++) {
            Target target = targets.get(i);
            if (wanted != null && !wanted.checked()) {
                TargetResult skipped = skippedByHead(target, item, wanted, context);
                if (skipped != null) {
                    results.add(skipped);
                    continue;
                }
                try {
                    wanted = sources.readIndexWithinBudget(spec, context);
                } catch (SyncError | IllegalArgumentException e) {
                    // The source failed when a target needed it read: that target and the rest fail with the source's
                    // words, as when the first read fails; the targets already found up to date stay so.
                    targets.subList(i, targets.size()).forEach(rest -> results.add(Syncer.at(rest, item, start).failed(e, null)));
                    return ImageResult.of(item, results);
                }
            }
            results.add(wanted == null ? Syncer.at(target, item, start).deferred() : to(target, item, wanted, context));
        }
        if (wanted != null && wanted.checked()) {
            sources.state().put(spec, wanted.entry());
        }
        return ImageResult.of(item, results);
    }

    /** What {@code target} is given of the line: a single image is copied as it is, so there is nothing to refuse or to record (null). */
    private Written form(Target target, SourceResolver.Index wanted) {
        return wanted.singleSource() ? null : sources.state().written(target.registry());
    }

    /** With only a remembered digest: skipped when a HEAD shows the target already holds it, else null (read the source). */
    private TargetResult skippedByHead(Target target, Plan.Item item, SourceResolver.Index wanted, Context context) {
        ImageRef ref = target.reference(item.nameAt(target));
        Written form = form(target, wanted);
        Digest held = options.force() ? null : reader.digestAtByHead(ref, context);
        if (held != null && held.equals(digestOf(form, item, wanted))) {
            return Syncer.at(target, item, System.nanoTime()).skipped(Decision.Reason.DIGEST.label, held.value()).withWritten(form);
        }
        return null;
    }

    private TargetResult to(Target target, Plan.Item item, SourceResolver.Index wanted, Context context) {
        ImageRef ref = target.reference(item.nameAt(target));
        TargetResult.At at = Syncer.at(target, item, System.nanoTime());
        Written form = form(target, wanted);
        Digest held = null;
        try {
            held = options.force() ? null : reader.digestAt(ref, context);
            Digest there = held;
            Decision decision = Decision.decideIndex(digestOf(form, item, wanted), held,
                    () -> wanted.index() != null && listsExactly(ref.withDigest(there), wanted, context),
                    () -> form == Written.DOCKER_LIST && sameImageIds(ref.withDigest(there), item, wanted, context), options.force());
            String reason = decision.reason().label;
            if (!decision.copy()) {
                return at.skipped(reason, held.value()).withPlatforms(wanted.platforms()).withWritten(form);
            }
            if (options.dryRun()) {
                return at.wouldCopy(reason, held == null ? null : held.value()).withPlatforms(wanted.platforms()).withWritten(form);
            }
            if (!budget.take(item.spec().source().registry(), PullBudget.COPY)) {
                return at.deferred();
            }
            Copied copied = writeWhatItTakes(form, target, item, wanted, ref, context);
            Digest digest = reader.readBack(ref, context);
            String warning = wanted.singleSource() ? "the source is a single-platform image, not an index: copied as it is" : copied.dropped();
            return at.copied(reason, digest.value()).withPlatforms(wanted.platforms()).withWarning(warning).withWritten(copied.form());
        } catch (SyncError | IllegalArgumentException e) {
            return at.failed(e, held == null ? null : held.value());
        }
    }

    /** What a copy wrote, and what was left out of it and why (null: nothing). */
    private record Copied(Written form, String dropped) {}

    /**
     * Writes {@code form} (null: a single image, copied as it is), and on a refusal what comes next, remembering for the
     * target's registry what it refused; a refusal of the last is said with the hint for registries without indexes.
     */
    private Copied writeWhatItTakes(Written form, Target target, Plan.Item item, SourceResolver.Index wanted, ImageRef ref, Context context) {
        String what = "copying to " + target.id() + " " + ref.display();
        boolean attested = listsMoreThanImages(item, wanted);
        String dropped = form == null || form == Written.INDEX ? null : dropped(form, attested, target.registry() + " refused "
                + (form == Written.DOCKER_LIST ? "OCI indexes" : "an index with them") + " before (remembered, so it is not asked again)");
        while (true) {
            try {
                write(form, item, wanted, ref, what, context);
                return new Copied(form, dropped);
            } catch (SyncError e) {
                Written next = form == null ? null : form.next();
                if (next == null || !refusesIndex(e)) {
                    throw form == null ? e : refused(e);
                }
                sources.state().refused(target.registry(), next);
                dropped = dropped(next, attested, target.registry() + " refused " + (form == Written.INDEX ? "the index as the source has it" : "an OCI index")
                        + ": " + e.getMessage());
                form = next;
            }
        }
    }

    /** What the report and the console say when a target got less than the source's index ({@code attested}: it had attestations), and why. */
    private static String dropped(Written form, boolean attested, String why) {
        if (form == Written.DOCKER_LIST) {
            return (attested ? "attestations left out, and written" : "written") + " as a Docker manifest list: " + why;
        }
        return "attestations left out: " + why;
    }

    /** Whether the index the line writes lists more than its platform images: attestations, artifacts, what a fallback leaves out. */
    private static boolean listsMoreThanImages(Plan.Item item, SourceResolver.Index wanted) {
        byte[] index = lineIndex(item, wanted);
        if (index == null || !Manifests.parse(index).index()) {
            return false;
        }
        List<Manifests.Entry> entries = Manifests.parse(index).entries();
        return Manifests.images(entries).size() < entries.size();
    }

    /**
     * The digest the tag has once {@code form} is written: the source's index (or the subset cut from it), or that
     * without attestations; null when it cannot be known before writing (a Docker list's images get new digests), or
     * when a remembered entry of an older version lacks the source index to cut it from.
     */
    private static Digest digestOf(Written form, Plan.Item item, SourceResolver.Index wanted) {
        if (form == null || form == Written.INDEX) {
            return wanted.digest();
        }
        byte[] index = platformsOnly(item, wanted);
        return form == Written.INDEX_WITHOUT_ATTESTATIONS && index != null ? Digest.of(index) : null;
    }

    /** The index of the line's platform images only; null when it cannot be made from what is known (see {@link #digestOf}). */
    private static byte[] platformsOnly(Plan.Item item, SourceResolver.Index wanted) {
        byte[] from = lineIndex(item, wanted);
        return from == null || !Manifests.parse(from).index() ? null : Manifests.withoutAttestations(from);
    }

    /** The index the line writes as the source has it (for a list, the subset); null when the source's bytes are not known. */
    private static byte[] lineIndex(Plan.Item item, SourceResolver.Index wanted) {
        return wanted.index() != null ? wanted.index() : wanted.source() == null ? null : SourceResolver.lineIndex(item.spec(), wanted.source());
    }

    /** Writes {@code form} (null: a single image, copied as it is) under the target's tag. */
    private void write(Written form, Plan.Item item, SourceResolver.Index wanted, ImageRef ref, String what, Context context) {
        ImageRef source = item.spec().source();
        ImageRef top = source.withDigest(wanted.top());
        if (form == null || (form == Written.INDEX && wanted.index() == null)) {
            BlobRace.copy(reader, top, ref, () -> reader.sourceOnce(top, context), () -> copier.copyAll(top, ref, what, context), context);
            return;
        }
        byte[] index = form == Written.INDEX ? wanted.index() : platformsOnly(item, wanted);
        boolean list = form == Written.DOCKER_LIST;
        byte[] written = list ? dockerList(source, index, ref, what, context) : index;
        // A Docker list's images were written just now; an index's are copied by digest where the target lacks them.
        List<Digest> missing = list ? List.of() : Manifests.parse(index).entries().stream().map(Manifests.Entry::digest)
                .filter(d -> !reader.present(ref.withDigest(d), context)).toList();
        BlobRace.copy(reader, top, ref, () -> written, () -> copier.copySubset(source, missing, written, ref, what, context), context);
    }

    /** Each platform image of {@code index} written to the target as Docker schema 2, and the Docker manifest list of them. */
    private byte[] dockerList(ImageRef source, byte[] index, ImageRef ref, String what, Context context) {
        List<Manifests.Listed> images = new ArrayList<>();
        for (Manifests.Entry e : Manifests.images(Manifests.parse(index).entries())) {
            images.add(new Manifests.Listed(e, reader.attempt(() -> copier.copyAsDockerImage(source.withDigest(e.digest()), ref, what, context), context)));
        }
        return Manifests.dockerList(images);
    }

    /**
     * A target's refusal of an index, in skopeo's words or the registry's: "manifest invalid", "unsupported", "unknown
     * manifest class", HTTP 400 or 415 on the PUT, or an index skopeo may not convert (--preserve-digests) to the type
     * the registry would take.
     */
    static boolean refusesIndex(SyncError e) {
        return e.kind == SyncError.Kind.PERMANENT && REFUSED.matcher(e.getMessage().toLowerCase(Locale.ROOT)).find();
    }

    /** A registry that refuses every kind of index answers each with "unsupported" or "invalid". */
    private static SyncError refused(SyncError e) {
        if (refusesIndex(e)) {
            return new SyncError(e.kind, e.getMessage() + "; this registry may not accept multi-platform images (it refused the index, the index "
                    + "without attestations and a Docker manifest list): use one line per platform instead (--platform=linux/amd64, --platform=linux/arm64, ...)");
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

    /**
     * Whether the target's list holds the line's platform images re-encoded: for each platform, an image with the
     * source's config (what a Docker manifest list written by {@link #write} holds). Reads each image at both ends.
     */
    private boolean sameImageIds(ImageRef target, Plan.Item item, SourceResolver.Index wanted, Context context) {
        Manifests.Parsed there = Manifests.parse(reader.target(target, "reading target " + target.display(), false, context));
        byte[] index = platformsOnly(item, wanted);
        if (!there.index() || index == null) {
            return false;
        }
        Set<String> held = new HashSet<>();
        for (Manifests.Entry e : Manifests.images(there.entries())) {
            ImageRef at = target.withDigest(e.digest());
            held.add(e.platform() + " " + Manifests.parse(reader.target(at, "reading target " + at.display(), false, context)).configDigest());
        }
        Set<String> source = new HashSet<>();
        for (Manifests.Entry e : Manifests.images(Manifests.parse(index).entries())) {
            ImageRef at = item.spec().source().withDigest(e.digest());
            source.add(e.platform() + " " + Manifests.parse(reader.source(at, "reading " + at.display(), context)).configDigest());
        }
        return held.equals(source);
    }
}
