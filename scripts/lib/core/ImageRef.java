package lib.core;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One image reference, for sources and targets alike: {@code registry/repository[:tag][@digest]}.
 * {@code dockerHubNamed} marks names written exactly as Docker Hub names them (no host prefix, "library/"
 * dropped): bare names resolved through the source registry, and explicit docker.io references.
 * Engines write their own transport form from it (skopeo's docker://, docker's plain reference).
 */
public record ImageRef(String registry, String repository, String tag, Digest digest, boolean dockerHubNamed) {
    public static final String DOCKER_HUB = "docker.io";
    /** The distribution spec's limit on host + repository, which docker and the registries enforce. */
    public static final int MAX_NAME = 255;
    public static final int MAX_TAG = 128;
    private static final Set<String> DOCKER_HUB_ALIASES = Set.of("docker.io", "index.docker.io", "registry-1.docker.io");
    /** Registries store repositories, namespaces and our target names in lower case: one pattern for all of them. */
    public static final Pattern NAME_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    public static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0," + (MAX_TAG - 1) + "}");
    public static final Pattern HOST = Pattern.compile("[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]{1,5})?");
    private static final String TAG_RULE = "a tag is up to 128 letters, digits, '_', '.', '-', not starting with '.' or '-'";

    /** Where a registry's API answers: Docker Hub's lives on another host than its name. */
    public static String apiHost(String registry) {
        return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    /** Parses {@code [host[:port]/]path[:tag][@sha256:hex]}; bare names resolve to {@code sourceRegistry}. */
    public static ImageRef parse(String text, String sourceRegistry) {
        // Checked before any pattern: a long enough text makes Java's regex engine recurse until the stack overflows.
        if (text.length() > MAX_NAME + MAX_TAG + 1 + 71) {
            throw new IllegalArgumentException("reference of " + text.length() + " characters ('" + abbreviate(text)
                    + "'): a name has at most " + MAX_NAME + " characters and a tag at most " + MAX_TAG);
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.parseOrNull(rest.substring(at + 1));
            rest = rest.substring(0, at);
            if (digest == null) {
                throw new IllegalArgumentException("invalid digest in '" + text + "': expected @sha256: followed by 64 lowercase hex characters");
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!validTag(tag)) {
                throw new IllegalArgumentException("invalid tag '" + tag + "' in '" + text + "': " + TAG_RULE);
            }
        }
        if (rest.length() > MAX_NAME) {
            throw new IllegalArgumentException("the name in '" + abbreviate(text) + "' has " + rest.length() + " characters; at most " + MAX_NAME + " are allowed");
        }
        String registry = null;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first.toLowerCase(Locale.ROOT);
                if (!HOST.matcher(registry).matches()) {
                    throw new IllegalArgumentException("invalid registry host '" + first + "' in '" + text + "'");
                }
                rest = rest.substring(slash + 1);
            }
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("invalid reference '" + text + "': the image name is missing");
        }
        if (!rest.equals(rest.toLowerCase(Locale.ROOT))) {
            // Registries only take lower-case repositories (GHCR shows "Owner/App" but serves "owner/app"); docker refuses the rest.
            throw new IllegalArgumentException("'" + text + "' has upper-case letters in its name: repository names are lower case; write '"
                    + text.replace(rest, rest.toLowerCase(Locale.ROOT)) + "'");
        }
        for (String component : rest.split("/", -1)) {
            if (!NAME_COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("invalid reference '" + text + "': '" + component
                        + "' is not a valid name component (letters, digits and single '.', '_', '__' or '-' between them)");
            }
        }
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

    /** A repository inside a target namespace; its tag comes from the source. */
    public static ImageRef in(String registry, String namespace, String repository, String tag) {
        return new ImageRef(registry, namespace + "/" + repository, tag, null, false);
    }

    public static boolean validTag(String tag) {
        return tag.length() <= MAX_TAG && TAG.matcher(tag).matches();
    }

    /** Whether {@code text} names a registry host (and port) and nothing else: no scheme, no path. */
    public static boolean validHost(String text) {
        return text.length() <= MAX_NAME && HOST.matcher(text.toLowerCase(Locale.ROOT)).matches();
    }

    public ImageRef withTag(String newTag) {
        return new ImageRef(registry, repository, newTag, digest, dockerHubNamed);
    }

    /** The same repository at one manifest: the digest is what gets read, so the tag is dropped. */
    public ImageRef withDigest(Digest newDigest) {
        return new ImageRef(registry, repository, null, newDigest, dockerHubNamed);
    }

    /** host/repository, without tag or digest. */
    public String name() {
        return registry + "/" + repository;
    }

    /**
     * host/repository as the image is known wherever it was read from: docker.io for a Docker Hub name, even one read
     * through a mirror (SOURCE_REGISTRY); containerd's name for it.
     */
    public String canonicalName() {
        return (dockerHubNamed ? DOCKER_HUB : registry) + "/" + repository;
    }

    /** What a registry's /manifests/ URL takes: the digest when there is one, else the tag. */
    public String reference() {
        return digest != null ? digest.value() : tag;
    }

    /** The name as Docker Hub users write it: "library/" dropped and no host, or host/path otherwise. */
    public String shortName() {
        if (dockerHubNamed) {
            return repository.startsWith("library/") ? repository.substring("library/".length()) : repository;
        }
        return name();
    }

    /**
     * A reference as people read it in logs and tables: {@code name}, then the tag and the digest when there are,
     * the digest cut to its first 12 hex digits, e.g. mysql:8.0 or nginx:1.25@sha256:0123456789ab.
     */
    public static String label(String name, String tag, Digest digest) {
        return name + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest.brief());
    }

    /** The full reference as written in logs and reports, e.g. docker.io/library/mysql:8.0. */
    public String display() {
        return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    /** The form registries and engines take: the digest when there is one (a tag beside it is ignored), else the tag. */
    public String pullable() {
        return name() + (digest != null ? "@" + digest : ":" + tag);
    }

    @Override
    public String toString() {
        return display();
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
