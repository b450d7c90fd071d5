package lib.list;

import lib.core.ImageRef;
import lib.core.Naming;
import lib.core.Target;
import lib.core.TargetName;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names every image, and refuses names a registry would refuse and two different images that would land on the
 * same target reference (under each naming the targets use); the same image twice under the same name is only a
 * warning, and synced once.
 */
public final class Plan {
    /**
     * {@code name}: the image's flat name; {@code also}: the other lines of the list that asked for the same image under
     * the same name (synced once).
     */
    public record Item(ImageSpec spec, TargetName name, List<Integer> also) {
        public Item(ImageSpec spec, TargetName name) {
            this(spec, name, List.of());
        }

        /** The name the image has at {@code target}, by that target's naming. */
        public TargetName nameAt(Target target) {
            return target.naming() == Naming.FLAT ? name : spec.targetName(target.naming());
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
        Set<Naming> namings = new LinkedHashSet<>(List.of(Naming.FLAT));
        targets.forEach(t -> namings.add(t.naming()));
        Map<String, Integer> taken = new HashMap<>();
        for (ImageSpec spec : specs) {
            Map<Naming, TargetName> names = new EnumMap<>(Naming.class);
            try {
                namings.forEach(naming -> names.put(naming, spec.targetName(naming)));
            } catch (IllegalArgumentException e) {
                refused.add(new Refused(spec, where(file, spec) + ": " + e.getMessage()));
                continue;
            }
            TargetName name = names.get(Naming.FLAT);
            String tooLong = tooLong(names, targets);
            if (tooLong != null) {
                refused.add(new Refused(spec, where(file, spec) + ": the target name " + tooLong + " is longer than the " + ImageRef.MAX_NAME
                        + " characters registries accept: give a shorter one with --name=NAME[:TAG]"));
                continue;
            }
            // The first image already planned under one of this image's names, in either naming.
            Map.Entry<Naming, Integer> at = names.entrySet().stream().filter(n -> taken.containsKey(key(n.getKey(), n.getValue())))
                    .map(n -> Map.entry(n.getKey(), taken.get(key(n.getKey(), n.getValue())))).findFirst().orElse(null);
            ImageSpec other = at == null ? null : items.get(at.getValue()).spec();
            if (other != null && other.source().equals(spec.source()) && other.platform().equals(spec.platform())) {
                warnings.add(where(file, spec) + ": " + spec.quoted() + " is the same image with the same target as " + other.where()
                        + " (" + other.quoted() + "); synced once");
                items.set(at.getValue(), items.get(at.getValue()).alsoFrom(spec));
                continue;
            }
            if (other != null) {
                refused.add(new Refused(spec, where(file, spec) + ": " + spec.quoted() + " and " + other.where() + " (" + other.quoted()
                        + ") would both be written to " + names.get(at.getKey()) + ": give one of them another name with --name=NAME[:TAG]"));
                continue;
            }
            names.forEach((naming, n) -> taken.put(key(naming, n), items.size()));
            items.add(new Item(spec, name));
        }
        return new Result(items, refused.stream().map(Refused::error).toList(), warnings, refused);
    }

    private static String key(Naming naming, TargetName name) {
        return naming.text() + " " + name;
    }

    private static String tooLong(Map<Naming, TargetName> names, List<Target> targets) {
        TargetName flat = names.get(Naming.FLAT);
        if (flat.repository().length() > ImageRef.MAX_NAME) {
            return flat.repository();
        }
        return targets.stream().map(t -> t.reference(names.get(t.naming())).name()).filter(n -> n.length() > ImageRef.MAX_NAME).findFirst().orElse(null);
    }

    private static String where(String file, ImageSpec spec) {
        return spec.line() == null ? "command line" : file + ":" + spec.line();
    }
}
