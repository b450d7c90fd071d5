import support.Fixtures;
import support.Registries;
import support.Registry;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An index that lists another index is refused with one clear message, the same on every run and for every kind of
 * line, and nothing is written to the target.
 */
@Tag("registry")
class NestedIndexTest {
    @RegisterExtension
    static final Registries registries = new Registries("nested-it-");
    static final Registry source = registries.open("source");
    static final Registry target = registries.open("target");

    static JsonNode sync(Path work, String... args) throws IOException {
        Tools.Result r = Cli.toAliyun(work, FaultTest.env(work, source.host, target.host), SyncIntegrationTest.FAST_RETRY, args);
        assertEquals(1, r.exit(), r.all());
        return Cli.report(work);
    }

    @Test
    void aNestedIndexIsRefusedTheSameWayEveryRunAndForEveryLine(@TempDir Path work) throws IOException {
        Fixtures.Layout inner = Fixtures.multiArch(Files.createTempDirectory(work, "layout"), Fixtures.threeArch("2024-01-01T00:00:00Z", "nest"));
        Registry.push(inner, source.host + "/library/nest:inner", null);
        source.putManifest("library/nest", "1", Fixtures.OCI_INDEX, Fixtures.indexOfIndex(inner));
        long puts = target.manifestRequests("PUT");

        List<String> said = new ArrayList<>();
        for (String platform : List.of("linux/amd64", "linux/amd64", "all", "linux/amd64,linux/arm64")) {
            JsonNode t = sync(work, "--platform=" + platform, "nest:1").at("/images/0/targets/0");
            assertEquals("failed", t.path("status").asText(), platform + ": " + t);
            assertEquals("permanent", t.path("kind").asText(), platform + ": " + t);
            said.add(t.path("error").asText());
        }
        String message = "source " + source.host + "/library/nest:1 is an index that lists another index (" + inner.top().substring(0, 19)
                + ", for linux/amd64): nested indexes are not supported; name the inner index by its digest instead, e.g. "
                + source.host + "/library/nest:1@" + inner.top();
        assertEquals(List.of(message, message, message, message), said);
        assertFalse(said.get(2).contains("may not accept multi-platform images"));
        assertEquals(puts, target.manifestRequests("PUT"), "nothing was written");
        assertTrue(Files.exists(work.resolve("r.json")));
    }
}
