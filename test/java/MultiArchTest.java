import support.FakeRunner;
import support.FaultProxy;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multi-platform lines against real registries: --platform=all copies the source's index as it is (attestations
 * included, its digest preserved); a platform list writes an index of exactly those; both skip with a HEAD.
 */
@Tag("registry")
class MultiArchTest {
    static final String T1 = "2024-01-01T00:00:00Z";
    @RegisterExtension
    static final Registries registries = new Registries("multiarch-it-");
    static final Registry source = registries.open("source");
    static final Registry target = registries.open("target");

    static Fixtures.Layout push(Path work, String repoTag, String marker) throws IOException {
        return push(work, source, repoTag, marker);
    }

    /** Three platform images and their attestations, as BuildKit writes them, under library/{@code repoTag} in {@code registry}. */
    static Fixtures.Layout push(Path work, Registry registry, String repoTag, String marker) throws IOException {
        Fixtures.Layout layout = Fixtures.multiArch(Files.createTempDirectory(work, "layout"), Fixtures.threeArch(T1, marker), true);
        Registry.push(layout, registry.host + "/library/" + repoTag, null);
        return layout;
    }

    static Tools.Result sync(Path work, Map<String, String> env, String... args) {
        return Cli.toAliyun(work, env, SyncIntegrationTest.FAST_RETRY, args);
    }

    static Map<String, String> env(Path work, String targetHost) {
        return FaultTest.env(work, source.host, targetHost);
    }

    static JsonNode report(Path work) throws IOException {
        return Cli.report(work);
    }

    /** The manifests an index at the target lists (attestations included), by digest. */
    static Set<String> listed(String reference) {
        Tools.Result r = Tools.run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + reference);
        assertEquals(0, r.exit(), r.stderr());
        Set<String> out = new HashSet<>();
        try {
            Fixtures.JSON.readTree(r.stdout()).get("manifests").forEach(m -> out.add(m.get("digest").asText()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void allCopiesTheWholeIndexAsItIsAndARerunSkipsWithoutAPutOrAPull(@TempDir Path work) throws IOException {
        Fixtures.Layout src = push(work, "whole:1", "whole");
        Map<String, String> env = env(work, target.host);
        Tools.Result first = sync(work, env, "--platform=all", "whole:1");
        assertEquals(0, first.exit(), first.all());
        JsonNode report = report(work);
        assertEquals(List.of("aliyun:copied:new"), SyncIntegrationTest.statuses(report));
        assertEquals("all", report.at("/images/0/platform").asText());
        assertEquals(src.top(), Registry.digestAt(target.host + "/ns/whole:1", null), "the index digest is preserved");
        assertEquals(src.top(), report.at("/images/0/targets/0/digest").asText());
        assertEquals(List.of("linux/amd64", "linux/arm64", "linux/arm/v7"), Fixtures.JSON.convertValue(report.at("/images/0/targets/0/platforms"), List.class));
        assertEquals(6, listed(target.host + "/ns/whole:1").size(), "three images and their three attestations");

        long puts = target.manifestRequests("PUT");
        long gets = source.manifestRequests("GET");
        Tools.Result again = sync(work, env, "--platform=all", "whole:1");
        assertEquals(0, again.exit(), again.all());
        assertEquals(List.of("aliyun:skipped:digest"), SyncIntegrationTest.statuses(report(work)));
        assertEquals(puts, target.manifestRequests("PUT"), "a rerun writes nothing");
        assertEquals(gets, source.manifestRequests("GET"), "a warm rerun reads no manifest at the source");
    }

    @Test
    void aSubsetIsAnIndexOfExactlyThosePlatformsAndOnlyWhatChangedIsCopied(@TempDir Path work) throws IOException {
        Fixtures.Layout v1 = push(work, "part:1", "part-v1");
        Map<String, String> env = env(work, target.host);
        Files.writeString(work.resolve("images.txt"), "--platform=linux/amd64,linux/arm64 part:1\n");
        Tools.Result first = sync(work, env);
        assertEquals(0, first.exit(), first.all());
        assertEquals(List.of("aliyun:copied:new"), SyncIntegrationTest.statuses(report(work)));
        assertEquals(Set.of(v1.digests().get("linux/amd64"), v1.digests().get("linux/arm64"),
                        v1.digests().get("attestation:linux/amd64"), v1.digests().get("attestation:linux/arm64")),
                listed(target.host + "/ns/part:1"), "the chosen platforms and their attestations, nothing else");
        assertEquals(List.of("linux/amd64", "linux/arm64"), Fixtures.JSON.convertValue(report(work).at("/images/0/targets/0/platforms"), List.class));

        long puts = target.manifestRequests("PUT");
        Tools.Result again = sync(work, env);
        assertEquals(List.of("aliyun:skipped:digest"), SyncIntegrationTest.statuses(report(work)), again.all());
        assertEquals(puts, target.manifestRequests("PUT"));

        // A new build that changed only arm64: amd64 (and its attestation) stay as they are at the target.
        List<Fixtures.Image> v2 = List.of(new Fixtures.Image("linux/amd64", T1, "part-v1-amd64"),
                new Fixtures.Image("linux/arm64", T1, "part-v2-arm64"), new Fixtures.Image("linux/arm/v7", T1, "part-v1-armv7"));
        Fixtures.Layout changed = Fixtures.multiArch(Files.createTempDirectory(work, "layout"), v2, true);
        assertEquals(v1.digests().get("linux/amd64"), changed.digests().get("linux/amd64"));
        assertEquals(0, Tools.run(List.of("skopeo", "copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + changed.dir() + ":fixture", "docker://" + source.host + "/library/part:1"), null, null, null).exit());
        Tools.Result third = sync(work, env);
        assertEquals(0, third.exit(), third.all());
        assertEquals(List.of("aliyun:copied:changed"), SyncIntegrationTest.statuses(report(work)));
        assertEquals(Set.of(changed.digests().get("linux/amd64"), changed.digests().get("linux/arm64"),
                changed.digests().get("attestation:linux/amd64"), changed.digests().get("attestation:linux/arm64")), listed(target.host + "/ns/part:1"));
        assertEquals(puts + 3, target.manifestRequests("PUT"), "arm64, its attestation and the index; amd64 was not copied again");
    }

    @Test
    void aWholeIndexAndAPlainLineForTheSameTagAreACollision(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "--platform=all nginx:1.25\nnginx:1.25\n--platform=linux/arm64 nginx:1.25\n");
        Tools.Result r = SyncIntegrationTest.checked(Cli.sync(work, FaultTest.env(work, source.host, target.host), new FakeRunner(), null, "--plan"));
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("images.txt:2") && r.stderr().contains("line 1") && r.stderr().contains("--platform=all nginx:1.25"), r.stderr());
    }

    @Test
    void aSingleManifestSourceIsCopiedAsItIsWithANote(@TempDir Path work) throws IOException {
        Fixtures.Layout solo = Fixtures.single(Files.createTempDirectory(work, "l"), new Fixtures.Image("linux/amd64", T1, "solo"));
        assertEquals(0, Tools.run(List.of("skopeo", "copy", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + solo.dir() + ":fixture", "docker://" + source.host + "/library/solo:1"), null, null, null).exit());
        Tools.Result r = sync(work, env(work, target.host), "--platform=all", "solo:1");
        assertEquals(0, r.exit(), r.all());
        assertEquals(solo.top(), Registry.digestAt(target.host + "/ns/solo:1", null));
        assertTrue(report(work).at("/images/0/targets/0/warning").asText().contains("single-platform image, not an index: copied as it is"));
        Tools.Result subset = sync(work, env(work, target.host), "--platform=linux/amd64,linux/arm64", "--name=solo-two", "solo:1");
        assertEquals(1, subset.exit(), subset.all());
        assertTrue(report(work).at("/images/0/targets/0/error").asText().contains("a list of platforms needs an index"), subset.all());
    }

    @Test
    void aTargetThatRefusesIndexesFailsThatImageWithAHint(@TempDir Path work) throws IOException {
        push(work, "refused:1", "refused");
        try (FaultProxy proxy = FaultProxy.start(target.host)) {
            proxy.on("PUT", "/v2/ns/refused/manifests/[^s].*").status(400, Map.of("Content-Type", "application/json"),
                    "{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":\"manifest invalid\",\"detail\":\"manifest lists are not supported\"}]}");
            Tools.Result r = sync(work, env(work, proxy.host), "--platform=all", "refused:1");
            assertEquals(1, r.exit(), r.all());
            String error = report(work).at("/images/0/targets/0/error").asText();
            assertTrue(error.contains("may not accept multi-platform images") && error.contains("one line per platform"), error);
            assertNull(Registry.digestAt(target.host + "/ns/refused:1", null), "nothing was renamed or tagged instead");
        }
    }
}
