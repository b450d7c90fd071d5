import com.fasterxml.jackson.core.type.TypeReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What each source looked like at the last successful check, so that a HEAD can tell "unchanged" without a
 * manifest GET. It only ever saves requests: the target is always asked, so a stale or wrong entry cannot
 * cause a wrong skip.
 */
public final class SyncState {
    /** {@code top}: the digest the source reference resolves to (index or manifest); the rest: its platform image, null where never read. */
    public record Entry(String top, String digest, String config, String created, String os, String arch, String variant) {}

    private final Path file;
    private final Map<String, Entry> entries;

    private SyncState(Path file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = new ConcurrentHashMap<>(entries);
    }

    public static String key(ImageSpec spec) {
        return spec.source().display() + " " + spec.platform();
    }

    /** A missing file is an empty state; an unreadable one too, with a warning (it is only a cache). */
    public static SyncState load(Path file, Consumer<String> warn) {
        if (file == null || !Files.isRegularFile(file)) {
            return new SyncState(file, Map.of());
        }
        try {
            Map<String, Entry> read = Json.MAPPER.convertValue(Json.MAPPER.readTree(file.toFile()).path("images"), new TypeReference<>() {});
            read.values().removeIf(e -> e == null || e.top() == null || e.digest() == null);
            return new SyncState(file, read);
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
            warn.accept("the state file " + file + " is unreadable and will be rewritten (" + e.getMessage().lines().findFirst().orElse("") + ")");
            return new SyncState(file, Map.of());
        }
    }

    public Entry get(ImageSpec spec) {
        return entries.get(key(spec));
    }

    public void put(ImageSpec spec, Entry entry) {
        entries.put(key(spec), entry);
    }

    /** Written to a temporary file and moved into place, so a run that dies never leaves half a state. */
    public void save() throws IOException {
        if (file == null) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".state-", ".json");
        Json.MAPPER.writeValue(tmp.toFile(), Map.of("version", 1, "images", new TreeMap<>(entries)));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
