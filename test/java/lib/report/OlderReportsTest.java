package lib.report;

import lib.core.ImageRef;
import lib.core.Json;
import lib.core.Platforms;
import lib.list.ImageList;
import lib.list.ImageSpec;
import lib.sync.ImageResult;
import lib.sync.TargetResult;
import support.OldReports;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A report sync 0.2.0 wrote (before "kind" and the image names) is read as that version read it: its step summary, its
 * notification and its catalog (CatalogTest) are what 0.2.0 made of it (test/reports, made by that version's code),
 * and its shards still merge, with each other and with a report of this version.
 */
class OlderReportsTest {
    static Report old() throws IOException {
        return Report.read(OldReports.V020);
    }

    static Path made(String name) {
        return OldReports.V020.resolveSibling("sync-0.2.0." + name);
    }

    @Test
    void itReadsWithoutTheFieldsItPredates() throws IOException {
        Report old = old();
        assertEquals(11, old.images().size());
        ImageResult first = old.images().get(0);
        assertNull(first.name());
        assertNull(first.targets().get(0).repository());
        assertTrue(old.images().stream().flatMap(i -> i.targets().stream()).allMatch(t -> t.kind() == null));
        assertTrue(old.images().stream().flatMap(i -> i.targets().stream()).allMatch(t -> t.written() == null), "nothing said what was written");
    }

    /** A "written" this version does not know (a newer one's) reads as unknown, as an unknown "kind" does. */
    @Test
    void aNewerWrittenReadsAsUnknown() throws IOException {
        TargetResult t = Json.MAPPER.readValue("{\"target\":\"aliyun\",\"status\":\"copied\",\"written\":\"oci-artifact\"}", TargetResult.class);
        assertNull(t.written());
        assertEquals(lib.sync.Written.DOCKER_LIST, Json.MAPPER.readValue("{\"written\":\"docker-list\"}", TargetResult.class).written());
    }

    @Test
    void itsStepSummaryIsTheOneThatVersionPrinted() throws IOException {
        assertEquals(Files.readString(made("summary.md")), Summary.markdown(old()));
    }

    @Test
    void itsNotificationIsTheOneThatVersionSent() throws IOException {
        Webhook.Message m = new Webhook.Message("failure", "me/images", "https://github.com/me/images/actions/runs/42", old(), false);
        assertEquals(Files.readString(made("webhook.json")).strip(),
                Webhook.build(Webhook.Kind.GENERIC, "https://example.com/hook", m, Webhook.Lang.EN, null, 0).body());
    }

    /** Split in two and merged again, it is itself: written back, its images are the file's, field for field, nothing added. */
    @Test
    void itsHalvesMergeIntoItself(@TempDir Path dir) throws IOException {
        Report old = old();
        List<ImageResult> images = old.images();
        Report merged = Merge.of(List.of(Report.of(images.subList(5, images.size())), Report.of(images.subList(0, 5))), List.of("b", "a"));
        assertEquals(old.summary(), merged.summary());
        merged.write(dir.resolve("merged.json"));
        JsonNode written = Json.MAPPER.readTree(dir.resolve("merged.json").toFile());
        assertEquals(Json.MAPPER.readTree(OldReports.V020.toFile()).path("images"), written.path("images"));
    }

    /** A shard of this version and one of 0.2.0 (a runner that had not updated) merge; each image keeps what it has. */
    @Test
    void itMergesWithAReportOfThisVersion() throws IOException {
        Report old = old();
        ImageSpec spec = ImageList.parseLine(20, "alpine:3.20", Platforms.DEFAULT, ImageRef.DOCKER_HUB);
        ImageResult fresh = ImageResult.of(spec, List.of(new TargetResult.At("aliyun", "reg.example/ns/alpine:3.20", spec.targetName(), System.nanoTime())
                .copied("new", "sha256:1")));
        Report merged = Merge.of(List.of(old, Report.of(List.of(fresh))), List.of("old", "new"));
        assertEquals(old.summary().copied() + 1, merged.summary().copied());
        assertEquals(old.images().subList(0, 10), merged.images().subList(0, 10));
        assertEquals(fresh, merged.images().get(10), "list order: line 20 after line 9");
        assertEquals("alpine", merged.images().get(10).name());
        assertEquals(old.images().get(10), merged.images().get(11), "the command-line image last");
    }
}
