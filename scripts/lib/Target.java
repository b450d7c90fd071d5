/** A registry namespace images are synced into: "aliyun" or "ghcr". */
public record Target(String id, String registry, String namespace, String username, Secret secret, String secretVariable) {
    public String reference(TargetName name) {
        return name.in(registry, namespace);
    }
}
