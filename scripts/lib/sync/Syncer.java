package lib.sync;

import lib.core.Context;
import lib.core.ImageRef;
import lib.core.Lazy;
import lib.core.Manifests;
import lib.core.Platform;
import lib.core.Retry;
import lib.core.SyncError;
import lib.core.Target;
import lib.engine.Copier;
import lib.engine.Inspector;
import lib.list.ImageSpec;
import lib.list.Plan;
import lib.registry.RegistryClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Syncs one image to every target: finds the source's platform image, then per target reads what the tag
 * holds, decides (see {@link Decision}) and copies the platform manifest by digest where needed.
 *
 * The cheap path comes first: a HEAD of the source tells whether it still resolves to what the state file
 * recorded (then no manifest GET is needed), and a HEAD of each target tells whether it already holds that
 * digest (then no process is needed). A remembered digest is never trusted to copy: before anything is
 * copied (or compared beyond the digest) the platform manifest is read and checked, and a wrong entry is dropped.
 */
public final class Syncer {
    public record Options(boolean force, boolean dryRun) {}

    /** The registry client ({@code client} null: skopeo answers everything), the state file and the pull reserve. */
    public record Cheap(RegistryClient client, SyncState state, PullBudget budget) {}

    /**
     * The source's platform image. {@code top} is what the reference resolves to (index or manifest), which the
     * state file remembers; {@code checked} is false while the digest is only remembered, not read this run.
     */
    record Source(String top, String digest, Lazy<String> configDigest, boolean checked) {
        Decision.Seen seen() {
            return new Decision.Seen(digest, configDigest);
        }
    }

    private final Inspector inspector;
    private final Copier copier;
    private final Retry retry;
    private final List<Target> targets;
    private final Options options;
    private final Cheap cheap;
    /** HEADs asked ahead by {@link #prefetch}, by reference. */
    private final Map<String, RegistryClient.Head> asked = new ConcurrentHashMap<>();
    /** Registries that failed a request asked ahead: left to the images and their retries from then on. */
    private final java.util.Set<String> failedAhead = ConcurrentHashMap.newKeySet();
    /** Sources asked ahead, which every image reading them may use (targets' answers are used once). */
    private final java.util.Set<String> sources = ConcurrentHashMap.newKeySet();
    private final IndexSyncer indexes;

    public Syncer(Inspector inspector, Copier copier, Retry retry, List<Target> targets, Options options, Cheap cheap) {
        this.inspector = inspector;
        this.copier = copier;
        this.retry = retry;
        this.targets = targets;
        this.options = options;
        this.cheap = cheap;
        this.indexes = new IndexSyncer(this, inspector, copier, options, cheap);
    }

    public List<Target> targets() {
        return targets;
    }

    /**
     * Asks every cheap question of the batch up front: a HEAD of each source and of each target tag, as many at once
     * as the registry client allows per registry (--registry-requests), every registry at the same time. Images
     * would otherwise ask them a few at a time (--jobs), one registry after the other; for a run where nothing
     * changed these HEADs are all the network it needs, and the quota a registry announces is known (and logged)
     * from the start. A source's answer serves every image that reads it; a target's is used once, by the image.
     * Anything that goes wrong is left for the image to ask again (with retries); a registry that failed once is
     * not asked ahead again, so a dead one costs at most one request timeout per request in flight.
     */
    public void prefetch(List<Plan.Item> items, Context context) {
        RegistryClient client = cheap.client();
        if (client == null || items.isEmpty()) {
            return;
        }
        Map<String, List<ImageRef>> asks = new java.util.LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Plan.Item item : items) {
            ImageRef source = item.spec().source();
            if (seen.add(source.display())) {
                sources.add(source.display());
                asks.computeIfAbsent(source.registry(), r -> new ArrayList<>()).add(source);
            }
            if (!options.force()) {
                for (Target t : targets) {
                    ImageRef ref = t.reference(item.name());
                    if (seen.add(ref.display())) {
                        asks.computeIfAbsent(t.registry(), r -> new ArrayList<>()).add(ref);
                    }
                }
            }
        }
        int total = asks.values().stream().mapToInt(List::size).sum();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(total, client.perRegistry() * asks.size()), r -> {
                    Thread t = new Thread(r, "prefetch");
                    t.setDaemon(true);
                    return t;
                });
        // Registries take turns in the queue, so each keeps its requests in flight from the start to its end.
        List<java.util.Iterator<ImageRef>> queues = asks.values().stream().map(List::iterator).toList();
        for (boolean more = true; more; ) {
            more = false;
            for (java.util.Iterator<ImageRef> q : queues) {
                if (q.hasNext()) {
                    more = true;
                    ImageRef ref = q.next();
                    pool.submit(() -> ask(client, ref, context));
                }
            }
        }
        pool.shutdown();
        try {
            pool.awaitTermination(context.deadline().remaining().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
    }

    private void ask(RegistryClient client, ImageRef ref, Context context) {
        if (failedAhead.contains(ref.registry()) || context.deadline().expired()) {
            return;
        }
        try {
            asked.put(ref.display(), client.head(ref, context));
        } catch (RuntimeException e) {
            failedAhead.add(ref.registry());
        }
    }

    public ImageResult sync(Plan.Item item, Context context) {
        if (item.spec().platform().multi()) {
            return indexes.sync(item, context);
        }
        ImageSpec spec = item.spec();
        long start = System.nanoTime();
        List<TargetResult> results = new ArrayList<>();
        Source source;
        try {
            source = findSource(spec, context);
        } catch (SyncError | IllegalArgumentException e) {
            targets.forEach(t -> results.add(at(t, item, start).failed(e, null)));
            return ImageResult.of(spec, results);
        }
        if (source == null) {
            targets.forEach(t -> results.add(at(t, item, start).deferred()));
            return ImageResult.of(spec, results);
        }
        try (ImageRun run = new ImageRun(spec, source, context)) {
            for (Target target : targets) {
                results.add(syncTo(target, item, run));
            }
            if (run.source != null && run.source.checked()) {
                cheap.state().put(spec, new SyncState.Entry(run.source.top(), run.source.digest()));
            }
        }
        return ImageResult.of(spec, results);
    }

    static TargetResult.At at(Target target, Plan.Item item, long start) {
        return new TargetResult.At(target.id(), target.reference(item.name()).display(), start);
    }

    /** The source as the state remembers it when a HEAD shows the tag has not moved; else read in full. Null: deferred. */
    private Source findSource(ImageSpec spec, Context context) {
        RegistryClient.Head top = head(spec.source(), context);
        SyncState.Entry known = cheap.state().get(spec);
        if (top != null && top.found() && known != null && known.top().equals(top.digest())) {
            return new Source(known.top(), known.digest(), null, false);
        }
        return cheap.budget().take(spec.source().registry(), PullBudget.READ) ? readSource(spec, context) : null;
    }

    Source readSource(ImageSpec spec, Context context) {
        ImageRef ref = spec.source();
        Platform platform = spec.platform().single();
        String what = "reading source " + ref.display();
        Manifests.Parsed top = Manifests.parse(sourceManifest(ref, what, context));
        if (!top.index()) {
            Manifests.Config c = config(ref.withDigest(top.digest()), "reading the config of source " + ref.display(), context);
            if (!platform.accepts(c.os(), c.arch(), c.variant())) {
                throw new SyncError(SyncError.Kind.NO_PLATFORM, "source " + ref.display() + " is a single-platform image for " + c.platform()
                        + ", not " + spec.platform() + ": use --platform to match it");
            }
            return new Source(top.digest(), top.digest(), Lazy.of(top::configDigest), true);
        }
        Manifests.Entry entry = Manifests.select(top.entries(), platform);
        if (entry == null) {
            throw new SyncError(SyncError.Kind.NO_PLATFORM, "source " + ref.display() + " has no " + spec.platform() + " image; it offers "
                    + String.join(", ", Manifests.offered(top.entries())) + ": choose one of those with --platform");
        }
        return new Source(top.digest(), entry.digest(), Lazy.of(() -> platformManifest(ref, entry.digest(), context).configDigest()), true);
    }

    /**
     * Reads and checks a remembered platform image: its manifest must hash to the digest and its config must be
     * the requested platform. An entry that fails is dropped and the source is read in full (null: deferred).
     */
    private Source check(ImageSpec spec, Source remembered, Context context) {
        ImageRef at = spec.source().withDigest(remembered.digest());
        String problem;
        try {
            Manifests.Parsed image = platformManifest(spec.source(), remembered.digest(), context);
            Manifests.Config c = config(at, "reading the config of source " + at.display(), context);
            if (spec.platform().single().accepts(c.os(), c.arch(), c.variant())) {
                return new Source(remembered.top(), remembered.digest(), Lazy.of(image::configDigest), true);
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
        cheap.state().drop(spec);
        return cheap.budget().take(spec.source().registry(), PullBudget.READ) ? readSource(spec, context) : null;
    }

    /** A platform manifest by digest, checked against it: what a registry serves under a digest must hash to it. */
    private Manifests.Parsed platformManifest(ImageRef repository, String digest, Context context) {
        ImageRef at = repository.withDigest(digest);
        Manifests.Parsed image = Manifests.parse(sourceManifest(at, "reading " + at.display(), context));
        if (image.index() || !image.digest().equals(digest)) {
            throw new SyncError(SyncError.Kind.PERMANENT, at.display() + " is not the platform manifest with that digest");
        }
        return image;
    }

    /**
     * A source manifest, read by the registry client when it can (a request instead of a skopeo process, the same
     * pull for Docker Hub's quota), else by skopeo, which also says in its own words what is missing.
     */
    byte[] sourceManifest(ImageRef ref, String what, Context context) {
        if (cheap.client() != null) {
            try {
                byte[] raw = attempt(() -> cheap.client().manifest(ref, context), context);
                if (raw != null) {
                    return raw;
                }
            } catch (RegistryClient.Unsupported e) {
                // skopeo answers what the client cannot.
            }
        }
        return attempt(() -> inspector.inspectRaw(ref, what, false, context), context);
    }

    private Manifests.Config config(ImageRef ref, String what, Context context) {
        return Manifests.config(attempt(() -> inspector.inspectConfig(ref, what, context), context));
    }

    /**
     * A HEAD through the registry client, retried like everything else; null when it cannot answer (then skopeo
     * does). It may have been asked already by {@link #prefetch}: a target's answer is used once, since the image
     * may change the tag; a source's serves every image that reads it.
     */
    RegistryClient.Head head(ImageRef ref, Context context) {
        RegistryClient.Head early = sources.contains(ref.display()) ? asked.get(ref.display()) : asked.remove(ref.display());
        if (early != null) {
            return early;
        }
        if (cheap.client() == null) {
            return null;
        }
        try {
            return attempt(() -> cheap.client().head(ref, context), context);
        } catch (RegistryClient.Unsupported e) {
            return null;
        }
    }

    /** The tag at a target as far as its digest; its config digest only if the ladder asks. Null when the tag does not exist. */
    private Decision.Seen target(ImageRef ref, Platform platform, Context context) {
        RegistryClient.Head head = head(ref, context);
        if (head == null) {
            return readTarget(ref, platform, context);
        }
        if (!head.found()) {
            return null;
        }
        return new Decision.Seen(head.digest(), Lazy.of(() -> {
            Decision.Seen full = readTarget(ref, platform, context);
            return full == null ? "" : full.configDigest().get();
        }));
    }

    /** The target tag read in full: for an index, the entry for the platform (another platform's only: nothing in common). */
    Decision.Seen readTarget(ImageRef ref, Platform platform, Context context) {
        String what = "reading target " + ref.display();
        byte[] raw = attempt(() -> inspector.inspectRaw(ref, what, true, context), context);
        if (raw == null) {
            return null;
        }
        Manifests.Parsed parsed = Manifests.parse(raw);
        if (parsed.index()) {
            Manifests.Entry entry = Manifests.select(parsed.entries(), platform);
            if (entry == null) {
                return new Decision.Seen(parsed.digest(), () -> "");
            }
            parsed = Manifests.parse(attempt(() -> inspector.inspectRaw(ref.withDigest(entry.digest()), what, false, context), context));
        }
        String configDigest = parsed.configDigest();
        return new Decision.Seen(parsed.digest(), () -> configDigest);
    }

    private TargetResult syncTo(Target target, Plan.Item item, ImageRun run) {
        ImageRef ref = target.reference(item.name());
        TargetResult.At at = new TargetResult.At(target.id(), ref.display(), System.nanoTime());
        if (run.source == null) {
            return at.deferred();
        }
        String held = null;
        try {
            Decision.Seen there = options.force() ? null : target(ref, item.spec().platform().single(), run.context);
            held = there == null ? null : there.digest();
            if (there != null && there.digest().equals(run.source.digest())) {
                return at.skipped(Decision.Reason.DIGEST.label, held);
            }
            Source source = run.checked();
            if (source == null) {
                return at.deferred();
            }
            Decision decision = Decision.decide(source.seen(), there, options.force());
            String reason = decision.reason().label;
            TargetResult.Created created = decision.reason() == Decision.Reason.IMAGE_ID || decision.reason() == Decision.Reason.CHANGED
                    ? created(item.spec().source().withDigest(source.digest()), ref.withDigest(held), run.context) : null;
            if (!decision.copy()) {
                return at.skipped(reason, held).withCreated(created);
            }
            if (options.dryRun()) {
                return at.wouldCopy(reason, held).withCreated(created);
            }
            if (!cheap.budget().take(item.spec().source().registry(), PullBudget.COPY)) {
                return at.deferred();
            }
            run.copyTo(ref, "copying to " + target.id() + " " + ref.display());
            String digest = writtenDigest(ref, run.context);
            String warning = !copier.preservesDigests() || digest.equals(source.digest()) ? null
                    : "the target reports digest " + digest + ", the source " + source.digest() + " (the manifest was re-encoded on the way)";
            return at.copied(reason, digest).withWarning(warning).withCreated(created);
        } catch (SyncError | IllegalArgumentException e) {
            return at.failed(e, held);
        }
    }

    /** Both configs' created times, for the report only; whatever cannot be read is left out. */
    private TargetResult.Created created(ImageRef source, ImageRef target, Context context) {
        return new TargetResult.Created(createdOf(source, context), createdOf(target, context));
    }

    private String createdOf(ImageRef ref, Context context) {
        try {
            return Manifests.config(inspector.inspectConfig(ref, "reading the config of " + ref.display(), context)).created();
        } catch (SyncError | IllegalArgumentException e) {
            return null;
        }
    }

    /** The digest the target reports after a copy: a HEAD when the client can ask, else skopeo. */
    String writtenDigest(ImageRef ref, Context context) {
        RegistryClient.Head head = head(ref, context);
        if (head != null && head.found()) {
            return head.digest();
        }
        return Manifests.digest(attempt(() -> inspector.inspectRaw(ref, "reading back " + ref.display(), false, context), context));
    }

    <T> T attempt(Supplier<T> action, Context context) {
        return retry.run(action, context);
    }

    /** One image's source, checked at most once, and the engine's copies of it, closed (cleaned up) when the image is done. */
    private final class ImageRun implements AutoCloseable {
        private final ImageSpec spec;
        private final Context context;
        private Source source;
        private Copier.Copy copy;

        ImageRun(ImageSpec spec, Source source, Context context) {
            this.spec = spec;
            this.source = source;
            this.context = context;
        }

        /** The source, read or checked this run: what any decision beyond "the target holds this digest" needs. Null: deferred. */
        Source checked() {
            if (source != null && !source.checked()) {
                source = check(spec, source, context);
            }
            return source;
        }

        void copyTo(ImageRef destination, String what) {
            if (copy == null) {
                copy = copier.start(spec.source().withDigest(source.digest()), spec.platform().single(), context);
            }
            attempt(() -> {
                copy.to(destination, what);
                return null;
            }, context);
        }

        @Override
        public void close() {
            if (copy != null) {
                copy.close();
            }
        }
    }
}
