package lib.list;

import lib.core.ImageRef;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * Which tags of a repository a list line without a tag stands for: {@code --tags=REGEX} keeps the tags the regular
 * expression matches whole, {@code --exclude=REGEX} drops those it matches whole, {@code --semver=RANGE} keeps the
 * versions in the {@link VersionRange}, and {@code --latest=N} keeps the N highest versions of what is left. With
 * {@code --semver} or {@code --latest}, tags that are not versions ({@link SemVer#parse} gives null) are dropped.
 * Any part may be absent (null).
 *
 * <p>The regular expressions are RE2's (RE2/J): matching takes time linear in the tag, whatever the expression, so a
 * line cannot hang a run (Java's backtracking engine took forever on {@code (.*a){14}}). RE2 has no backreferences
 * and no lookaround; everything else people write for tags (classes, groups, alternation, repetition) is the same.
 */
public record TagPolicy(Pattern tags, Pattern exclude, VersionRange semver, Integer latest) {
    /**
     * The policy the options' values give (each null when the option is not on the line), or null when none is
     * given. An IllegalArgumentException says, for the user, which option is wrong and how to write it.
     */
    public static TagPolicy parse(String tags, String exclude, String semver, String latest) {
        if (tags == null && exclude == null && semver == null && latest == null) {
            return null;
        }
        return new TagPolicy(regex("--tags", tags, "1\\.25\\.[0-9]+"), regex("--exclude", exclude, ".*-rc.*"),
                semver == null ? null : range(semver), latest == null ? null : count(latest));
    }

    /**
     * The tags of {@code available} this policy selects, each once. With {@code --semver} or {@code --latest}: highest
     * version first, in the reverse of {@link SemVer}'s order, so tags equal as versions come by their text, the
     * greater first ({@code v1.2} before {@code 1.2}, {@code 1.25.0} before {@code 1.25}), and each counts towards
     * {@code --latest}. Without either: sorted by their text. Text that cannot be a tag (ImageRef's rule, at most
     * 128 characters) is never selected, and never reaches a regular expression.
     */
    public List<String> select(Collection<String> available) {
        TreeSet<String> kept = new TreeSet<>();
        for (String tag : available) {
            if (ImageRef.validTag(tag) && (tags == null || tags.matcher(tag).matches()) && (exclude == null || !exclude.matcher(tag).matches())) {
                kept.add(tag);
            }
        }
        if (semver == null && latest == null) {
            return List.copyOf(kept);
        }
        return kept.stream()
                .map(SemVer::parse)
                .filter(Objects::nonNull)
                .filter(v -> semver == null || semver.matches(v))
                .sorted(Comparator.reverseOrder())
                .limit(latest == null ? Long.MAX_VALUE : latest)
                .map(SemVer::text)
                .toList();
    }

    /** The policy as list lines write it, options in a fixed order, e.g. {@code --tags=^[0-9.]+-alpine$ --latest=3}. */
    public String describe() {
        StringJoiner out = new StringJoiner(" ");
        if (tags != null) {
            out.add("--tags=" + tags.pattern());
        }
        if (exclude != null) {
            out.add("--exclude=" + exclude.pattern());
        }
        if (semver != null) {
            out.add("--semver=" + semver);
        }
        if (latest != null) {
            out.add("--latest=" + latest);
        }
        return out.toString();
    }

    private static Pattern regex(String option, String text, String example) {
        if (text == null) {
            return null;
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a regular expression that matches whole tags, e.g. " + option + "=" + example);
        }
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            String where = e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : "";
            throw new IllegalArgumentException(option + "=" + text + " is not a regular expression: " + e.getDescription() + where
                    + "; write one that matches whole tags, e.g. " + option + "=" + example);
        }
    }

    private static VersionRange range(String text) {
        try {
            return VersionRange.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--semver=" + text + ": " + e.getMessage());
        }
    }

    private static int count(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Said below, as for a number below 1.
        }
        throw new IllegalArgumentException("--latest=" + text + ": give how many of the highest versions to keep, a whole number from 1, e.g. --latest=3");
    }
}
