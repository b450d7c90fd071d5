package lib.settings;

import lib.core.Env;
import lib.core.ImageRef;
import lib.core.Json;
import lib.core.Login;
import lib.core.Naming;
import lib.core.Secret;
import lib.core.Target;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Targets and credentials from the environment, under the names GitHub secrets use. An empty variable
 * counts as missing. Without a target list ("auto"), Aliyun is used when any of its variables is set, and GHCR
 * when its own GHCR_TOKEN or GHCR_NAMESPACE is set or, only when no Aliyun variable is, when GITHUB_TOKEN is:
 * every GitHub workflow has that token (and gh users often export one), so it alone says nothing about wanting
 * GHCR next to Aliyun. A half-configured target is an error that names what is missing and how to leave the
 * target out, found before any copying.
 *
 * <p>Each target's settings are a row of {@link #TARGETS}: its variables, with the names each is also read under. A
 * fallback is ours (GITHUB_TOKEN for GHCR_TOKEN) and is read silently; an alias is another template's name for the same
 * setting (ALIYUN_NAME_SPACE), read only when ours is not set and named in a note, so people who come from that
 * template keep their secrets. {@code notes} are those one-line notes, for the run to print.
 *
 * <p>Any number of extra targets, each under an id of the user's ("harbor", "acr-bj"), are named in the target list
 * next to the two. An id X reads X_REGISTRY, X_NAMESPACE, X_USERNAME, X_PASSWORD and X_NAMING (X upper-cased, '-' as
 * '_'); auto never picks one. In GitHub Actions these come from {@link #SECRETS_JSON}, the repository's secrets as one
 * JSON object, so that a new target needs no workflow edited; a variable set in the environment wins over it. Only an
 * extra target's settings are read from it: Aliyun's and GHCR's are what the workflow maps, as before.
 */
public record Settings(List<Target> targets, String dockerHubUser, Secret dockerHubToken, List<String> errors, List<String> notes) {
    /** One setting: the variable, the fallbacks read silently after it, then the aliases read with a note. */
    record Variable(String name, List<String> fallbacks, List<String> aliases) {
        static Variable of(String name) {
            return new Variable(name, List.of(), List.of());
        }

        Variable or(String fallback) {
            return new Variable(name, List.of(fallback), aliases);
        }

        Variable alias(String alias) {
            return new Variable(name, fallbacks, List.of(alias));
        }

        List<String> all() {
            List<String> all = new ArrayList<>(List.of(name));
            all.addAll(fallbacks);
            all.addAll(aliases);
            return all;
        }

        /** As errors name it: "GHCR_TOKEN (or GITHUB_TOKEN)", "ALIYUN_NAMESPACE (or ALIYUN_NAME_SPACE)". */
        String named() {
            List<String> others = all().subList(1, all().size());
            return others.isEmpty() ? name : name + " (or " + String.join(", ", others) + ")";
        }
    }

    /**
     * A target's settings: its registry (with a default, or null when it must be set), namespace, login and secret;
     * {@code naming}: the variable that chooses its naming, null for a target whose names are always flat.
     */
    record TargetVariables(String id, String label, Variable registry, String defaultRegistry, Variable namespace, Variable username,
                           Variable secret, String naming) {
        List<Variable> variables() {
            return List.of(registry, namespace, username, secret);
        }
    }

    static final TargetVariables ALIYUN = new TargetVariables("aliyun", "Aliyun", Variable.of("ALIYUN_REGISTRY"), null,
            Variable.of("ALIYUN_NAMESPACE").alias("ALIYUN_NAME_SPACE"), Variable.of("ALIYUN_USERNAME").alias("ALIYUN_REGISTRY_USER"),
            Variable.of("ALIYUN_PASSWORD").alias("ALIYUN_REGISTRY_PASSWORD"), null);
    static final TargetVariables GHCR = new TargetVariables("ghcr", "GHCR", Variable.of("GHCR_REGISTRY"), "ghcr.io",
            Variable.of("GHCR_NAMESPACE").or("GITHUB_REPOSITORY_OWNER"), Variable.of("GHCR_USERNAME").or("GITHUB_ACTOR"),
            Variable.of("GHCR_TOKEN").or("GITHUB_TOKEN"), null);
    static final List<TargetVariables> TARGETS = List.of(ALIYUN, GHCR);

    /** The environment variable the workflow hands the repository's secrets in, as one JSON object (toJSON(secrets)). */
    public static final String SECRETS_JSON = "SYNC_SECRETS_JSON";
    /**
     * An extra target's id: lower-case letters, digits and '-', from a letter to a letter or digit, so that its
     * variables are names a GitHub secret can have.
     */
    static final Pattern EXTRA_ID = Pattern.compile("[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?");
    /** Words the target list gives a meaning of its own ("default" is the choice 01's form offers for SYNC_TARGETS). */
    static final Set<String> RESERVED = Set.of("aliyun", "ghcr", "both", "auto", "default");

    /** The settings of the extra target {@code id}: its variables, none with a default. */
    static TargetVariables extra(String id) {
        String prefix = prefix(id);
        return new TargetVariables(id, id, Variable.of(prefix + "_REGISTRY"), null, Variable.of(prefix + "_NAMESPACE"),
                Variable.of(prefix + "_USERNAME"), Variable.of(prefix + "_PASSWORD"), prefix + "_NAMING");
    }

    /** What an extra target's variables start with: the id upper-cased, '-' as '_' ("acr-bj": ACR_BJ). */
    static String prefix(String id) {
        return id.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The other template's SYNC_MODE, read as SYNC_TARGETS when neither --to nor SYNC_TARGETS is given. */
    static final Map<String, String> SYNC_MODES = Map.of("aliyun", "aliyun", "ghcr", "ghcr", "double", "both");

    /**
     * Resolves settings for the requested targets ({@code to}: "aliyun", "ghcr", "both", extra ids, "auto", comma lists;
     * null or blank: SYNC_MODE when it is set, else auto; "auto" = Aliyun and GHCR by the auto rule).
     */
    public static Settings from(Map<String, String> env, String to) {
        List<String> errors = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> wanted = wanted(syncMode(env, to, errors, notes), errors);
        boolean auto = wanted.isEmpty() || wanted.remove("auto");
        List<TargetVariables> extras = wanted.stream().filter(id -> !RESERVED.contains(id)).map(Settings::extra).toList();
        Map<String, String> withSecrets = withSecrets(env, errors);
        Set<String> known = new HashSet<>();
        Stream.concat(TARGETS.stream(), extras.stream()).forEach(t -> t.variables().forEach(v -> known.addAll(v.all())));
        extras.forEach(t -> known.add(t.naming()));
        List<Target> targets = new ArrayList<>();

        boolean aliyunSet = ALIYUN.variables().stream().anyMatch(v -> Env.first(env, v.all().toArray(String[]::new)) != null);
        if (wanted.contains("aliyun") || (auto && aliyunSet)) {
            target(env, withSecrets, known, ALIYUN, !wanted.contains("aliyun"), errors, notes, targets);
        }
        boolean ghcrSet = Env.first(env, "GHCR_TOKEN", "GHCR_NAMESPACE") != null || (!aliyunSet && Env.value(env, "GITHUB_TOKEN") != null);
        if (wanted.contains("ghcr") || (auto && ghcrSet)) {
            target(env, withSecrets, known, GHCR, !wanted.contains("ghcr"), errors, notes, targets);
        }
        for (TargetVariables extra : extras) {
            // An extra target's settings are the user's own names: the environment's, else the repository's secrets.
            target(withSecrets, withSecrets, known, extra, false, errors, notes, targets);
        }
        sharedHosts(targets, errors);
        String hubUser = Env.value(env, "DOCKERHUB_USERNAME");
        Secret hubToken = Env.secret(env, "DOCKERHUB_TOKEN");
        if ((hubUser == null) != (hubToken == null)) {
            errors.add("Docker Hub login needs both DOCKERHUB_USERNAME and DOCKERHUB_TOKEN: " + (hubUser == null ? "DOCKERHUB_USERNAME" : "DOCKERHUB_TOKEN") + " is empty");
        }
        return new Settings(targets, hubUser, hubToken, errors, notes);
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

    /** {@code to}, or when it is not given, what SYNC_MODE says (with a note); null for auto. */
    private static String syncMode(Map<String, String> env, String to, List<String> errors, List<String> notes) {
        String mode = Env.value(env, "SYNC_MODE");
        if ((to != null && !to.isBlank()) || mode == null) {
            return to;
        }
        String targets = SYNC_MODES.get(mode.toLowerCase(Locale.ROOT));
        if (targets == null) {
            errors.add("SYNC_MODE='" + mode + "' is not aliyun, ghcr or double: set SYNC_TARGETS (auto, aliyun, ghcr or both) instead, or delete SYNC_MODE");
            return null;
        }
        notes.add("SYNC_MODE=" + mode + " is read as SYNC_TARGETS=" + targets + " (SYNC_TARGETS is not set); set SYNC_TARGETS to choose the targets here");
        return targets;
    }

    /** The ids {@code to} names, "auto" among them when it does; empty for auto alone. */
    private static Set<String> wanted(String to, List<String> errors) {
        Set<String> wanted = new LinkedHashSet<>();
        if (to == null || to.isBlank()) {
            return wanted;
        }
        for (String part : to.split(",")) {
            String id = part.strip().toLowerCase(Locale.ROOT);
            switch (id) {
                case "aliyun", "ghcr", "auto" -> wanted.add(id);
                case "both" -> {
                    wanted.add("aliyun");
                    wanted.add("ghcr");
                }
                default -> {
                    String wrong = wrongId(id);
                    if (wrong == null) {
                        wanted.add(id);
                    } else {
                        errors.add("--to (or SYNC_TARGETS): '" + part.strip() + "' " + wrong + ": use auto, aliyun, ghcr, both or the id of a target of "
                                + "your own (lower-case letters, digits and '-', e.g. harbor or acr-bj), in a comma list");
                    }
                }
            }
        }
        return wanted;
    }

    /** Why {@code id} cannot name an extra target; null when it can. */
    static String wrongId(String id) {
        if (RESERVED.contains(id)) {
            return "is a word of the target list, not a target";
        }
        if (!EXTRA_ID.matcher(id).matches()) {
            return id.isEmpty() ? "is empty" : "is not a target id";
        }
        // GitHub refuses secret names that start with GITHUB_, so such a target could never be set up in Actions.
        return prefix(id).startsWith("GITHUB") ? "is not a target id (GitHub secrets cannot start with GITHUB)" : null;
    }

    /**
     * The environment, with the repository's secrets from {@link #SECRETS_JSON} where it has no value of its own; an
     * unreadable value is an error that never quotes it.
     */
    static Map<String, String> withSecrets(Map<String, String> env, List<String> errors) {
        String json = env.get(SECRETS_JSON);
        Map<String, String> merged = new HashMap<>();
        if (json != null && !json.isBlank()) {
            JsonNode secrets;
            try {
                secrets = Json.MAPPER.readTree(json);
            } catch (IOException e) {
                secrets = null;
            }
            if (secrets == null || !secrets.isObject()) {
                errors.add(SECRETS_JSON + " is not a JSON object of secrets (the workflow sets it to toJSON(secrets)); unset it, or set the extra targets' "
                        + "variables in the environment instead");
            } else {
                secrets.fields().forEachRemaining(e -> {
                    if (e.getValue().isTextual()) {
                        merged.put(e.getKey(), e.getValue().asText());
                    }
                });
            }
        }
        env.forEach((name, value) -> {
            if (!name.equals(SECRETS_JSON) && (Env.value(env, name) != null || !merged.containsKey(name))) {
                merged.put(name, value);
            }
        });
        return merged;
    }

    /** A run holds one login per registry host: two targets on one host must log in alike. */
    private static void sharedHosts(List<Target> targets, List<String> errors) {
        Map<String, Target> byHost = new HashMap<>();
        for (Target t : targets) {
            Target other = byHost.putIfAbsent(t.registry(), t);
            if (other != null && !(other.username().equals(t.username()) && other.secret().reveal().equals(t.secret().reveal()))) {
                errors.add(other.id() + " and " + t.id() + " are both on " + t.registry() + " with different logins, and a run logs in once per "
                        + "registry: give " + t.variables() + "_USERNAME and " + t.secretVariable() + " the values of " + other.variables()
                        + "_USERNAME and " + other.secretVariable() + " (one login that may push to both namespaces)");
            }
        }
    }

    /** The name a setting is read under here: the variable, else a fallback, else an alias (noted); null when none is set. */
    private static String source(Map<String, String> env, Variable v, List<String> notes) {
        for (String name : v.all()) {
            if (Env.value(env, name) != null) {
                if (v.aliases().contains(name)) {
                    notes.add(name + " is used as " + v.name() + " (the name another template gives it)");
                }
                return name;
            }
        }
        return null;
    }

    /**
     * Adds target {@code t} read from {@code env}, or the errors that keep it out; {@code seen}: every variable set,
     * where a typo of a missing one is looked for; {@code known}: the names read, never taken for typos.
     */
    private static void target(Map<String, String> env, Map<String, String> seen, Set<String> known, TargetVariables t, boolean auto,
                               List<String> errors, List<String> notes, List<Target> targets) {
        String registryName = source(env, t.registry(), notes);
        String registry = registryName == null ? t.defaultRegistry() : Env.value(env, registryName);
        String namespaceName = source(env, t.namespace(), notes);
        String usernameName = source(env, t.username(), notes);
        String secretName = source(env, t.secret(), notes);
        List<Variable> missing = new ArrayList<>();
        if (registry == null) missing.add(t.registry());
        if (namespaceName == null) missing.add(t.namespace());
        if (usernameName == null) missing.add(t.username());
        if (secretName == null) missing.add(t.secret());
        if (!missing.isEmpty()) {
            // Half a target is either a forgotten secret or a target the user never meant: say how to fix both.
            String other = t == ALIYUN ? "ghcr" : "aliyun";
            errors.add(t.label() + " target" + (auto ? "" : " (chosen with --to or SYNC_TARGETS)") + ": "
                    + String.join(", ", missing.stream().map(Variable::named).toList())
                    + (missing.size() == 1 ? " is" : " are") + " not set (empty counts as not set); set " + (missing.size() == 1 ? "it" : "them")
                    + " as repository secrets or environment variables, or "
                    + (auto ? "choose the targets with --to " + other + " (the repository variable SYNC_TARGETS in GitHub Actions)"
                            : "leave " + t.id() + " out of --to / SYNC_TARGETS")
                    + String.join("", missing.stream().map(v -> nearMiss(seen, known, v)).filter(Objects::nonNull)
                            .map(m -> "; " + m.getKey() + " is set: did you mean " + m.getValue() + "?").toList()));
            return;
        }
        String registryVar = t.registry().name();
        if (!ImageRef.validHost(registry)) {
            errors.add(t.label() + " target: " + registryVar + "='" + registry + "' is not a registry host: write only the host, e.g. registry.cn-hangzhou.aliyuncs.com (no https://, no path)");
            return;
        }
        String namespace = Env.value(env, namespaceName);
        String ns = namespace.toLowerCase(Locale.ROOT);
        if (ns.length() > ImageRef.MAX_NAME || !ImageRef.NAME_COMPONENT.matcher(ns).matches()) {
            errors.add(t.label() + " target: " + t.namespace().named() + "='" + namespace + "' is not a valid namespace: letters, digits and single '.', '_' or '-' between them");
            return;
        }
        Naming naming = Naming.FLAT;
        String namingText = t.naming() == null ? null : Env.value(env, t.naming());
        if (namingText != null) {
            naming = Naming.of(namingText);
            if (naming == null) {
                errors.add(t.label() + " target: " + t.naming() + "='" + namingText + "' is not flat or path: flat (the default) names bitnami/redis "
                        + "bitnami_redis, path keeps it as bitnami/redis under the namespace");
                return;
            }
        }
        targets.add(new Target(t.id(), registry.toLowerCase(Locale.ROOT), ns, Env.value(env, usernameName), Env.secret(env, secretName),
                registryVar.substring(0, registryVar.length() - "_REGISTRY".length()), naming));
    }

    /**
     * A variable that is set and looks like a typo of {@code v} (the same letters in another case or with other
     * underscores, or one or two letters off), with the name it looks like; null when there is none. The names this
     * class reads are never taken for typos.
     */
    private static Map.Entry<String, String> nearMiss(Map<String, String> env, Set<String> known, Variable v) {
        for (String set : new TreeSet<>(env.keySet())) {
            if (known.contains(set) || Env.value(env, set) == null) {
                continue;
            }
            for (String name : v.all()) {
                if (distance(letters(set), letters(name)) <= 2) {
                    return Map.entry(set, name);
                }
            }
        }
        return null;
    }

    private static String letters(String name) {
        return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
    }

    /** Levenshtein's edit distance. */
    private static int distance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
    }
}
