package lib.list;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A range of versions as {@code --semver=RANGE} writes it: constraints separated by commas, all of which must
 * hold. Each constraint is one of
 * <ul>
 * <li>{@code >=V}, {@code >V}, {@code <=V}, {@code <V}: compared by semver precedence;</li>
 * <li>{@code =V} or a bare {@code V}: that version;</li>
 * <li>{@code ^V}: npm's caret, no change to the left-most non-zero part ({@code ^1.25} is {@code >=1.25.0,<2.0.0},
 * {@code ^0.2.3} is {@code >=0.2.3,<0.3.0}, {@code ^0.0.3} is {@code >=0.0.3,<0.0.4});</li>
 * <li>{@code ~V}: npm's tilde, patch changes when a minor is given ({@code ~7.2} is {@code >=7.2.0,<7.3.0}),
 * minor changes when not ({@code ~7} is {@code >=7.0.0,<8.0.0});</li>
 * <li>{@code X.x}, {@code X.Y.x}, {@code X.Y.*}: every version with that prefix; {@code *} alone: every version.</li>
 * </ul>
 * As in npm, a version with parts missing stands for all versions it is a prefix of: {@code 1.25} and {@code =1.25}
 * are {@code 1.25.x}, {@code >1.25} is {@code >=1.26.0}, {@code <=1.25} is {@code <1.26.0}, {@code >=1.25} and
 * {@code <1.25} are {@code >=1.25.0} and {@code <1.25.0}. A full version {@code 1.25.3} is that version only
 * ({@code 1.25.3} and {@code v1.25.3} alike). A leading {@code v} is allowed everywhere.
 *
 * <p>Pre-releases (npm's rule): a version with a pre-release matches only when some constraint of the range itself
 * names a pre-release of the same MAJOR.MINOR.PATCH; {@code >=1.0.0-rc.1} admits {@code 1.0.0-rc.2} but not
 * {@code 1.1.0-rc.1}, and {@code ^1.25} admits no {@code 1.25.3-alpine}. Someone who asks for 1.x means releases.
 */
public final class VersionRange {
    private static final String EXAMPLES = "write constraints separated by commas, e.g. '>=1.25,<1.27', '^1.25', '~7.2' or '1.25.x'";
    private static final String PART = "(\\d{1,18}|[xX*])";
    private static final Pattern CONSTRAINT = Pattern.compile("(>=|<=|>|<|=|\\^|~)?\\s*(.*)", Pattern.DOTALL);
    private static final Pattern PARTIAL = Pattern.compile("v?" + PART + "(?:\\." + PART + "(?:\\." + PART + ")?)?"
            + "(?:-" + SemVer.IDENTIFIERS + ")?(?:\\+" + SemVer.IDENTIFIERS + ")?");
    /** Longer text cannot be a sensible range; checked before any pattern is applied to it. */
    private static final int MAX_TEXT = 256;

    private enum Op { GE, GT, LE, LT, EQ }

    /** One comparison every matching version passes. */
    private record Bound(Op op, SemVer version) {
        boolean admits(SemVer v) {
            int c = v.precedence(version);
            return switch (op) {
                case GE -> c >= 0;
                case GT -> c > 0;
                case LE -> c <= 0;
                case LT -> c < 0;
                case EQ -> c == 0;
            };
        }
    }

    private final String text;
    private final List<Bound> bounds;

    private VersionRange(String text, List<Bound> bounds) {
        this.text = text;
        this.bounds = bounds;
    }

    /** Parses a range; an IllegalArgumentException says what is wrong and how to write it. */
    public static VersionRange parse(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("the range is empty: " + EXAMPLES);
        }
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("the range has " + text.length() + " characters, more than " + MAX_TEXT + ": " + EXAMPLES);
        }
        List<Bound> bounds = new ArrayList<>();
        for (String constraint : text.split(",", -1)) {
            if (constraint.isBlank()) {
                throw new IllegalArgumentException("'" + text + "' has an empty constraint (two commas, or one at an end): " + EXAMPLES);
            }
            bounds.addAll(constraint(constraint.strip(), text));
        }
        return new VersionRange(text, List.copyOf(bounds));
    }

    /** Whether {@code v} satisfies every constraint, and, if it is a pre-release, the range names one of its MAJOR.MINOR.PATCH. */
    public boolean matches(SemVer v) {
        if (v.isPreRelease() && bounds.stream().noneMatch(b -> b.version.isPreRelease() && b.version.sameCore(v))) {
            return false;
        }
        return bounds.stream().allMatch(b -> b.admits(v));
    }

    /** The range as written. */
    @Override
    public String toString() {
        return text;
    }

    /** The bounds one constraint stands for; none for '*'. */
    private static List<Bound> constraint(String constraint, String range) {
        Matcher c = CONSTRAINT.matcher(constraint);
        c.matches();  // Always: the operator is optional and the rest is anything.
        String op = c.group(1) == null ? "=" : c.group(1);
        String version = c.group(2);
        if (!version.isEmpty() && "<>=^~".indexOf(version.charAt(0)) >= 0) {
            throw new IllegalArgumentException("'" + constraint + "' in '" + range + "' is not a constraint: one operator (>=, >, <=, <, =, ^ or ~) goes before the version; " + EXAMPLES);
        }
        Matcher m = PARTIAL.matcher(version);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + constraint + "' in '" + range + "': '" + version
                    + "' is not a version (MAJOR[.MINOR[.PATCH]], numbers, x or * for any); " + EXAMPLES);
        }
        // How many numeric parts lead: 1.2.x has 2. A number after a wildcard (1.x.3) means nothing.
        int parts = 0;
        long[] n = new long[3];
        for (int i = 1; i <= 3; i++) {
            String part = m.group(i);
            boolean number = part != null && Character.isDigit(part.charAt(0));
            if (number && parts < i - 1) {
                throw new IllegalArgumentException("'" + constraint + "' in '" + range + "': a number cannot follow a wildcard; " + EXAMPLES);
            }
            if (number) {
                n[i - 1] = Long.parseLong(part);
                parts = i;
            }
        }
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        if (!pre.isEmpty() && parts < 3) {
            throw new IllegalArgumentException("'" + constraint + "' in '" + range + "': a pre-release belongs to a full version, e.g. '>=1.25.0-rc.1'");
        }
        if (parts == 0) {
            if (!op.equals("=")) {
                throw new IllegalArgumentException("'" + constraint + "' in '" + range + "': a wildcard alone means any version, so write '*' alone, or give a version after " + op + "; " + EXAMPLES);
            }
            return List.of();
        }
        SemVer low = version(n[0], n[1], n[2], pre);
        // Just above every version the written prefix covers (1 → 2.0.0, 1.25 → 1.26.0); for a full version, its
        // next minor, where a tilde stops.
        SemVer above = parts == 1 ? version(n[0] + 1, 0, 0, List.of()) : version(n[0], n[1] + 1, 0, List.of());
        return switch (op) {
            case ">=" -> List.of(new Bound(Op.GE, low));
            case "<" -> List.of(new Bound(Op.LT, low));
            case ">" -> List.of(parts == 3 ? new Bound(Op.GT, low) : new Bound(Op.GE, above));
            case "<=" -> List.of(parts == 3 ? new Bound(Op.LE, low) : new Bound(Op.LT, above));
            case "=" -> parts == 3 ? List.of(new Bound(Op.EQ, low)) : List.of(new Bound(Op.GE, low), new Bound(Op.LT, above));
            case "~" -> List.of(new Bound(Op.GE, low), new Bound(Op.LT, above));
            case "^" -> List.of(new Bound(Op.GE, low), new Bound(Op.LT, caretLimit(n, parts)));
            default -> throw new IllegalStateException(op);
        };
    }

    /**
     * npm's caret: the left-most non-zero part written may not change ({@code ^1.2} is {@code <2.0.0}, {@code ^0.2.3}
     * {@code <0.3.0}, {@code ^0.0.3} {@code <0.0.4}); parts not written may ({@code ^0} is {@code <1.0.0}, {@code ^0.0}
     * {@code <0.1.0}).
     */
    private static SemVer caretLimit(long[] n, int parts) {
        if (n[0] > 0 || parts == 1) {
            return version(n[0] + 1, 0, 0, List.of());
        }
        if (n[1] > 0 || parts == 2) {
            return version(0, n[1] + 1, 0, List.of());
        }
        return version(0, 0, n[2] + 1, List.of());
    }

    private static SemVer version(long major, long minor, long patch, List<String> pre) {
        String text = major + "." + minor + "." + patch + (pre.isEmpty() ? "" : "-" + String.join(".", pre));
        return new SemVer(text, major, minor, patch, 3, pre, null);
    }
}
