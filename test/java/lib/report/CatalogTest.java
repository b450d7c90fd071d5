package lib.report;

import lib.core.ImageRef;
import lib.core.Platforms;
import lib.core.SyncError;
import lib.core.Target;
import lib.list.ImageList;
import lib.list.ImageSpec;
import lib.sync.ImageResult;
import lib.sync.Status;
import lib.sync.TargetResult;
import support.OldReports;
import support.Tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MIRRORS.md: written from a run's report and the catalog before it, and left byte for byte alone by a run that copies nothing. */
public class CatalogTest {
    static final LocalDate DAY1 = LocalDate.of(2026, 11, 28);
    static final LocalDate DAY2 = LocalDate.of(2026, 11, 29);
    static final String HEADER = "| 镜像 / Image | 平台 / Platform | aliyun | ghcr | 更新于 / Changed |\n|---|---|---|---|---|\n";
    static final Target ALIYUN = new Target("aliyun", "reg.example", "ns", "u", null, "ALIYUN");
    static final Target GHCR = new Target("ghcr", "ghcr.io", "me", "u", null, "GHCR");

    /** What a target holds after one outcome: the digest, or null when a failure left it without the image. */
    record At(Target target, Status status, String digest) {}

    /** Line {@code line} of a list as a run reads and reports it (bare names through {@code sourceRegistry}), with its outcome at each target. */
    static ImageResult image(int line, String text, String sourceRegistry, At... outcomes) {
        ImageSpec spec = ImageList.parseLine(line, text, Platforms.DEFAULT, sourceRegistry);
        long now = System.nanoTime();
        return ImageResult.of(spec, java.util.Arrays.stream(outcomes).map(o -> {
            TargetResult.At at = TargetResult.At.of(o.target(), spec.targetName(o.target().naming()), now);
            return switch (o.status()) {
                case COPIED -> at.copied("new", o.digest());
                case SKIPPED -> at.skipped("digest", o.digest());
                case FAILED -> at.failed(SyncError.Kind.PERMANENT, "boom", o.digest());
                default -> throw new IllegalArgumentException(o.status().label);
            };
        }).toList());
    }

    static ImageResult image(int line, String text, At... outcomes) {
        return image(line, text, ImageRef.DOCKER_HUB, outcomes);
    }

    static Report report(ImageResult... images) {
        return Report.of(List.of(images));
    }

    static final String NGINX_A = "reg.example/ns/nginx:alpine";
    static final String NGINX_G = "ghcr.io/me/nginx:alpine";
    static final String ETCD_A = "reg.example/ns/linux_arm64_quay-io_coreos_etcd:v3.5.0";
    static final String ETCD = "--platform=linux/arm64 quay.io/coreos/etcd:v3.5.0";

    @Test
    void aFirstRunDatesWhatItCopiedAndTheSameRunAgainChangesNothing() {
        Report first = report(
                image(1, "nginx:alpine", new At(ALIYUN, Status.COPIED, "sha256:1"), new At(GHCR, Status.SKIPPED, "sha256:1")),
                image(2, ETCD, new At(ALIYUN, Status.SKIPPED, "sha256:2"), new At(GHCR, Status.FAILED, null)));
        String catalog = Catalog.update("", first, DAY1);
        assertEquals(Catalog.INTRO + HEADER
                + "| `nginx:alpine` | linux/amd64 | `" + NGINX_A + "` | `" + NGINX_G + "` | 2026-11-28 |\n"
                + "| `quay.io/coreos/etcd:v3.5.0` | linux/arm64 | `" + ETCD_A + "` | — | —" + Catalog.FAILING + "2026-11-28 |\n", catalog);

        Report noOp = report(
                image(1, "nginx:alpine", new At(ALIYUN, Status.SKIPPED, "sha256:1"), new At(GHCR, Status.SKIPPED, "sha256:1")),
                image(2, ETCD, new At(ALIYUN, Status.SKIPPED, "sha256:2"), new At(GHCR, Status.FAILED, null)));
        assertEquals(catalog, Catalog.update(catalog, noOp, DAY2));
    }

    /** What a run cannot see is kept from the catalog before it: addresses at targets it did not write, and dates. */
    @Test
    void aRunForOneTargetKeepsTheOtherAndAFailureKeepsWhatWasThere() {
        String before = Catalog.INTRO + HEADER
                + "| `nginx:alpine` | linux/amd64 | `" + NGINX_A + "` | `" + NGINX_G + "` | 2026-11-01 |\n"
                + "| `gone:1` | linux/amd64 | `reg.example/ns/gone:1` | — | 2026-10-01 |\n";
        Report aliyunOnly = report(image(1, "nginx:alpine", new At(ALIYUN, Status.FAILED, "sha256:old")),
                image(2, "redis:7", new At(ALIYUN, Status.COPIED, "sha256:3")));
        assertEquals(Catalog.INTRO + HEADER
                + "| `nginx:alpine` | linux/amd64 | `" + NGINX_A + "` | `" + NGINX_G + "` | 2026-11-01" + Catalog.FAILING + "2026-11-29 |\n"
                + "| `redis:7` | linux/amd64 | `reg.example/ns/redis:7` | — | 2026-11-29 |\n", Catalog.update(before, aliyunOnly, DAY2),
                "a line no longer in the list is dropped, a new one added, a failed one keeps its address and date, marked");
    }

    /**
     * A run with one image copied and one failed: the copied one's address and date are new; the failed one keeps the
     * address it had, marked with the date its failures began (from the report's history), and the mark goes when it
     * is synced again.
     */
    @Test
    void aFailedImageKeepsItsLastGoodAddressMarkedFailingSince() {
        String before = Catalog.INTRO + HEADER
                + "| `nginx:alpine` | linux/amd64 | `" + NGINX_A + "` | `" + NGINX_G + "` | 2026-11-01 |\n"
                + "| `redis:7` | linux/amd64 | `reg.example/ns/redis:7` | `ghcr.io/me/redis:7` | 2026-11-02 |\n";
        ImageResult failed = image(2, "redis:7", new At(ALIYUN, Status.FAILED, null), new At(GHCR, Status.FAILED, null))
                .withTargets(t -> t.withFailing(new TargetResult.Failing("2026-11-20", 3, false)));
        String after = Catalog.update(before, report(image(1, "nginx:alpine", new At(ALIYUN, Status.COPIED, "sha256:9"),
                new At(GHCR, Status.COPIED, "sha256:9")), failed), DAY2);
        assertEquals(Catalog.INTRO + HEADER
                + "| `nginx:alpine` | linux/amd64 | `" + NGINX_A + "` | `" + NGINX_G + "` | 2026-11-29 |\n"
                + "| `redis:7` | linux/amd64 | `reg.example/ns/redis:7` | `ghcr.io/me/redis:7` | 2026-11-02" + Catalog.FAILING + "2026-11-20 |\n", after);
        String healed = Catalog.update(after, report(image(2, "redis:7", new At(ALIYUN, Status.SKIPPED, "sha256:3"),
                new At(GHCR, Status.SKIPPED, "sha256:3"))), DAY2);
        assertTrue(healed.endsWith("| `redis:7` | linux/amd64 | `reg.example/ns/redis:7` | `ghcr.io/me/redis:7` | 2026-11-02 |\n"), healed);
    }

    @Test
    void aCatalogThatIsNotOursStartsAfreshAndAnEmptyRunSaysSo() {
        Report one = report(image(1, "redis:7", new At(ALIYUN, Status.SKIPPED, "sha256:3")));
        String fresh = Catalog.update("# my notes\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", one, DAY1);
        assertEquals(Catalog.INTRO + "| 镜像 / Image | 平台 / Platform | aliyun | 更新于 / Changed |\n|---|---|---|---|\n"
                + "| `redis:7` | linux/amd64 | `reg.example/ns/redis:7` | — |\n", fresh);
        assertTrue(Catalog.update("", report(), DAY1).endsWith("还没有同步过镜像。/ No image has been synced yet.\n"));
    }

    /** The report names an image as its user wrote it, whatever registry it was read through; a pinned digest is cut short. */
    @Test
    void imagesAreNamedAsTheirUsersNameThem() {
        String hex = "0123456789abcdef".repeat(4);
        Report mirrored = report(image(1, "nginx:alpine", "mirror.example", new At(ALIYUN, Status.SKIPPED, "sha256:1")),
                image(2, "nginx:1.25@sha256:" + hex, "mirror.example", new At(ALIYUN, Status.SKIPPED, "sha256:1")),
                image(3, "--name=pinned:v1 busybox@sha256:" + hex, "mirror.example", new At(ALIYUN, Status.SKIPPED, "sha256:1")));
        String catalog = Catalog.update("", mirrored, DAY1);
        assertTrue(catalog.contains("| `nginx:alpine` | linux/amd64 | `reg.example/ns/nginx:alpine` |"), catalog);
        assertTrue(catalog.contains("| `nginx:1.25@sha256:0123456789ab` | linux/amd64 | `reg.example/ns/nginx:1.25` |"), catalog);
        assertTrue(catalog.contains("| `busybox@sha256:0123456789ab` | linux/amd64 | `reg.example/ns/pinned:v1` |"), catalog);
    }

    /**
     * 0.2.0's catalog as this version writes it: the same, with the lines on the files that use the mirror (USE) after
     * the intro, and its two failed images marked as failing since the run's day (the report has no history of them).
     */
    public static String asThisVersionWritesIt(String catalog) {
        String before = Catalog.INTRO.substring(0, Catalog.INTRO.length() - Catalog.USE.length());
        return catalog.replace(before, Catalog.INTRO)
                .replace("| `mysql:8.0` | linux/arm64 | — | — | — |", "| `mysql:8.0` | linux/arm64 | — | — | —" + Catalog.FAILING + "2026-11-28 |")
                .replace("| `bitnami/redis:latest` | linux/amd64 | — | — | — |",
                        "| `bitnami/redis:latest` | linux/amd64 | — | — | —" + Catalog.FAILING + "2026-11-28 |");
    }

    /** A report written before images carried their names gives the catalog 0.2.0 wrote from it (with its list: test/reports). */
    @Test
    void aReportOfAnOlderVersionGivesTheCatalogThatVersionWrote() throws IOException {
        Report old = Report.read(OldReports.V020);
        Map<Integer, ImageRef> listed = new HashMap<>();
        ImageList.parse("images.txt", ImageList.read(OldReports.V020_LIST), Platforms.DEFAULT, ImageRef.DOCKER_HUB).images()
                .forEach(spec -> listed.put(spec.line(), spec.source()));
        String catalog = Catalog.update("", old.completed(() -> listed), DAY1);
        assertEquals(asThisVersionWritesIt(Files.readString(OldReports.V020_LIST.resolveSibling("sync-0.2.0.MIRRORS.md"))), catalog);
        // Without its list, the report's references name the images (a mirror's host for bare names).
        assertTrue(Catalog.update("", old.completed(Map::of), DAY1).contains("| `mirror.example/library/nginx:1.27` | linux/amd64 |"));

        // The next run, by this version, finds every row again: nothing copied, nothing changed but the names a list did not give.
        String hex = "0123456789abcdef".repeat(4);
        Target aliyun = new Target("aliyun", "registry.cn-hangzhou.aliyuncs.com", "team", "u", null, "ALIYUN");
        Target ghcr = new Target("ghcr", "ghcr.io", "me", "u", null, "GHCR");
        Report next = report(image(1, "nginx:1.27", "mirror.example", new At(aliyun, Status.SKIPPED, "sha256:1"), new At(ghcr, Status.SKIPPED, "sha256:1")),
                image(4, "nginx:1.25@sha256:" + hex, "mirror.example", new At(aliyun, Status.SKIPPED, "sha256:1"), new At(ghcr, Status.SKIPPED, "sha256:1")));
        String after = Catalog.update(catalog, next, DAY2);
        assertTrue(after.contains("| `nginx:1.27` | linux/amd64 | `registry.cn-hangzhou.aliyuncs.com/team/nginx:1.27` | `ghcr.io/me/nginx:1.27` | 2026-11-28 |\n"), after);
        assertTrue(after.contains("| `nginx:1.25@sha256:0123456789ab` | linux/amd64 | `registry.cn-hangzhou.aliyuncs.com/team/nginx:1.25` | `ghcr.io/me/nginx:1.25` | 2026-11-28 |\n"), after);
    }

    /** The template ships an empty catalog, so the first batch run has a file to update and to commit. */
    @Test
    void theTemplatesCatalogIsAnEmptyOne() throws IOException {
        assertEquals(Catalog.update("", report(), DAY1), Files.readString(Tools.REPO.resolve("MIRRORS.md")));
    }
}
