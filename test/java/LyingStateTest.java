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
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state is trusted only for what the source's HEAD vouches for. A lying entry used to be skipped by digest for
 * ever when the target already held the same wrong image (a warm no-op never looked further); now an entry must
 * prove its digest from the source manifest bytes it carries, which must hash to the digest the HEAD gave.
 */
@Tag("registry")
class LyingStateTest {
    @RegisterExtension
    static final Registries registries = new Registries("lying-it-");
    static final Registry source = registries.open("source");
    static final Registry target = registries.open("target");

    static JsonNode sync(Path work, String... args) throws IOException {
        Tools.Result r = Cli.toAliyun(work, FaultTest.env(work, source.host, target.host), SyncIntegrationTest.FAST_RETRY, args);
        assertEquals(0, r.exit(), r.all());
        return Cli.report(work);
    }

    @Test
    void aLyingEntryThatTheTargetAgreesWithIsStillCaught(@TempDir Path work) throws IOException {
        Fixtures.Layout src = Fixtures.multiArch(Files.createTempDirectory(work, "layout"), Fixtures.threeArch("2024-01-01T00:00:00Z", "lie"));
        Registry.push(src, source.host + "/library/lie:1", null);
        String arm64 = src.digests().get("linux/arm64");
        String amd64 = src.digests().get("linux/amd64");
        // The target already holds the arm64 image under the amd64 name, and the state says that is right.
        Tools.Result put = Tools.run("skopeo", "copy", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false",
                "docker://" + source.host + "/library/lie@" + arm64, "docker://" + target.host + "/ns/lie:1");
        assertEquals(0, put.exit(), put.stderr());
        String key = source.host + "/library/lie:1 linux/amd64";
        byte[] forged = "{\"manifests\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (String entry : List.of("{\"top\":\"" + src.top() + "\",\"digest\":\"" + arm64 + "\"}",
                "{\"top\":\"" + src.top() + "\",\"digest\":\"" + arm64 + "\",\"source\":\"" + Base64.getEncoder().encodeToString(forged) + "\"}")) {
            Files.writeString(work.resolve("state.json"), "{\"images\":{\"" + key + "\":" + entry + "}}");
            JsonNode dry = sync(work, "--dry-run", "lie:1");
            assertEquals("would-copy", dry.at("/images/0/targets/0/status").asText(), entry + ": " + dry);
            assertEquals("changed", dry.at("/images/0/targets/0/reason").asText(), entry);
        }
        JsonNode copied = sync(work, "lie:1");
        assertEquals("copied", copied.at("/images/0/targets/0/status").asText(), copied.toString());
        assertEquals(amd64, Registry.digestAt(target.host + "/ns/lie:1", null));

        // Now the entry carries the index it follows from: a warm rerun trusts it, with no manifest GET at the source.
        long gets = source.manifestRequests("GET");
        JsonNode again = sync(work, "lie:1");
        assertEquals("skipped", again.at("/images/0/targets/0/status").asText(), again.toString());
        assertEquals(gets, source.manifestRequests("GET"), "a proven entry costs no pull");
        JsonNode state = Fixtures.JSON.readTree(work.resolve("state.json").toFile());
        assertTrue(state.at("/images/" + key.replace("/", "~1") + "/source").isTextual(), state.toString());
    }
}
