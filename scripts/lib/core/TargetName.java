package lib.core;

import java.util.Locale;

/**
 * The repository and tag an image gets inside a target namespace, by the target's {@link Naming}. The seed's naming,
 * made exact, is {@code FLAT}: Docker Hub names drop "library/", other hosts become a prefix with '.' and ':' turned
 * into '-', '/' becomes '_', a non-default platform becomes a prefix ("linux_arm64_"), repositories are lower-cased,
 * tags kept. {@code PATH} keeps the path as the source has it, "library/" included (a containerd mirror asks for
 * docker.io/nginx as library/nginx), with the host as a first path element (':' turned into '-', which a name cannot
 * hold) and a non-default platform as the element before it ("linux_arm64/"); lower case and tags as in flat. No Docker
 * Hub namespace can contain '.', '-' or '_', so a host or a platform element never takes a Docker Hub name's place.
 * An explicit --name is the same in both: one name (no '/'), lower-cased, no platform prefix.
 * scripts/pull.sh applies the same rules in sh; PullScriptTest holds the two equal.
 */
public record TargetName(String repository, String tag) {
    /**
     * The name of {@code source} asked for on {@code platform} at a target with {@code naming}; {@code explicit}: the
     * --name given, or null; {@code text}: the image as the user wrote it, for the error message.
     */
    public static TargetName of(ImageRef source, Platforms platform, String explicit, String text, Naming naming) {
        if (explicit != null) {
            return explicit(explicit, source.tag());
        }
        if (source.tag() == null) {
            throw new IllegalArgumentException("'" + text + "' is pinned by digest but has no tag: add one (name:tag@sha256:...) or give --name=NAME:TAG");
        }
        boolean flat = naming == Naming.FLAT;
        String path = flat && source.dockerHubNamed() && source.repository().startsWith("library/")
                ? source.repository().substring("library/".length())
                : source.repository();
        String host = source.dockerHubNamed() ? "" : (flat ? source.registry().replace('.', '-') : source.registry()).replace(':', '-') + naming.separator;
        String prefix = platform.namePrefix().isEmpty() ? "" : platform.namePrefix() + naming.separator;
        String repository = prefix + host + (flat ? path.replace('/', '_') : path);
        return new TargetName(repository.toLowerCase(Locale.ROOT), source.tag());
    }

    private static TargetName explicit(String name, String sourceTag) {
        String repository = name;
        String tag = sourceTag;
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            repository = name.substring(0, colon);
            tag = name.substring(colon + 1);
            if (!ImageRef.validTag(tag)) {
                throw new IllegalArgumentException("invalid tag '" + tag + "' in --name=" + name);
            }
        }
        repository = repository.toLowerCase(Locale.ROOT);
        if (repository.length() > ImageRef.MAX_NAME || !ImageRef.NAME_COMPONENT.matcher(repository).matches()) {
            throw new IllegalArgumentException("invalid --name '" + name + "': use letters, digits and single '.', '_' or '-' between them, at most "
                    + ImageRef.MAX_NAME + " characters (no '/': the namespace comes from the target settings)");
        }
        if (tag == null) {
            throw new IllegalArgumentException("--name=" + name + " has no tag and the source is pinned by digest only: use --name=" + repository + ":TAG");
        }
        return new TargetName(repository, tag);
    }

    @Override
    public String toString() {
        return repository + ":" + tag;
    }
}
