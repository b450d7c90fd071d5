/**
 * A registry namespace images are synced into: "aliyun" or "ghcr". {@code variables} names the settings
 * behind it (e.g. "ALIYUN"), so that an error can say exactly which variable to check.
 */
public record Target(String id, String registry, String namespace, String username, Secret secret, String variables) {
    /** What to check when logging in failed: the credentials when access was denied, else the registry host. */
    public String loginHint(SyncError error) {
        boolean denied = error.getMessage().contains("access denied");
        String secretVariable = variables.equals("GHCR") ? "GHCR_TOKEN (or GITHUB_TOKEN)" : variables + "_PASSWORD";
        return denied ? "check " + variables + "_USERNAME and " + secretVariable : "check " + variables + "_REGISTRY and the network";
    }

    public String reference(TargetName name) {
        return name.in(registry, namespace);
    }
}
