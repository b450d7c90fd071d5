package lib.report;

import lib.sync.ImageResult;
import lib.sync.Status;
import lib.sync.TargetResult;
import support.Tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The step summary at any size: a small run's is the table it always was (test/reports/summary-10.md is what the
 * version before the size limit printed for SyntheticReports.of(10)); a run too big for GitHub's 1 MiB keeps every
 * failure and change, counts the unchanged rows per target, lists as many as fit and says how many it left out.
 */
class SummaryTest {
    @Test
    void aSmallRunsSummaryIsTheTableItAlwaysWas() throws IOException {
        assertEquals(Files.readString(Tools.REPO.resolve("test/reports/summary-10.md")), Summary.markdown(SyntheticReports.of(10)));
    }

    @Test
    void threeThousandImagesAtTwoTargetsFitWithEveryFailureAndChangeInFull() {
        Report report = SyntheticReports.of(3000);
        String md = Summary.markdown(report);
        int bytes = md.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes < 1_000_000 && bytes > 900_000, bytes + " bytes");
        long rows = 0;
        for (ImageResult image : report.images()) {
            for (TargetResult t : image.targets()) {
                if (t.status() != Status.SKIPPED) {
                    assertTrue(md.contains("`" + t.image() + "` | " + t.status().label + (t.error() == null ? " (" + t.reason() + ")" : ": " + t.error())),
                            t.image() + " is not in full in the summary");
                    rows++;
                }
            }
        }
        assertEquals(300 * 2 + 100 * 2, rows);
        int listed = md.split("\\| skipped \\(digest\\) \\|", -1).length - 1;
        assertTrue(md.contains("| aliyun | 2600 |\n| ghcr | 2600 |\n"), md.substring(0, 400));
        assertTrue(md.contains("\n" + (5200 - listed) + " of 6000 row(s) left out to keep this summary under GitHub's size limit: "
                + "the full table is in the report, the run's `sync-report` artifact (sync-report.json).\n"), "no left-out line");
        assertTrue(listed > 4000, listed + " unchanged rows listed");
        // Failures come before changes, and both before the unchanged rows.
        assertTrue(md.indexOf("| failed:") < md.indexOf("| copied (new)") && md.lastIndexOf("| copied (new)") < md.indexOf("#### Unchanged"));
        assertTrue(md.endsWith("Pull quota at `registry-1.docker.io`: 180 of 200 left at the start, 170 at the end.\n\n"));
    }

    @Test
    void anyLimitIsKeptEvenWhenFailuresAloneWouldNotFit() {
        Report report = SyntheticReports.of(300);
        for (int limit : List.of(5_000, 20_000, 60_000)) {
            String md = Summary.markdown(report, limit);
            assertTrue(md.getBytes(StandardCharsets.UTF_8).length < limit, limit + ": " + md.length());
            assertTrue(md.contains("row(s) left out"), md);
        }
    }
}
