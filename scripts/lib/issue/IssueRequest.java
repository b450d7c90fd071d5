package lib.issue;

import lib.core.Platforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an issue asks for, as text for the list parser: the images (images.txt syntax) from the body, either the issue
 * form's image field or, in a free-form body, the lines inside its fenced code blocks when it has any (the prose
 * around them is the asker talking: "Hi! Could you sync these two?"), else every line; the title after an optional
 * "[sync]" is the fallback when the body lists none. The form's platform and target fields become --platform (one
 * platform, or all of them) and --to.
 * Nothing here interprets the text beyond finding the lines: every one goes through {@link ImageList}.
 *
 * {@code body} keeps the body's line numbers (lines that are not image lines are left empty), so the parser's
 * "line N" is the Nth line of the issue's text.
 */
public record IssueRequest(String body, String title, String platform, String targets, List<String> problems) {
    /** The issue form's field labels (.github/ISSUE_TEMPLATE/sync.yml): GitHub writes each as a "### label" heading. */
    public static final String IMAGES = "镜像 / Images";
    public static final String PLATFORM = "平台 / Platform";
    public static final String TARGET = "目标 / Target";
    /** What GitHub writes for a form field left empty. */
    static final String NO_RESPONSE = "_No response_";
    /** The target choices: "default" leaves it to the repository (SYNC_TARGETS, else auto), the others are --to's values. */
    public static final List<String> TARGETS = List.of("default", "auto", "aliyun", "ghcr", "both");
    private static final Pattern FENCE = Pattern.compile("\\s*(```|~~~).*");
    /** A fence opens with three or more backticks or tildes, indented by at most three spaces (CommonMark). */
    private static final Pattern OPENING = Pattern.compile(" {0,3}(`{3,}|~{3,})(.*)");
    private static final Pattern SYNC_PREFIX = Pattern.compile("(?i)^\\s*\\[sync]\\s*");

    public static IssueRequest of(String body, String title) {
        String[] lines = (body == null ? "" : body).split("\r?\n|\r", -1);
        List<String> problems = new ArrayList<>();
        int images = heading(lines, IMAGES);
        String platform = null;
        String targets = null;
        boolean[] keep = new boolean[lines.length];
        if (images < 0) {
            keep = fenced(lines);
            if (keep == null) {
                keep = new boolean[lines.length];
                java.util.Arrays.fill(keep, true);
            }
        } else {
            for (int i = images + 1; i < end(lines, images); i++) {
                keep[i] = true;
            }
            platform = field(lines, PLATFORM);
            targets = field(lines, TARGET);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean imageLine = keep[i] && !FENCE.matcher(line).matches() && !line.strip().equals(NO_RESPONSE);
            text.append(imageLine ? line : "").append('\n');
        }
        if (platform != null) {
            try {
                Platforms.parse(platform);
            } catch (IllegalArgumentException e) {
                problems.add("平台 / platform: " + e.getMessage());
            }
        }
        if (targets != null && !TARGETS.contains(targets.toLowerCase(Locale.ROOT))) {
            problems.add("目标 / target '" + targets + "' is not one of " + String.join(", ", TARGETS));
        }
        String to = targets == null || targets.equalsIgnoreCase("default") ? null : targets.toLowerCase(Locale.ROOT);
        String titleText = SYNC_PREFIX.matcher(title == null ? "" : title).replaceFirst("").strip();
        return new IssueRequest(text.toString(), titleText, platform, to, problems);
    }

    /** The lines of a request's text as the answer shows them: those with anything on them but a comment. */
    static List<String> read(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /**
     * Which lines are inside a fenced code block: after a line that opens one and before the line that closes it (the
     * same character, at least as many, nothing after), or to the end when none does. Backticks in an info string make
     * a line no fence, as in CommonMark. Null when the text has no fence at all.
     */
    static boolean[] fenced(String[] lines) {
        boolean[] inside = new boolean[lines.length];
        boolean any = false;
        String fence = null;
        for (int i = 0; i < lines.length; i++) {
            Matcher m = OPENING.matcher(lines[i]);
            if (fence == null) {
                if (m.matches() && !(m.group(1).charAt(0) == '`' && m.group(2).contains("`"))) {
                    fence = m.group(1);
                    any = true;
                }
            } else if (m.matches() && m.group(1).charAt(0) == fence.charAt(0) && m.group(1).length() >= fence.length() && m.group(2).isBlank()) {
                fence = null;
            } else {
                inside[i] = true;
            }
        }
        return any ? inside : null;
    }

    /** The line of the "### label" heading GitHub writes for a form field, or -1 when the body has none. */
    private static int heading(String[] lines, String label) {
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].strip().equals("### " + label)) {
                return i;
            }
        }
        return -1;
    }

    /** Where a field's section ends: at the next of the form's own headings (a "###" the user typed does not end it). */
    private static int end(String[] lines, int start) {
        for (int i = start + 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.equals("### " + IMAGES) || line.equals("### " + PLATFORM) || line.equals("### " + TARGET)) {
                return i;
            }
        }
        return lines.length;
    }

    /** A one-line field's value (a dropdown's choice), or null when it is absent or left empty. */
    private static String field(String[] lines, String label) {
        int at = heading(lines, label);
        if (at < 0) {
            return null;
        }
        for (int i = at + 1; i < end(lines, at); i++) {
            String value = lines[i].strip();
            if (!value.isEmpty()) {
                return value.equals(NO_RESPONSE) ? null : value;
            }
        }
        return null;
    }
}
