package lib.settings;

import lib.core.Env;
import lib.core.ImageRef;
import lib.core.Json;
import lib.core.Log;
import lib.core.Login;
import lib.core.Secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.io.file.PathUtils;

/**
 * The run's private credentials: an auth file (0600) in a private directory (0700). It starts as a merge
 * of the user's own auth files, so registries the run does not log in to keep the access the user has.
 *
 * The directory lives under one known parent per user: image-sync-UID in $TMPDIR when the user set it (the images'
 * temporary files go there too, so TMPDIR is the one setting that moves them to a disk with room); else
 * $XDG_RUNTIME_DIR/image-sync (no other user can read it, and it is emptied at logout); else image-sync-UID in
 * Java's temporary directory. It is named after the run's process and that process's start time, so that a run
 * killed before it could clean up (kill -9) has its credentials removed by the next run, and a run still alive
 * never loses them, whatever the age of its directory or a process id used again.
 */
public final class Auth {
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    /** run-PID-START-random, START the process's start in epoch milliseconds (0: not known); older runs wrote run-PID-random. */
    private static final Pattern RUN_DIR = Pattern.compile("run-(\\d+)-(?:(\\d+)-)?\\d+");

    private Auth() {}

    /** Creates this run's private directory, after removing what runs that no longer exist left behind. */
    public static Path createPrivateDir(Map<String, String> env, Log log) throws IOException {
        Path parent = privateParent(env);
        if (parent == null) {
            return Files.createTempDirectory(temporary(env), "image-sync-", OWNER_ONLY);
        }
        removeLeftovers(parent, log);
        ProcessHandle self = ProcessHandle.current();
        return Files.createTempDirectory(parent, "run-" + self.pid() + "-" + startMillis(self) + "-", OWNER_ONLY);
    }

    /** Where temporary files go: $TMPDIR when the user set it to a directory, else Java's temporary directory. */
    public static Path temporary(Map<String, String> env) {
        String tmpdir = Env.value(env, "TMPDIR");
        return tmpdir != null && Files.isDirectory(Path.of(tmpdir)) ? Path.of(tmpdir) : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    }

    /** Removes a private directory and what is in it; what cannot be removed is a warning. */
    public static void deletePrivateDir(Path dir, Log log) {
        try {
            if (Files.exists(dir)) {
                PathUtils.deleteDirectory(dir);
            }
        } catch (IOException e) {
            log.warn("could not remove " + dir + ": " + e.getMessage());
        }
    }

    /** The per-user parent, created 0700; null when it exists but is not ours alone (then a fresh temporary directory is used). */
    static Path privateParent(Map<String, String> env) throws IOException {
        String runtime = Env.value(env, "XDG_RUNTIME_DIR");
        Path parent = Env.value(env, "TMPDIR") == null && runtime != null && Files.isDirectory(Path.of(runtime))
                ? Path.of(runtime, "image-sync")
                : temporary(env).resolve("image-sync-" + uid());
        try {
            Files.createDirectory(parent, OWNER_ONLY);
        } catch (FileAlreadyExistsException e) {
            // Made by an earlier run; checked below like any other.
        }
        boolean ours = Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)
                && Files.getAttribute(parent, "unix:uid", LinkOption.NOFOLLOW_LINKS).equals(uid())
                && Files.getPosixFilePermissions(parent, LinkOption.NOFOLLOW_LINKS).equals(PosixFilePermissions.fromString("rwx------"));
        return ours ? parent : null;
    }

    static void removeLeftovers(Path parent, Log log) throws IOException {
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(parent)) {
            for (Path run : runs) {
                Matcher m = RUN_DIR.matcher(run.getFileName().toString());
                if (m.matches() && gone(Long.parseLong(m.group(1)), m.group(2) == null ? null : Long.parseLong(m.group(2)))) {
                    PathUtils.deleteDirectory(run);
                    log.warn("removed the credentials a run that was killed (process " + m.group(1) + ") left in " + run);
                }
            }
        }
    }

    /**
     * Whether the run that made a directory has ended: no process has its id, or the one that has it started at
     * another time (the id was used again). A process whose start time cannot be read counts as that run.
     */
    static boolean gone(long pid, Long started) {
        return ProcessHandle.of(pid).map(p -> started != null && started != 0 && startMillis(p) != 0 && startMillis(p) != started).orElse(true);
    }

    private static int uid() {
        return (int) new com.sun.security.auth.module.UnixSystem().getUid();
    }

    /** Creates {@code dir/auth.json} seeded from the user's existing auth files, in containers/image's order. */
    public static Path createAuthFile(Path dir, Map<String, String> env) throws IOException {
        ObjectNode merged = Json.MAPPER.createObjectNode();
        for (Path candidate : userAuthFiles(env)) {
            if (!Files.isRegularFile(candidate)) {
                continue;
            }
            try {
                JsonNode root = Json.MAPPER.readTree(candidate.toFile());
                mergeAbsent(merged, root);
            } catch (IOException | RuntimeException e) {
                // An unreadable file of the user's is no reason to stop; its entries are simply not carried over.
            }
        }
        Path file = dir.resolve("auth.json");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Json.MAPPER.writeValue(file.toFile(), merged);
        return file;
    }

    /** Records a login the way skopeo login would, for skopeo's later copies to use. */
    public static synchronized void addLogin(Path authFile, String registry, Login login) throws IOException {
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(authFile.toFile());
        ObjectNode auths = root.has("auths") ? (ObjectNode) root.get("auths") : root.putObject("auths");
        auths.putObject(registry).put("auth", login.basicToken());
        Json.MAPPER.writeValue(authFile.toFile(), root);
    }

    /** The username/password pairs the auth file holds, by registry, for the registry client's own requests. */
    public static Map<String, Login> logins(Path authFile) {
        Map<String, Login> out = new java.util.HashMap<>();
        try {
            JsonNode auths = Json.MAPPER.readTree(authFile.toFile()).path("auths");
            for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String encoded = e.getValue().path("auth").asText("");
                String pair = new String(java.util.Base64.getDecoder().decode(encoded), java.nio.charset.StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon > 0) {
                    out.putIfAbsent(registryOf(e.getKey()), new Login(pair.substring(0, colon), new Secret(pair.substring(colon + 1))));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // Without readable logins the client asks anonymously, and skopeo answers what it cannot.
        }
        return out;
    }

    /** Auth files name Docker Hub in several ways; everything else by host[:port], sometimes with a scheme or path. */
    static String registryOf(String key) {
        String host = key.replaceFirst("^https?://", "");
        int slash = host.indexOf('/');
        host = slash >= 0 ? host.substring(0, slash) : host;
        return switch (host) {
            case "index.docker.io", "registry-1.docker.io", "docker.io" -> ImageRef.DOCKER_HUB;
            default -> host;
        };
    }

    static List<Path> userAuthFiles(Map<String, String> env) {
        List<Path> files = new ArrayList<>();
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        if (env.get("REGISTRY_AUTH_FILE") != null) {
            files.add(Path.of(env.get("REGISTRY_AUTH_FILE")));
        }
        if (env.get("XDG_RUNTIME_DIR") != null) {
            files.add(Path.of(env.get("XDG_RUNTIME_DIR"), "containers", "auth.json"));
        }
        files.add(env.get("XDG_CONFIG_HOME") != null ? Path.of(env.get("XDG_CONFIG_HOME"), "containers", "auth.json")
                : Path.of(home, ".config", "containers", "auth.json"));
        files.add(env.get("DOCKER_CONFIG") != null ? Path.of(env.get("DOCKER_CONFIG"), "config.json") : Path.of(home, ".docker", "config.json"));
        return files;
    }

    private static void mergeAbsent(ObjectNode into, JsonNode from) {
        for (String section : List.of("auths", "credHelpers")) {
            JsonNode entries = from.get(section);
            if (entries == null || !entries.isObject()) {
                continue;
            }
            ObjectNode target = into.has(section) ? (ObjectNode) into.get(section) : into.putObject(section);
            for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!target.has(e.getKey())) {
                    target.set(e.getKey(), e.getValue());
                }
            }
        }
        if (!into.has("credsStore") && from.hasNonNull("credsStore")) {
            into.set("credsStore", from.get("credsStore"));
        }
    }
}
