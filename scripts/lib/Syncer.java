import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.commons.io.file.PathUtils;

/**
 * Syncs one image to every target: reads the source once, then per target reads the tag, decides
 * (see {@link Decision}) and copies the platform manifest by digest where needed.
 *
 * The cheap path comes first: a HEAD of the source tells whether it still resolves to what the state file
 * recorded (then no manifest GET is needed), and a HEAD of each target tells whether it already holds the
 * platform digest (then no skopeo process is needed). Whatever a HEAD cannot settle goes to skopeo.
 */
public final class Syncer {
    public record Options(boolean force, boolean dryRun) {}

    /**
     * The source's platform image: the manifest digest that gets copied and what the skip ladder compares.
     * {@code top} is what the reference resolves to (index or manifest), which the state file remembers.
     */
    record SourceImage(String top, String digest, Lazy<String> configDigest, Lazy<Manifests.Config> config) {
        Decision.Seen seen() {
            return new Decision.Seen(digest, configDigest, config);
        }
    }

    /** The registry client, the state file and the pull reserve; {@code client} null means skopeo answers everything. */
    public record Cheap(RegistryClient client, SyncState state, PullBudget budget) {
        public static Cheap none() {
            return new Cheap(null, SyncState.load(null, w -> { }), new PullBudget(null, 0));
        }
    }

    private final Inspector inspector;
    private final Copier copier;
    private final Retry retry;
    private final List<Target> targets;
    private final Options options;
    private final Path tmpRoot;
    private final Cheap cheap;
    private final Map<String, RegistryClient.Head> probed = new ConcurrentHashMap<>();

    public Syncer(Inspector inspector, Copier copier, Retry retry, List<Target> targets, Options options, Path tmpRoot, Cheap cheap) {
        this.inspector = inspector;
        this.copier = copier;
        this.retry = retry;
        this.targets = targets;
        this.options = options;
        this.tmpRoot = tmpRoot;
        this.cheap = cheap;
    }

    /** HEADs a source before the run starts, to learn the registry's quota; the answer is used once, by {@link #sync}. */
    public void probe(ImageSpec spec) {
        RegistryClient.Head head = headSource(spec);
        if (head != null) {
            probed.put(SyncState.key(spec), head);
        }
    }

    public Report.ImageResult sync(ImageSpec spec, TargetName name, Console.ImageLog log) {
        List<Report.TargetResult> results = new ArrayList<>();
        Path tmp = null;
        Copies copies = null;
        try {
            tmp = Files.createTempDirectory(tmpRoot, "image-");
            long start = System.nanoTime();
            SourceImage source;
            try {
                RegistryClient.Head top = probed.remove(SyncState.key(spec));
                if (top == null) {
                    top = headSource(spec);
                }
                SyncState.Entry known = cheap.state().get(spec);
                if (top != null && top.found() && known != null && known.top().equals(top.digest())) {
                    source = fromState(spec, known, tmp, log);
                } else if (!cheap.budget().take(spec.source().registry(), PullBudget.READ)) {
                    for (Target target : targets) {
                        results.add(deferred(log, target, target.reference(name), start));
                    }
                    return image(spec, results);
                } else {
                    source = readSource(spec, tmp, log);
                }
            } catch (SyncError | IllegalArgumentException e) {
                for (Target target : targets) {
                    results.add(log.result(target, target.reference(name), Report.FAILED, null, null, e.getMessage(), null, start));
                }
                return image(spec, results);
            }
            copies = new Copies(spec, source, tmp, log);
            for (Target target : targets) {
                results.add(syncTo(target, name, spec, source, copies, log));
            }
            Manifests.Config c = source.config().peek();
            cheap.state().put(spec, new SyncState.Entry(source.top(), source.digest(), source.configDigest().peek(),
                    c == null ? null : c.created(), c == null ? null : c.os(), c == null ? null : c.arch(), c == null ? null : c.variant()));
            return image(spec, results);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary directory under " + tmpRoot + ": " + e.getMessage(), e);
        } finally {
            if (copies != null) {
                copies.close();
            }
            if (tmp != null) {
                try {
                    PathUtils.deleteDirectory(tmp);
                } catch (IOException e) {
                    log.warn("could not remove temporary files in " + tmp + ": " + e.getMessage());
                }
            }
        }
    }

    private static Report.ImageResult image(ImageSpec spec, List<Report.TargetResult> results) {
        return new Report.ImageResult(spec.line(), spec.source().display(), spec.platform().toString(), results);
    }

    SourceImage readSource(ImageSpec spec, Path tmp, Console.ImageLog log) {
        ImageRef ref = spec.source();
        String what = "source " + ref.display();
        Manifests.Parsed top = Manifests.parse(attempt(() -> inspector.inspectRaw(ref.transport(), "reading " + what, false, tmp), log));
        if (!top.index()) {
            Lazy<Manifests.Config> config = sourceConfig(ref, top.digest(), tmp, log);
            Manifests.Config c = config.get();
            if (!spec.platform().accepts(c.os(), c.arch(), c.variant())) {
                throw new SyncError(SyncError.Kind.PERMANENT, what + " is a single-platform image for " + c.os() + "/" + c.arch()
                        + (c.variant() == null ? "" : "/" + c.variant()) + ", not " + spec.platform() + ": use --platform to match it");
            }
            return new SourceImage(top.digest(), top.digest(), Lazy.of(top::configDigest), config);
        }
        Manifests.Entry entry = Manifests.select(top.entries(), spec.platform());
        if (entry == null) {
            throw new SyncError(SyncError.Kind.PERMANENT, what + " has no " + spec.platform() + " image; it offers "
                    + String.join(", ", Manifests.offered(top.entries())) + ": choose one of those with --platform");
        }
        return new SourceImage(top.digest(), entry.digest(), platformConfigDigest(spec, entry.digest(), tmp, log), sourceConfig(ref, entry.digest(), tmp, log));
    }

    /**
     * The config digest of a source platform image, read from its manifest (checked against its digest) only
     * if a target holds another image and the ladder gets that far.
     */
    private Lazy<String> platformConfigDigest(ImageSpec spec, String digest, Path tmp, Console.ImageLog log) {
        ImageRef ref = spec.source();
        String what = "source " + ref.display();
        return Lazy.of(() -> {
            Manifests.Parsed image = Manifests.parse(attempt(() -> inspector.inspectRaw(ref.transportAt(digest), "reading " + what, false, tmp), log));
            if (!image.digest().equals(digest)) {
                throw new SyncError(SyncError.Kind.PERMANENT, what + ": the " + spec.platform() + " manifest does not match its digest " + digest);
            }
            return image.configDigest();
        });
    }

    /** The source as the state file remembers it, trusted because a HEAD just showed the tag has not moved. */
    private SourceImage fromState(ImageSpec spec, SyncState.Entry known, Path tmp, Console.ImageLog log) {
        Lazy<Manifests.Config> config = known.created() == null
                ? sourceConfig(spec.source(), known.digest(), tmp, log)
                : Lazy.of(() -> new Manifests.Config(known.created(), known.os(), known.arch(), known.variant()));
        Lazy<String> configDigest = known.config() != null ? Lazy.of(known::config) : platformConfigDigest(spec, known.digest(), tmp, log);
        return new SourceImage(known.top(), known.digest(), configDigest, config);
    }

    private Lazy<Manifests.Config> sourceConfig(ImageRef ref, String digest, Path tmp, Console.ImageLog log) {
        return Lazy.of(() -> Manifests.config(
                attempt(() -> inspector.inspectConfig(ref.transportAt(digest), "reading the config of source " + ref.display(), tmp), log)));
    }

    private RegistryClient.Head headSource(ImageSpec spec) {
        ImageRef ref = spec.source();
        return head(ref.registry(), ref.repository(), ref.digest() != null ? ref.digest() : ref.tag());
    }

    /** A HEAD through the registry client, or null when it cannot answer (then skopeo does). */
    private RegistryClient.Head head(String registry, String repository, String reference) {
        if (cheap.client() == null) {
            return null;
        }
        try {
            return cheap.client().head(registry, repository, reference);
        } catch (RegistryClient.Unsupported | SyncError e) {
            return null;
        }
    }

    private static Report.TargetResult deferred(Console.ImageLog log, Target target, String reference, long start) {
        return log.result(target, reference, Report.DEFERRED, "pull-reserve", null, null, null, start);
    }

    /** The target tag as it stands, or null when it does not exist yet. */
    Decision.Seen readTarget(String reference, Platform platform, Path tmp, Console.ImageLog log) {
        String repository = reference.substring(0, reference.lastIndexOf(':'));
        byte[] raw = attempt(() -> inspector.inspectRaw("docker://" + reference, "reading target " + reference, true, tmp), log);
        if (raw == null) {
            return null;
        }
        Manifests.Parsed parsed = Manifests.parse(raw);
        if (parsed.index()) {
            Manifests.Entry entry = Manifests.select(parsed.entries(), platform);
            if (entry == null) {
                return new Decision.Seen(parsed.digest(), () -> "", () -> new Manifests.Config(null, null, null, null));
            }
            parsed = Manifests.parse(attempt(() -> inspector.inspectRaw("docker://" + repository + "@" + entry.digest(), "reading target " + reference, false, tmp), log));
        }
        String digest = parsed.digest();
        String configDigest = parsed.configDigest();
        return new Decision.Seen(digest, () -> configDigest, Lazy.of(() -> Manifests.config(
                attempt(() -> inspector.inspectConfig("docker://" + repository + "@" + digest, "reading the config of target " + reference, tmp), log))));
    }

    /** The engine's copies of one image, started at the first copy and closed (cleaned up) when the image is done. */
    private final class Copies implements AutoCloseable {
        private final ImageSpec spec;
        private final SourceImage source;
        private final Path tmp;
        private final Console.ImageLog log;
        private Copier.Copy copy;

        Copies(ImageSpec spec, SourceImage source, Path tmp, Console.ImageLog log) {
            this.spec = spec;
            this.source = source;
            this.tmp = tmp;
            this.log = log;
        }

        void to(String destination, String what) {
            if (copy == null) {
                ImageRef ref = spec.source();
                copy = copier.start(spec, ref.registry() + "/" + ref.repository() + "@" + source.digest(), tmp, log);
            }
            copy.to(destination, what);
        }

        @Override
        public void close() {
            if (copy != null) {
                copy.close();
            }
        }
    }

    private Report.TargetResult syncTo(Target target, TargetName name, ImageSpec spec, SourceImage source, Copies copies, Console.ImageLog log) {
        Path tmp = copies.tmp;
        long start = System.nanoTime();
        String reference = target.reference(name);
        try {
            Decision decision = cheapDecision(target, name, source);
            if (decision == null) {
                decision = Decision.decide(source.seen(), readTarget(reference, spec.platform(), tmp, log), options.force());
            }
            if (!decision.copy()) {
                return log.result(target, reference, Report.SKIPPED, decision.reason().label, source.digest(), null, null, start);
            }
            if (options.dryRun()) {
                return log.result(target, reference, Report.WOULD_COPY, decision.reason().label, source.digest(), null, null, start);
            }
            if (!cheap.budget().take(spec.source().registry(), PullBudget.COPY)) {
                return deferred(log, target, reference, start);
            }
            attempt(() -> {
                copies.to(reference, "copying to " + target.id() + " " + reference);
                return null;
            }, log);
            String digest = writtenDigest(target, name, reference, tmp, log);
            String warning = !copier.preservesDigests() || digest.equals(source.digest()) ? null
                    : "the target reports digest " + digest + ", the source " + source.digest() + " (the manifest was re-encoded on the way)";
            return log.result(target, reference, Report.COPIED, decision.reason().label, digest, null, warning, start);
        } catch (SyncError | IllegalArgumentException e) {
            return log.result(target, reference, Report.FAILED, null, null, e.getMessage(), null, start);
        }
    }

    private RegistryClient.Head headTarget(Target target, TargetName name) {
        return head(target.registry(), target.namespace() + "/" + name.repository(), name.tag());
    }

    /** The digest the target reports after a copy: a HEAD when the client can ask, else skopeo. */
    private String writtenDigest(Target target, TargetName name, String reference, Path tmp, Console.ImageLog log) {
        RegistryClient.Head head = headTarget(target, name);
        if (head != null && head.found()) {
            return head.digest();
        }
        return Manifests.digest(attempt(() -> inspector.inspectRaw("docker://" + reference, "reading back " + reference, false, tmp), log));
    }

    /**
     * What a HEAD of the target tag settles on its own: the platform digest is there (the ladder's first rung)
     * or the tag is missing. Null when the ladder needs more than a digest, or the HEAD could not be made.
     */
    private Decision cheapDecision(Target target, TargetName name, SourceImage source) {
        RegistryClient.Head t = options.force() ? null : headTarget(target, name);
        if (t == null) {
            return null;
        }
        if (!t.found()) {
            return Decision.decide(source.seen(), null, false);
        }
        return t.digest().equals(source.digest()) ? Decision.decide(source.seen(), new Decision.Seen(t.digest(), null, null), false) : null;
    }

    private <T> T attempt(Supplier<T> action, Console.ImageLog log) {
        return retry.run(action, log::warn);
    }
}
