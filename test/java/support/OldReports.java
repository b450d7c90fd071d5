package support;

import java.nio.file.Path;

/** Reports as earlier versions wrote them: every reader of reports must still read them (report changes are additive). */
public final class OldReports {
    /**
     * A shard's report as sync 0.2.0 wrote it (Report.write of commit 7f347f4, from the lines of {@link #V020_LIST} and
     * outcomes chosen to cover every status), before a target result had its "kind" and an image its names: bare names
     * read through SOURCE_REGISTRY=mirror.example, a pinned digest, a digest without a tag, a tag policy's images and its
     * failure, a command-line image; targets aliyun and ghcr.
     */
    public static final Path V020 = Tools.REPO.resolve("test/reports/sync-0.2.0.json");
    /** The list that run synced. */
    public static final Path V020_LIST = Tools.REPO.resolve("test/reports/sync-0.2.0.images.txt");

    private OldReports() {}
}
