import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What the user asked to sync: IMAGE arguments, or the list file; --platform for lines without one, --name for a
 * single image, --source-registry for bare names. Every user mistake is an IllegalArgumentException with its fix.
 */
public record Inputs(List<String> images, Path file, String name, String platform, String sourceRegistry) {
    /** The images asked for, with every mistake in them; lines with a tag policy stay unexpanded (see {@link ImageSpec#unexpanded}). */
    public record Asked(List<ImageSpec> specs, List<String> errors) {
        public List<ImageSpec> named() {
            return specs.stream().filter(s -> !s.unexpanded()).toList();
        }

        public List<ImageSpec> policies() {
            return specs.stream().filter(ImageSpec::unexpanded).toList();
        }
    }

    public static Asked read(Inputs in, Consumer<String> warn) {
        String registry = in.registry();
        Platforms defaultPlatform = in.defaultPlatform();
        String name = in.name() == null || in.name().isBlank() ? null : in.name();
        String file = in.file().toString();
        if (in.images().stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("an IMAGE argument is empty: give an image such as nginx:alpine");
        }
        List<String> errors = new ArrayList<>();
        List<ImageSpec> specs = new ArrayList<>();
        if (!in.images().isEmpty()) {
            if (name != null && in.images().size() != 1) {
                throw new IllegalArgumentException("--name needs exactly one IMAGE argument (got " + in.images().size() + ")");
            }
            for (String image : in.images()) {
                try {
                    ImageSpec spec = ImageList.parseLine(null, image, defaultPlatform, registry);
                    specs.add(name == null ? spec : spec.withName(name));
                } catch (IllegalArgumentException e) {
                    errors.add("'" + image + "': " + e.getMessage());
                }
            }
        } else {
            if (name != null) {
                throw new IllegalArgumentException("--name needs exactly one IMAGE argument, not a list file");
            }
            ImageList.Parsed parsed = ImageList.parse(file, ImageList.read(in.file()), defaultPlatform, registry);
            parsed.warnings().forEach(warn);
            errors.addAll(parsed.errors());
            specs.addAll(parsed.images());
        }
        if (errors.isEmpty() && specs.isEmpty()) {
            throw new IllegalArgumentException(file + " lists no images: add one image per line, e.g. nginx:alpine");
        }
        return new Asked(specs, errors);
    }

    private String registry() {
        if (sourceRegistry == null || sourceRegistry.isBlank()) {
            return ImageRef.DOCKER_HUB;
        }
        String host = sourceRegistry.strip().toLowerCase(Locale.ROOT);
        if (!ImageRef.validHost(host)) {
            throw new IllegalArgumentException("--source-registry / SOURCE_REGISTRY='" + sourceRegistry + "' is not a registry host: "
                    + "write only the host and port, e.g. mirror.gcr.io or 127.0.0.1:5000 (no https://, no path)");
        }
        return host;
    }

    private Platforms defaultPlatform() {
        try {
            return platform == null || platform.isBlank() ? Platforms.DEFAULT : Platforms.parse(platform.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--platform: " + e.getMessage());
        }
    }
}
