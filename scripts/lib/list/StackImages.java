package lib.list;

import lib.core.ImageRef;
import lib.core.Platforms;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The images a stack uses, read from its own files for sync.java --from: Docker Compose files ({@code services.*.image}),
 * Kubernetes manifests (every container, init container and ephemeral container, in multi-document YAML and List kinds,
 * at any depth, so Deployments, CronJobs and custom resources alike) and {@code helm template} output, which is such
 * manifests. YAML is read with SnakeYAML Engine (YAML 1.2, as Compose and Kubernetes read it), whose nodes keep their
 * line, so every problem names its file and line. Compose's {@code ${VAR:-default}} takes its default: no variable is
 * read from the environment, since the list must not depend on the machine it was made on.
 */
public final class StackImages {
    /** An image reference as a file writes it (variables resolved), and where. */
    public record Found(String image, String where) {}

    /** {@code problems}: what could not be read, one line each; {@code notes}: files passed over in a folder. */
    public record Result(List<Found> images, List<String> problems, List<String> notes) {}

    static final Set<String> CONTAINER_LISTS = Set.of("containers", "initContainers", "ephemeralContainers");
    static final String STDIN = "-";

    private StackImages() {}

    /** {@code from}: a file, a folder (its .yaml and .yml files, hidden folders left out) or "-" for {@code stdin}. */
    public static Result read(String from, InputStream stdin) {
        Result result = new Result(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try {
            if (from.equals(STDIN)) {
                parse("standard input", new String(stdin.readAllBytes(), StandardCharsets.UTF_8), result, false);
                return result;
            }
            Path path = Path.of(from);
            if (Files.isDirectory(path)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(path)) {
                    files = walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().matches(".*\\.ya?ml"))
                            .filter(p -> !hidden(path.relativize(p)))
                            .sorted().toList();
                }
                for (Path file : files) {
                    parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8), result, true);
                }
            } else if (Files.isRegularFile(path)) {
                parse(from, Files.readString(path, StandardCharsets.UTF_8), result, false);
            } else {
                throw new IllegalArgumentException("--from " + from + ": no such file or folder: give a compose file, a Kubernetes manifest, "
                        + "a folder of them, or - for standard input (helm template ... | sync.java --from -)");
            }
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("--from " + from + ": cannot read it (" + e.getMessage() + ")");
        }
        return result;
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * One file's documents. In a folder, a file that is not YAML (a Helm chart's templates, say) is passed over with a
     * note; given by name, it is a problem.
     */
    static void parse(String name, String text, Result result, boolean inFolder) {
        List<Node> documents = new ArrayList<>();
        try {
            new Compose(LoadSettings.builder().setLabel(name).build()).composeAllFromString(text).forEach(documents::add);
        } catch (YamlEngineException e) {
            String line = e instanceof MarkedYamlEngineException m && m.getProblemMark().isPresent() ? ":" + (m.getProblemMark().get().getLine() + 1) : "";
            String problem = name + line + ": not YAML (" + e.getMessage().lines().findFirst().orElse("").strip() + ")";
            (inFolder ? result.notes() : result.problems()).add(inFolder ? problem + "; passed over (a Helm chart's templates? "
                    + "use helm template ... | sync.java --from -)" : problem);
            return;
        }
        for (Node document : documents) {
            try {
                if (document instanceof MappingNode map && value(map, "services") instanceof MappingNode services
                        && value(map, "apiVersion") == null && value(map, "kind") == null) {
                    compose(name, services, result);
                } else {
                    containers(name, document, result, Collections.newSetFromMap(new IdentityHashMap<>()));
                }
            } catch (IllegalArgumentException e) {
                result.problems().add(where(name, document) + ": " + e.getMessage());
            }
        }
    }

    /** Each service's image; a service that has a build: section is built by Compose, not pulled. */
    private static void compose(String name, MappingNode services, Result result) {
        for (NodeTuple service : tuples(services)) {
            if (!(service.getValueNode() instanceof MappingNode spec) || value(spec, "build") != null) {
                continue;
            }
            if (value(spec, "image") instanceof ScalarNode image) {
                String where = where(name, image);
                try {
                    add(interpolate(image.getValue()), where, result);
                } catch (IllegalArgumentException e) {
                    result.problems().add(where + ": services." + text(service.getKeyNode()) + ".image '" + image.getValue() + "' " + e.getMessage());
                }
            }
        }
    }

    /** Every image under a containers, initContainers or ephemeralContainers list, at any depth (List items, pod templates). */
    private static void containers(String name, Node node, Result result, Set<Node> seen) {
        if (!seen.add(node)) {
            return;
        }
        if (node instanceof SequenceNode list) {
            list.getValue().forEach(item -> containers(name, item, result, seen));
        } else if (node instanceof MappingNode map) {
            for (NodeTuple t : tuples(map)) {
                if (CONTAINER_LISTS.contains(text(t.getKeyNode())) && t.getValueNode() instanceof SequenceNode list) {
                    for (Node container : list.getValue()) {
                        if (container instanceof MappingNode c && value(c, "image") instanceof ScalarNode image) {
                            add(image.getValue(), where(name, image), result);
                        }
                    }
                }
                containers(name, t.getValueNode(), result, seen);
            }
        }
    }

    private static void add(String image, String where, Result result) {
        try {
            ImageList.parseLine(null, image, Platforms.DEFAULT, ImageRef.DOCKER_HUB).targetName();
            result.images().add(new Found(image, where));
        } catch (IllegalArgumentException e) {
            result.problems().add(where + ": " + e.getMessage());
        }
    }

    /**
     * Compose's interpolation without an environment: {@code ${VAR:-default}} and {@code ${VAR-default}} give the
     * default (itself interpolated), {@code $$} a '$'; anything that needs a variable's value is an error naming it.
     */
    static String interpolate(String value) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c != '$' || i + 1 == value.length()) {
                out.append(c);
                i++;
            } else if (value.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (value.charAt(i + 1) == '{') {
                int end = closing(value, i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("has a '${' without its '}'");
                }
                out.append(substitute(value.substring(i + 2, end)));
                i = end + 1;
            } else if (Character.isLetter(value.charAt(i + 1)) || value.charAt(i + 1) == '_') {
                int end = i + 1;
                while (end < value.length() && (Character.isLetterOrDigit(value.charAt(end)) || value.charAt(end) == '_')) {
                    end++;
                }
                throw new IllegalArgumentException(noDefault(value.substring(i + 1, end)));
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String substitute(String expression) {
        int op = 0;
        while (op < expression.length() && (Character.isLetterOrDigit(expression.charAt(op)) || expression.charAt(op) == '_')) {
            op++;
        }
        String variable = expression.substring(0, op);
        String rest = expression.substring(op);
        if (rest.startsWith(":-")) {
            return interpolate(rest.substring(2));
        }
        if (rest.startsWith("-")) {
            return interpolate(rest.substring(1));
        }
        throw new IllegalArgumentException(noDefault(variable));
    }

    private static String noDefault(String variable) {
        return "needs the variable " + variable + ", which has no default here: give it one (${" + variable + ":-value}) or add the line to images.txt by hand";
    }

    /** The '}' that closes the '${' before {@code from}, past nested ones. */
    private static int closing(String value, int from) {
        int depth = 1;
        for (int i = from; i < value.length(); i++) {
            if (value.startsWith("${", i)) {
                depth++;
                i++;
            } else if (value.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A mapping's entries with YAML merge keys ({@code <<: *defaults}, common in compose files) applied: its own keys
     * win, then the merged mappings' in their order. YAML 1.2 has no merge keys, so the parser leaves them to us.
     */
    private static List<NodeTuple> tuples(MappingNode map) {
        List<NodeTuple> out = new ArrayList<>();
        List<NodeTuple> merged = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            if (!"<<".equals(text(t.getKeyNode()))) {
                out.add(t);
                continue;
            }
            for (Node source : t.getValueNode() instanceof SequenceNode list ? list.getValue() : List.of(t.getValueNode())) {
                if (!(source instanceof MappingNode m)) {
                    throw new IllegalArgumentException("a merge key (<<) must name a mapping");
                }
                merged.addAll(tuples(m));
            }
        }
        Set<String> keys = new java.util.HashSet<>();
        out.forEach(t -> keys.add(text(t.getKeyNode())));
        merged.stream().filter(t -> keys.add(text(t.getKeyNode()))).forEach(out::add);
        return out;
    }

    private static Node value(MappingNode map, String key) {
        return tuples(map).stream().filter(t -> key.equals(text(t.getKeyNode()))).map(NodeTuple::getValueNode).findFirst().orElse(null);
    }

    private static String text(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }

    private static String where(String name, Node node) {
        return name + node.getStartMark().map(m -> ":" + (m.getLine() + 1)).orElse("");
    }
}
