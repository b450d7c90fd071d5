package lib.list;

import lib.core.ImageRef;
import lib.core.Platforms;
import lib.core.Target;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Lines added to an image list (ISSUE_SYNC_REMEMBER, sync.java --append): those it does not list yet, under a comment
 * that says where they came from, with everything already in the file kept as it was. A line already listed (the same
 * image, platform and name) is not repeated; one that would collide with a listed line is left out, since the batch
 * would stop on it; and a list with problems of its own is not touched.
 */
public final class ListAppend {
    /** The lines as given, sorted by what became of them; {@code refused} lines carry their reason after ": ". */
    public record Appended(List<String> added, List<String> present, List<String> refused) {}

    private ListAppend() {}

    /** {@code targets}: checked for names too long there (none: an offline check of the names alone). */
    public static Appended to(Path file, String heading, List<String> lines, List<Target> targets) throws IOException {
        List<String> added = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        String name = file.toString();
        String content = "";
        String unreadable = null;
        try {
            content = Files.exists(file) ? ImageList.read(file) : "";
        } catch (IllegalArgumentException e) {
            unreadable = e.getMessage();
        }
        ImageList.Parsed listed = ImageList.parse(name, content, Platforms.DEFAULT, ImageRef.DOCKER_HUB);
        boolean broken = unreadable != null || !listed.errors().isEmpty() || !Plan.of(name, ImageSpec.named(listed.images()), targets).errors().isEmpty();
        List<ImageSpec> specs = new ArrayList<>(listed.images());
        int next = (int) content.lines().count() + 2;
        for (String line : lines) {
            ImageSpec spec = ImageList.parseLine(next + added.size(), line, Platforms.DEFAULT, ImageRef.DOCKER_HUB);
            if (specs.stream().anyMatch(spec::sameAs)) {
                present.add(line);
            } else if (broken) {
                refused.add(line + ": " + (unreadable != null ? unreadable : name + " has problems of its own; fix them first (./jbang scripts/sync.java --plan)"));
            } else {
                List<ImageSpec> with = new ArrayList<>(specs);
                with.add(spec);
                List<String> collisions = Plan.of(name, ImageSpec.named(with), targets).errors();
                if (collisions.isEmpty()) {
                    specs.add(spec);
                    added.add(line);
                } else {
                    refused.add(line + ": " + collisions.get(0));
                }
            }
        }
        if (!added.isEmpty()) {
            String separator = content.isEmpty() || content.endsWith("\n") ? "" : "\n";
            // Written beside it and moved over it, so the list is never half written; it keeps its permissions.
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".images-", ".tmp");
            Files.writeString(tmp, content + separator + "\n" + heading + "\n" + String.join("\n", added) + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, Files.exists(file) ? Files.getPosixFilePermissions(file) : PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return new Appended(added, present, refused);
    }
}
