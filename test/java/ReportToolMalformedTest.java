import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** report.java, in this JVM, on reports that are not what sync.java writes: exit 2 with one line, never a stack trace. */
class ReportToolMalformedTest {
    record Run(int exit, String out, String err) {}

    static Run report(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        picocli.CommandLine cli = report.commandLine();
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "{}", "[]", "{\"images\":null}", "{\"images\":[null]}", "{\"images\":[{\"source\":\"a\"}]}",
            "{\"images\":[{\"source\":\"a\",\"platform\":\"linux/amd64\"}]}", "{\"images\":[{\"source\":\"a\",\"platform\":\"linux/amd64\",\"targets\":[null]}]}",
            "{\"images\":[{\"source\":\"a\",\"platform\":\"linux/amd64\",\"targets\":[{\"target\":\"aliyun\"}]}]}",
            "{\"images\":[{\"source\":\"a\",\"platform\":\"linux/amd64\",\"targets\":[{\"target\":\"aliyun\",\"status\":\"exploded\"}]}]}", "not json"})
    void aMalformedReportIsExitTwoWithOneLine(String content, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("r.json"), content);
        for (Run r : new Run[]{report("summary", file.toString()), report("merge", "--out", dir.resolve("m.json").toString(), file.toString())}) {
            assertEquals(2, r.exit(), content + ": " + r.err());
            assertTrue(r.err().startsWith("error: " + file + " is not a"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        }
        assertFalse(Files.exists(dir.resolve("m.json")), "nothing written");
    }

    /** A report with images but no summary (or none at all) is counted from its images, as sync.java would have. */
    @Test
    void aReportWithoutASummaryIsCountedFromItsImages(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.json"), "{\"images\":[]}");
        Run r = report("summary", empty.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("### Image sync: 0 copied, 0 skipped, 0 failed"), r.out());
        Path one = Files.writeString(dir.resolve("one.json"), "{\"images\":[{\"line\":1,\"source\":\"docker.io/library/a:1\",\"platform\":\"linux/amd64\","
                + "\"targets\":[{\"target\":\"aliyun\",\"image\":\"r/ns/a:1\",\"status\":\"failed\",\"error\":\"boom\",\"stats\":null}]}],\"stats\":null}");
        Run merged = report("merge", "--out", dir.resolve("m.json").toString(), one.toString(), empty.toString());
        assertEquals(0, merged.exit(), merged.err());
        assertTrue(merged.out().contains("0 copied, 0 skipped, 1 failed"), merged.out());
    }
}
