package lib.list;

import support.Tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The images a stack's own files use: the fixtures in test/stacks are a compose file, Kubernetes manifests and helm template output. */
class StackImagesTest {
    static final Path STACKS = Tools.REPO.resolve("test/stacks");
    static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    static StackImages.Result read(String file) {
        return StackImages.read(STACKS.resolve(file).toString(), InputStream.nullInputStream());
    }

    static List<String> images(StackImages.Result r) {
        return r.images().stream().map(StackImages.Found::image).toList();
    }

    @Test
    void composeGivesEachPulledServiceImageWithItsDefaultsAndNamesTheLinesItCannotRead() {
        StackImages.Result r = read("compose.yaml");
        // cache takes its image from the anchor it merges, queue overrides it; app and worker are built, not pulled.
        assertEquals(List.of("nginx:1.27-alpine", "redis:7.2", "docker.io/library/rabbitmq:3.13-management", "postgres:16",
                "quay.io/coreos/etcd:v3.5.0", "nginx:1.27-alpine"), images(r));
        String file = STACKS.resolve("compose.yaml").toString();
        assertEquals(List.of(file + ":8", file + ":4", file + ":14", file + ":22", file + ":30", file + ":32"),
                r.images().stream().map(StackImages.Found::where).toList());
        assertEquals(3, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).startsWith(file + ":24: services.search.image 'elasticsearch:${ES_VERSION}' needs the variable ES_VERSION, which has no default"),
                r.problems().get(0));
        assertTrue(r.problems().get(1).startsWith(file + ":26: services.proxy.image '$PROXY_IMAGE' needs the variable PROXY_IMAGE"), r.problems().get(1));
        assertTrue(r.problems().get(2).startsWith(file + ":28: invalid tag '1.0$rc'"), r.problems().get(2));
    }

    @Test
    void kubernetesGivesEveryKindOfContainerInEveryDocumentAndListItem() {
        StackImages.Result r = read("k8s.yaml");
        assertEquals(List.of("busybox:1.36", "nginx:1.27", "quay.io/prometheus/node-exporter:v1.8.1", "registry.k8s.io/pause:3.9",
                "busybox:1.36", "bitnami/kubectl:1.30", "alpine:3.20@sha256:" + HEX), images(r), "the ConfigMap's image: key is not a container's");
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).matches(".*k8s\\.yaml:59: 'alpine@sha256:" + HEX + "' is pinned by digest but has no tag.*"), r.problems().get(0));
    }

    @Test
    void helmTemplateOutputOnStandardInputIsReadAsManifests() throws IOException {
        byte[] output = Files.readAllBytes(STACKS.resolve("helm-template.yaml"));
        StackImages.Result r = StackImages.read("-", new ByteArrayInputStream(output));
        assertEquals(List.of("docker.io/bitnami/os-shell:12-debian-12-r27", "docker.io/bitnami/redis:7.2.5-debian-12-r4",
                "docker.io/bitnami/redis-exporter:1.62.0-debian-12-r2", "docker.io/bitnami/redis:7.2.5-debian-12-r4"), images(r));
        assertEquals("standard input:37", r.images().get(1).where());
        assertEquals(List.of(), r.problems());
    }

    @Test
    void aFolderIsReadWholeAndATemplateInItIsPassedOverWithANote(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("chart/templates"));
        Files.writeString(dir.resolve("chart/templates/deployment.yaml"), "spec:\n  image: {{ .Values.image }}\n  x: {{ if }\n");
        Files.copy(STACKS.resolve("compose.yaml"), dir.resolve("docker-compose.yml"));
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/hidden.yaml"), "services: {x: {image: hidden:1}}\n");
        Files.writeString(dir.resolve("notes.txt"), "services: {x: {image: not-yaml-by-name:1}}\n");
        StackImages.Result r = StackImages.read(dir.toString(), InputStream.nullInputStream());
        assertEquals(List.of("nginx:1.27-alpine", "redis:7.2", "docker.io/library/rabbitmq:3.13-management", "postgres:16",
                "quay.io/coreos/etcd:v3.5.0", "nginx:1.27-alpine"), images(r));
        assertEquals(1, r.notes().size());
        assertTrue(r.notes().get(0).contains("deployment.yaml") && r.notes().get(0).contains("not YAML") && r.notes().get(0).contains("helm template"),
                r.notes().get(0));

        StackImages.Result alone = StackImages.read(dir.resolve("chart/templates/deployment.yaml").toString(), InputStream.nullInputStream());
        assertEquals(1, alone.problems().size(), "a file given by name that is not YAML is a problem, not a note");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> StackImages.read(dir.resolve("nope.yaml").toString(), null));
        assertTrue(missing.getMessage().contains("no such file or folder"), missing.getMessage());
    }

    @Test
    void interpolationTakesDefaultsNestedAndEscapedAndNeedsNoEnvironment() {
        assertEquals("a:1", StackImages.interpolate("a:${T:-1}"));
        assertEquals("a:1", StackImages.interpolate("a:${T-1}"));
        assertEquals("a:2", StackImages.interpolate("a:${T:-${U:-2}}"));
        assertEquals("a$b", StackImages.interpolate("a$$b"));
        assertEquals("a:1", StackImages.interpolate("a:${T:-1}"));
        for (String needs : List.of("a:${T}", "a:$T", "a:${T:?set it}", "a:${T:+x}", "a:${T:-${U}}", "a:${T:-1")) {
            assertThrows(IllegalArgumentException.class, () -> StackImages.interpolate(needs), needs);
        }
    }
}
