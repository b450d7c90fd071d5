package lib.report;

import lib.core.ImageRef;
import lib.core.Naming;
import lib.core.Platforms;
import lib.core.TargetName;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The files that put the mirror to use on the machine that pulls, written next to MIRRORS.md from it after each
 * batch run: pull.sh with the mirror filled in, k3s/RKE2 rewrite rules, a kustomize images list, and containerd
 * hosts.toml files for targets whose names keep the repository path. They depend on nothing but the catalog and the
 * pull.sh template, so a run that leaves the catalog as it was leaves them as they were too.
 *
 * <p>A target's naming is read from the names it holds, the one thing that says what was written: a path name always
 * has a '/' after the namespace, a flat one never (a namespace is one name, see Settings). So the files follow
 * whatever naming each target is given, with nothing to set here.
 */
public final class MirrorFiles {
    public static final String PULL = "pull.sh";
    public static final String K3S = "k3s-registries.yaml";
    public static final String KUSTOMIZE = "kustomization-images.yaml";
    public static final String CONTAINERD = "containerd";
    static final String BEGIN = "# --- mirror (filled in by the batch run) ---\n";
    static final String END = "# --- end of mirror ---\n";
    static final String WRITTEN = "# Written by each batch run from MIRRORS.md: edits here are overwritten.\n";

    /** One catalog row at one target: the image, and where it is there (registry, namespace, repository, tag). */
    record Mirrored(String image, ImageRef source, Platforms platforms, String target, String registry, String namespace, String repository, String tag) {
        String address() {
            return registry + "/" + namespace + "/" + repository + ":" + tag;
        }

        /** The naming its name follows, or null for an explicit --name. */
        Naming naming() {
            for (Naming naming : Naming.values()) {
                if (TargetName.of(source, platforms, null, image, naming).toString().equals(repository + ":" + tag)) {
                    return naming;
                }
            }
            return null;
        }

        /**
         * Whether a rule on the repository alone serves it: named by the naming rules and without a platform prefix.
         * Rules see the repository a client asks for, never the platform (the client picks that from an index).
         */
        boolean byRepository() {
            return platforms.namePrefix().isEmpty() && naming() != null;
        }
    }

    /** Where a target's images are and how they are named, as pull.sh's MIRROR and MIRROR_NAMING. */
    record Mirror(String target, String registry, String namespace, Naming naming) {}

    private MirrorFiles() {}

    /** The files to write, by path under the output directory, from the catalog's text and pull.sh's template. */
    public static Map<String, String> render(String catalog, String pullScript) {
        List<Mirrored> rows = rows(Catalog.parse(catalog));
        List<Mirror> mirrors = mirrors(rows);
        Map<String, String> files = new TreeMap<>();
        files.put(PULL, pullScript(pullScript, mirrors));
        Mirror first = mirrors.stream().filter(m -> rows.stream().anyMatch(r -> r.target().equals(m.target()) && r.byRepository()))
                .findFirst().orElse(mirrors.isEmpty() ? null : mirrors.get(0));
        List<Mirrored> at = first == null ? List.of() : rows.stream().filter(r -> r.target().equals(first.target())).toList();
        files.put(K3S, k3s(first, at));
        files.put(KUSTOMIZE, kustomize(first, at));
        files.putAll(containerd(mirrors, rows));
        return files;
    }

    private static List<Mirrored> rows(Catalog.Table table) {
        List<Mirrored> rows = new ArrayList<>();
        for (Catalog.Row row : table.rows()) {
            for (String target : table.targets()) {
                String address = row.addresses().get(target);
                if (address == null) {
                    continue;
                }
                // The catalog shows a pinned digest shortened; the name and tag are what matter here.
                String image = row.image().contains("@") ? row.image().substring(0, row.image().indexOf('@')) : row.image();
                String[] parts = address.split("/", 3);
                int colon = address.lastIndexOf(':');
                try {
                    if (parts.length < 3 || colon < address.lastIndexOf('/') || !ImageRef.validHost(parts[0])
                            || !ImageRef.NAME_COMPONENT.matcher(parts[1]).matches()) {
                        continue;
                    }
                    rows.add(new Mirrored(image, ImageRef.parse(image, ImageRef.DOCKER_HUB), Platforms.parse(row.platform()), target, parts[0],
                            parts[1], parts[2].substring(0, parts[2].lastIndexOf(':')), address.substring(colon + 1)));
                } catch (IllegalArgumentException e) {
                    // A row this catalog did not write (edited by hand): nothing can be derived from it.
                }
            }
        }
        return rows;
    }

    /** Each target of the catalog, in its column order, with the naming its named rows follow (flat when none says). */
    private static List<Mirror> mirrors(List<Mirrored> rows) {
        Map<String, Mirror> mirrors = new LinkedHashMap<>();
        for (Mirrored r : rows) {
            Naming naming = r.naming();
            Mirror known = mirrors.get(r.target());
            if (known == null || (known.naming() == null && naming != null)) {
                mirrors.put(r.target(), new Mirror(r.target(), r.registry(), r.namespace(), naming));
            }
        }
        return mirrors.values().stream().map(m -> m.naming() != null ? m : new Mirror(m.target(), m.registry(), m.namespace(), Naming.FLAT)).toList();
    }

    static String pullScript(String template, List<Mirror> mirrors) {
        int begin = template.indexOf(BEGIN);
        int end = template.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the pull.sh template has no '" + BEGIN.strip() + "' ... '" + END.strip() + "' block to fill in");
        }
        StringBuilder block = new StringBuilder(BEGIN);
        for (Mirror m : mirrors) {
            block.append("# ").append(m.target()).append(": MIRROR=").append(m.registry()).append('/').append(m.namespace())
                    .append(" MIRROR_NAMING=").append(m.naming().text()).append(m == mirrors.get(0) ? " (the default below)" : "").append('\n');
        }
        Mirror first = mirrors.isEmpty() ? null : mirrors.get(0);
        block.append(": \"${MIRROR:=").append(first == null ? "" : first.registry() + "/" + first.namespace()).append("}\"\n")
                .append(": \"${MIRROR_NAMING:=").append(first == null ? "flat" : first.naming().text()).append("}\"\n");
        return template.substring(0, begin) + block + template.substring(end);
    }

    /**
     * k3s and RKE2 rewrite the repository a node asks a mirror endpoint for with Go regular expressions (RE2), per
     * upstream registry; containerd tries a mirror's rules in no fixed order (a map) and applies the first that
     * changes the repository (k3s-io/containerd, remotes/docker/resolver.go). So each rule here is one repository,
     * quoted and anchored: exactly one can match any repository, and one that is not in the catalog matches none.
     */
    static String k3s(Mirror mirror, List<Mirrored> rows) {
        StringBuilder yaml = new StringBuilder("# k3s / RKE2: pull the images of MIRRORS.md from your mirror under their original names.\n"
                + "# Copy it to /etc/rancher/k3s/registries.yaml (RKE2: /etc/rancher/rke2/registries.yaml) on every node, then restart k3s.\n"
                + "# Each rule maps one repository as the node asks for it (docker.io's nginx is library/nginx) to its name in the mirror;\n"
                + "# an image without a rule is not rewritten, and k3s then tries its own registry.\n" + WRITTEN);
        Map<String, Map<String, String>> byHost = new TreeMap<>();
        rows.stream().filter(Mirrored::byRepository).forEach(r -> byHost.computeIfAbsent(r.source().registry(), h -> new LinkedHashMap<>())
                .putIfAbsent("^" + r.source().repository().replace(".", "\\.") + "$", r.namespace() + "/" + r.repository()));
        if (byHost.isEmpty()) {
            return yaml.append("mirrors: {}\n").toString();
        }
        yaml.append("# Target ").append(mirror.target()).append(": ").append(mirror.registry()).append('/').append(mirror.namespace()).append('\n');
        leftOut(yaml, rows);
        yaml.append("mirrors:\n");
        byHost.forEach((host, rules) -> {
            yaml.append("  \"").append(host).append("\":\n    endpoint:\n      - \"https://").append(mirror.registry()).append("\"\n    rewrite:\n");
            rules.forEach((pattern, repository) -> yaml.append("      '").append(pattern).append("': '").append(repository).append("'\n"));
        });
        return yaml.append("# A private repository needs the login of a user who may pull it:\n")
                .append("# configs:\n#   \"").append(mirror.registry()).append("\":\n#     auth:\n#       username: <user>\n#       password: <password>\n")
                .toString();
    }

    /** kustomize matches an image by its name exactly as the manifests write it, and keeps its tag, as the mirror does. */
    static String kustomize(Mirror mirror, List<Mirrored> rows) {
        StringBuilder yaml = new StringBuilder("# kustomize: the images of MIRRORS.md in your mirror. Put these entries under images: in your\n"
                + "# kustomization.yaml. kustomize matches the name as your manifests write it (nginx, bitnami/redis) and keeps the tag.\n"
                + WRITTEN);
        Map<String, String> entries = new LinkedHashMap<>();
        rows.stream().filter(Mirrored::byRepository)
                .forEach(r -> entries.putIfAbsent(r.source().shortName(), r.registry() + "/" + r.namespace() + "/" + r.repository()));
        if (entries.isEmpty()) {
            return yaml.append("images: []\n").toString();
        }
        yaml.append("# Target ").append(mirror.target()).append(": ").append(mirror.registry()).append('/').append(mirror.namespace()).append('\n');
        leftOut(yaml, rows);
        yaml.append("images:\n");
        entries.forEach((name, newName) -> yaml.append("  - name: \"").append(name).append("\"\n    newName: \"").append(newName).append("\"\n"));
        return yaml.toString();
    }

    /** The rows a rule by repository cannot serve, named in a comment so that nobody wonders where they went. */
    private static void leftOut(StringBuilder yaml, List<Mirrored> rows) {
        List<Mirrored> left = rows.stream().filter(r -> !r.byRepository()).toList();
        if (!left.isEmpty()) {
            yaml.append("# Left out: a platform prefix or an explicit --name is not in the name a node asks for. Pull these with\n"
                    + "# pull.sh, or sync a platform's line with --platform=all (one tag for every platform) instead:\n");
            left.forEach(r -> yaml.append("#   ").append(r.image()).append(" (").append(r.platforms()).append(") → ").append(r.address()).append('\n'));
        }
    }

    /**
     * containerd (config_path) sends a pull of HOST/REPO to a mirror host as HOST-URL/REPO/manifests/..., where
     * override_path = true makes HOST-URL the API root, /v2 included (containerd docs/hosts.md). A mirror that keeps
     * the path under a prefix is served so; a flat one cannot be, as containerd does not rename repositories. One
     * hosts.toml per upstream host, every path target a host in it, tried in catalog order.
     */
    static Map<String, String> containerd(List<Mirror> mirrors, List<Mirrored> rows) {
        List<Mirror> paths = mirrors.stream().filter(m -> m.naming() == Naming.PATH).toList();
        Set<String> hosts = new LinkedHashSet<>();
        rows.stream().filter(r -> paths.stream().anyMatch(m -> m.target().equals(r.target())) && r.byRepository())
                .map(r -> r.source().registry()).sorted().forEach(hosts::add);
        Map<String, String> files = new TreeMap<>();
        for (String host : hosts) {
            StringBuilder toml = new StringBuilder("# containerd: pull " + host + "'s images from your mirror. Copy this folder to the folder\n"
                    + "# config_path names in containerd's config.toml (usually /etc/containerd/certs.d/).\n" + WRITTEN);
            toml.append("server = \"https://").append(ImageRef.apiHost(host)).append("\"\n");
            for (Mirror m : paths) {
                toml.append("\n[host.\"").append(hostUrl(m, host)).append("\"]\n  capabilities = [\"pull\", \"resolve\"]\n  override_path = true\n");
            }
            // A ':' in a file name breaks checkouts on Windows: containerd also reads HOST_PORT_ for HOST:PORT (docs/hosts.md).
            String folder = host.contains(":") ? host.replace(':', '_') + "_" : host;
            files.put(CONTAINERD + "/" + folder + "/hosts.toml", toml.toString());
        }
        return files;
    }

    /** The API root that serves {@code host}'s repositories at a path-naming mirror: the namespace, then the host element. */
    static String hostUrl(Mirror mirror, String host) {
        return "https://" + mirror.registry() + "/v2/" + mirror.namespace() + (host.equals(ImageRef.DOCKER_HUB) ? "" : "/" + host.replace(':', '-'));
    }
}
