package lib.sync;

import lib.core.ImageRef;
import lib.core.Json;
import lib.core.Platforms;
import lib.core.SyncError;
import lib.core.Target;
import lib.list.ImageList;
import lib.list.ImageSpec;
import lib.report.Report;
import support.OldReports;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * What a report says of each image, so that its readers (the issue answer, the catalog) need not parse a reference:
 * the image as its user names it, and the name it has at each target. Reports written before these fields get them
 * from their references.
 */
class ImageResultTest {
    static final String HEX = "0123456789abcdef".repeat(4);
    static final Target ALIYUN = new Target("aliyun", "reg.example", "ns", "u", null, "ALIYUN");

    /** A list line as a run reads it through {@code sourceRegistry}, copied to aliyun. */
    static ImageResult synced(String line, String sourceRegistry) {
        ImageSpec spec = ImageList.parseLine(1, line, Platforms.DEFAULT, sourceRegistry);
        return ImageResult.of(spec, List.of(TargetResult.At.of(ALIYUN, spec.targetName(), System.nanoTime())
                .copied("new", "sha256:1")));
    }

    /** name, fullName, tag, pinned | the target's repository:tag */
    static String names(ImageResult r) {
        TargetResult t = r.targets().get(0);
        return r.name() + ", " + r.fullName() + ", " + r.tag() + ", " + r.pinned() + " | " + t.repository() + ":" + t.tag();
    }

    @Test
    void anImageIsNamedAsItsUserNamesItWhateverItWasReadThrough() {
        assertEquals("nginx, docker.io/library/nginx, 1.27, null | nginx:1.27", names(synced("nginx:1.27", "mirror.example")));
        assertEquals("mirror.example/library/nginx:1.27", synced("nginx:1.27", "mirror.example").source(), "where it was read from");
        assertEquals("bitnami/redis, docker.io/bitnami/redis, 7, null | linux_arm64_bitnami_redis:7",
                names(synced("--platform=linux/arm64 bitnami/redis:7", "mirror.example")));
        assertEquals("quay.io/coreos/etcd, quay.io/coreos/etcd, v3.5.0, null | quay-io_coreos_etcd:v3.5.0",
                names(synced("quay.io/coreos/etcd:v3.5.0", "mirror.example")));
        assertEquals("nginx, docker.io/library/nginx, 1.25, sha256:" + HEX + " | nginx:1.25", names(synced("nginx:1.25@sha256:" + HEX, ImageRef.DOCKER_HUB)));
        assertEquals("busybox, docker.io/library/busybox, null, sha256:" + HEX + " | pinned:v1",
                names(synced("--name=pinned:v1 busybox@sha256:" + HEX, ImageRef.DOCKER_HUB)));
        assertEquals("python, docker.io/library/python, 3.9, null | my-python:stable", names(synced("--name=my-python:stable python:3.9", "mirror.example")));
        assertEquals("nginx:1.25@sha256:0123456789ab", synced("nginx:1.25@sha256:" + HEX, ImageRef.DOCKER_HUB).label());
    }

    /** A tag-policy line that failed before choosing a tag has no tag, so no name at the targets. */
    @Test
    void aTagPolicyThatChoseNothingHasNoTag() {
        ImageSpec spec = ImageList.parseLine(3, "--semver=^1.25 nginx", Platforms.DEFAULT, "mirror.example");
        ImageResult failed = ImageResult.of(spec, List.of(new TargetResult.At("aliyun", "reg.example/ns/nginx:<--semver=^1.25>", null, System.nanoTime())
                .failed(SyncError.Kind.NOT_FOUND, "not found", null)));
        assertEquals("nginx, docker.io/library/nginx, null, null | null:null", names(failed));
        assertEquals("nginx", failed.label());
        assertEquals("--semver=^1.25 nginx", failed.policy());
        assertEquals("nginx, docker.io/library/nginx, 1.25.3, null | nginx:1.25.3", names(ImageResult.of(spec.withTag("1.25.3"),
                List.of(TargetResult.At.of(ALIYUN, spec.withTag("1.25.3").targetName(), System.nanoTime()).copied("new", "sha256:1")))));
    }

    /** The fields are added: everything a report said before is still there, with the same values, and nothing else changed. */
    @Test
    void theReportKeepsEveryFieldItHadAndAddsTheNames() throws IOException {
        ImageResult r = synced("nginx:1.27", "mirror.example").inShard(2);
        JsonNode image = Json.MAPPER.valueToTree(r);
        assertEquals(List.of("line", "source", "name", "fullName", "tag", "platform", "targets", "shard"), fields(image));
        assertEquals("mirror.example/library/nginx:1.27", image.path("source").asText());
        JsonNode target = image.path("targets").get(0);
        assertEquals(List.of("target", "image", "repository", "tag", "status", "reason", "digest", "error", "seconds"), fields(target));
        assertEquals("reg.example/ns/nginx:1.27", target.path("image").asText());
        assertEquals(r, Json.MAPPER.treeToValue(image, ImageResult.class), "read back as written");
    }

    static List<String> fields(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** An older report's entries get the names from their references; the list, when given, names list lines as it writes them. */
    @Test
    void anOlderReportIsNamedFromItsReferences() throws IOException {
        List<ImageResult> old = Report.read(OldReports.V020).images();
        assertEquals("mirror.example/library/nginx, mirror.example/library/nginx, 1.27, null | nginx:1.27", names(old.get(0).completed(null)));
        assertEquals("nginx, docker.io/library/nginx, 1.27, null | nginx:1.27",
                names(old.get(0).completed(ImageRef.parse("nginx:1.27", ImageRef.DOCKER_HUB))));
        assertEquals("mirror.example/library/busybox, mirror.example/library/busybox, null, sha256:" + HEX + " | pinned:v1", names(old.get(8).completed(null)));
        // A tag-policy failure's target address is not a reference: it keeps no name there.
        assertEquals("null:null", old.get(7).completed(null).targets().get(0).repository() + ":" + old.get(7).completed(null).targets().get(0).tag());
        ImageResult named = synced("nginx:1.27", "mirror.example");
        assertSame(named, named.completed(ImageRef.parse("other:1", ImageRef.DOCKER_HUB)), "an entry with its names keeps them");
    }
}
