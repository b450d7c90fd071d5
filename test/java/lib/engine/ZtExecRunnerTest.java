package lib.engine;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A process's output is kept up to its cap: a tool that prints without end (as skopeo list-tags could) fills no heap. */
@Tag("process")
class ZtExecRunnerTest {
    static ProcessRunner.Result run(String script) {
        return new ZtExecRunner().run(new ProcessRunner.Command(List.of("sh", "-c", script), Duration.ofMinutes(1)));
    }

    @Test
    void anOutputOverItsCapIsReadToTheEndAndDropped() {
        ProcessRunner.Result whole = run("head -c 1048576 /dev/zero");
        assertTrue(whole.ok(), whole.stderr());
        assertEquals(1024 * 1024, whole.stdout().length);

        long start = System.nanoTime();
        ProcessRunner.Result big = run("head -c 200000000 /dev/zero; echo done >&2");
        assertFalse(big.ok());
        assertEquals("sh -c printed more than 16 MiB, the most this tool reads", big.stderr());
        assertEquals(0, big.stdout().length);
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(30)) < 0, "the child was not left blocked on its pipe");

        ProcessRunner.Result noisy = run("head -c 5000000 /dev/zero >&2; exit 3");
        assertEquals(3, noisy.exit());
        assertEquals(ZtExecRunner.MAX_ERRORS, noisy.stderr().length(), "the first MiB of the diagnostics");
    }
}
