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
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BinaryOperator;

/**
 * What each source looked like at the last successful check, so that a HEAD can tell "unchanged" without a
 * manifest GET. It only ever saves requests: an entry alone never decides a copy (the platform manifest is
 * read and checked first, see {@code Syncer}) and a skip needs the target itself to hold the digest.
 * Anything unreadable is a warning and is replaced; two runs on one file merge their entries under a lock.
 * Beside the images, "written" remembers per target registry what it takes of a multi-platform line once it
 * refused more (see {@link Written}), so that it is not asked again.
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
    /** Of two things a registry was found to take, the one tried later: it refused the other. */
    private static final BinaryOperator<Written> FURTHER = BinaryOperator.maxBy(Comparator.naturalOrder());

    /** Per target registry, what it takes of a multi-platform line once it refused more (see {@link Written}). */
    private final Map<String, Written> written;

    private SyncState(Path file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = new ConcurrentHashMap<>(entries);
        this.written = new ConcurrentHashMap<>(file == null ? Map.of() : written(file));
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

    /**
     * The state file's "written": target registry → what it takes. Absent in files of older versions; what cannot be read
     * (another shape, a label of a newer version) is left out, so the registry is simply tried from the start.
     */
    private static Map<String, Written> written(Path file) {
        Map<String, Written> out = new HashMap<>();
        try {
            JsonNode known = Json.MAPPER.readTree(file.toFile()).path("written");
            for (Iterator<Map.Entry<String, JsonNode>> it = known.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Written form = Written.of(e.getValue().asText());
                if (form != null) {
                    out.put(e.getKey(), form);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unreadable: load() has said so already, for the images.
        }
        return out;
    }

    /** What {@code registry} takes of a multi-platform line: the index, unless it refused that in this run or an earlier one. */
    public Written written(String registry) {
        return written.getOrDefault(registry, Written.INDEX);
    }

    /** {@code registry} refused what it was given: later lines there start from {@code next}, in this run and the next ones. */
    public void refused(String registry, Written next) {
        written.merge(registry, next, FURTHER);
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
            Map<String, Written> forms = new TreeMap<>(written(file));
            written.forEach((registry, form) -> forms.merge(registry, form, FURTHER));
            Path tmp = Files.createTempFile(dir, ".state-", ".json");
            try {
                Json.MAPPER.writeValue(tmp.toFile(), forms.isEmpty() ? Map.of("version", 2, "images", merged)
                        : Map.of("version", 2, "images", merged, "written", forms));
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
