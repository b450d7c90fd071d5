package lib.core;

import java.util.Map;

/**
 * The one shape of every error and warning line a script prints, whichever script and whichever floor it comes
 * from: {@code error: what is wrong[: what to do]} and {@code warning: ...}, one line each. Under GitHub Actions the
 * same text goes out as a workflow command ({@code ::error::...}, {@code ::warning::...}), which GitHub shows as an
 * annotation on the run; it is escaped so that a message cannot end the command early or start another.
 */
public final class ErrorLine {
    private ErrorLine() {}

    /** Whether lines are for GitHub Actions (GITHUB_ACTIONS=true, as every step there has). */
    public static boolean github(Map<String, String> env) {
        return "true".equals(env.get("GITHUB_ACTIONS"));
    }

    public static String error(String message, boolean github) {
        return github ? "::error::" + escape(message) : "error: " + message;
    }

    public static String warning(String message, boolean github) {
        return github ? "::warning::" + escape(message) : "warning: " + message;
    }

    /** GitHub's workflow-command escaping. */
    public static String escape(String message) {
        return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }
}
