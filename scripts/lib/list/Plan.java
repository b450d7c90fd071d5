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
 * same target reference; the same image twice under the same name is only a warning, and synced once.
 */
public final class Plan {
    /** {@code also}: the other lines of the list that asked for the same image under the same name (synced once). */
    public record Item(ImageSpec spec, TargetName name, List<Integer> also) {
        public Item(ImageSpec spec, TargetName name) {
            this(spec, name, List.of());
        }

        Item alsoFrom(ImageSpec other) {
            if (other.line() == null || other.line().equals(spec.line()) || also.contains(other.line())) {
                return this;
            }
            List<Integer> more = new ArrayList<>(also);
            more.add(other.line());
            return new Item(spec, name, List.copyOf(more));
        }
    }

    /** {@code refused}: the image each error is about, with the error. */
    public record Result(List<Item> items, List<String> errors, List<String> warnings, List<Refused> refused) {}

    public record Refused(ImageSpec spec, String error) {}

    private Plan() {}

    /** {@code targets} may be empty (an offline --plan): then only the repository's own length is checked. */
    public static Result of(String file, List<ImageSpec> specs, List<Target> targets) {
        List<Item> items = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Integer> taken = new HashMap<>();
        for (ImageSpec spec : specs) {
            TargetName name;
            try {
                name = spec.targetName();
            } catch (IllegalArgumentException e) {
                refused.add(new Refused(spec, where(file, spec) + ": " + e.getMessage()));
                continue;
            }
            String tooLong = tooLong(name, targets);
            if (tooLong != null) {
                refused.add(new Refused(spec, where(file, spec) + ": the target name " + tooLong + " is longer than the " + ImageRef.MAX_NAME
                        + " characters registries accept: give a shorter one with --name=NAME[:TAG]"));
                continue;
            }
            Integer at = taken.putIfAbsent(name.toString(), items.size());
            ImageSpec other = at == null ? null : items.get(at).spec();
            if (other != null && other.source().equals(spec.source()) && other.platform().equals(spec.platform())) {
                warnings.add(where(file, spec) + ": " + spec.quoted() + " is the same image with the same target as " + other.where()
                        + " (" + other.quoted() + "); synced once");
                items.set(at, items.get(at).alsoFrom(spec));
                continue;
            }
            if (other != null) {
                refused.add(new Refused(spec, where(file, spec) + ": " + spec.quoted() + " and " + other.where() + " (" + other.quoted()
                        + ") would both be written to " + name + ": give one of them another name with --name=NAME[:TAG]"));
                continue;
            }
            items.add(new Item(spec, name));
        }
        return new Result(items, refused.stream().map(Refused::error).toList(), warnings, refused);
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
