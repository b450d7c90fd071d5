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
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BinaryOperator;

/**
 * What each source looked like at the last successful check, so that a HEAD can tell "unchanged" without a
 * manifest GET. It only ever saves requests: an entry alone never decides a copy (the platform manifest is
 * read and checked first, see {@code Syncer}) and a skip needs the target itself to hold the digest.
 * Anything unreadable is a warning and is replaced; two runs on one file merge their entries under a lock.
 * It also remembers failures ({@link #remember}): for each image (keyed as its entry) and target, the first run of the
 * row that failed and how many runs have failed, kept in the file's "failing" object beside "images".
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

    /** A failure as remembered: the date the row of failed runs began, and how many runs it holds. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Failure(String since, int runs) {
        boolean usable() {
            return since != null && runs > 0;
        }
    }

    private final Path file;
    private final Map<String, Entry> entries;
    private final Map<String, Entry> changed = new ConcurrentHashMap<>();
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();
    /** Image key → target id → its failure; {@code failingChanged} holds this run's new maps (empty: forgotten). */
    private final Map<String, Map<String, Failure>> failing;
    private final Map<String, Map<String, Failure>> failingChanged = new ConcurrentHashMap<>();
    /** Of two things a registry was found to take, the one tried later: it refused the other. */
    private static final BinaryOperator<Written> FURTHER = BinaryOperator.maxBy(Comparator.naturalOrder());

    /** Per target registry, what it takes of a multi-platform line once it refused more (see {@link Written}). */
    private final Map<String, Written> written;

    /** What a state file holds, read in one pass: its images, and the history beside them (see {@link #read}). */
    private record Contents(Map<String, Entry> images, Map<String, Map<String, Failure>> failing, Map<String, Written> written) {
        static final Contents NONE = new Contents(Map.of(), Map.of(), Map.of());
    }

    private SyncState(Path file, Contents contents) {
        this.file = file;
        this.entries = new ConcurrentHashMap<>(contents.images());
        this.failing = new ConcurrentHashMap<>(contents.failing());
        this.written = new ConcurrentHashMap<>(contents.written());
    }

    public static String key(ImageSpec spec) {
        return key(spec.source().display(), spec.platform().toString());
    }

    /** An image's key from its report entry's source and platform: the same as its spec's. */
    private static String key(String source, String platform) {
        return source + " " + platform;
    }

    /** A missing file is an empty state; an unreadable one too, with a warning (it is only a cache). */
    public static SyncState load(Path file, Log log) {
        if (file == null || !Files.exists(file)) {
            return new SyncState(file, Contents.NONE);
        }
        if (Files.isDirectory(file)) {
            // Said once: a directory can be neither read nor replaced, so this run keeps no state at all.
            log.warn("--state / SYNC_STATE " + file + " is a directory: this run keeps no state and checks every source in full; "
                    + "give a file path, e.g. " + file.resolve("state.json"));
            return new SyncState(null, Contents.NONE);
        }
        try {
            return new SyncState(file, read(file));
        } catch (IOException | RuntimeException e) {
            log.warn("the state file " + file + " is unreadable (" + firstLine(e) + "); it is replaced at the end of the run, "
                    + "and until then every source is checked in full");
            return new SyncState(file, Contents.NONE);
        }
    }

    /**
     * A state file, parsed once. Its entries: {"images": {key: {top, digest, source}}}; anything else is an error, and
     * unusable entries are left out. Beside them "failing" and "written", which files of older versions lack.
     */
    private static Contents read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("it is a directory");
        }
        JsonNode root = Json.MAPPER.readTree(file.toFile());
        JsonNode images = root == null ? null : root.get("images");
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
        return new Contents(out, failing(root), written(root));
    }

    /** A file's contents; none when it is missing or unreadable. */
    private static Contents readOrNone(Path file) {
        try {
            return Files.isRegularFile(file) ? read(file) : Contents.NONE;
        } catch (IOException | RuntimeException e) {
            return Contents.NONE;
        }
    }

    /**
     * The failures of a state file: {"failing": {image key: {target: {since, runs}}}}; a file written before them, or
     * anything unusable in them, reads as none (they are only history).
     */
    private static Map<String, Map<String, Failure>> failing(JsonNode root) {
        Map<String, Map<String, Failure>> out = new HashMap<>();
        try {
            JsonNode failing = root.get("failing");
            if (failing == null || !failing.isObject()) {
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> images = failing.fields(); images.hasNext(); ) {
                Map.Entry<String, JsonNode> image = images.next();
                Map<String, Failure> targets = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = image.getValue().fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> t = it.next();
                    Failure f = t.getValue().isObject() ? Json.MAPPER.treeToValue(t.getValue(), Failure.class) : null;
                    if (f != null && f.usable() && validDate(f.since())) {
                        targets.put(t.getKey(), f);
                    }
                }
                if (!targets.isEmpty()) {
                    out.put(image.getKey(), targets);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unreadable history is no history: the next failure starts a new row.
        }
        return out;
    }

    /**
     * The state file's "written": target registry → what it takes. Absent in files of older versions; what cannot be read
     * (another shape, a label of a newer version) is left out, so the registry is simply tried from the start.
     */
    private static Map<String, Written> written(JsonNode root) {
        Map<String, Written> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("written").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Written form = Written.of(e.getValue().asText());
            if (form != null) {
                out.put(e.getKey(), form);
            }
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

    private static boolean validDate(String date) {
        try {
            LocalDate.parse(date);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * The results with each failure's history, remembered for the next save: a failure adds a run to its row (the
     * first one begins it {@code today}); a copy or a skip ends the row; anything else (deferred, cancelled) leaves it
     * as it was. A row that began {@code failingDays} days ago or earlier is chronic.
     */
    public List<ImageResult> remember(List<ImageResult> results, LocalDate today, int failingDays) {
        List<ImageResult> out = new ArrayList<>();
        for (ImageResult image : results) {
            String key = key(image.source(), image.platform());
            Map<String, Failure> before = failing.getOrDefault(key, Map.of());
            Map<String, Failure> after = new TreeMap<>(before);
            out.add(image.withTargets(t -> {
                switch (t.status()) {
                    case FAILED -> {
                        Failure was = before.get(t.target());
                        Failure now = was == null ? new Failure(today.toString(), 1) : new Failure(was.since(), was.runs() + 1);
                        after.put(t.target(), now);
                        boolean chronic = !LocalDate.parse(now.since()).plusDays(failingDays).isAfter(today);
                        return t.withFailing(new TargetResult.Failing(now.since(), now.runs(), chronic));
                    }
                    case COPIED, SKIPPED -> after.remove(t.target());
                    default -> { }
                }
                return t;
            }));
            if (!after.equals(before)) {
                failing.put(key, after);
                failingChanged.put(key, after);
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
            // Missing or unreadable: this run's entries replace it.
            Contents now = readOrNone(file);
            Map<String, Entry> merged = new TreeMap<>(now.images());
            merged.keySet().removeAll(dropped);
            merged.putAll(changed);
            Map<String, Map<String, Failure>> failures = new TreeMap<>(now.failing());
            failingChanged.forEach((key, targets) -> {
                if (targets.isEmpty()) {
                    failures.remove(key);
                } else {
                    failures.put(key, targets);
                }
            });
            Map<String, Written> forms = new TreeMap<>(now.written());
            written.forEach((registry, form) -> forms.merge(registry, form, FURTHER));
            write(file, merged, failures, forms);
        }
    }

    /**
     * The whole state after a run in shards, written to {@code into}: {@code into} as it was restored before the run
     * (the whole state every shard started from; missing or unreadable: none), with what each shard's state changed in
     * it. Each image is synced by exactly one shard, so an entry or an image's failures that differ from that base are
     * its shard's own work and win; what a shard kept as it was is the base's anyway. A shard state that cannot be read
     * is skipped with a warning (its images are checked in full next time). Returns how many shard states were merged.
     */
    public static int merge(Path into, List<Path> shards, Log log) throws IOException {
        Contents whole = readOrNone(into);
        Map<String, Entry> base = whole.images();
        Map<String, Map<String, Failure>> baseFailing = whole.failing();
        Map<String, Entry> images = new TreeMap<>(base);
        Map<String, Map<String, Failure>> failures = new TreeMap<>(baseFailing);
        Map<String, Written> forms = new TreeMap<>(whole.written());
        int merged = 0;
        for (Path shard : shards) {
            Contents part;
            try {
                part = read(shard);
            } catch (IOException | RuntimeException e) {
                log.warn("the shard state " + shard + " is unreadable (" + firstLine(e) + "); its images are checked in full next time");
                continue;
            }
            part.images().forEach((key, entry) -> {
                if (!same(entry, base.get(key))) {
                    images.put(key, entry);
                }
            });
            Map<String, Map<String, Failure>> shardFailing = part.failing();
            Set<String> keys = new HashSet<>(shardFailing.keySet());
            keys.addAll(baseFailing.keySet());
            for (String key : keys) {
                Map<String, Failure> now = shardFailing.get(key);
                if (!Objects.equals(now, baseFailing.get(key))) {
                    if (now == null) {
                        failures.remove(key);
                    } else {
                        failures.put(key, now);
                    }
                }
            }
            part.written().forEach((registry, form) -> forms.merge(registry, form, FURTHER));
            merged++;
        }
        write(into, images, failures, forms);
        return merged;
    }

    private static boolean same(Entry a, Entry b) {
        return b != null && a.top().equals(b.top()) && a.digest().equals(b.digest()) && Arrays.equals(a.source(), b.source());
    }

    /** The file as every version reads it, through a temporary file moved into place: never half a state. */
    private static void write(Path file, Map<String, Entry> images, Map<String, Map<String, Failure>> failing,
                              Map<String, Written> written) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".state-", ".json");
        try {
            Json.MAPPER.writeValue(tmp.toFile(), written.isEmpty() ? Map.of("version", 2, "images", images, "failing", failing)
                    : Map.of("version", 2, "images", images, "failing", failing, "written", written));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
