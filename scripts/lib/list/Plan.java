package lib.list;

import lib.core.ImageRef;
import lib.core.Target;
import lib.core.TargetName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names every image, and refuses names a registry would refuse and two different images that would land on the
 * same target reference; the same image twice under the same name is only a warning.
 */
public final class Plan {
    public record Item(ImageSpec spec, TargetName name) {}

    public record Result(List<Item> items, List<String> errors, List<String> warnings) {}

    private Plan() {}

    /** {@code targets} may be empty (an offline --plan): then only the repository's own length is checked. */
    public static Result of(String file, List<ImageSpec> specs, List<Target> targets) {
        List<Item> items = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, ImageSpec> taken = new HashMap<>();
        for (ImageSpec spec : specs) {
            TargetName name;
            try {
                name = spec.targetName();
            } catch (IllegalArgumentException e) {
                errors.add(where(file, spec) + ": " + e.getMessage());
                continue;
            }
            String tooLong = tooLong(name, targets);
            if (tooLong != null) {
                errors.add(where(file, spec) + ": the target name " + tooLong + " is longer than the " + ImageRef.MAX_NAME
                        + " characters registries accept: give a shorter one with --name=NAME[:TAG]");
                continue;
            }
            ImageSpec other = taken.putIfAbsent(name.toString(), spec);
            if (other != null && other.source().equals(spec.source()) && other.platform().equals(spec.platform())) {
                warnings.add(where(file, spec) + ": '" + spec.text() + "' is the same image with the same target as " + other.where()
                        + " ('" + other.text() + "'); synced once");
                continue;
            }
            if (other != null) {
                errors.add(where(file, spec) + ": '" + spec.text() + "' and " + other.where() + " ('" + other.text()
                        + "') would both be written to " + name + ": give one of them another name with --name=NAME[:TAG]");
                continue;
            }
            items.add(new Item(spec, name));
        }
        return new Result(items, errors, warnings);
    }

    private static String tooLong(TargetName name, List<Target> targets) {
        if (name.repository().length() > ImageRef.MAX_NAME) {
            return name.repository();
        }
        return targets.stream().map(t -> t.reference(name).name()).filter(n -> n.length() > ImageRef.MAX_NAME).findFirst().orElse(null);
    }

    private static String where(String file, ImageSpec spec) {
        return spec.line() == null ? "command line" : file + ":" + spec.line();
    }
}
