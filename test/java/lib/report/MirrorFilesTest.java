package lib.report;

import lib.core.ImageRef;
import lib.core.Naming;
import lib.core.Platforms;
import lib.core.Target;
import lib.list.ImageList;
import lib.list.ImageSpec;
import lib.sync.ImageResult;
import lib.sync.TargetResult;
import support.MirrorRules;
import support.Tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The files beside MIRRORS.md, from a catalog with a flat target (aliyun) and one whose names keep the path (harbor). */
class MirrorFilesTest {
    static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    static final Target ALIYUN = new Target("aliyun", "reg.example", "ns", "u", null, "ALIYUN");
    static final Target HARBOR = new Target("harbor", "harbor.example:8443", "proj", "u", null, "HARBOR", Naming.PATH);

    /** A list line copied to aliyun with flat names and, when {@code harbor}, to a target that keeps paths. */
    static ImageResult row(int line, String text, boolean harbor) {
        ImageSpec spec = ImageList.parseLine(line, text, Platforms.DEFAULT, ImageRef.DOCKER_HUB);
        long now = System.nanoTime();
        List<TargetResult> at = new ArrayList<>(List.of(TargetResult.At.of(ALIYUN, spec.targetName(), now).copied("new", "sha256:1")));
        if (harbor) {
            at.add(TargetResult.At.of(HARBOR, spec.targetName(Naming.PATH), now).copied("new", "sha256:1"));
        }
        return ImageResult.of(spec, at);
    }

    /** Every rule of the naming, at both targets; what a rule by repository cannot serve is there too. */
    static final List<ImageResult> ROWS = List.of(
            row(1, "nginx:1.27", true),
            row(2, "--platform=all nginx:alpine", true),
            row(3, "--platform=linux/amd64,linux/arm64 bitnami/redis:7", true),
            row(4, "--platform=linux/arm64 mysql:8.0", true),
            row(5, "quay.io/coreos/etcd:v3.5.0", true),
            row(6, "localhost:5000/team/my.app:1@sha256:" + HEX, true),
            row(7, "--name=my-python python:3.9", true),
            row(8, "registry.k8s.io/pause:3.9", false));

    static String catalog() {
        return Catalog.update("", Report.of(ROWS), LocalDate.of(2026, 12, 1));
    }

    static Map<String, String> files() throws IOException {
        return MirrorFiles.render(catalog(), Files.readString(Tools.REPO.resolve("scripts/pull.sh")));
    }

    /** What a rule by repository serves: no platform prefix, no explicit name. */
    static boolean served(ImageResult row) {
        return !row.platform().equals("linux/arm64") && !row.source().contains("python");
    }

    @Test
    void k3sRewritesEveryServedEntryToItsMirrorNameAndNothingElse() throws IOException {
        String k3s = files().get(MirrorFiles.K3S);
        for (ImageResult row : ROWS) {
            ImageRef source = ImageRef.parse(row.source(), ImageRef.DOCKER_HUB);
            String address = row.targets().get(0).image();
            String pulled = MirrorRules.k3s(k3s, source.registry(), source.repository());
            if (served(row)) {
                assertEquals(address, pulled + ":" + source.tag(), row.source());
            } else {
                assertNull(pulled, row.source() + " is not the repository's name in the mirror, so no rule may claim it");
            }
        }
        for (String[] other : new String[][]{{"docker.io", "library/nginx2"}, {"docker.io", "library/nginxx"}, {"docker.io", "xlibrary/nginx"},
                {"docker.io", "library/nginx/sub"}, {"docker.io", "bitnami/redis-cluster"}, {"docker.io", "library/mysql"},
                {"localhost:5000", "team/myxapp"}, {"quay.io", "coreos/etcd-operator"}, {"quay.io", "library/nginx"}, {"ghcr.io", "coreos/etcd"}}) {
            assertNull(MirrorRules.k3s(k3s, other[0], other[1]), other[0] + "/" + other[1] + " is not in the catalog");
        }
        assertTrue(k3s.contains("#   mysql:8.0 (linux/arm64) → reg.example/ns/linux_arm64_mysql:8.0\n"), k3s);
        assertTrue(k3s.contains("# Target aliyun: reg.example/ns\n"), k3s);
    }

    @Test
    void kustomizeHasOneEntryPerServedImageNameAsManifestsWriteIt() throws IOException {
        Map<String, String> entries = MirrorRules.kustomize(files().get(MirrorFiles.KUSTOMIZE));
        assertEquals(List.of("nginx", "bitnami/redis", "quay.io/coreos/etcd", "localhost:5000/team/my.app", "registry.k8s.io/pause"),
                List.copyOf(entries.keySet()));
        for (ImageResult row : ROWS.stream().filter(MirrorFilesTest::served).toList()) {
            ImageRef source = ImageRef.parse(row.source(), ImageRef.DOCKER_HUB);
            assertEquals(row.targets().get(0).image(), entries.get(source.shortName()) + ":" + source.tag());
        }
    }

    @Test
    void containerdServesThePathTargetByItsPrefixOneHostsFilePerUpstreamHost() throws IOException {
        Map<String, String> files = files();
        assertEquals(List.of("containerd/docker.io/hosts.toml", "containerd/localhost_5000_/hosts.toml", "containerd/quay.io/hosts.toml"),
                files.keySet().stream().filter(f -> f.startsWith("containerd/")).toList(), "only the path target's hosts; none for the flat one");
        assertTrue(files.get("containerd/docker.io/hosts.toml").contains("server = \"https://registry-1.docker.io\"\n"));
        for (ImageResult row : ROWS.stream().filter(r -> r.targets().size() == 2 && served(r)).toList()) {
            ImageRef source = ImageRef.parse(row.source(), ImageRef.DOCKER_HUB);
            String folder = source.registry().contains(":") ? source.registry().replace(':', '_') + "_" : source.registry();
            List<String> hosts = MirrorRules.containerdHosts(files.get("containerd/" + folder + "/hosts.toml"));
            assertEquals(1, hosts.size());
            // What containerd asks for (API root + repository), and where the image is (the catalog's address).
            String address = row.targets().get(1).image();
            assertEquals("https://" + address.substring(0, address.lastIndexOf(':')).replaceFirst("/", "/v2/"), hosts.get(0) + "/" + source.repository());
        }
    }

    @Test
    void pullShGetsEveryTargetAndTheFirstAsItsDefaultAndTheFilesLinkFromTheCatalog() throws IOException {
        String pull = files().get(MirrorFiles.PULL);
        assertTrue(pull.contains("# aliyun: MIRROR=reg.example/ns MIRROR_NAMING=flat (the default below)\n"
                + "# harbor: MIRROR=harbor.example:8443/proj MIRROR_NAMING=path\n"
                + ": \"${MIRROR:=reg.example/ns}\"\n: \"${MIRROR_NAMING:=flat}\"\n# --- end of mirror ---\n"), pull);
        String template = Files.readString(Tools.REPO.resolve("scripts/pull.sh"));
        assertEquals(template.length(), pull.length() - pull.indexOf("# --- end of mirror") + template.indexOf("# --- end of mirror"),
                "only the mirror block differs from the template");
        String catalog = catalog();
        for (String file : List.of("mirror/pull.sh", "mirror/k3s-registries.yaml", "mirror/kustomization-images.yaml", "mirror/containerd/")) {
            assertTrue(catalog.contains(file), file + " is not mentioned in MIRRORS.md");
        }
        assertEquals(files(), MirrorFiles.render(Catalog.update(catalog, Report.of(ROWS), LocalDate.of(2026, 12, 2)),
                Files.readString(Tools.REPO.resolve("scripts/pull.sh"))), "the files depend on the catalog only");
    }

    @Test
    void withoutAnImageTheFilesAreEmptyButValidAndTheTemplateShipsThem() throws IOException {
        String empty = Catalog.update("", Report.of(List.of()), LocalDate.of(2026, 12, 1));
        Map<String, String> files = MirrorFiles.render(empty, Files.readString(Tools.REPO.resolve("scripts/pull.sh")));
        assertEquals(List.of(MirrorFiles.K3S, MirrorFiles.KUSTOMIZE, MirrorFiles.PULL), List.copyOf(files.keySet()));
        assertEquals(0, MirrorRules.yaml(files.get(MirrorFiles.K3S)).path("mirrors").size());
        assertEquals(0, MirrorRules.kustomize(files.get(MirrorFiles.KUSTOMIZE)).size());
        for (Map.Entry<String, String> file : files.entrySet()) {
            assertEquals(file.getValue(), Files.readString(Tools.REPO.resolve("mirror").resolve(file.getKey())),
                    "the template's mirror/" + file.getKey() + " is not what the empty catalog gives");
        }
    }
}
