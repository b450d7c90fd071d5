package lib.sync;

import lib.core.Digest;
import lib.core.Json;
import lib.core.Log;
import lib.list.ImageSpec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each source looked like at the last successful check, so that a HEAD can tell "unchanged" without a
 * manifest GET. It only ever saves requests: an entry alone never decides a copy (the platform manifest is
 * read and checked first, see {@code Syncer}) and a skip needs the target itself to hold the digest.
 * Anything unreadable is a warning and is replaced; two runs on one file merge their entries under a lock.
 */
public final class SyncState {
    /**
     * {@code top}: the digest the source reference resolves to (index or manifest); {@code digest}: its platform image
     * (or the index a line writes); {@code source}: the top manifest's bytes as read, which hash to {@code top} and
     * from which {@code digest} follows, so an entry can prove itself (absent in entries of older versions).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(Digest top, Digest digest, @JsonInclude(JsonInclude.Include.NON_NULL) byte[] source) {
        /** An entry whose digest is its top: nothing more to prove it (see SourceResolver.proves). */
        public Entry(Digest top, Digest digest) {
            this(top, digest, null);
        }

        /** Read from a file: what is not a digest reads as null, and such an entry is left out. */
        boolean usable() {
            return top != null && digest != null;
        }
    }

    private final Path file;
    private final Map<String, Entry> entries;
    private final Map<String, Entry> changed = new ConcurrentHashMap<>();
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();

    private SyncState(Path file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = new ConcurrentHashMap<>(entries);
    }

    public static String key(ImageSpec spec) {
        return spec.source().display() + " " + spec.platform();
    }

    /** A missing file is an empty state; an unreadable one too, with a warning (it is only a cache). */
    public static SyncState load(Path file, Log log) {
        if (file == null || !Files.exists(file)) {
            return new SyncState(file, Map.of());
        }
        if (Files.isDirectory(file)) {
            // Said once: a directory can be neither read nor replaced, so this run keeps no state at all.
            log.warn("--state / SYNC_STATE " + file + " is a directory: this run keeps no state and checks every source in full; "
                    + "give a file path, e.g. " + file.resolve("state.json"));
            return new SyncState(null, Map.of());
        }
        try {
            return new SyncState(file, read(file));
        } catch (IOException | RuntimeException e) {
            log.warn("the state file " + file + " is unreadable (" + firstLine(e) + "); it is replaced at the end of the run, "
                    + "and until then every source is checked in full");
            return new SyncState(file, Map.of());
        }
    }

    /** Entries of a state file: {"images": {key: {top, digest}}}; anything else is an error. Unusable entries are left out. */
    private static Map<String, Entry> read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("it is a directory");
        }
        JsonNode images = Json.MAPPER.readTree(file.toFile());
        images = images == null ? null : images.get("images");
        if (images == null || !images.isObject()) {
            throw new IOException("no \"images\" object in it");
        }
        Map<String, Entry> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = images.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isObject()) {
                Entry entry = Json.MAPPER.treeToValue(e.getValue(), Entry.class);
                if (entry.usable()) {
                    out.put(e.getKey(), entry);
                }
            }
        }
        return out;
    }

    public Entry get(ImageSpec spec) {
        return entries.get(key(spec));
    }

    public void put(ImageSpec spec, Entry entry) {
        entries.put(key(spec), entry);
        changed.put(key(spec), entry);
        dropped.remove(key(spec));
    }

    /** Forgets an entry that turned out wrong, here and in the file at the next save. */
    public void drop(ImageSpec spec) {
        entries.remove(key(spec));
        changed.remove(key(spec));
        dropped.add(key(spec));
    }

    /**
     * Merges this run's changes into the file as it is now (another run may have saved meanwhile), under a lock
     * beside it, through a temporary file moved into place, so a run that dies never leaves half a state.
     */
    public void save() throws IOException {
        if (file == null) {
            return;
        }
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory; give --state a file path");
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        try (FileChannel lockFile = FileChannel.open(dir.resolve(file.getFileName() + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.lock()) {
            Map<String, Entry> merged = new TreeMap<>();
            try {
                merged.putAll(read(file));
            } catch (IOException | RuntimeException e) {
                // Missing or unreadable: this run's entries replace it.
            }
            merged.keySet().removeAll(dropped);
            merged.putAll(changed);
            Path tmp = Files.createTempFile(dir, ".state-", ".json");
            try {
                Json.MAPPER.writeValue(tmp.toFile(), Map.of("version", 2, "images", merged));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
