import lib.core.Platforms;
import lib.list.ImageList;
import lib.list.Plan;
import lib.list.Shard;
import support.Tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The split of a plan into shards: disjoint, complete, stable when an image is added, balanced within the stated
 * bound, and the same whatever the list's order.
 */
class ShardTest {
    /** Shard counts the workflow uses (auto: 1 to 20), a few more, and GitHub's largest matrix. */
    static final int[] COUNTS = {1, 2, 3, 4, 5, 7, 10, 13, 16, 20, 32, 64, 256};

    /** A list shaped like a real one: official images, namespaced ones, other registries, platforms and names. */
    static String list(int n) {
        StringBuilder b = new StringBuilder();
        String[] forms = {"app-%04d:1.%d", "team/app-%04d:v%d", "quay.io/org/app-%04d:%d", "--platform=linux/arm64 app-%04d:%d",
                "registry.k8s.io/kube-app-%04d:v1.%d", "--name=renamed-%04d:%d nginx"};
        for (int i = 0; i < n; i++) {
            b.append(String.format(forms[i % forms.length], i, i % 30)).append('\n');
        }
        return b.toString();
    }

    static List<Plan.Item> plan(String list) {
        ImageList.Parsed parsed = ImageList.parse("images.txt", list, Platforms.DEFAULT, "docker.io");
        assertEquals(List.of(), parsed.errors());
        Plan.Result plan = Plan.of("images.txt", parsed.images(), List.of());
        assertEquals(List.of(), plan.errors());
        return plan.items();
    }

    /**
     * Each image's shard when the plan is split in {@code count}, by image identity: one hash per image, where
     * selecting every shard's part hashes every image once per shard (the next test shows the two agree).
     */
    static Map<String, Integer> assignment(List<Plan.Item> items, int count) {
        Map<String, Integer> out = new HashMap<>();
        for (Plan.Item item : items) {
            assertEquals(null, out.put(Shard.identity(item), Shard.of(item, count)), Shard.identity(item) + " is in the plan twice");
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 7, 150, 1000, 3001})
    void theShardsAreDisjointAndTogetherTheWholePlanInPlanOrder(int n) {
        List<Plan.Item> items = plan(list(n));
        for (int count : COUNTS) {
            Map<String, Integer> assigned = assignment(items, count);
            List<Plan.Item> union = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                List<Plan.Item> part = new Shard(i, count).select(items);
                List<Integer> lines = part.stream().map(p -> p.spec().line()).toList();
                assertEquals(lines.stream().sorted().toList(), lines, "a shard keeps the plan's order");
                for (Plan.Item item : part) {
                    assertEquals(i, assigned.get(Shard.identity(item)), Shard.identity(item) + " was selected for shard " + i + "/" + count);
                }
                union.addAll(part);
            }
            assertEquals(items.size(), union.size(), count + " shards");
            assertEquals(new java.util.HashSet<>(items), new java.util.HashSet<>(union), count + " shards");
        }
    }

    /** Adding one image, anywhere in the list, moves no other image; removing it moves none back. */
    @Test
    void addingOneImageMovesOnlyThatImage() {
        String base = list(1000);
        List<String> lines = new ArrayList<>(base.lines().toList());
        List<Plan.Item> before = plan(base);
        for (int at : new int[]{0, 500, 1000}) {
            List<String> grown = new ArrayList<>(lines);
            grown.add(at, "newcomer/image:1");
            List<Plan.Item> after = plan(String.join("\n", grown) + "\n");
            for (int count : COUNTS) {
                Map<String, Integer> was = assignment(before, count);
                Map<String, Integer> is = assignment(after, count);
                assertEquals(was.size() + 1, is.size());
                was.forEach((image, shard) -> assertEquals(shard, is.get(image), image + " moved when one image was added (" + count + " shards)"));
            }
        }
    }

    /**
     * The stated bound: a shard's size is Binomial(n, 1/N), and none is further than 4 standard deviations from n/N
     * (for 1000 images in 7 shards: 143 ± 44; for 150 images a shard, the workflow's auto sizing: ± about 50).
     */
    @ParameterizedTest
    @ValueSource(ints = {150, 300, 1000, 3000})
    void shardSizesStayWithinFourStandardDeviationsOfAnEvenSplit(int n) {
        for (List<Plan.Item> items : List.of(plan(list(n)), plan(numbered(n)))) {
            for (int count : COUNTS) {
                if (count > n / 5) {
                    continue;
                }
                double mean = (double) n / count;
                double bound = 4 * Math.sqrt(n * (1.0 / count) * (1 - 1.0 / count));
                Map<Integer, Long> sizes = assignment(items, count).values().stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
                for (int i = 1; i <= count; i++) {
                    long size = sizes.getOrDefault(i, 0L);
                    assertTrue(Math.abs(size - mean) <= bound, "shard " + i + "/" + count + " of " + n + " images has " + size
                            + ", not within " + mean + " ± " + bound);
                }
            }
        }
    }

    /** The names benchmarks and tag policies make: one prefix and a running number, where weak hashes cluster. */
    static String numbered(int n) {
        StringBuilder b = new StringBuilder();
        IntStream.range(0, n).forEach(i -> b.append(String.format("bench-%04d:1%n", i)));
        return b.toString();
    }

    /** Going from N to N+1 shards, images only ever move into the new shard, about 1/(N+1) of them. */
    @Test
    void oneMoreShardTakesItsShareFromEveryOtherAndMovesNothingElse() {
        List<Plan.Item> items = plan(list(3000));
        for (int count = 1; count < 21; count++) {
            Map<String, Integer> was = assignment(items, count);
            Map<String, Integer> is = assignment(items, count + 1);
            int moved = 0;
            for (Map.Entry<String, Integer> e : was.entrySet()) {
                int now = is.get(e.getKey());
                if (now != e.getValue()) {
                    assertEquals(count + 1, now, e.getKey() + " moved between old shards going from " + count + " to " + (count + 1));
                    moved++;
                }
            }
            double expected = 3000.0 / (count + 1);
            assertTrue(Math.abs(moved - expected) <= 4 * Math.sqrt(expected), moved + " moved, expected about " + expected);
        }
    }

    @Test
    void theListsOrderDoesNotMatter() {
        List<String> lines = new ArrayList<>(list(500).lines().toList());
        Map<String, Integer> before = assignment(plan(String.join("\n", lines)), 7);
        Collections.shuffle(lines, new Random(12));
        assertEquals(before, assignment(plan(String.join("\n", lines)), 7));
    }

    @Test
    void theSameImageForAnotherPlatformOrNameIsAnotherImage() {
        List<Plan.Item> items = plan("nginx:1\n--platform=linux/arm64 nginx:1\n--name=web nginx:1\n");
        assertEquals(3, java.util.Set.copyOf(items.stream().map(Shard::identity).toList()).size());
    }

    /** SYNC_SHARDS: auto is one shard per 150 images, at most 20; a number as given; never more shards than images. */
    @Test
    void howManyShardsAListGets() {
        assertEquals(1, Shard.count(null, 7));
        assertEquals(1, Shard.count("auto", 150));
        assertEquals(2, Shard.count("auto", 151));
        assertEquals(7, Shard.count(" AUTO ", 1000));
        assertEquals(20, Shard.count("", 3000));
        assertEquals(20, Shard.count("auto", 100_000));
        assertEquals(1, Shard.count("auto", 0));
        assertEquals(4, Shard.count("4", 1000));
        assertEquals(3, Shard.count("50", 3));
        assertEquals(256, Shard.count("256", 1000));
        for (String bad : List.of("0", "257", "-1", "four", "2.5", "9999999999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shard.count(bad, 1000), bad);
            assertEquals("SYNC_SHARDS='" + bad + "': write auto (one shard per 150 images, at most 20) or a number from 1 to 256", e.getMessage());
        }
    }

    @Test
    void parsing() {
        assertEquals(new Shard(2, 4), Shard.parse("2/4"));
        assertEquals(new Shard(1, 1), Shard.parse(" 1 / 1 "));
        assertEquals(new Shard(256, 256), Shard.parse("256/256"));
        assertEquals("2/4", new Shard(2, 4).toString());
        for (String bad : List.of("0/4", "5/4", "4", "a/b", "1/257", "1/0", "-1/4", "1/4/2", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad), bad);
            assertTrue(e.getMessage().contains("I/N"), e.getMessage());
        }
    }

    /** --plan --shard I/N shows that part, offline; the parts of all N are the whole --plan. */
    @Test
    void planShowsEachShardsPartAndThePartsAreTheWholeList(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("images.txt"), list(60));
        Tools.Result whole = Cli.sync(dir, Map.of(), null, null, "--plan");
        assertEquals(0, whole.exit(), whole.all());
        List<String> all = rows(whole.out());
        assertEquals(60, all.size());
        List<String> union = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Tools.Result part = Cli.sync(dir, Map.of("SYNC_SHARD", i + "/3"), null, null, "--plan");
            assertEquals(0, part.exit(), part.all());
            List<String> rows = rows(part.out());
            assertTrue(part.out().contains("shard " + i + "/3: " + rows.size() + " of the list's 60 image(s)"), part.out());
            union.addAll(rows);
        }
        Collections.sort(union);
        List<String> sorted = new ArrayList<>(all);
        Collections.sort(sorted);
        assertEquals(sorted, union);
    }

    @Test
    void aWrongShardIsAUsageErrorThatSaysHowToWriteOne(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("images.txt"), "nginx:1\n");
        Tools.Result r = Cli.sync(dir, Map.of(), null, null, "--plan", "--shard", "3/2");
        assertEquals(2, r.exit());
        assertEquals("sync: --shard / SYNC_SHARD: shard 3/2 does not exist: write I/N with 1 ≤ I ≤ N ≤ 256, e.g. 2/4", r.stderr().strip());
    }

    /** The table rows of --plan: every line that starts with a list line number. */
    static List<String> rows(String out) {
        return out.lines().filter(l -> l.matches("\\d+\\s.*") && l.contains(" → ")).toList();
    }
}
