package lib.settings;

import lib.core.Env;
import lib.core.ImageRef;
import lib.core.Login;
import lib.core.Secret;
import lib.core.Target;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Targets and credentials from the environment, under the names GitHub secrets use. An empty variable
 * counts as missing. Without a target list ("auto"), Aliyun is used when any of its variables is set, and GHCR
 * when its own GHCR_TOKEN or GHCR_NAMESPACE is set or, only when no Aliyun variable is, when GITHUB_TOKEN is:
 * every GitHub workflow has that token (and gh users often export one), so it alone says nothing about wanting
 * GHCR next to Aliyun. A half-configured target is an error that names what is missing and how to leave the
 * target out, found before any copying.
 */
public record Settings(List<Target> targets, String dockerHubUser, Secret dockerHubToken, List<String> errors) {
    /** Resolves settings for the requested targets ({@code to}: "aliyun", "ghcr", "both", comma lists; null, blank or "auto" = auto). */
    public static Settings from(Map<String, String> env, String to) {
        List<String> errors = new ArrayList<>();
        Set<String> wanted = wanted(to, errors);
        boolean auto = wanted == null;
        List<Target> targets = new ArrayList<>();

        boolean aliyunSet = Env.first(env, "ALIYUN_REGISTRY", "ALIYUN_NAMESPACE", "ALIYUN_USERNAME", "ALIYUN_PASSWORD") != null;
        if (auto ? aliyunSet : wanted.contains("aliyun")) {
            target(errors, targets, auto, "aliyun", "Aliyun",
                    Env.value(env, "ALIYUN_REGISTRY"), "ALIYUN_REGISTRY",
                    Env.value(env, "ALIYUN_NAMESPACE"), "ALIYUN_NAMESPACE",
                    Env.value(env, "ALIYUN_USERNAME"), "ALIYUN_USERNAME",
                    Env.secret(env, "ALIYUN_PASSWORD"), "ALIYUN_PASSWORD");
        }
        Secret ghcrToken = Env.secret(env, "GHCR_TOKEN", "GITHUB_TOKEN");
        boolean ghcrSet = Env.first(env, "GHCR_TOKEN", "GHCR_NAMESPACE") != null || (!aliyunSet && Env.value(env, "GITHUB_TOKEN") != null);
        if (auto ? ghcrSet : wanted.contains("ghcr")) {
            target(errors, targets, auto, "ghcr", "GHCR",
                    Objects.requireNonNullElse(Env.value(env, "GHCR_REGISTRY"), "ghcr.io"), "GHCR_REGISTRY",
                    Env.first(env, "GHCR_NAMESPACE", "GITHUB_REPOSITORY_OWNER"), "GHCR_NAMESPACE (or GITHUB_REPOSITORY_OWNER)",
                    Env.first(env, "GHCR_USERNAME", "GITHUB_ACTOR"), "GHCR_USERNAME (or GITHUB_ACTOR)",
                    ghcrToken, "GHCR_TOKEN (or GITHUB_TOKEN)");
        }
        String hubUser = Env.value(env, "DOCKERHUB_USERNAME");
        Secret hubToken = Env.secret(env, "DOCKERHUB_TOKEN");
        if ((hubUser == null) != (hubToken == null)) {
            errors.add("Docker Hub login needs both DOCKERHUB_USERNAME and DOCKERHUB_TOKEN: " + (hubUser == null ? "DOCKERHUB_USERNAME" : "DOCKERHUB_TOKEN") + " is empty");
        }
        return new Settings(targets, hubUser, hubToken, errors);
    }

    /** The Docker Hub login, or null when none is set. */
    public Login dockerHubLogin() {
        return dockerHubToken == null ? null : new Login(dockerHubUser, dockerHubToken);
    }

    /**
     * The logins the registry client reads with: the user's saved ones ({@code saved}, from their auth files), then
     * each target's and Docker Hub's, which win for their registries.
     */
    public Map<String, Login> logins(Map<String, Login> saved) {
        Map<String, Login> logins = new HashMap<>(saved);
        targets.forEach(t -> logins.put(t.registry(), t.login()));
        if (dockerHubToken != null) {
            logins.put(ImageRef.DOCKER_HUB, dockerHubLogin());
        }
        return logins;
    }

    private static Set<String> wanted(String to, List<String> errors) {
        if (to == null || to.isBlank() || to.strip().equalsIgnoreCase("auto")) {
            return null;
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String part : to.split(",")) {
            switch (part.strip().toLowerCase(Locale.ROOT)) {
                case "aliyun" -> wanted.add("aliyun");
                case "ghcr" -> wanted.add("ghcr");
                case "both" -> {
                    wanted.add("aliyun");
                    wanted.add("ghcr");
                }
                default -> errors.add("--to (or SYNC_TARGETS): unknown target '" + part.strip() + "': use auto, aliyun, ghcr or both (comma list allowed)");
            }
        }
        return wanted;
    }

    private static void target(List<String> errors, List<Target> targets, boolean auto, String id, String label,
                               String registry, String registryVar, String namespace, String namespaceVar,
                               String username, String usernameVar, Secret secret, String secretVar) {
        List<String> missing = new ArrayList<>();
        if (registry == null) missing.add(registryVar);
        if (namespace == null) missing.add(namespaceVar);
        if (username == null) missing.add(usernameVar);
        if (secret == null) missing.add(secretVar);
        if (!missing.isEmpty()) {
            // Half a target is either a forgotten secret or a target the user never meant: say how to fix both.
            String other = id.equals("aliyun") ? "ghcr" : "aliyun";
            errors.add(label + " target" + (auto ? "" : " (chosen with --to or SYNC_TARGETS)") + ": " + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " not set (empty counts as not set); set " + (missing.size() == 1 ? "it" : "them")
                    + " as repository secrets or environment variables, or "
                    + (auto ? "choose the targets with --to " + other + " (the repository variable SYNC_TARGETS in GitHub Actions)"
                            : "leave " + id + " out of --to / SYNC_TARGETS"));
            return;
        }
        if (!ImageRef.validHost(registry)) {
            errors.add(label + " target: " + registryVar + "='" + registry + "' is not a registry host: write only the host, e.g. registry.cn-hangzhou.aliyuncs.com (no https://, no path)");
            return;
        }
        String ns = namespace.toLowerCase(Locale.ROOT);
        if (ns.length() > ImageRef.MAX_NAME || !ImageRef.NAME_COMPONENT.matcher(ns).matches()) {
            errors.add(label + " target: " + namespaceVar + "='" + namespace + "' is not a valid namespace: letters, digits and single '.', '_' or '-' between them");
            return;
        }
        targets.add(new Target(id, registry.toLowerCase(Locale.ROOT), ns, username, secret, registryVar.substring(0, registryVar.indexOf('_'))));
    }
}
