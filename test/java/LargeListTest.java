import support.Tools;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A thousand-line list, planned as a user plans it, in a JVM of 128 MB: memory must not grow with the list. */
@Tag("process")
class LargeListTest {
    @Test
    void aThousandImagePlanAndEachOfItsShardsFitIn128Megabytes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("images.txt"), ShardTest.list(1000));
        Map<String, String> env = Tools.cleanEnv();
        env.put("JAVA_TOOL_OPTIONS", "-Xmx128m");
        Tools.Result plan = run(dir, env, "--plan");
        assertTrue(plan.stderr().contains("Picked up JAVA_TOOL_OPTIONS: -Xmx128m") || plan.out().contains("Picked up JAVA_TOOL_OPTIONS: -Xmx128m"), plan.all());
        assertEquals(1000, ShardTest.rows(plan.out()).size());
        assertTrue(plan.out().contains("1000 image(s)"), plan.out());

        int total = 0;
        for (int i = 1; i <= 7; i++) {
            Tools.Result part = run(dir, env, "--plan", "--shard", i + "/7");
            int rows = ShardTest.rows(part.out()).size();
            assertTrue(part.out().contains("shard " + i + "/7: " + rows + " of the list's 1000 image(s)"), part.out());
            total += rows;
        }
        assertEquals(1000, total);
    }

    static Tools.Result run(Path dir, Map<String, String> env, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Tools.REPO.resolve("jbang").toString(), Tools.REPO.resolve("scripts/sync.java").toString()));
        cmd.addAll(List.of(args));
        Tools.Result r = Tools.run(cmd, env, dir, null);
        assertEquals(0, r.exit(), r.all());
        assertFalse(r.all().contains("OutOfMemoryError"), r.all());
        return r;
    }
}
