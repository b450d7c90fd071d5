package lib.report;

import lib.sync.Status;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the console shows where nobody watches a terminal. */
class ConsoleTest {
    @Test
    void withoutATerminalThereIsNoColourAndNoProgressLine(@TempDir Path tmp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8), false);
        console.progress("1/2 images");
        console.info("line");
        assertEquals("line\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("copied", console.colour(Status.COPIED, "copied"));
        Console actions = new Console(new PrintStream(out), new PrintStream(out), true, true);
        assertEquals("failed", actions.colour(Status.FAILED, "failed"), "never in GitHub Actions");
    }
}
