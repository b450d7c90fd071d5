package lib.report;

import lib.core.SyncError;
import lib.sync.ImageResult;
import lib.sync.Status;
import lib.sync.TargetResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reports of any size, built the way a batch run of a long list looks: two targets (Aliyun and GHCR), one image in ten
 * copied, one in thirty failed at both targets, the rest unchanged, and the Docker Hub quota line.
 */
final class SyntheticReports {
    static final String ALIYUN = "registry.cn-hangzhou.aliyuncs.com/my-team/";
    static final String GHCR = "ghcr.io/my-team/";

    private SyntheticReports() {}

    static Report of(int images) {
        List<ImageResult> results = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            String name = String.format(Locale.ROOT, "app-%04d", i);
            String tag = "1." + i + ".0";
            Status status = i % 30 == 7 ? Status.FAILED : i % 10 == 0 ? Status.COPIED : Status.SKIPPED;
            results.add(new ImageResult(i + 1, "docker.io/library/" + name + ":" + tag, name, "docker.io/library/" + name, tag, null,
                    "linux/amd64", null, null, List.of(target("aliyun", ALIYUN, name, tag, status, i), target("ghcr", GHCR, name, tag, status, i)), null));
        }
        return Report.of(results).withStats(new Report.Stats(Map.of(), Map.of(), Map.of(),
                Map.of("registry-1.docker.io", new Report.Quota(200, 180, 170))));
    }

    static TargetResult target(String id, String namespace, String name, String tag, Status status, int i) {
        String digest = String.format(Locale.ROOT, "sha256:%064x", i);
        return switch (status) {
            case FAILED -> new TargetResult(id, namespace + name + ":" + tag, name, tag, status, null, null,
                    name + ":" + tag + ": source docker.io/library/" + name + ":" + tag + " not found (manifest unknown): is the tag still "
                            + "there? Check images.txt", SyncError.Kind.NOT_FOUND, null, null, null, 1.5, null, null);
            case COPIED -> new TargetResult(id, namespace + name + ":" + tag, name, tag, status, "new", digest, null, null, null, null, null, 12.5, null, null);
            default -> new TargetResult(id, namespace + name + ":" + tag, name, tag, status, "digest", digest, null, null, null, null, null, 0.1, null, null);
        };
    }
}
