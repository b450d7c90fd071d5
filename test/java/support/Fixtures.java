package support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes small OCI image layouts for the integration tests: a few hundred bytes of layers, configs with
 * chosen created times, and indexes with the platforms a test asks for.
 */
public final class Fixtures {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String IN_TOTO = "application/vnd.in-toto+json";

    /** One platform image: {@code marker} ends up in both the layer and the config, so different markers mean different images. */
    public record Image(String platform, String created, String marker, Map<String, String> annotations) {
        public Image(String platform, String created, String marker) {
            this(platform, created, marker, Map.of());
        }
    }

    /** A written layout; {@code digests} maps each platform to its manifest digest, {@code top} is what the tag points at. */
    public record Layout(Path dir, String top, Map<String, String> digests) {}

    private Fixtures() {}

    public static Layout multiArch(Path dir, List<Image> images) {
        return multiArch(dir, images, false);
    }

    /**
     * {@code attestations}: after the platform images, one attestation manifest per image as BuildKit writes them
     * (platform unknown/unknown, annotations naming the image it describes); {@code digests} maps each to
     * "attestation:" + its image's platform.
     */
    public static Layout multiArch(Path dir, List<Image> images, boolean attestations) {
        Map<String, String> digests = new LinkedHashMap<>();
        ArrayNode manifests = JSON.createArrayNode();
        for (Image image : images) {
            byte[] manifest = manifest(dir, image);
            String digest = blob(dir, manifest);
            digests.put(image.platform(), digest);
            ObjectNode d = descriptor(OCI_MANIFEST, digest, manifest.length);
            String[] p = image.platform().split("/");
            ObjectNode platform = d.putObject("platform");
            platform.put("architecture", p[1]).put("os", p[0]);
            if (p.length == 3) {
                platform.put("variant", p[2]);
            }
            manifests.add(d);
        }
        if (attestations) {
            for (Image image : images) {
                byte[] manifest = manifest(dir, new Image("unknown/unknown", null, "attestation-of-" + image.marker()));
                String digest = blob(dir, manifest);
                digests.put("attestation:" + image.platform(), digest);
                ObjectNode d = descriptor(OCI_MANIFEST, digest, manifest.length);
                d.putObject("platform").put("architecture", "unknown").put("os", "unknown");
                d.putObject("annotations").put("vnd.docker.reference.digest", digests.get(image.platform()))
                        .put("vnd.docker.reference.type", "attestation-manifest");
                manifests.add(d);
            }
        }
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", OCI_INDEX);
        index.set("manifests", manifests);
        byte[] raw = bytes(index);
        String top = blob(dir, raw);
        writeLayout(dir, OCI_INDEX, top, raw.length);
        return new Layout(dir, top, digests);
    }

    /**
     * An index that lists another index (a nested index), {@code inner}, for linux/amd64 and nothing else, as some
     * hand-made images have it. skopeo will not push one: put it with {@link Registry#putManifest}.
     */
    public static byte[] indexOfIndex(Layout inner) {
        long size;
        try {
            size = Files.size(inner.dir().resolve("blobs/sha256/" + inner.top().substring("sha256:".length())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode d = descriptor(OCI_INDEX, inner.top(), size);
        d.putObject("platform").put("architecture", "amd64").put("os", "linux");
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", OCI_INDEX);
        index.putArray("manifests").add(d);
        return bytes(index);
    }

    public static Layout single(Path dir, Image image) {
        byte[] manifest = manifest(dir, image);
        String digest = blob(dir, manifest);
        writeLayout(dir, OCI_MANIFEST, digest, manifest.length);
        return new Layout(dir, digest, Map.of(image.platform(), digest));
    }

    /**
     * One platform image whose layer holds {@code size} random bytes, which gzip cannot shrink: an upload big
     * enough for a test to cut off in the middle. Each call makes a different image.
     */
    public static Layout large(Path dir, String platform, int size) {
        byte[] content = new byte[size];
        new java.util.Random().nextBytes(content);
        byte[] tar = tar("random.bin", content);
        byte[] layer = gzip(tar);
        String layerDigest = blob(dir, layer);
        String[] p = platform.split("/");
        ObjectNode config = JSON.createObjectNode().put("architecture", p[1]).put("os", p[0]);
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(sha256(tar));
        byte[] configBytes = bytes(config);
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", OCI_MANIFEST);
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", blob(dir, configBytes), configBytes.length));
        manifest.putArray("layers").add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layerDigest, layer.length));
        byte[] raw = bytes(manifest);
        String digest = blob(dir, raw);
        writeLayout(dir, OCI_MANIFEST, digest, raw.length);
        return new Layout(dir, digest, Map.of(platform, digest));
    }

    private static byte[] manifest(Path dir, Image image) {
        byte[] tar = tar("marker.txt", ("image " + image.marker() + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] layer = gzip(tar);
        String layerDigest = blob(dir, layer);
        String[] p = image.platform().split("/");
        ObjectNode config = JSON.createObjectNode();
        if (image.created() != null) {
            config.put("created", image.created());
        }
        config.put("architecture", p[1]).put("os", p[0]);
        if (p.length == 3) {
            config.put("variant", p[2]);
        }
        config.putObject("config").putArray("Env").add("MARKER=" + image.marker());
        ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
        rootfs.putArray("diff_ids").add(sha256(tar));
        byte[] configBytes = bytes(config);
        String configDigest = blob(dir, configBytes);
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", OCI_MANIFEST);
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", configDigest, configBytes.length));
        // An attestation's layer is an in-toto statement, as BuildKit writes it: what some registries refuse.
        String layerType = image.platform().equals("unknown/unknown") ? IN_TOTO : "application/vnd.oci.image.layer.v1.tar+gzip";
        manifest.putArray("layers").add(descriptor(layerType, layerDigest, layer.length));
        if (!image.annotations().isEmpty()) {
            ObjectNode a = manifest.putObject("annotations");
            image.annotations().forEach(a::put);
        }
        return bytes(manifest);
    }

    private static void writeLayout(Path dir, String mediaType, String digest, long size) {
        ObjectNode d = descriptor(mediaType, digest, size);
        d.putObject("annotations").put("org.opencontainers.image.ref.name", "fixture");
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        index.putArray("manifests").add(d);
        try {
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            Files.write(dir.resolve("index.json"), bytes(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", size);
    }

    private static String blob(Path dir, byte[] content) {
        String digest = sha256(content);
        try {
            Path file = dir.resolve("blobs/sha256/" + digest.substring("sha256:".length()));
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return digest;
    }

    public static String sha256(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A one-file ustar archive: header, content padded to 512, two zero blocks. */
    public static byte[] tar(String name, byte[] content) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644\0");
        put(header, 108, "0000000\0");
        put(header, 116, "0000000\0");
        put(header, 124, String.format("%011o\0", content.length));
        put(header, 136, "00000000000\0");
        header[156] = '0';
        put(header, 257, "ustar\0");
        put(header, 263, "00");
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o\0 ", sum));
        int padded = (content.length + 511) / 512 * 512;
        byte[] out = new byte[512 + padded + 1024];
        System.arraycopy(header, 0, out, 0, 512);
        System.arraycopy(content, 0, out, 512, content.length);
        return out;
    }

    private static void put(byte[] buf, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, buf, at, b.length);
    }

    /** The fixture image most tests copy: three platforms, each with a layer of its own. */
    public static List<Image> threeArch(String created, String marker) {
        return List.of(new Image("linux/amd64", created, marker + "-amd64"),
                new Image("linux/arm64", created, marker + "-arm64"),
                new Image("linux/arm/v7", created, marker + "-armv7"));
    }
}
