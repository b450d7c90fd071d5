package lib.core;

/**
 * A registry namespace images are synced into: "aliyun", "ghcr" or an id the user chose ("harbor"). {@code variables}
 * names the settings behind it (e.g. "ALIYUN", "ACR_BJ"), so that an error can say exactly which variable to check;
 * {@code naming} lays out the names of its images (flat for Aliyun and GHCR).
 */
public record Target(String id, String registry, String namespace, String username, Secret secret, String variables, Naming naming) {
    /** A target with flat names, as Aliyun and GHCR are. */
    public Target(String id, String registry, String namespace, String username, Secret secret, String variables) {
        this(id, registry, namespace, username, secret, variables, Naming.FLAT);
    }

    /** What to check when logging in failed: the credentials when access was denied, else the registry host. */
    public String loginHint(SyncError error) {
        return switch (error.kind) {
            case DENIED -> "check " + variables + "_USERNAME and " + secretVariable() + (variables.equals("GHCR") ? " (or GITHUB_TOKEN)" : "");
            case UNKNOWN_HOST -> "check " + variables + "_REGISTRY: no such host";
            default -> "check " + variables + "_REGISTRY and the network";
        };
    }

    /** The variable its password or token comes from. */
    public String secretVariable() {
        return variables.equals("GHCR") ? "GHCR_TOKEN" : variables + "_PASSWORD";
    }

    public Login login() {
        return new Login(username, secret);
    }

    public ImageRef reference(TargetName name) {
        return ImageRef.in(registry, namespace, name.repository(), name.tag());
    }
}
