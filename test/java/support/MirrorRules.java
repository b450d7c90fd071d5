package support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated mirror files, applied the way their consumers apply them: k3s's rewrite rules with Go's regexp
 * semantics (RE2, through re2j) in containerd's order, which is none (a Go map: the first rule that changes the
 * repository wins), kustomize's images by exact name, containerd's hosts by their API root.
 */
public final class MirrorRules {
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private MirrorRules() {}

    public static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where a k3s node pulls {@code host}'s {@code repository} from with these registries.yaml rules: the endpoint's
     * host and the rewritten repository, or null when no rule rewrites it. The rules are tried in both orders and at
     * most one may match, so the answer cannot depend on the order containerd happens to take.
     */
    public static String k3s(String registriesYaml, String host, String repository) {
        JsonNode mirror = yaml(registriesYaml).path("mirrors").path(host);
        if (mirror.isMissingNode()) {
            return null;
        }
        List<Map.Entry<String, String>> rules = new ArrayList<>();
        mirror.path("rewrite").fields().forEachRemaining(e -> rules.add(Map.entry(e.getKey(), e.getValue().asText())));
        long matching = rules.stream().filter(r -> com.google.re2j.Pattern.compile(r.getKey()).matcher(repository).find()).count();
        assertTrue(matching <= 1, matching + " rules match " + host + "/" + repository + ": " + rules);
        String forward = apply(rules, repository);
        List<Map.Entry<String, String>> reversed = new ArrayList<>(rules);
        java.util.Collections.reverse(reversed);
        assertEquals(forward, apply(reversed, repository));
        if (forward == null) {
            return null;
        }
        assertEquals(1, mirror.path("endpoint").size(), mirror.toString());
        return mirror.path("endpoint").get(0).asText().replaceFirst("^https?://", "") + "/" + forward;
    }

    /** containerd's loop: the first rule whose replacement changes the repository (Go's ReplaceAllString) wins. */
    private static String apply(List<Map.Entry<String, String>> rules, String repository) {
        for (Map.Entry<String, String> rule : rules) {
            String replaced = com.google.re2j.Pattern.compile(rule.getKey()).matcher(repository).replaceAll(rule.getValue());
            if (!replaced.equals(repository)) {
                return replaced;
            }
        }
        return null;
    }

    /** kustomize's images: entries, name → newName; a name twice fails (kustomize would apply only the first). */
    public static Map<String, String> kustomize(String text) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (JsonNode entry : yaml(text).path("images")) {
            String before = entries.put(entry.path("name").asText(), entry.path("newName").asText());
            assertEquals(null, before, "two entries for " + entry.path("name").asText());
            assertTrue(!entry.has("newTag") && !entry.has("digest"), "the mirror keeps tags: " + entry);
        }
        return entries;
    }

    /** The API roots of a hosts.toml's mirror hosts, in order; each must be pull-and-resolve with override_path. */
    public static List<String> containerdHosts(String hostsToml) {
        List<String> hosts = new ArrayList<>();
        Matcher m = java.util.regex.Pattern.compile("\\[host\\.\"([^\"]+)\"]\\n  capabilities = \\[\"pull\", \"resolve\"]\\n  override_path = true\\n")
                .matcher(hostsToml);
        while (m.find()) {
            hosts.add(m.group(1));
        }
        assertEquals(hosts.size(), hostsToml.split("\\[host\\.", -1).length - 1, hostsToml);
        return hosts;
    }
}
