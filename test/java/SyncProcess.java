

import support.Tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * ./jbang scripts/sync.java in a process of its own, for what an in-process run cannot show (a small heap, two runs at
 * once, a run that would hang): started in a directory of its own, then given a bounded time, past which it is killed
 * and the test fails rather than hangs.
 */
final class SyncProcess {
    private SyncProcess() {}

    /**
     * FaultTest's settings with a target namespace of the caller's, and the launcher's JBang from the user's cache, as
     * a user's second run has it (the run's HOME is {@code work}, where there is none).
     */
    static Map<String, String> env(Path work, String sourceHost, String targetHost, String namespace) {
        Map<String, String> env = FaultTest.env(work, sourceHost, targetHost);
        env.put("ALIYUN_NAMESPACE", namespace);
        env.put("JBANG_BOOTSTRAP_DIR", Path.of(System.getProperty("user.home"), ".jbang", "bootstrap").toString());
        return env;
    }

    /** A run to aliyun reporting to r.json in {@code work}, its output in out.log and err.log there. */
    static Process start(Path work, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Tools.REPO.resolve("jbang").toString(), Tools.REPO.resolve("scripts/sync.java").toString(),
                "--to", "aliyun", "--report", "r.json"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(work.resolve("out.log").toFile()).redirectError(work.resolve("err.log").toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }

    /** How it ended, once it did within {@code limit}, with a report and neither a secret nor a stack trace printed. */
    static Tools.Result finish(Process p, Path work, Duration limit) throws Exception {
        boolean ended = p.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
        Tools.Result r = new Tools.Result(ended ? p.exitValue() : -1, Files.readAllBytes(work.resolve("out.log")), Files.readString(work.resolve("err.log")));
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            fail("the run was still going after " + limit.toSeconds() + "s:\n" + r.all());
        }
        assertFalse(r.all().contains(FaultTest.PASSWORD) || r.all().contains("\tat "), r.all());
        assertTrue(Files.exists(work.resolve("r.json")), "no report was written:\n" + r.all());
        return r;
    }
}
