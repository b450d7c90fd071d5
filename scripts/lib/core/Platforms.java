package lib.core;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which platforms of a source a line asks for: one (the usual case: one platform manifest, the platform a name
 * prefix), a subset (an index of exactly those is written), or all of them (the whole index, as it is).
 * An empty {@code chosen} list means all.
 */
public record Platforms(List<Platform> chosen) {
    public static final Platforms DEFAULT = of(Platform.DEFAULT);
    public static final String ALL = "all";

    public static Platforms of(Platform platform) {
        return new Platforms(List.of(platform));
    }

    /** "linux/arm64", "all", or a comma list such as "linux/amd64,linux/arm64". */
    public static Platforms parse(String text) {
        if (text.strip().equals(ALL)) {
            return new Platforms(List.of());
        }
        List<Platform> chosen = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            Platform p = Platform.parse(part.strip());
            if (chosen.contains(p)) {
                throw new IllegalArgumentException("platform " + p + " is listed twice in '" + text + "'");
            }
            chosen.add(p);
        }
        return new Platforms(List.copyOf(chosen));
    }

    public boolean all() {
        return chosen.isEmpty();
    }

    /** The one platform of a single-platform line; null for "all" and for a subset. */
    public Platform single() {
        return chosen.size() == 1 ? chosen.get(0) : null;
    }

    /** A whole index or a subset: one tag that serves several platforms, named without a platform prefix. */
    public boolean multi() {
        return single() == null;
    }

    public String namePrefix() {
        return multi() ? "" : single().namePrefix();
    }

    @Override
    public String toString() {
        return all() ? ALL : chosen.stream().map(Platform::toString).collect(Collectors.joining(","));
    }
}
