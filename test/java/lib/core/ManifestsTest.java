package lib.core;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The indexes written for a target that refuses what the source has: only platform images, the rest as the source wrote it. */
class ManifestsTest {
    static String d(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    /** BuildKit's index: two images, their attestations; an SBOM attached by oras ("linux" without an architecture, an artifact). */
    static final String INDEX = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + d('a') + "\",\"size\":668,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + d('b') + "\",\"size\":668,\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}},"
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + d('c') + "\",\"size\":914,\"annotations\":{\"vnd.docker.reference.digest\":\""
            + d('a') + "\",\"vnd.docker.reference.type\":\"attestation-manifest\"},\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"}},"
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + d('d') + "\",\"size\":300,\"artifactType\":\"application/spdx+json\","
            + "\"platform\":{\"architecture\":\"\",\"os\":\"linux\"}},"
            + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + d('e') + "\",\"size\":400}],"
            + "\"annotations\":{\"org.opencontainers.image.created\":\"2024-01-01T00:00:00Z\"}}";

    @Test
    void withoutAttestationsKeepsThePlatformImagesAndEverythingElseAsWritten() throws IOException {
        byte[] stripped = Manifests.withoutAttestations(INDEX.getBytes(StandardCharsets.UTF_8));
        JsonNode root = Json.MAPPER.readTree(stripped);
        List<String> kept = new ArrayList<>();
        root.get("manifests").forEach(m -> kept.add(m.get("digest").asText()));
        assertEquals(List.of(d('a'), d('b')), kept, "no attestation, no SBOM, nothing without a platform");
        assertEquals("2024-01-01T00:00:00Z", root.at("/annotations/org.opencontainers.image.created").asText());
        assertEquals("application/vnd.oci.image.index.v1+json", root.get("mediaType").asText());
        assertArrayEquals(stripped, Manifests.withoutAttestations(INDEX.getBytes(StandardCharsets.UTF_8)), "the same bytes every run: a HEAD tells it");
        assertArrayEquals(stripped, Manifests.withoutAttestations(stripped), "and once stripped, nothing more goes");
    }

    @Test
    void aDockerListListsEachImageByTheDigestAndSizeOfItsManifest() throws IOException {
        List<Manifests.Entry> images = Manifests.images(Manifests.parse(INDEX.getBytes(StandardCharsets.UTF_8)).entries());
        byte[] amd64 = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\"}".getBytes(StandardCharsets.UTF_8);
        byte[] arm = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
        JsonNode list = Json.MAPPER.readTree(Manifests.dockerList(List.of(new Manifests.Listed(images.get(0), amd64), new Manifests.Listed(images.get(1), arm))));
        assertEquals(Manifests.DOCKER_LIST, list.get("mediaType").asText());
        assertEquals(Digest.of(amd64).value(), list.at("/manifests/0/digest").asText());
        assertEquals(amd64.length, list.at("/manifests/0/size").asInt());
        assertEquals(Manifests.DOCKER_IMAGE, list.at("/manifests/1/mediaType").asText());
        assertEquals("{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}", list.at("/manifests/1/platform").toString());
        assertEquals("{\"architecture\":\"amd64\",\"os\":\"linux\"}", list.at("/manifests/0/platform").toString());
    }
}
