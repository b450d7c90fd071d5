import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.commons.io.file.PathUtils;

/**
 * Syncs one image to every target: reads the source once, then per target reads the tag, decides
 * (see {@link Decision}) and copies the platform manifest by digest where needed.
 */
public final class Syncer {
    public record Options(boolean force, boolean dryRun) {}

    /** The source's platform image: the manifest digest that gets copied and what the skip ladder compares. */
    record SourceImage(String digest, Decision.Seen seen) {}

    private final Skopeo skopeo;
    private final Retry retry;
    private final List<Target> targets;
    private final Options options;
    private final Path tmpRoot;

    public Syncer(Skopeo skopeo, Retry retry, List<Target> targets, Options options, Path tmpRoot) {
        this.skopeo = skopeo;
        this.retry = retry;
        this.targets = targets;
        this.options = options;
        this.tmpRoot = tmpRoot;
    }

    public Report.ImageResult sync(ImageSpec spec, TargetName name, Console.ImageLog log) {
        List<Report.TargetResult> results = new ArrayList<>();
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(tmpRoot, "image-");
            long start = System.nanoTime();
            SourceImage source;
            try {
                source = readSource(spec, tmp, log);
            } catch (SyncError | IllegalArgumentException e) {
                for (Target target : targets) {
                    results.add(log.result(target, target.reference(name), Report.FAILED, null, null, e.getMessage(), null, start));
                }
                return image(spec, results);
            }
            for (Target target : targets) {
                results.add(syncTo(target, name, spec, source, tmp, log));
            }
            return image(spec, results);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary directory under " + tmpRoot + ": " + e.getMessage(), e);
        } finally {
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
        Manifests.Parsed top = Manifests.parse(attempt(() -> skopeo.inspectRaw(ref.transport(), "reading " + what, false, tmp), log));
        Manifests.Parsed image = top;
        if (top.index()) {
            Manifests.Entry entry = Manifests.select(top.entries(), spec.platform());
            if (entry == null) {
                throw new SyncError(SyncError.Kind.PERMANENT, what + " has no " + spec.platform() + " image; it offers "
                        + String.join(", ", Manifests.offered(top.entries())) + ": choose one of those with --platform");
            }
            image = Manifests.parse(attempt(() -> skopeo.inspectRaw(ref.transportAt(entry.digest()), "reading " + what, false, tmp), log));
        }
        String digest = image.digest();
        Lazy<Manifests.Config> config = Lazy.of(() -> Manifests.config(
                attempt(() -> skopeo.inspectConfig(ref.transportAt(digest), "reading the config of " + what, tmp), log)));
        if (!top.index()) {
            Manifests.Config c = config.get();
            if (!spec.platform().accepts(c.os(), c.arch(), c.variant())) {
                throw new SyncError(SyncError.Kind.PERMANENT, what + " is a single-platform image for " + c.os() + "/" + c.arch()
                        + (c.variant() == null ? "" : "/" + c.variant()) + ", not " + spec.platform() + ": use --platform to match it");
            }
        }
        return new SourceImage(digest, new Decision.Seen(digest, image.configDigest(), config));
    }

    /** The target tag as it stands, or null when it does not exist yet. */
    Decision.Seen readTarget(String reference, Platform platform, Path tmp, Console.ImageLog log) {
        String repository = reference.substring(0, reference.lastIndexOf(':'));
        byte[] raw = attempt(() -> skopeo.inspectRaw("docker://" + reference, "reading target " + reference, true, tmp), log);
        if (raw == null) {
            return null;
        }
        Manifests.Parsed parsed = Manifests.parse(raw);
        if (parsed.index()) {
            Manifests.Entry entry = Manifests.select(parsed.entries(), platform);
            if (entry == null) {
                return new Decision.Seen(parsed.digest(), "", () -> new Manifests.Config(null, null, null, null));
            }
            parsed = Manifests.parse(attempt(() -> skopeo.inspectRaw("docker://" + repository + "@" + entry.digest(), "reading target " + reference, false, tmp), log));
        }
        String digest = parsed.digest();
        return new Decision.Seen(digest, parsed.configDigest(), Lazy.of(() -> Manifests.config(
                attempt(() -> skopeo.inspectConfig("docker://" + repository + "@" + digest, "reading the config of target " + reference, tmp), log))));
    }

    private Report.TargetResult syncTo(Target target, TargetName name, ImageSpec spec, SourceImage source, Path tmp, Console.ImageLog log) {
        long start = System.nanoTime();
        String reference = target.reference(name);
        try {
            Decision decision = Decision.decide(source.seen(), readTarget(reference, spec.platform(), tmp, log), options.force());
            if (!decision.copy()) {
                return log.result(target, reference, Report.SKIPPED, decision.reason().label, source.digest(), null, null, start);
            }
            if (options.dryRun()) {
                return log.result(target, reference, Report.WOULD_COPY, decision.reason().label, source.digest(), null, null, start);
            }
            attempt(() -> {
                skopeo.copy(spec.source().transportAt(source.digest()), "docker://" + reference, "copying to " + target.id() + " " + reference, tmp);
                return null;
            }, log);
            byte[] written = attempt(() -> skopeo.inspectRaw("docker://" + reference, "reading back " + reference, false, tmp), log);
            String digest = Manifests.digest(written);
            String warning = digest.equals(source.digest()) ? null
                    : "the target reports digest " + digest + ", the source " + source.digest() + " (the manifest was re-encoded on the way)";
            return log.result(target, reference, Report.COPIED, decision.reason().label, digest, null, warning, start);
        } catch (SyncError | IllegalArgumentException e) {
            return log.result(target, reference, Report.FAILED, null, null, e.getMessage(), null, start);
        }
    }

    private <T> T attempt(Supplier<T> action, Console.ImageLog log) {
        return retry.run(action, log::warn);
    }
}
