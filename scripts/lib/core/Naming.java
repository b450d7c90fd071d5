package lib.core;

import java.util.Locale;

/**
 * How a target lays out the names of the images it holds under its namespace (see {@link TargetName}).
 * {@code FLAT} turns a repository path into one name ({@code bitnami/redis} → {@code bitnami_redis}), for registries
 * whose names have two levels, namespace and name, such as ACR's personal edition; it is the naming of every target
 * today. {@code PATH} keeps the repository path under the namespace ({@code <namespace>/bitnami/redis}), for
 * registries that allow nested names (Harbor, GHCR, most others): a containerd mirror can then serve them by a path
 * prefix alone.
 */
public enum Naming {
    FLAT("_"), PATH("/");

    /** What joins the platform, the source host and the repository path into a name. */
    final String separator;

    Naming(String separator) {
        this.separator = separator;
    }

    /** The naming {@code text} names (flat or path, any case); null for anything else. */
    public static Naming of(String text) {
        for (Naming naming : values()) {
            if (naming.text().equalsIgnoreCase(text.strip())) {
                return naming;
            }
        }
        return null;
    }

    /** As users write it: flat or path (pull.sh's MIRROR_NAMING, a target's X_NAMING). */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
