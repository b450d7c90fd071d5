package lib.sync;

import lib.core.Context;
import lib.core.Log;
import lib.core.SyncError;
import lib.core.Target;
import lib.list.ImageSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns each line with a tag policy into one image per tag it selects, at the start of an online run: the tags
 * are listed with the registry API (/v2/NAME/tags/list, which Docker Hub does not count as pulls), else with
 * skopeo list-tags. A policy that selects nothing is a warning; one that selects more than --max-tags is an
 * error for its line, so a typo cannot copy a thousand tags; a repository whose tags cannot be listed fails
 * that line's image and the others go on.
 */
public final class TagExpansion {
    static final int PAGE = 100;

    public record Result(List<ImageSpec> specs, List<ImageResult> failed, List<String> errors) {}

    private TagExpansion() {}

    /** {@code syncer}: whose reads list the tags (the registry API, else the engine), under the one retry policy. */
    public static Result expand(String file, List<ImageSpec> policies, Syncer syncer, int maxTags, Duration limit, Log log) {
        List<Target> targets = syncer.targets();
        List<ImageSpec> specs = new ArrayList<>();
        List<ImageResult> failed = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (ImageSpec spec : policies) {
            String where = spec.line() == null ? "command line" : file + ":" + spec.line();
            String policy = spec.policy().describe() + " " + spec.source().shortName();
            List<String> tags;
            try {
                tags = syncer.reader().tags(spec.source(), PAGE, Context.outside(limit, log));
            } catch (SyncError e) {
                long now = System.nanoTime();
                String shown = spec.withTag("*").targetName().toString().replace(":*", ":<" + spec.policy().describe() + ">");
                failed.add(ImageResult.of(spec, targets.stream().map(t -> new TargetResult.At(t.id(), t.registry() + "/" + t.namespace() + "/" + shown, now)
                        .failed(e, null)).toList()));
                continue;
            }
            List<String> chosen = spec.policy().select(tags);
            if (chosen.isEmpty()) {
                log.warn(where + ": " + policy + " matches none of its " + tags.size() + " tags; nothing to sync for this line");
            } else if (chosen.size() > maxTags) {
                errors.add(where + ": " + policy + " matches " + chosen.size() + " tags, more than --max-tags " + maxTags
                        + ": narrow it (e.g. add --latest=5) or raise --max-tags");
            } else {
                log.info(where + ": " + policy + " → " + String.join(", ", chosen));
                chosen.forEach(tag -> specs.add(spec.withTag(tag)));
            }
        }
        return new Result(specs, failed, errors);
    }
}
