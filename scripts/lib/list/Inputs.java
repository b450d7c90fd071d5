package lib.list;

import lib.core.ImageRef;
import lib.core.Log;
import lib.core.Platforms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the user asked to sync: IMAGE arguments, or a list (a file, or text that came another way, such as an issue's
 * body, named {@code list} in messages); --platform for lines without one, --name for a single image,
 * --source-registry for bare names. Every user mistake is an IllegalArgumentException with its fix.
 */
public record Inputs(List<String> images, String list, Path file, String text, String name, String platform, String sourceRegistry) {
    /** IMAGE arguments, else the list file. */
    public static Inputs of(List<String> images, Path file, String name, String platform, String sourceRegistry) {
        return new Inputs(images, images.isEmpty() ? file.toString() : "IMAGE arguments", file, null, name, platform, sourceRegistry);
    }

    /** A list that is not a file: {@code list} names it in messages ("issue:3: ..."). */
    public static Inputs text(String list, String text, String platform, String sourceRegistry) {
        return new Inputs(List.of(), list, null, text, null, platform, sourceRegistry);
    }

    /** The images asked for, with every mistake in them; lines with a tag policy stay unexpanded (see {@link ImageSpec#unexpanded}). */
    public record Asked(List<ImageSpec> specs, List<String> errors) {
        public List<ImageSpec> named() {
            return ImageSpec.named(specs);
        }

        public List<ImageSpec> policies() {
            return specs.stream().filter(ImageSpec::unexpanded).toList();
        }
    }

    public static Asked read(Inputs in, Log warn) {
        String registry = in.registry();
        Platforms defaultPlatform = in.defaultPlatform();
        String name = in.name() == null || in.name().isBlank() ? null : in.name();
        String file = in.text() != null ? in.list() : in.file().toString();
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
            ImageList.Parsed parsed = ImageList.parse(file, in.text() != null ? in.text() : ImageList.read(in.file()), defaultPlatform, registry);
            parsed.warnings().forEach(warn::warn);
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
