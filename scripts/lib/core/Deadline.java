package lib.core;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When one image must be done by: --image-timeout bounds everything it may take, retries and waits included.
 * Every process and request of the image gets at most what is left, so nothing outlives it.
 */
public record Deadline(long endNanos, Duration total) {
    /** Nine digits a part at most: more is a typo, and could overflow a duration. */
    private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,9})h)?(?:(\\d{1,9})m)?(?:(\\d{1,9})s)?");

    public static Deadline after(Duration total) {
        return new Deadline(System.nanoTime() + total.toNanos(), total);
    }

    public Duration remaining() {
        long left = endNanos - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    public boolean expired() {
        return remaining().isZero();
    }

    /** {@code wanted}, or what is left if that is less; an expired deadline ends the operation instead. */
    public Duration cap(Duration wanted, String what) {
        Duration left = remaining();
        if (left.isZero()) {
            throw gaveUp(what);
        }
        return left.compareTo(wanted) < 0 ? left : wanted;
    }

    public SyncError gaveUp(String what) {
        return new SyncError(SyncError.Kind.GAVE_UP, what + ": gave up after " + format(total) + " (--image-timeout)");
    }

    /** "90s", "20m", "1h", "1h30m"; a bare number is seconds. */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+")) {
            t = t + "s";
        }
        Matcher m = DURATION.matcher(t);
        if (t.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write e.g. 90s, 20m, 1h or 1h30m");
        }
        Duration d = Duration.ofHours(number(m.group(1))).plusMinutes(number(m.group(2))).plusSeconds(number(m.group(3)));
        if (d.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is no time at all: give at least one second");
        }
        return d;
    }

    /** As people write durations: "90s", "2m5s", "20m", "1h30m". */
    public static String format(Duration d) {
        if (d.toMillis() > 0 && d.toMillis() < 10_000 && d.toMillis() % 1000 != 0) {
            return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        }
        long s = Math.max(d.toSeconds(), 0);
        if (s % 60 != 0 || s == 0) {
            return s < 120 ? s + "s" : (s / 60) + "m" + (s % 60) + "s";
        }
        long m = s / 60;
        return m % 60 == 0 && m > 0 ? (m / 60) + "h" : m >= 60 ? (m / 60) + "h" + (m % 60) + "m" : m + "m";
    }

    private static long number(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }
}
