package lib.engine;

import lib.core.Context;
import lib.core.ImageRef;

import java.util.List;

/** Reads manifests and image configs exactly as registries store them: skopeo, or the docker CLI when skopeo is absent. */
public interface Inspector {
    /** The raw manifest {@code ref} names (by digest when it has one); null for a missing manifest only if {@code missingOk}. */
    byte[] inspectRaw(ImageRef ref, String what, boolean missingOk, Context context);

    byte[] inspectConfig(ImageRef ref, String what, Context context);

    /** The repository's tags, for a tag policy, when the registry client cannot list them itself. */
    List<String> listTags(ImageRef repository, Context context);

    /** What an inspecting process said: its output; null for a missing manifest when that is an answer; else the failure. */
    static byte[] answer(ProcessRunner.Result r, String what, boolean missingOk, Context context) {
        if (r.ok()) {
            return r.stdout();
        }
        if (missingOk && ToolErrors.isNotFound(r)) {
            return null;
        }
        throw ToolErrors.of(what, r, context.deadline());
    }
}
