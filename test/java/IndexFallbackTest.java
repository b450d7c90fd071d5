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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A target that refuses what --platform=all would write, through a front before a real registry that refuses manifest
 * PUTs by what their body lists, as SWR and new ACR instances do: the line falls back to an index without
 * attestations, then to a Docker manifest list; the report says which; the target is remembered; a rerun skips.
 */
@Tag("registry")
class IndexFallbackTest {
    static final String EMPTY_CONFIG = "application/vnd.oci.empty.v1+json";
    /** What a registry that takes no attestations refuses: unknown/unknown platforms, in-toto statements, empty configs. */
    static final Predicate<String> ATTESTATIONS = body -> body.contains("\"unknown\"") || body.contains(Fixtures.IN_TOTO) || body.contains(EMPTY_CONFIG);
    static final Predicate<String> OCI_INDEX = body -> body.contains(Fixtures.OCI_INDEX);
    static final String MANIFEST_INVALID = "{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":\"manifest invalid\",\"detail\":{}}]}";

    @RegisterExtension
    static final Registries registries = new Registries("fallback-it-");
    static final Registry source = registries.open("source");
    static final Registry target = registries.open("target");

    static Fixtures.Layout push(Path work, String repoTag, String marker) throws IOException {
        return MultiArchTest.push(work, source, repoTag, marker);
    }

    /** Manifest PUTs whose body {@code lists} are refused as SWR refuses them: 400 MANIFEST_INVALID. */
    static FaultProxy.Rule refusing(FaultProxy proxy, Predicate<String> lists) {
        return proxy.on("PUT", "/v2/ns/.*/manifests/.*").whenBody(lists).status(400, Map.of("Content-Type", "application/json"), MANIFEST_INVALID);
    }

    static Tools.Result sync(Path work, String proxy, String... lines) throws IOException {
        Files.writeString(work.resolve("images.txt"), String.join("\n", lines) + "\n");
        return Cli.toAliyun(work, FaultTest.env(work, source.host, proxy), SyncIntegrationTest.FAST_RETRY);
    }

    static JsonNode report(Path work) throws IOException {
        return Cli.report(work);
    }

    static List<String> outcomes(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.get("images").forEach(i -> i.get("targets").forEach(t -> out.add(t.get("status").asText() + ":" + t.get("reason").asText()
                + ":" + t.path("written").asText("-"))));
        return out;
    }

    static JsonNode manifest(String reference) throws IOException {
        Tools.Result r = Tools.run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + reference);
        assertEquals(0, r.exit(), r.stderr());
        return Fixtures.JSON.readTree(r.stdout());
    }

    static Set<String> listed(JsonNode index) {
        Set<String> out = new HashSet<>();
        index.get("manifests").forEach(m -> out.add(m.get("digest").asText()));
        return out;
    }

    static Set<String> platformImages(Fixtures.Layout layout, String... platforms) {
        Set<String> out = new HashSet<>();
        for (String p : platforms) {
            out.add(layout.digests().get(p));
        }
        return out;
    }

    @Test
    void aTargetThatRefusesAttestationsGetsTheIndexWithoutThemAndIsRemembered(@TempDir Path work) throws IOException {
        Fixtures.Layout first = push(work, "attested:1", "attested");
        Fixtures.Layout second = push(work, "attested-b:1", "attested-b");
        try (FaultProxy proxy = FaultProxy.start(target.host)) {
            FaultProxy.Rule refuse = refusing(proxy, ATTESTATIONS);

            Tools.Result r = sync(work, proxy.host, "--platform=all attested:1");
            assertEquals(0, r.exit(), r.all());
            assertEquals(List.of("copied:new:index-without-attestations"), outcomes(report(work)));
            JsonNode index = manifest(target.host + "/ns/attested:1");
            assertEquals(Fixtures.OCI_INDEX, index.get("mediaType").asText());
            assertEquals(platformImages(first, "linux/amd64", "linux/arm64", "linux/arm/v7"), listed(index), "exactly the platform images");
            String warning = report(work).at("/images/0/targets/0/warning").asText();
            assertTrue(warning.startsWith("attestations left out: " + proxy.host + " refused the index as the source has it: ")
                    && warning.contains("manifest invalid"), warning);
            assertTrue(r.out().contains("attestations left out"), r.out());
            assertEquals("index-without-attestations", Fixtures.JSON.readTree(work.resolve("state.json").toFile()).at("/written/" + proxy.host).asText());

            int refused = refuse.fired();
            Tools.Result next = sync(work, proxy.host, "--platform=all attested:1", "--platform=all attested-b:1",
                    "--platform=linux/amd64,linux/arm64 --name=attested-two attested-b:1");
            assertEquals(0, next.exit(), next.all());
            assertEquals(List.of("skipped:digest:index-without-attestations", "copied:new:index-without-attestations",
                    "copied:new:index-without-attestations"), outcomes(report(work)));
            assertEquals(refused, refuse.fired(), "later images went straight to what the target takes");
            assertEquals(platformImages(second, "linux/amd64", "linux/arm64", "linux/arm/v7"), listed(manifest(target.host + "/ns/attested-b:1")));
            assertEquals(platformImages(second, "linux/amd64", "linux/arm64"), listed(manifest(target.host + "/ns/attested-two:1")));
            assertTrue(report(work).at("/images/1/targets/0/warning").asText().startsWith("attestations left out: " + proxy.host + " refused"));

            long puts = target.manifestRequests("PUT");
            long gets = source.manifestRequests("GET");
            Tools.Result again = sync(work, proxy.host, "--platform=all attested:1", "--platform=all attested-b:1",
                    "--platform=linux/amd64,linux/arm64 --name=attested-two attested-b:1");
            assertEquals(0, again.exit(), again.all());
            assertEquals(List.of("skipped:digest:index-without-attestations", "skipped:digest:index-without-attestations",
                    "skipped:digest:index-without-attestations"), outcomes(report(work)));
            assertEquals(puts, target.manifestRequests("PUT"), "a rerun writes nothing");
            assertEquals(gets, source.manifestRequests("GET"), "and tells what it wrote from a HEAD, without reading the source");
        }
    }

    @Test
    void aTargetThatRefusesEveryOciIndexGetsADockerManifestListOfDockerImages(@TempDir Path work) throws IOException {
        Fixtures.Layout src = push(work, "listed:1", "listed");
        try (FaultProxy proxy = FaultProxy.start(target.host)) {
            FaultProxy.Rule refuse = refusing(proxy, OCI_INDEX);

            Tools.Result r = sync(work, proxy.host, "--platform=all listed:1");
            assertEquals(0, r.exit(), r.all());
            assertEquals(List.of("copied:new:docker-list"), outcomes(report(work)));
            assertTrue(report(work).at("/images/0/targets/0/warning").asText()
                    .startsWith("attestations left out, and written as a Docker manifest list: " + proxy.host + " refused an OCI index: "), r.all());
            JsonNode list = manifest(target.host + "/ns/listed:1");
            assertEquals("application/vnd.docker.distribution.manifest.list.v2+json", list.get("mediaType").asText());
            List<String> platforms = new ArrayList<>();
            for (JsonNode m : list.get("manifests")) {
                JsonNode p = m.get("platform");
                String platform = p.get("os").asText() + "/" + p.get("architecture").asText() + (p.has("variant") ? "/" + p.get("variant").asText() : "");
                platforms.add(platform);
                assertEquals("application/vnd.docker.distribution.manifest.v2+json", m.get("mediaType").asText());
                JsonNode image = manifest(target.host + "/ns/listed@" + m.get("digest").asText());
                assertEquals("application/vnd.docker.distribution.manifest.v2+json", image.get("mediaType").asText(), "a Docker schema 2 image");
                JsonNode original = manifest(source.host + "/library/listed@" + src.digests().get(platform));
                assertEquals(original.at("/config/digest").asText(), image.at("/config/digest").asText(), platform + ": the same image, re-encoded");
            }
            assertEquals(List.of("linux/amd64", "linux/arm64", "linux/arm/v7"), platforms);
            assertEquals("docker-list", Fixtures.JSON.readTree(work.resolve("state.json").toFile()).at("/written/" + proxy.host).asText());

            // An image built without attestations: nothing is said to be left out, and the list is written at once.
            Registry.push(Fixtures.multiArch(Files.createTempDirectory(work, "layout"), Fixtures.threeArch(MultiArchTest.T1, "plain")),
                    source.host + "/library/plain:1", null);
            int refused = refuse.fired();
            Tools.Result plain = sync(work, proxy.host, "--platform=all plain:1");
            assertEquals(List.of("copied:new:docker-list"), outcomes(report(work)), plain.all());
            assertEquals("written as a Docker manifest list: " + proxy.host + " refused OCI indexes before (remembered, so it is not asked again)",
                    report(work).at("/images/0/targets/0/warning").asText());
            assertEquals(refused, refuse.fired(), "the target was not refused again");

            long puts = target.manifestRequests("PUT");
            Tools.Result again = sync(work, proxy.host, "--platform=all listed:1", "--platform=all plain:1");
            assertEquals(0, again.exit(), again.all());
            assertEquals(List.of("skipped:image-id:docker-list", "skipped:image-id:docker-list"), outcomes(report(work)));
            assertEquals(puts, target.manifestRequests("PUT"), "a rerun writes nothing");
        }
    }
}
