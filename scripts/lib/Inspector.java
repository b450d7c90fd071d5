import java.nio.file.Path;

/** Reads manifests and image configs exactly as registries store them: skopeo, or the docker CLI when skopeo is absent. */
public interface Inspector {
    /** {@code reference}: docker://host/repository:tag or @digest. Null for a missing manifest only if {@code missingOk}. */
    byte[] inspectRaw(String reference, String what, boolean missingOk, Path tmp);

    byte[] inspectConfig(String reference, String what, Path tmp);

    /** What an inspecting process said: its output; null for a missing manifest when that is an answer; else the failure. */
    static byte[] answer(ProcessRunner.Result r, String what, boolean missingOk) {
        if (r.ok()) {
            return r.stdout();
        }
        if (missingOk && SyncError.isNotFound(r)) {
            return null;
        }
        throw SyncError.fromTool(what, r);
    }
}
