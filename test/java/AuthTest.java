import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The run's private auth file: private modes, and the user's own logins carried over. */
class AuthTest {
    @Test
    void thePrivateFileIsOnlyTheUsersAndKeepsTheirLogins(@TempDir Path home) throws IOException {
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"),
                "{\"auths\":{\"private.example\":{\"auth\":\"ZG9ja2VyOnB3\"},\"shared.example\":{\"auth\":\"ZnJvbS1kb2NrZXI6eA==\"}},\"credHelpers\":{\"123.dkr.ecr.aws\":\"ecr-login\"}}");
        Path podman = home.resolve("podman-auth.json");
        Files.writeString(podman, "{\"auths\":{\"shared.example\":{\"auth\":\"ZnJvbS1wb2RtYW46eA==\"}}}");

        Path dir = Auth.createPrivateDir();
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

    @Test
    void aBrokenUserFileIsSkippedNotFatal(@TempDir Path home) throws IOException {
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"), "{not json");
        Path dir = Auth.createPrivateDir();
        try {
            Path file = Auth.createAuthFile(dir, Map.of("HOME", home.toString()));
            assertEquals("{}", Files.readString(file));
        } finally {
            org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
        }
    }
}
