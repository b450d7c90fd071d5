package lib.core;

import java.util.Locale;

/**
 * The repository and tag an image gets inside a target namespace. Naming is the seed's, made exact:
 * Docker Hub names drop "library/", other hosts become a prefix with '.' and ':' turned into '-',
 * '/' becomes '_', a non-default platform becomes a prefix, repositories are lower-cased, tags kept.
 */
public record TargetName(String repository, String tag) {
    /**
     * The name of {@code source} asked for on {@code platform}; {@code explicit}: the --name given, or null;
     * {@code text}: the image as the user wrote it, for the error message.
     */
    public static TargetName of(ImageRef source, Platforms platform, String explicit, String text) {
        if (explicit != null) {
            return explicit(explicit, source.tag());
        }
        if (source.tag() == null) {
            throw new IllegalArgumentException("'" + text + "' is pinned by digest but has no tag: add one (name:tag@sha256:...) or give --name=NAME:TAG");
        }
        String path = source.dockerHubNamed() && source.repository().startsWith("library/")
                ? source.repository().substring("library/".length())
                : source.repository();
        String hostPrefix = source.dockerHubNamed() ? "" : source.registry().replace('.', '-').replace(':', '-') + "_";
        String repository = platform.namePrefix() + hostPrefix + path.replace('/', '_');
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
