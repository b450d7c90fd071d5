package lib.list;

import lib.core.ImageRef;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version as image tags write it: an optional leading {@code v}, {@code MAJOR[.MINOR[.PATCH]]}, an optional
 * {@code -PRERELEASE} of dot-separated identifiers and an optional {@code +BUILD}. Missing parts count as 0;
 * {@code parts} remembers how many were written and {@code text} the tag itself, so {@code 8.0} stays "8.0".
 * Tags are looser than semver 2.0: parts may be missing, a {@code v} may lead, and numbers may have leading zeros
 * ({@code 22.04} is 22.4), as Ubuntu's and many date-like tags have them.
 *
 * <p>{@code 1.25.3-alpine} is 1.25.3 with the pre-release "alpine": that is what the text says, and it orders
 * such tags among themselves (1.25.3-alpine above 1.25.2-alpine). Four numeric parts ({@code 1.2.3.4}) are not a
 * version: semver has three, and guessing what a fourth means would order some tags wrongly.
 *
 * <p>Order ({@link #compareTo}): semver 2.0 precedence (the build is ignored), then, for tags that are equal as
 * versions ({@code 1.25} and {@code 1.25.0}, {@code v1.2} and {@code 1.2}), the tag text, so a sort is the same
 * on every run. {@link #precedence} is the precedence alone, which ranges compare with.
 */
public record SemVer(String text, long major, long minor, long patch, int parts, List<String> preRelease, String build)
        implements Comparable<SemVer> {
    /** 18 digits always fit a long; a longer run of digits is an id or a timestamp, not a version. */
    private static final String NUMBER = "(\\d{1,18})";
    /** Pre-release and build: dot-separated identifiers of ASCII letters, digits and '-'. Ranges write them alike. */
    static final String IDENTIFIERS = "([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)";
    private static final Pattern VERSION = Pattern.compile("v?" + NUMBER + "(?:\\." + NUMBER + "(?:\\." + NUMBER + ")?)?"
            + "(?:-" + IDENTIFIERS + ")?(?:\\+" + IDENTIFIERS + ")?");

    /** The version {@code tag} writes, or null when it is not one ({@code latest}, {@code alpine}, {@code 1.2.3.4}). */
    public static SemVer parse(String tag) {
        // No tag is longer; and a long enough text of dotted identifiers would make the pattern recurse very deep.
        if (tag.length() > ImageRef.MAX_TAG) {
            return null;
        }
        Matcher m = VERSION.matcher(tag);
        if (!m.matches()) {
            return null;
        }
        int parts = m.group(3) != null ? 3 : m.group(2) != null ? 2 : 1;
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        return new SemVer(tag, Long.parseLong(m.group(1)), number(m.group(2)), number(m.group(3)), parts, pre, m.group(5));
    }

    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    /** Whether both have the same MAJOR.MINOR.PATCH, whatever their pre-releases. */
    public boolean sameCore(SemVer other) {
        return major == other.major && minor == other.minor && patch == other.patch;
    }

    /** Semver 2.0 precedence: negative, 0 or positive as this version is lower than, equal to or higher than {@code other}. */
    public int precedence(SemVer other) {
        int c = Long.compare(major, other.major);
        if (c == 0) {
            c = Long.compare(minor, other.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, other.patch);
        }
        return c != 0 ? c : comparePreRelease(preRelease, other.preRelease);
    }

    /** Precedence, then the tag text: a total order that sorts equal versions written differently the same way every time. */
    @Override
    public int compareTo(SemVer other) {
        int c = precedence(other);
        return c != 0 ? c : text.compareTo(other.text);
    }

    @Override
    public String toString() {
        return text;
    }

    /** A release outranks its pre-releases; otherwise identifier by identifier, and a longer list wins a tie. */
    private static int comparePreRelease(List<String> a, List<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Boolean.compare(a.isEmpty(), b.isEmpty());
        }
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = compareIdentifier(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Numbers numerically (by their digits, so any length works), below words; words by ASCII. */
    private static int compareIdentifier(String a, String b) {
        boolean numA = a.chars().allMatch(Character::isDigit);
        boolean numB = b.chars().allMatch(Character::isDigit);
        if (numA && numB) {
            String x = a.replaceFirst("^0+(?=.)", "");
            String y = b.replaceFirst("^0+(?=.)", "");
            return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
        }
        if (numA != numB) {
            return numA ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
