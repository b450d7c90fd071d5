package lib.sync;

import lib.core.Context;
import lib.core.Log;
import lib.core.SyncError;
import lib.core.Target;
import lib.list.ImageSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Turns each line with a tag policy into one image per tag it selects, at the start of an online run: the tags
 * are listed with the registry API (/v2/NAME/tags/list, which Docker Hub does not count as pulls), else with
 * skopeo list-tags. A policy that selects nothing is a warning; one that selects more than --max-tags fails its
 * line, so a typo cannot copy a thousand tags; a repository whose tags cannot be listed fails that line too, and
 * the other lines go on.
 */
public final class TagExpansion {
    static final int PAGE = 100;
    /** Repositories listed at once; the registry client's per-registry limit applies within. */
    static final int MAX_AT_ONCE = 16;

    /** {@code specs}: one per tag chosen; {@code failed}: the lines that could not choose (listing failed, too many tags). */
    public record Result(List<ImageSpec> specs, List<ImageResult> failed) {}

    private TagExpansion() {}

    /**
     * {@code syncer}: whose reads list the tags (the registry API, else the engine), under the one retry policy. Every
     * repository is listed once, all of them at once (the registry client keeps to --registry-requests per
     * registry), each listing under a deadline of its own ({@code limit}), so lines on a hung registry cost one
     * timeout between them, not one each.
     */
    public static Result expand(String file, List<ImageSpec> policies, Syncer syncer, int maxTags, Duration limit, Log log) {
        List<Target> targets = syncer.targets();
        List<ImageSpec> specs = new ArrayList<>();
        List<ImageResult> failed = new ArrayList<>();
        Map<String, CompletableFuture<List<String>>> listings = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(MAX_AT_ONCE, policies.size())), r -> {
            Thread t = new Thread(r, "tag-listing");
            t.setDaemon(true);
            return t;
        });
        try {
            for (ImageSpec spec : policies) {
                listings.computeIfAbsent(spec.source().name(), repository -> CompletableFuture.supplyAsync(
                        () -> syncer.reader().tags(spec.source(), PAGE, Context.outside(limit, log)), pool));
            }
            for (ImageSpec spec : policies) {
                String where = spec.line() == null ? "command line" : file + ":" + spec.line();
                String policy = spec.policy().describe() + " " + spec.source().shortName();
                List<String> tags;
                try {
                    tags = listings.get(spec.source().name()).join();
                } catch (CompletionException e) {
                    if (!(e.getCause() instanceof SyncError error)) {
                        throw e.getCause() instanceof RuntimeException bug ? bug : e;
                    }
                    failed.add(line(spec, targets, at -> at.failed(error, null)));
                    continue;
                }
                List<String> chosen = spec.policy().select(tags);
                if (chosen.isEmpty()) {
                    log.warn(where + ": " + policy + " matches none of its " + tags.size() + " tags; nothing to sync for this line");
                } else if (chosen.size() > maxTags) {
                    // A new tag upstream can push a line over the limit: that line fails, the others go on.
                    failed.add(line(spec, targets, at -> at.failed(SyncError.Kind.PERMANENT, where + ": " + policy + " matches " + chosen.size()
                            + " tags, more than --max-tags " + maxTags + ": narrow it (e.g. add --latest=5) or raise --max-tags", null)));
                } else {
                    log.info(where + ": " + policy + " → " + String.join(", ", chosen));
                    chosen.forEach(tag -> specs.add(spec.withTag(tag)));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(specs, failed);
    }

    /**
     * A tag-policy line's entry before it chose any tag: the same outcome at every target, where the line's images would
     * go, e.g. {@code reg/ns/nginx:<--semver=^1.25>}.
     */
    public static ImageResult line(ImageSpec spec, List<Target> targets, Function<TargetResult.At, TargetResult> outcome) {
        long now = System.nanoTime();
        return ImageResult.of(spec, targets.stream().map(t -> {
            String shown = spec.withTag("*").targetName(t.naming()).toString().replace(":*", ":<" + spec.policy().describe() + ">");
            return outcome.apply(new TargetResult.At(t.id(), t.registry() + "/" + t.namespace() + "/" + shown, null, now));
        }).toList());
    }
}
