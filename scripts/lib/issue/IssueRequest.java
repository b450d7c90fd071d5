package lib.issue;

import lib.core.Platforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an issue asks for, as text for the list parser: the images (images.txt syntax) from the body, either the issue
 * form's image field or, in a free-form body, every line, inside or outside code fences; the title after an optional
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
    private static final Pattern SYNC_PREFIX = Pattern.compile("(?i)^\\s*\\[sync]\\s*");

    public static IssueRequest of(String body, String title) {
        String[] lines = (body == null ? "" : body).split("\r?\n|\r", -1);
        List<String> problems = new ArrayList<>();
        int images = heading(lines, IMAGES);
        String platform = null;
        String targets = null;
        boolean[] keep = new boolean[lines.length];
        if (images < 0) {
            java.util.Arrays.fill(keep, true);
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
