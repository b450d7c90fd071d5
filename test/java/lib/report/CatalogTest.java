package lib.report;

import lib.core.ImageRef;
import lib.core.SyncError;
import lib.sync.ImageResult;
import lib.sync.Status;
import lib.sync.TargetResult;
import support.Tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MIRRORS.md: written from a run's report and the catalog before it, and left byte for byte alone by a run that copies nothing. */
class CatalogTest {
    static final LocalDate DAY1 = LocalDate.of(2026, 11, 28);
    static final LocalDate DAY2 = LocalDate.of(2026, 11, 29);
    static final String HEADER = "| 镜像 / Image | 平台 / Platform | aliyun | ghcr | 更新于 / Changed |\n|---|---|---|---|---|\n";

    static TargetResult at(String target, String image, Status status, String digest) {
        return new TargetResult(target, image, status, status == Status.COPIED ? "new" : null, digest,
                status == Status.FAILED ? "boom" : null, status == Status.FAILED ? SyncError.Kind.PERMANENT : null, null, null, null, 0.1);
    }

    static Report report(ImageResult... images) {
        return Report.of(List.of(images));
    }

    static ImageResult image(String source, String platform, TargetResult... targets) {
        return new ImageResult(1, source, platform, null, List.of(targets));
    }

    static final String NGINX_A = "reg.example/ns/nginx:alpine";
    static final String NGINX_G = "ghcr.io/me/nginx:alpine";
    static final String ETCD_A = "reg.example/ns/linux_arm64_quay-io_coreos_etcd:v3.5.0";

    @Test
    void aFirstRunDatesWhatItCopiedAndTheSameRunAgainChangesNothing() {
        Report first = report(
                image("docker.io/library/nginx:alpine", "linux/amd64", at("aliyun", NGINX_A, Status.COPIED, "sha256:1"),
                        at("ghcr", NGINX_G, Status.SKIPPED, "sha256:1")),
                image("quay.io/coreos/etcd:v3.5.0", "linux/arm64", at("aliyun", ETCD_A, Status.SKIPPED, "sha256:2"),
                        at("ghcr", "ghcr.io/me/linux_arm64_quay-io_coreos_etcd:v3.5.0", Status.FAILED, null)));
        String catalog = Catalog.update("", first, Map.of(), DAY1);
        assertEquals(Catalog.INTRO + HEADER
                + "| `nginx:alpine` | linux/amd64 | `" + NGINX_A + "` | `" + NGINX_G + "` | 2026-11-28 |\n"
                + "| `quay.io/coreos/etcd:v3.5.0` | linux/arm64 | `" + ETCD_A + "` | — | — |\n", catalog);

        Report noOp = report(
                image("docker.io/library/nginx:alpine", "linux/amd64", at("aliyun", NGINX_A, Status.SKIPPED, "sha256:1"),
                        at("ghcr", NGINX_G, Status.SKIPPED, "sha256:1")),
                image("quay.io/coreos/etcd:v3.5.0", "linux/arm64", at("aliyun", ETCD_A, Status.SKIPPED, "sha256:2"),
                        at("ghcr", "ghcr.io/me/linux_arm64_quay-io_coreos_etcd:v3.5.0", Status.FAILED, null)));
        assertEquals(catalog, Catalog.update(catalog, noOp, Map.of(), DAY2));
    }

    /** What a run cannot see is kept from the catalog before it: addresses at targets it did not write, and dates. */
    @Test
    void aRunForOneTargetKeepsTheOtherAndAFailureKeepsWhatWasThere() {
        String before = Catalog.INTRO + HEADER
                + "| `nginx:alpine` | linux/amd64 | `" + NGINX_A + "` | `" + NGINX_G + "` | 2026-11-01 |\n"
                + "| `gone:1` | linux/amd64 | `reg.example/ns/gone:1` | — | 2026-10-01 |\n";
        Report aliyunOnly = report(image("docker.io/library/nginx:alpine", "linux/amd64", at("aliyun", NGINX_A, Status.FAILED, "sha256:old")),
                image("docker.io/library/redis:7", "linux/amd64", at("aliyun", "reg.example/ns/redis:7", Status.COPIED, "sha256:3")));
        assertEquals(Catalog.INTRO + HEADER
                + "| `nginx:alpine` | linux/amd64 | `" + NGINX_A + "` | `" + NGINX_G + "` | 2026-11-01 |\n"
                + "| `redis:7` | linux/amd64 | `reg.example/ns/redis:7` | — | 2026-11-29 |\n", Catalog.update(before, aliyunOnly, Map.of(), DAY2),
                "a line no longer in the list is dropped, a new one added, a failed one keeps its address and date");
    }

    @Test
    void aCatalogThatIsNotOursStartsAfreshAndAnEmptyRunSaysSo() {
        Report one = report(image("docker.io/library/redis:7", "linux/amd64", at("aliyun", "reg.example/ns/redis:7", Status.SKIPPED, "sha256:3")));
        String fresh = Catalog.update("# my notes\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", one, Map.of(), DAY1);
        assertEquals(Catalog.INTRO + "| 镜像 / Image | 平台 / Platform | aliyun | 更新于 / Changed |\n|---|---|---|---|\n"
                + "| `redis:7` | linux/amd64 | `reg.example/ns/redis:7` | — |\n", fresh);
        assertTrue(Catalog.update("", report(), Map.of(), DAY1).endsWith("还没有同步过镜像。/ No image has been synced yet.\n"));
    }

    /** The list names an image as its user wrote it; without the list, the report's full reference shows where it came from. */
    @Test
    void imagesAreNamedAsTheListWritesThem() {
        Report mirrored = report(image("mirror.example/library/nginx:alpine", "linux/amd64", at("aliyun", NGINX_A, Status.SKIPPED, "sha256:1")));
        assertTrue(Catalog.update("", mirrored, Map.of(1, ImageRef.parse("nginx:alpine", ImageRef.DOCKER_HUB)), DAY1).contains("| `nginx:alpine` | linux/amd64 |"));
        assertTrue(Catalog.update("", mirrored, Map.of(), DAY1).contains("| `mirror.example/library/nginx:alpine` | linux/amd64 |"));
    }

    /** The template ships an empty catalog, so the first batch run has a file to update and to commit. */
    @Test
    void theTemplatesCatalogIsAnEmptyOne() throws IOException {
        assertEquals(Catalog.update("", report(), Map.of(), DAY1), Files.readString(Tools.REPO.resolve("MIRRORS.md")));
    }
}
