package lib.core;

import java.util.Map;

/** Settings come from the environment, where an empty or blank variable means "not set". */
public final class Env {
    /**
     * What ./jbang passes for an empty argument: JBang's own launcher drops empty arguments when it re-runs the
     * command line, so `sync.java -- ''` would sync the whole list instead of failing on the empty image.
     */
    public static final String EMPTY_ARGUMENT = "--image-sync-empty-argument--";

    private Env() {}

    /** The command line as the user typed it: empty arguments restored. */
    public static String[] arguments(String[] args) {
        return java.util.Arrays.stream(args).map(a -> a.equals(EMPTY_ARGUMENT) ? "" : a).toArray(String[]::new);
    }

    /** A setting, stripped; null when unset or blank. */
    public static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** The first of {@code names} that is set, stripped; null when none is. */
    public static String first(Map<String, String> env, String... names) {
        for (String name : names) {
            String v = value(env, name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** A password or token, verbatim (leading and trailing spaces are part of it); null when unset or blank. */
    public static Secret secret(Map<String, String> env, String... names) {
        for (String name : names) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                return new Secret(v);
            }
        }
        return null;
    }
}
