import java.util.ArrayList;
import java.util.List;

/**
 * The images.txt grammar: one image per line, blank lines and '#' comments ignored, CRLF and a UTF-8 BOM
 * tolerated, options ({@code --platform}, {@code --name}) before the reference. Every bad line is reported,
 * not just the first, so one run shows the user everything to fix.
 */
public final class ImageList {
    public record Parsed(List<ImageSpec> images, List<String> errors, List<String> warnings) {}

    private ImageList() {}

    public static Parsed parse(String file, String content, Platform defaultPlatform, String sourceRegistry) {
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
    public static ImageSpec parseLine(Integer line, String text, Platform defaultPlatform, String sourceRegistry) {
        String[] tokens = text.strip().split("\\s+");
        Platform platform = null;
        String name = null;
        String reference = null;
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
                        platform = Platform.parse(required(option, value));
                    }
                    case "--name" -> {
                        if (name != null) {
                            throw new IllegalArgumentException("--name is given twice");
                        }
                        name = required(option, value);
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + option + "': only --platform=OS/ARCH[/VARIANT] and --name=NAME[:TAG] may precede the image");
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
        return new ImageSpec(line, text.strip(), source, platform == null ? defaultPlatform : platform, name);
    }

    private static String required(String option, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value, e.g. " + (option.equals("--platform") ? "--platform=linux/arm64" : "--name=my-image:tag"));
        }
        return value;
    }
}
