import support.Tools;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ./jbang builds one script at a time, under a lock that holds the builder's process id: a build killed while
 * holding it (the lock left behind) costs the next run nothing, and a run that must wait for a live build says so.
 */
@Tag("process")
class LauncherLockTest {
    @Test
    void aDeadBuildersLockIsTakenAtOnceALiveOneIsWaitedForAloud(@TempDir Path dir) throws IOException, InterruptedException {
        Path boot = Files.createDirectories(dir.resolve("boot/jbang-cli-" + LauncherTest.VERSION));
        Tools.Result warmUp = Tools.run(List.of(Tools.REPO.resolve("jbang").toString(), "--version"), Tools.cleanEnv(), Tools.REPO, null);
        assertEquals(0, warmUp.exit(), warmUp.all());
        Files.writeString(boot.resolve("classpath.txt"), Files.readString(Path.of(System.getProperty("user.home"),
                ".jbang/bootstrap/jbang-cli-" + LauncherTest.VERSION, "classpath.txt")));
        Files.createDirectories(dir.resolve("scripts/lib"));
        Files.writeString(dir.resolve("scripts/hello.java"), "//SOURCES lib/Greeting.java\npublic class hello {\n"
                + "    public static void main(String[] args) { System.out.println(Greeting.TEXT); }\n}\n");
        Files.writeString(dir.resolve("scripts/lib/Greeting.java"), "class Greeting { static final String TEXT = \"hi\"; }\n");
        Map<String, String> env = Tools.cleanEnv();
        env.put("JBANG_BOOTSTRAP_DIR", dir.resolve("boot").toString());
        env.put("JBANG_DIR", dir.resolve("jbang-home").toString());
        List<String> hello = List.of(Tools.REPO.resolve("jbang").toString(), "scripts/hello.java");
        assertEquals(0, Tools.run(hello, env, dir, null).exit());
        Path launch;
        try (Stream<Path> files = Files.list(boot.resolve("launch"))) {
            launch = files.filter(f -> !f.getFileName().toString().endsWith(".lock")).findFirst().orElseThrow();
        }
        Path lock = boot.resolve("launch").resolve(launch.getFileName() + ".lock");

        // A build killed with kill -9 leaves its lock: the next run (which must ask JBang again) takes it at once.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.delete(launch);
        Files.createDirectories(lock);
        Files.writeString(lock.resolve("pid"), gone.pid() + "\n");
        long start = System.nanoTime();
        Tools.Result taken = Tools.run(hello, env, dir, null);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, taken.exit(), taken.all());
        assertEquals("hi", taken.out().strip());
        assertFalse(taken.stderr().contains("waiting"), taken.stderr());
        assertTrue(seconds < 30, "a dead builder's lock cost " + seconds + " s");
        assertFalse(Files.exists(lock), "the lock is released");

        // A live builder: the run says it waits, and goes on when the builder is done.
        Process builder = new ProcessBuilder("sleep", "3").start();
        Files.delete(launch);
        Files.createDirectories(lock);
        Files.writeString(lock.resolve("pid"), builder.pid() + "\n");
        Thread release = new Thread(() -> {
            try {
                builder.waitFor();
                Files.deleteIfExists(lock.resolve("pid"));
                Files.deleteIfExists(lock);
            } catch (InterruptedException | IOException e) {
                throw new IllegalStateException(e);
            }
        });
        release.start();
        Tools.Result waited = Tools.run(hello, env, dir, null);
        release.join();
        assertEquals(0, waited.exit(), waited.all());
        assertTrue(waited.stderr().contains("jbang: waiting for another build of scripts/hello.java (process " + builder.pid() + ") to finish"),
                waited.stderr());
    }
}
