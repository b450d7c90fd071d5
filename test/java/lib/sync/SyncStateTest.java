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
