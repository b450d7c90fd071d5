import support.Fixtures;
import support.Registries;
import support.Registry;
import support.RegistryFront;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Docker Hub's answer for a repository that does not exist: a token for anyone, then 401 error="insufficient_scope",
 * so that a missing repository cannot be told from a private one. Through a token-service front like Docker Hub's:
 * that image fails in those words, and the rest of the batch goes on.
 */
@Tag("registry")
class NotFoundOrPrivateTest {
    static final String WORDS = "not found, or private: check the name (the registry does not say which)";

    @RegisterExtension
    static final Registries registries = new Registries("hidden-it-");
    static final Registry source = registries.open("source");
    static final Registry target = registries.open("target");

    @Test
    void aRepositoryTheRegistryHidesFailsThatImageOnlyInWordsThatSayBoth(@TempDir Path work) throws IOException {
        Registry.push(Fixtures.multiArch(Files.createTempDirectory(work, "layout"), Fixtures.threeArch("2024-01-01T00:00:00Z", "app")),
                source.host + "/library/app:1", null);
        try (RegistryFront hub = new RegistryFront(source.host)) {
            hub.bearer = true;
            hub.grants = (user, repository) -> repository.startsWith("library/nosuch") ? Set.of() : Set.of("pull");
            Map<String, String> env = FaultTest.env(work, hub.host, target.host);
            Files.writeString(work.resolve("images.txt"), "nosuch:1\napp:1\n--tags=1 nosuch-either\n");
            Tools.Result r = Cli.toAliyun(work, env, SyncIntegrationTest.FAST_RETRY);

            assertEquals(1, r.exit(), "one image failed: " + r.all());
            JsonNode report = Cli.report(work);
            JsonNode missing = at(report, "/library/nosuch:1");
            assertEquals("failed", missing.get("status").asText());
            assertEquals("not-found", missing.get("kind").asText());
            assertTrue(missing.get("error").asText().endsWith(WORDS), missing.toString());
            assertEquals("copied", at(report, "/library/app:1").get("status").asText(), "the batch went on: " + r.all());
            JsonNode policy = at(report, "/library/nosuch-either");
            assertEquals("failed", policy.get("status").asText(), "a tag list answered the same way: " + policy);
            assertTrue(policy.get("error").asText().endsWith(WORDS), policy.toString());
            assertTrue(r.out().contains(WORDS), r.out());
            assertFalse(r.all().contains("check ALIYUN_USERNAME"), "not taken for a login problem: " + r.all());
            assertTrue(hub.tokenRequests.get() > 0, "the token exchange itself succeeded");
        }
    }

    /** The one target's outcome for the image whose source ends so. */
    static JsonNode at(JsonNode report, String source) {
        for (JsonNode image : report.get("images")) {
            if (image.get("source").asText().endsWith(source)) {
                return image.at("/targets/0");
            }
        }
        throw new AssertionError("no image " + source + " in " + report);
    }
}
