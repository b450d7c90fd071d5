package lib.settings;

import lib.core.Json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run's private auth file: private modes, and the user's own logins carried over. */
class AuthTest {
    @Test
    void thePrivateFileIsOnlyTheUsersAndKeepsTheirLogins(@TempDir Path home) throws IOException {
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"),
                "{\"auths\":{\"private.example\":{\"auth\":\"ZG9ja2VyOnB3\"},\"shared.example\":{\"auth\":\"ZnJvbS1kb2NrZXI6eA==\"}},\"credHelpers\":{\"123.dkr.ecr.aws\":\"ecr-login\"}}");
        Path podman = home.resolve("podman-auth.json");
        Files.writeString(podman, "{\"auths\":{\"shared.example\":{\"auth\":\"ZnJvbS1wb2RtYW46eA==\"}}}");

        Path dir = Auth.createPrivateDir(Map.of("XDG_RUNTIME_DIR", home.toString()), w -> { });
        try {
            Path file = Auth.createAuthFile(dir, Map.of("HOME", home.toString(), "REGISTRY_AUTH_FILE", podman.toString()));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            var json = Json.MAPPER.readTree(file.toFile());
            assertEquals("ZG9ja2VyOnB3", json.at("/auths/private.example/auth").asText());
            assertEquals("ZnJvbS1wb2RtYW46eA==", json.at("/auths/shared.example/auth").asText(), "REGISTRY_AUTH_FILE comes first, as in skopeo");
            assertEquals("ecr-login", json.at("/credHelpers/123.dkr.ecr.aws").asText());
            assertEquals("docker", Auth.logins(file).get("private.example").username());
        } finally {
            org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
        }
    }

    /** After a kill -9 a run's credentials stay on disk; the next run finds them under the same parent and removes them. */
    @Test
    void credentialsLeftByAKilledRunAreRemovedByTheNext(@TempDir Path runtime) throws IOException, InterruptedException {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path parent = runtime.resolve("image-sync");
        Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path left = Files.createDirectories(parent.resolve("run-" + gone.pid() + "-123"));
        Files.writeString(left.resolve("auth.json"), "{\"auths\":{}}");
        Path alive = Files.createDirectories(parent.resolve("run-" + ProcessHandle.current().pid() + "-456"));
        java.util.List<String> warnings = new java.util.ArrayList<>();

        Path dir = Auth.createPrivateDir(Map.of("XDG_RUNTIME_DIR", runtime.toString()), warnings::add);

        assertEquals(parent, dir.getParent(), "under $XDG_RUNTIME_DIR/image-sync");
        assertFalse(Files.exists(left), "the killed run's credentials are gone");
        assertTrue(Files.exists(alive), "a running run's directory is left alone");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("process " + gone.pid()), warnings.get(0));
    }

    /**
     * A run is alive when a process with its id and its start time runs: a directory whose process id now belongs to
     * another process (the id was used again) is a leftover; one whose start time cannot be compared is kept.
     */
    @Test
    void livenessIsTheProcessIdAndItsStartTime(@TempDir Path runtime) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().orElseThrow().toEpochMilli();
        Path parent = Files.createDirectories(runtime.resolve("image-sync"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path mine = Files.createDirectories(parent.resolve("run-" + self.pid() + "-" + started + "-77"));
        Path reused = Files.createDirectories(parent.resolve("run-" + self.pid() + "-" + (started - 60_000) + "-78"));
        Path unknownStart = Files.createDirectories(parent.resolve("run-" + self.pid() + "-0-79"));

        Path dir = Auth.createPrivateDir(Map.of("XDG_RUNTIME_DIR", runtime.toString()), w -> { });

        assertTrue(Files.exists(mine), "the running run's directory, named with its start time");
        assertFalse(Files.exists(reused), "a run whose process id another process now has");
        assertTrue(Files.exists(unknownStart), "when the start time was not known, a live id keeps it");
        assertTrue(dir.getFileName().toString().startsWith("run-" + self.pid() + "-" + started + "-"), dir.toString());
    }

    /** TMPDIR, when set, is where the run's private directory and so the images' temporary files go. */
    @Test
    void tmpdirIsHonouredBeforeTheRuntimeDirectory(@TempDir Path tmp) throws IOException {
        Path runtime = Files.createDirectories(tmp.resolve("runtime"));
        Path chosen = Files.createDirectories(tmp.resolve("big-disk"));
        Path dir = Auth.createPrivateDir(Map.of("XDG_RUNTIME_DIR", runtime.toString(), "TMPDIR", chosen.toString()), w -> { });
        assertTrue(dir.startsWith(chosen), dir.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.getParent())));
    }

    @Test
    void aParentThatOthersCanReadIsNotUsed(@TempDir Path runtime) throws IOException {
        Path parent = Files.createDirectories(runtime.resolve("image-sync"));
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = Auth.createPrivateDir(Map.of("XDG_RUNTIME_DIR", runtime.toString()), w -> { });
        try {
            assertNotEquals(parent, dir.getParent());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        } finally {
            org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
        }
    }

    @Test
    void aBrokenUserFileIsSkippedNotFatal(@TempDir Path home) throws IOException {
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"), "{not json");
        Path dir = Auth.createPrivateDir(Map.of("XDG_RUNTIME_DIR", home.toString()), w -> { });
        try {
            Path file = Auth.createAuthFile(dir, Map.of("HOME", home.toString()));
            assertEquals("{}", Files.readString(file));
        } finally {
            org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
        }
    }
}
