package lib.list;

import lib.core.ImageRef;
import lib.core.Platforms;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The images.txt grammar: one image per line, blank lines and '#' comments ignored, CRLF and a UTF-8 BOM
 * tolerated, options ({@code --platform}, {@code --name}, a tag policy) before the reference. Every bad line is reported,
 * not just the first, so one run shows the user everything to fix.
 */
public final class ImageList {
    public record Parsed(List<ImageSpec> images, List<String> errors, List<String> warnings) {}

    /** Far more than any real list (a thousand lines are ~50 kB), and little enough that a wrong file cannot exhaust memory. */
    static final long MAX_BYTES = 4L << 20;
    /** Longer lines cannot hold a valid image (a 255-character name, a tag, a digest and the options). */
    static final int MAX_LINE = 1024;

    private ImageList() {}

    /** The text of a list file; an IllegalArgumentException says, for the user, what is wrong with the file. */
    public static String read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(Files.exists(file)
                        ? file + " is not a regular file: give an image list (one image per line) with -f FILE"
                        : file + " not found: create it (one image per line), pass another with -f FILE, or give images as arguments");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + " is " + (Files.size(file) >> 20) + " MB: an image list is at most "
                        + (MAX_BYTES >> 20) + " MB; is it the right file?");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not UTF-8 text: save it as UTF-8 (one image per line)");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    public static Parsed parse(String file, String content, Platforms defaultPlatform, String sourceRegistry) {
        List<ImageSpec> images = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1);
        }
        String[] lines = content.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String text = stripComment(lines[i]).strip();
            if (text.isEmpty()) {
                continue;
            }
            if (text.length() > MAX_LINE) {
                errors.add(file + ":" + lineNumber + ": the line has " + text.length() + " characters, more than any image reference can (" + MAX_LINE + ")");
                continue;
            }
            try {
                ImageSpec spec = parseLine(lineNumber, text, defaultPlatform, sourceRegistry);
                ImageSpec earlier = images.stream().filter(spec::sameAs).findFirst().orElse(null);
                if (earlier != null) {
                    warnings.add(file + ":" + lineNumber + ": '" + text + "' repeats line " + earlier.line() + "; synced once");
                } else {
                    images.add(spec);
                }
            } catch (IllegalArgumentException e) {
                errors.add(file + ":" + lineNumber + ": " + e.getMessage());
            }
        }
        return new Parsed(images, errors, warnings);
    }

    /**
     * What a Chinese input method or a word processor types in place of ASCII, each named with what to type instead:
     * the full-width forms of ASCII (U+FF01 to U+FF5E: '：', '，', '／', ...), the full-width space and curly quotes.
     * Null when the text has none.
     */
    static String lookalikes(String text) {
        Set<String> said = new LinkedHashSet<>();
        boolean quotes = false;
        for (char c : text.toCharArray()) {
            String what;
            String instead;
            if (c >= '\u2018' && c <= '\u201D' && c != '\u201A' && c != '\u201B') {
                what = "the curly quote '" + c + "'";
                instead = c <= '\u2019' ? "'" : "\"";
                quotes = true;
            } else if (c == '\u3000') {
                what = "a full-width space";
                instead = " ";
            } else if (c >= '\uFF01' && c <= '\uFF5E') {
                what = "the full-width '" + c + "'";
                instead = String.valueOf((char) (c - 0xFEE0));
            } else {
                continue;
            }
            said.add(what + String.format(Locale.ROOT, " (U+%04X): write '%s' instead", (int) c, instead));
        }
        return said.isEmpty() ? null : String.join("; ", said) + (quotes ? " (images.txt needs no quotes)"
                : " (an input method in full-width mode types these; switch it to half-width)");
    }

    /** A '#' starts a comment at the start of a line or after white space; elsewhere it is part of the text. */
    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** Parses one image: a line of images.txt (line set) or a command-line argument (line null). */
    public static ImageSpec parseLine(Integer line, String text, Platforms defaultPlatform, String sourceRegistry) {
        String lookalikes = lookalikes(text);
        if (lookalikes != null) {
            throw new IllegalArgumentException("'" + text.strip() + "' has " + lookalikes);
        }
        String[] tokens = text.strip().split("\\s+");
        Platforms platform = null;
        String name = null;
        String reference = null;
        java.util.Map<String, String> policy = new java.util.HashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.startsWith("-")) {
                String option = token.contains("=") ? token.substring(0, token.indexOf('=')) : token;
                String value;
                if (token.contains("=")) {
                    value = token.substring(token.indexOf('=') + 1);
                } else if (i + 1 < tokens.length && !tokens[i + 1].startsWith("-")) {
                    value = tokens[++i];
                } else {
                    value = null;
                }
                switch (option) {
                    case "--platform" -> {
                        if (platform != null) {
                            throw new IllegalArgumentException("--platform is given twice");
                        }
                        platform = Platforms.parse(required(option, value));
                    }
                    case "--name" -> {
                        if (name != null) {
                            throw new IllegalArgumentException("--name is given twice");
                        }
                        name = required(option, value);
                    }
                    case "--tags", "--exclude", "--semver", "--latest" -> {
                        if (policy.put(option, value == null ? "" : value) != null) {
                            throw new IllegalArgumentException(option + " is given twice");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + option + "': before the image come --platform=OS/ARCH[/VARIANT] "
                            + "(or all, or a comma list), --name=NAME[:TAG], and instead of a tag --tags, --exclude, --semver, --latest");
                }
            } else if (reference != null) {
                throw new IllegalArgumentException("more than one image on the line ('" + reference + "' and '" + token + "'): write one image per line");
            } else {
                reference = token;
            }
        }
        if (reference == null) {
            throw new IllegalArgumentException("no image on the line, only options");
        }
        ImageRef source = ImageRef.parse(reference, sourceRegistry);
        TagPolicy tags = TagPolicy.parse(policy.get("--tags"), policy.get("--exclude"), policy.get("--semver"), policy.get("--latest"));
        if (tags != null) {
            if (reference.substring(reference.lastIndexOf('/') + 1).matches(".*[:@].*")) {
                throw new IllegalArgumentException("'" + reference + "' names a tag or digest, and " + tags.describe()
                        + " chooses the tags: write the repository alone, e.g. " + tags.describe() + " " + source.shortName());
            }
            source = source.withTag(null);
        }
        return new ImageSpec(line, text.strip(), source, platform == null ? defaultPlatform : platform, name, tags);
    }

    private static String required(String option, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value, e.g. " + (option.equals("--platform") ? "--platform=linux/arm64" : "--name=my-image:tag"));
        }
        return value;
    }
}
