import support.OldReports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * catalog.java in this JVM with a report sync 0.2.0 wrote, which does not name its images: --images names them as the
 * list writes them, as 0.2.0 did. A report of this version names its own (CatalogRunTest runs one without a list).
 */
class CatalogCommandTest {
    static int catalog(Path mirrors, String images) {
        return new CommandLine(new catalog()).execute("--report", OldReports.V020.toString(), "--images", images, "--time", "2026-11-28T05:00:00Z",
                mirrors.toString());
    }

    @Test
    void anOlderReportIsNamedByItsList(@TempDir Path dir) throws IOException {
        Path mirrors = dir.resolve("MIRRORS.md");
        assertEquals(0, catalog(mirrors, OldReports.V020_LIST.toString()));
        assertEquals(lib.report.CatalogTest.asThisVersionWritesIt(Files.readString(OldReports.V020.resolveSibling("sync-0.2.0.MIRRORS.md"))), Files.readString(mirrors));
    }

    @Test
    void withoutItsListAnOlderReportIsNamedByItsReferences(@TempDir Path dir) throws IOException {
        Path mirrors = dir.resolve("MIRRORS.md");
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, catalog(mirrors, dir.resolve("absent.txt").toString()));
        } finally {
            System.setErr(stderr);
        }
        String warning = err.toString(StandardCharsets.UTF_8);
        assertTrue(warning.startsWith("warning: ") && warning.contains("naming the images as the report does"), warning);
        assertTrue(Files.readString(mirrors).contains("| `mirror.example/library/nginx:1.27` | linux/amd64 |"), Files.readString(mirrors));
    }
}
