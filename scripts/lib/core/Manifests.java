package lib.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reading raw manifests, indexes and image configs exactly as registries store them. */
public final class Manifests {
    /**
     * One entry of an index / manifest list. {@code describes}: for an attestation entry (build provenance, SBOM),
     * the digest of the platform manifest it is about; null for a platform image.
     */
    public record Entry(Digest digest, String mediaType, String os, String arch, String variant, Digest describes) {
        /** An index inside an index: nothing copies or pulls it as one platform's image. */
        public boolean nestedIndex() {
            return mediaType != null && INDEX_TYPES.contains(mediaType);
        }

        public String platform() {
            return Platform.text(os, arch, variant);
        }
    }

    /** What a raw manifest is: an index with entries, or a single image manifest with its config digest. */
    public record Parsed(Digest digest, boolean index, List<Entry> entries, Digest configDigest) {}

    /** The fields of an image config that the skip decision looks at. */
    public record Config(String created, String os, String arch, String variant) {
        public String platform() {
            return Platform.text(os, arch, variant);
        }
    }

    /** Docker's manifest list: what a registry that refuses OCI indexes may still take. */
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** Docker's image manifest (schema 2): what a Docker manifest list must list for such registries. */
    public static final String DOCKER_IMAGE = "application/vnd.docker.distribution.manifest.v2+json";
    /** The media types of an index: OCI's, and Docker's manifest list. */
    public static final java.util.Set<String> INDEX_TYPES = java.util.Set.of("application/vnd.oci.image.index.v1+json", DOCKER_LIST);

    private Manifests() {}

    public static Parsed parse(byte[] raw) {
        JsonNode root = read(raw, "manifest");
        Digest digest = Digest.of(raw);
        JsonNode manifests = root.get("manifests");
        if (manifests != null && manifests.isArray()) {
            List<Entry> entries = new ArrayList<>();
            for (JsonNode m : manifests) {
                JsonNode p = m.path("platform");
                // An entry we cannot address (another digest algorithm) cannot be chosen or copied by digest: left out.
                Digest entry = Digest.parseOrNull(text(m, "digest"));
                if (entry != null) {
                    entries.add(new Entry(entry, text(m, "mediaType"), text(p, "os"), text(p, "architecture"), text(p, "variant"), describes(m)));
                }
            }
            return new Parsed(digest, true, entries, null);
        }
        if (text(root.path("config"), "digest") == null) {
            throw new IllegalArgumentException("unsupported manifest (neither an index nor an image manifest with a config; schema 1 manifests are not supported)");
        }
        return new Parsed(digest, false, List.of(), digestIn(root.path("config"), "the config"));
    }

    /** The blobs an image manifest refers to: its config, then its layers. */
    public static List<Digest> blobs(byte[] raw) {
        JsonNode root = read(raw, "manifest");
        List<Digest> blobs = new ArrayList<>(List.of(digestIn(root.path("config"), "the config")));
        for (JsonNode layer : root.path("layers")) {
            blobs.add(digestIn(layer, "a layer"));
        }
        return blobs;
    }

    /**
     * The index with only the entries for {@code chosen} platform manifests and the attestations about them,
     * everything else as the source wrote it: the same source gives the same bytes, so the same digest, every run.
     */
    public static byte[] subset(byte[] index, Collection<Digest> chosen) {
        return keep(index, m -> {
            Digest describes = describes(m);
            return chosen.contains(Digest.parseOrNull(m.path("digest").asText())) || (describes != null && chosen.contains(describes));
        });
    }

    /**
     * The index with its platform images only: no attestations, no unknown/unknown or other entries without a
     * platform (artifacts, signatures), everything else as the source wrote it, so the same index gives the same bytes.
     */
    public static byte[] withoutAttestations(byte[] index) {
        return keep(index, m -> text(m, "artifactType") == null && isImage(new Entry(Digest.parseOrNull(text(m, "digest")), text(m, "mediaType"),
                text(m.path("platform"), "os"), text(m.path("platform"), "architecture"), text(m.path("platform"), "variant"), describes(m))));
    }

    private static byte[] keep(byte[] index, java.util.function.Predicate<JsonNode> entry) {
        JsonNode root = read(index, "index");
        ArrayNode kept = Json.MAPPER.createArrayNode();
        for (JsonNode m : root.path("manifests")) {
            if (entry.test(m)) {
                kept.add(m);
            }
        }
        ((ObjectNode) root).set("manifests", kept);
        return write(root);
    }

    /** A platform image as written to a registry for a Docker manifest list: {@code manifest} is Docker schema 2. */
    public record Listed(Entry platform, byte[] manifest) {}

    /** A Docker manifest list of {@code images}, in their order, each under the platform its source entry names. */
    public static byte[] dockerList(List<Listed> images) {
        ObjectNode root = Json.MAPPER.createObjectNode().put("schemaVersion", 2).put("mediaType", DOCKER_LIST);
        ArrayNode manifests = root.putArray("manifests");
        for (Listed image : images) {
            ObjectNode m = manifests.addObject().put("mediaType", DOCKER_IMAGE).put("size", image.manifest().length)
                    .put("digest", Digest.of(image.manifest()).value());
            ObjectNode p = m.putObject("platform").put("architecture", image.platform().arch()).put("os", image.platform().os());
            if (image.platform().variant() != null) {
                p.put("variant", image.platform().variant());
            }
        }
        return write(root);
    }

    private static byte[] write(JsonNode root) {
        try {
            return Json.MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Docker's convention for attestations inside an index (BuildKit writes them for provenance and SBOMs). */
    private static Digest describes(JsonNode entry) {
        JsonNode a = entry.path("annotations");
        return "attestation-manifest".equals(text(a, "vnd.docker.reference.type")) ? Digest.parseOrNull(text(a, "vnd.docker.reference.digest")) : null;
    }

    /** The "digest" field of a descriptor, which must be one: a manifest that names content by anything else is unusable. */
    private static Digest digestIn(JsonNode descriptor, String what) {
        Digest d = Digest.parseOrNull(text(descriptor, "digest"));
        if (d == null) {
            throw new IllegalArgumentException("the registry returned a manifest whose " + what + " has no valid digest");
        }
        return d;
    }

    public static Config config(byte[] raw) {
        JsonNode root = read(raw, "image config");
        return new Config(text(root, "created"), text(root, "os"), text(root, "architecture"), text(root, "variant"));
    }

    /**
     * The index entry for a platform. Without a requested variant an entry without one is preferred, then the
     * variant Docker itself defaults to (arm64/v8, arm/v7), then the first offered.
     */
    public static Entry select(List<Entry> entries, Platform platform) {
        List<Entry> matching = entries.stream().filter(e -> platform.accepts(e.os(), e.arch(), e.variant())).toList();
        if (matching.isEmpty()) {
            return null;
        }
        return matching.stream().filter(e -> e.variant() == null).findFirst()
                .or(() -> matching.stream().filter(e -> defaultVariant(e.arch()).equals(e.variant())).findFirst())
                .orElse(matching.get(0));
    }

    /** Platforms an index offers, for the error message when the requested one is missing (attestations left out). */
    public static List<String> offered(List<Entry> entries) {
        return images(entries).stream().map(Entry::platform).distinct().toList();
    }

    /** The platform images of an index, without attestations. */
    public static List<Entry> images(List<Entry> entries) {
        return entries.stream().filter(Manifests::isImage).toList();
    }

    /** Not an attestation, and for a platform: unknown/unknown is BuildKit's mark for none, and an SBOM may say "linux" without an architecture. */
    private static boolean isImage(Entry e) {
        return e.describes() == null && e.os() != null && !"unknown".equals(e.os()) && e.arch() != null;
    }

    private static String defaultVariant(String arch) {
        return switch (arch) {
            case "arm64" -> "v8";
            case "arm" -> "v7";
            default -> "";
        };
    }

    private static JsonNode read(byte[] raw, String what) {
        try {
            return Json.MAPPER.readTree(raw);
        } catch (IOException e) {
            throw new IllegalArgumentException("the registry returned a " + what + " that is not valid JSON");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }
}
