package lib.sync;

import lib.core.Digest;
import lib.core.Platforms;
import lib.list.ImageList;
import lib.list.ImageSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state file as a cache: unreadable is empty (with a warning), saves merge with other runs, drops are kept. */
class SyncStateTest {
    static final Digest D1 = new Digest("sha256:" + "1".repeat(64));
    static final Digest D2 = new Digest("sha256:" + "2".repeat(64));

    static ImageSpec spec(String image) {
        return ImageList.parseLine(1, image, Platforms.DEFAULT, "docker.io");
    }

    @Test
    void twoRunsThatLoadedTheSameFileKeepEachOthersEntries(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.json");
        SyncState first = SyncState.load(file, w -> { });
        SyncState second = SyncState.load(file, w -> { });
        first.put(spec("a:1"), new SyncState.Entry(D1, D1));
        first.save();
        second.put(spec("b:1"), new SyncState.Entry(D2, D2));
        second.save();
        SyncState after = SyncState.load(file, w -> { });
        assertEquals(new SyncState.Entry(D1, D1), after.get(spec("a:1")), "the first run's entry survived the second run's save");
        assertEquals(new SyncState.Entry(D2, D2), after.get(spec("b:1")));

        after.drop(spec("a:1"));
        after.save();
        assertNull(SyncState.load(file, w -> { }).get(spec("a:1")), "a dropped entry is gone from the file too");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("state.json", "state.json.lock"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    static ImageResult image(String name, Status aliyun, Status ghcr) {
        return new ImageResult(1, "docker.io/library/" + name, name, "docker.io/library/" + name, "1", null, "linux/amd64", null, null,
                List.of(target("aliyun", aliyun), target("ghcr", ghcr)), null);
    }

    static TargetResult target(String id, Status status) {
        TargetResult.At at = new TargetResult.At(id, "reg.example/" + id + "/x:1", null, 0);
        return switch (status) {
            case FAILED -> at.failed(lib.core.SyncError.Kind.NOT_FOUND, "not found", null);
            case SKIPPED -> at.skipped("digest", "sha256:1");
            case DEFERRED -> at.deferred();
            default -> at.copied("new", "sha256:1");
        };
    }

    static TargetResult.Failing failing(List<ImageResult> results, int image, int target) {
        return results.get(image).targets().get(target).failing();
    }

    /**
     * Failures are remembered per image and target from run to run, through the file: the first failed run begins the
     * row, each failed run adds one, a success ends it, a deferred run leaves it; a row as old as SYNC_FAILING_DAYS is
     * chronic. A state file written before failures were remembered reads with none.
     */
    @Test
    void failuresAreCountedFromRunToRunAndASuccessForgetsThem(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "{\"version\":2,\"images\":{\"docker.io/library/a:1 linux/amd64\":{\"top\":\"" + D1 + "\",\"digest\":\"" + D1 + "\"}}}");
        java.time.LocalDate day = java.time.LocalDate.of(2026, 12, 1);
        for (int run = 1; run <= 8; run++) {
            SyncState state = SyncState.load(file, w -> { });
            List<ImageResult> results = state.remember(List.of(image("a:1", Status.FAILED, Status.SKIPPED),
                    image("b:1", Status.FAILED, run == 2 ? Status.DEFERRED : Status.FAILED)), day.plusDays(run - 1), 7);
            state.save();
            assertEquals(new TargetResult.Failing("2026-12-01", run, run == 8), failing(results, 0, 0), "run " + run);
            assertNull(failing(results, 0, 1));
            assertEquals(run == 2 ? null : new TargetResult.Failing("2026-12-01", run == 1 ? 1 : run - 1, run == 8), failing(results, 1, 1), "run " + run);
            assertEquals(new SyncState.Entry(D1, D1), state.get(spec("a:1")), "the entries are kept beside the failures");
        }
        SyncState healed = SyncState.load(file, w -> { });
        List<ImageResult> ok = healed.remember(List.of(image("a:1", Status.SKIPPED, Status.SKIPPED)), day.plusDays(8), 7);
        healed.save();
        assertNull(failing(ok, 0, 0));
        List<ImageResult> again = SyncState.load(file, w -> { }).remember(List.of(image("a:1", Status.FAILED, Status.SKIPPED)), day.plusDays(9), 7);
        assertEquals(new TargetResult.Failing("2026-12-10", 1, false), failing(again, 0, 0), "a success began a new row");
        assertTrue(Files.readString(file).contains("\"docker.io/library/b:1 linux/amd64\":{\"aliyun\":{\"since\":\"2026-12-01\",\"runs\":8}"),
                Files.readString(file));
    }

    /**
     * The finishing job's merge: each shard started from the same whole state and changed only its own images, so
     * what differs from that base is a shard's work and wins; an unreadable shard state is skipped with a warning.
     */
    @Test
    void theShardsStatesMergeIntoTheWholeTheyStartedFrom(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole.json");
        java.time.LocalDate day = java.time.LocalDate.of(2026, 12, 1);
        SyncState base = SyncState.load(whole, w -> { });
        base.put(spec("a:1"), new SyncState.Entry(D1, D1));
        base.put(spec("b:1"), new SyncState.Entry(D1, D1));
        base.remember(List.of(image("d:1", Status.FAILED, Status.SKIPPED)), day, 7);
        base.save();
        Path one = Files.copy(whole, dir.resolve("one.json"));
        Path two = Files.copy(whole, dir.resolve("two.json"));
        SyncState first = SyncState.load(one, w -> { });
        first.put(spec("a:1"), new SyncState.Entry(D2, D2));
        first.remember(List.of(image("c:1", Status.FAILED, Status.FAILED)), day.plusDays(1), 7);
        first.save();
        SyncState second = SyncState.load(two, w -> { });
        second.put(spec("e:1"), new SyncState.Entry(D2, D1));
        second.remember(List.of(image("d:1", Status.SKIPPED, Status.SKIPPED)), day.plusDays(1), 7);
        second.save();
        Path broken = Files.writeString(dir.resolve("broken.json"), "{");
        List<String> warnings = new ArrayList<>();

        assertEquals(2, SyncState.merge(whole, List.of(one, two, broken), warnings::add));
        SyncState merged = SyncState.load(whole, w -> { });
        assertEquals(new SyncState.Entry(D2, D2), merged.get(spec("a:1")), "the first shard's new digest");
        assertEquals(new SyncState.Entry(D1, D1), merged.get(spec("b:1")), "kept from the base");
        assertEquals(new SyncState.Entry(D2, D1), merged.get(spec("e:1")), "the second shard's new image");
        List<ImageResult> next = merged.remember(List.of(image("c:1", Status.FAILED, Status.FAILED), image("d:1", Status.FAILED, Status.SKIPPED)),
                day.plusDays(2), 7);
        assertEquals(new TargetResult.Failing("2026-12-02", 2, false), failing(next, 0, 0), "the first shard's failure is remembered");
        assertEquals(new TargetResult.Failing("2026-12-03", 1, false), failing(next, 1, 0), "the second shard's success ended d:1's row");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(broken + " is unreadable"), warnings.toString());
    }

    @Test
    void unusableEntriesAndOldFieldsAreIgnored(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "{\"version\":1,\"images\":{\"docker.io/library/a:1 linux/amd64\":{\"top\":\"" + D1 + "\",\"digest\":\"" + D2
                + "\",\"created\":\"2024-01-01T00:00:00Z\",\"os\":\"linux\"},\"docker.io/library/b:1 linux/amd64\":{\"top\":\"x\"},\"c\":5}}");
        List<String> warnings = new ArrayList<>();
        SyncState state = SyncState.load(file, warnings::add);
        assertEquals(List.of(), warnings);
        assertEquals(new SyncState.Entry(D1, D2), state.get(spec("a:1")));
        assertNull(state.get(spec("b:1")));
    }

    @Test
    void aDirectoryIsNeitherReadNorWrittenAndSaysSo(@TempDir Path dir) throws IOException {
        Path file = Files.createDirectory(dir.resolve("state.json"));
        List<String> warnings = new ArrayList<>();
        SyncState state = SyncState.load(file, warnings::add);
        assertEquals(List.of("--state / SYNC_STATE " + file + " is a directory: this run keeps no state and checks every source in full; "
                + "give a file path, e.g. " + file.resolve("state.json")), warnings, "one message, not 'replaced at the end' then 'could not save'");
        state.put(spec("a:1"), new SyncState.Entry(D1, D1));
        state.save();
        try (var inside = Files.list(file)) {
            assertEquals(0, inside.count(), "nothing was written into the directory");
        }
    }

    /**
     * What a target registry takes of a multi-platform line is remembered across runs; two runs merge, the one that had
     * to give less wins (it was refused more); a label of a newer version and a file of an older one read as "index".
     */
    @Test
    void whatATargetTakesIsRememberedAndMerged(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.json");
        SyncState first = SyncState.load(file, w -> { });
        SyncState second = SyncState.load(file, w -> { });
        assertEquals(Written.INDEX, first.written("swr.example"));
        first.refused("swr.example", Written.INDEX_WITHOUT_ATTESTATIONS);
        first.refused("swr.example", Written.INDEX_WITHOUT_ATTESTATIONS);
        assertEquals(Written.INDEX_WITHOUT_ATTESTATIONS, first.written("swr.example"), "at once, for the rest of the run");
        first.refused("acr.example", Written.DOCKER_LIST);
        first.save();
        second.refused("swr.example", Written.DOCKER_LIST);
        second.refused("acr.example", Written.INDEX_WITHOUT_ATTESTATIONS);
        second.save();
        SyncState after = SyncState.load(file, w -> { });
        assertEquals(Written.DOCKER_LIST, after.written("swr.example"));
        assertEquals(Written.DOCKER_LIST, after.written("acr.example"));
        assertEquals(Written.INDEX, after.written("ghcr.io"));

        Files.writeString(file, "{\"version\":2,\"images\":{},\"written\":{\"a.example\":\"oci-artifact\",\"b.example\":\"docker-list\",\"c.example\":7}}");
        SyncState mixed = SyncState.load(file, w -> { });
        assertEquals(Written.INDEX, mixed.written("a.example"));
        assertEquals(Written.DOCKER_LIST, mixed.written("b.example"));
        assertEquals(Written.INDEX, mixed.written("c.example"));
        Files.writeString(file, "{\"version\":2,\"images\":{}}");
        assertEquals(Written.INDEX, SyncState.load(file, w -> { }).written("b.example"), "a file of an older version");
    }
}
