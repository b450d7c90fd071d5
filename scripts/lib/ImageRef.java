import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed source reference. {@code dockerHubNamed} marks names that are named exactly as Docker Hub
 * names them (no host prefix, "library/" dropped): bare names resolved through the source registry,
 * and explicit docker.io references.
 */
public record ImageRef(String registry, String repository, String tag, String digest, boolean dockerHubNamed) {
    public static final String DOCKER_HUB = "docker.io";
    private static final Set<String> DOCKER_HUB_ALIASES = Set.of("docker.io", "index.docker.io", "registry-1.docker.io");
    private static final Pattern HOST = Pattern.compile("(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-zA-Z0-9]+(?:(?:[._]|__|-+)[a-zA-Z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    /** Parses {@code [host[:port]/]path[:tag][@sha256:hex]}; bare names resolve to {@code sourceRegistry}. */
    public static ImageRef parse(String text, String sourceRegistry) {
        String rest = text;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("invalid digest in '" + text + "': expected @sha256: followed by 64 lowercase hex characters");
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("invalid tag '" + tag + "' in '" + text + "': a tag is up to 128 letters, digits, '_', '.', '-', not starting with '.' or '-'");
            }
        }
        String registry = null;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                if (!HOST.matcher(first).matches()) {
                    throw new IllegalArgumentException("invalid registry host '" + first + "' in '" + text + "'");
                }
                registry = first.toLowerCase(Locale.ROOT);
                rest = rest.substring(slash + 1);
            }
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("invalid reference '" + text + "': the image name is missing");
        }
        for (String component : rest.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("invalid reference '" + text + "': '" + component
                        + "' is not a valid name component (letters, digits and single '.', '_', '__' or '-' between them)");
            }
        }
        // Registries store repositories in lower case (GHCR shows "Owner/App" but serves "owner/app").
        rest = rest.toLowerCase(Locale.ROOT);
        boolean hubNamed = registry == null || DOCKER_HUB_ALIASES.contains(registry);
        if (registry == null) {
            registry = sourceRegistry;
        } else if (hubNamed) {
            registry = DOCKER_HUB;
        }
        if (hubNamed && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageRef(registry, rest, tag, digest, hubNamed);
    }

    /** The name as Docker Hub users write it: "library/" dropped and no host, or host/path otherwise. */
    public String shortName() {
        if (dockerHubNamed) {
            return repository.startsWith("library/") ? repository.substring("library/".length()) : repository;
        }
        return registry + "/" + repository;
    }

    /** The full reference as written in logs and reports, e.g. docker.io/library/mysql:8.0. */
    public String display() {
        return registry + "/" + repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    /** What to read: the pinned digest when there is one, else the tag. */
    public String transport() {
        return "docker://" + registry + "/" + repository + (digest != null ? "@" + digest : ":" + tag);
    }

    public String transportAt(String manifestDigest) {
        return "docker://" + registry + "/" + repository + "@" + manifestDigest;
    }
}
