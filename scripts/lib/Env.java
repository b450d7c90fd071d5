import java.util.Map;

/** Settings come from the environment, where an empty or blank variable means "not set". */
public final class Env {
    private Env() {}

    public static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
