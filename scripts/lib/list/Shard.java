package lib.list;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shard {@code index} of {@code count} (1-based): the part of a plan one job of a GitHub Actions matrix syncs.
 * Every shard computes the same plan and keeps the images whose identity (source, platform, target name) hashes
 * to it, so the shards are disjoint and together are the whole plan, whatever order the list is in.
 *
 * An image's shard depends on that image alone: adding or removing one image moves no other. The price is that
 * shard sizes are balanced only as a fair die is: each is Binomial(n, 1/count), within about ±3 standard deviations
 * of n/count (no split can be both exactly even and never move other images when one is added). The hash is
 * Lamping and Veach's jump consistent hash over SHA-256, so going from N to N+1 shards moves only about 1/(N+1) of
 * the images, and each shard's remembered state mostly still applies.
 */
public record Shard(int index, int count) {
    /** GitHub runs at most 256 jobs of one matrix. */
    public static final int MAX = 256;
    /** SYNC_SHARDS=auto: one shard per this many images... */
    public static final int AUTO_SIZE = 150;
    /** ...and at most this many: GitHub's free plan runs 20 jobs at once. */
    public static final int AUTO_MAX = 20;
    private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*");

    public Shard {
        if (count < 1 || count > MAX || index < 1 || index > count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + " does not exist: write I/N with 1 ≤ I ≤ N ≤ " + MAX + ", e.g. 2/4");
        }
    }

    /** "I/N", as --shard and SYNC_SHARD take it; an IllegalArgumentException says what is wrong, for the user. */
    public static Shard parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a shard: write I/N, e.g. 2/4 for the second of four parts");
        }
        return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /**
     * How many shards a plan of {@code images} gets: SYNC_SHARDS "auto" (or unset) means one per {@value #AUTO_SIZE}
     * images and at most {@value #AUTO_MAX}; a number is taken as it is, but never more than there are images.
     */
    public static int count(String setting, int images) {
        String s = setting == null ? "" : setting.strip();
        int wanted;
        if (s.isEmpty() || s.equalsIgnoreCase("auto")) {
            wanted = Math.min(AUTO_MAX, (images + AUTO_SIZE - 1) / AUTO_SIZE);
        } else if (s.matches("\\d{1,9}") && Integer.parseInt(s) >= 1 && Integer.parseInt(s) <= MAX) {
            wanted = Integer.parseInt(s);
        } else {
            throw new IllegalArgumentException("SYNC_SHARDS='" + setting + "': write auto (one shard per " + AUTO_SIZE + " images, at most "
                    + AUTO_MAX + ") or a number from 1 to " + MAX);
        }
        return Math.max(1, Math.min(wanted, images));
    }

    /** This shard's items, in plan order. */
    public List<Plan.Item> select(List<Plan.Item> items) {
        return items.stream().filter(item -> of(item, count) == index).toList();
    }

    /** Whether this shard is the one that reports something known by {@code identity} in every shard alike. */
    public boolean owns(String identity) {
        return jump(hash(identity), count) + 1 == index;
    }

    /** The shard (1-based) an item belongs to when the plan is split in {@code count}. */
    public static int of(Plan.Item item, int count) {
        return jump(hash(identity(item)), count) + 1;
    }

    /** What makes an image the same image from run to run: where it comes from, which platform, where it goes. */
    public static String identity(Plan.Item item) {
        return item.spec().source().display() + " " + item.spec().platform() + " " + item.name();
    }

    /** The first 8 bytes of SHA-256: the same on every machine and JVM, and evenly spread even for names like app-001, app-002. */
    static long hash(String identity) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Jump consistent hash (Lamping and Veach, 2014): a bucket in [0, buckets) for a 64-bit key. */
    static int jump(long key, int buckets) {
        long b = -1;
        long j = 0;
        while (j < buckets) {
            b = j;
            key = key * 2862933555777941757L + 1;
            j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
        }
        return (int) b;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
