package lib.issue;

import lib.core.ImageRef;
import lib.core.Log;
import lib.core.Platforms;
import lib.core.Target;
import lib.list.ImageList;
import lib.list.ImageSpec;
import lib.list.Plan;
import lib.report.Report;
import lib.sync.ImageResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** ISSUE_SYNC_REMEMBER: what an issue synced, added to the image list for the daily run. */
final class Remember {
    private Remember() {}

    /**
     * ISSUE_SYNC_REMEMBER: the request's lines whose images are all there, appended to the image list so the daily run
     * keeps them fresh (a tag-policy line as it is, so the batch keeps choosing its tags). A line already listed is not
     * repeated; one that would collide with a listed line is left out (the batch would stop on it), and a list that
     * has problems of its own is not touched.
     */
    static IssueReply.Remembered remember(Path imagesFile, List<ImageSpec> asked, Report result, List<Target> targets, int number, Log log) throws IOException {
        List<String> added = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        String file = imagesFile.toString();
        String content = "";
        String unreadable = null;
        try {
            content = Files.exists(imagesFile) ? ImageList.read(imagesFile) : "";
        } catch (IllegalArgumentException e) {
            unreadable = e.getMessage();
        }
        ImageList.Parsed listed = ImageList.parse(file, content, Platforms.DEFAULT, ImageRef.DOCKER_HUB);
        boolean listBroken = unreadable != null || !listed.errors().isEmpty() || !Plan.of(file, named(listed.images()), targets).errors().isEmpty();
        List<ImageSpec> specs = new ArrayList<>(listed.images());
        int next = (int) content.lines().count() + 2;
        for (ImageSpec spec : asked) {
            List<ImageResult> synced = result.images().stream().filter(i -> spec.line().equals(i.line())).toList();
            if (synced.isEmpty() || !synced.stream().flatMap(i -> i.targets().stream()).allMatch(IssueReply::there)) {
                continue;
            }
            // The issue form's platform applies to lines without one; in the list, every line must say its own.
            boolean ownPlatform = ImageList.parseLine(null, spec.text(), Platforms.DEFAULT, ImageRef.DOCKER_HUB).platform().equals(spec.platform());
            String line = ownPlatform ? spec.text() : "--platform=" + spec.platform() + " " + spec.text();
            if (listed.images().stream().anyMatch(spec::sameAs)) {
                present.add(line);
            } else if (listBroken) {
                refused.add(line + ": " + (unreadable != null ? unreadable
                        : file + " has problems of its own; fix them first (./jbang scripts/sync.java --plan)"));
            } else {
                List<ImageSpec> with = new ArrayList<>(specs);
                with.add(ImageList.parseLine(next + added.size(), line, Platforms.DEFAULT, ImageRef.DOCKER_HUB));
                List<String> collisions = Plan.of(file, named(with), targets).errors();
                if (collisions.isEmpty()) {
                    specs.add(with.get(with.size() - 1));
                    added.add(line);
                } else {
                    refused.add(line + ": " + collisions.get(0));
                }
            }
        }
        if (!added.isEmpty()) {
            String separator = content.isEmpty() || content.endsWith("\n") ? "" : "\n";
            // Written beside it and moved over it, so the list is never half written; it keeps its permissions.
            Path tmp = Files.createTempFile(imagesFile.toAbsolutePath().getParent(), ".images-", ".tmp");
            Files.writeString(tmp, content + separator + "\n# issue #" + number + "\n" + String.join("\n", added) + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, Files.exists(imagesFile) ? Files.getPosixFilePermissions(imagesFile)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, imagesFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            log.info(file + ": added " + added.size() + " line(s) from issue #" + number);
        }
        return new IssueReply.Remembered(added, present, refused);
    }

    /** The lines that name their tag: the ones that can be checked for collisions before the run lists any tags. */
    static List<ImageSpec> named(List<ImageSpec> specs) {
        return specs.stream().filter(spec -> !spec.unexpanded()).toList();
    }
}
