package lib.issue;

import lib.core.ImageRef;
import lib.core.Log;
import lib.core.Platforms;
import lib.core.Target;
import lib.list.ImageList;
import lib.list.ImageSpec;
import lib.list.ListAppend;
import lib.report.Report;
import lib.sync.ImageResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** ISSUE_SYNC_REMEMBER: what an issue synced, added to the image list for the daily run. */
final class Remember {
    private Remember() {}

    /**
     * ISSUE_SYNC_REMEMBER: the request's lines whose images are all there, appended to the image list so the daily run
     * keeps them fresh (a tag-policy line as it is, so the batch keeps choosing its tags), as {@link ListAppend} does.
     */
    static ListAppend.Appended remember(Path imagesFile, List<ImageSpec> asked, Report result, List<Target> targets, int number, Log log) throws IOException {
        List<String> lines = new ArrayList<>();
        for (ImageSpec spec : asked) {
            List<ImageResult> synced = result.images().stream().filter(i -> spec.line().equals(i.line())).toList();
            if (synced.isEmpty() || !synced.stream().flatMap(i -> i.targets().stream()).allMatch(IssueReply::there)) {
                continue;
            }
            // The issue form's platform applies to lines without one; in the list, every line must say its own.
            boolean ownPlatform = ImageList.parseLine(null, spec.text(), Platforms.DEFAULT, ImageRef.DOCKER_HUB).platform().equals(spec.platform());
            lines.add(ownPlatform ? spec.text() : "--platform=" + spec.platform() + " " + spec.text());
        }
        ListAppend.Appended appended = ListAppend.to(imagesFile, "# issue #" + number, lines, targets);
        if (!appended.added().isEmpty()) {
            log.info(imagesFile + ": added " + appended.added().size() + " line(s) from issue #" + number);
        }
        return appended;
    }
}
