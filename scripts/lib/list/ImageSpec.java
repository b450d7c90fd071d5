/**
 * One image to sync: where it was written ({@code line} is null for command-line images), what to read and
 * for which platform, and the explicit target name if one was given ({@code name}, possibly with ":tag").
 */
public record ImageSpec(Integer line, String text, ImageRef source, Platforms platform, String name) {
    /** Same image, same platform, same naming: a duplicate, not a collision. */
    public boolean sameAs(ImageSpec other) {
        return source.equals(other.source) && platform.equals(other.platform) && java.util.Objects.equals(name, other.name);
    }

    public String where() {
        return line == null ? "command line" : "line " + line;
    }
}
