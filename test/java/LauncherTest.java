import support.Tools;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ./jbang remembers the command JBang prints for a script and runs it without JBang's own JVM until the script,
 * a file it sources, JBang or the JDK changes. Proved by breaking JBang's class path after the first run: a second
 * run still works, a changed source does not (it needs JBang), and a removed build falls back to JBang.
 */
@Tag("process")
class LauncherTest {
    static final String VERSION = "0.132.1";

    @Test
    void aBuiltScriptRunsWithoutJBangsJvmUntilASourceChanges(@TempDir Path dir) throws IOException {
        Path boot = dir.resolve("boot/jbang-cli-" + VERSION);
        Files.createDirectories(boot);
        Path bootstrapped = Path.of(System.getProperty("user.home"), ".jbang/bootstrap/jbang-cli-" + VERSION, "classpath.txt");
        Tools.Result warmUp = Tools.run(List.of(Tools.REPO.resolve("jbang").toString(), "--version"), Tools.cleanEnv(), Tools.REPO, null);
        assertEquals(0, warmUp.exit(), warmUp.all());
        String classpath = Files.readString(bootstrapped);
        Files.writeString(boot.resolve("classpath.txt"), classpath);
        Path scripts = Files.createDirectories(dir.resolve("scripts/lib"));
        Files.writeString(dir.resolve("scripts/hello.java"), """
                //SOURCES lib/Greeting.java
                public class hello {
                    public static void main(String[] args) {
                        System.out.println(Greeting.TEXT + " " + String.join("|", args));
                    }
                }
                """);
        Path greeting = scripts.resolve("Greeting.java");
        Files.writeString(greeting, "class Greeting { static final String TEXT = \"hi\"; }\n");
        Map<String, String> env = Tools.cleanEnv();
        env.put("JBANG_BOOTSTRAP_DIR", dir.resolve("boot").toString());
        env.put("JBANG_DIR", dir.resolve("jbang-home").toString());

        assertEquals("hi a|b c|it's", hello(dir, env, 0));
        Path launch;
        try (Stream<Path> remembered = Files.list(boot.resolve("launch"))) {
            List<Path> files = remembered.toList();
            assertEquals(1, files.size(), files.toString());
            launch = files.get(0);
        }

        // JBang cannot start any more: only a run that needs no JBang JVM still works.
        Files.writeString(boot.resolve("classpath.txt"), dir.resolve("no-such.jar").toString());
        assertEquals("hi a|b c|it's", hello(dir, env, 0));
        Files.writeString(greeting, "class Greeting { static final String TEXT = \"hello\"; }\n");
        assertTrue(hello(dir, env, 1).contains("dev.jbang.Main"), "a changed source ran without JBang");

        Files.writeString(boot.resolve("classpath.txt"), classpath);
        assertEquals("hello a|b c|it's", hello(dir, env, 0));

        // The build it remembers is gone (a cleared JBang cache): JBang builds it again.
        String remembered = Files.readString(launch);
        Path jars = dir.resolve("jbang-home/cache/jars");
        try (Stream<Path> builds = Files.walk(jars)) {
            for (Path p : builds.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        assertEquals("hello a|b c|it's", hello(dir, env, 0));
        assertNotEquals(List.of(), List.of(jars.toFile().list()), "JBang did not build again");
        assertTrue(remembered.contains("-classpath"), remembered);
    }

    static String hello(Path dir, Map<String, String> env, int exit) {
        List<String> cmd = new ArrayList<>(List.of(Tools.REPO.resolve("jbang").toString(), "scripts/hello.java", "a", "b c", "it's"));
        Tools.Result r = Tools.run(cmd, env, dir, null);
        assertEquals(exit, r.exit(), r.all());
        return exit == 0 ? r.out().strip() : r.all();
    }
}
