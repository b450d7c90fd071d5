package lib.issue;

import lib.core.Env;
import lib.core.ImageRef;
import lib.list.ImageSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which registries an issue may make this repository's runner contact. Anyone allowed to use the issue flow could
 * otherwise name any host (127.0.0.1:22/x, 169.254.169.254/...), and read the connection error on the issue.
 * ISSUE_SYNC_REGISTRIES (a comma list) replaces the default: the public registries and the configured
 * SOURCE_REGISTRY. Hosts outside it are refused before any request. An error posted on the issue shows no network
 * address that neither the issue nor the repository's own settings name (a resolved IP, an internal host).
 */
final class IssueHosts {
    static final List<String> PUBLIC = List.of("docker.io", "ghcr.io", "quay.io", "registry.k8s.io", "gcr.io", "mcr.microsoft.com", "public.ecr.aws");
    /** IPv4 addresses (with a port), bracketed IPv6 ones and host:port pairs, as network errors write them. */
    private static final Pattern ADDRESS = Pattern.compile("\\[[0-9a-fA-F:.]+](?::\\d+)?|\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d+)?\\b"
            + "|\\b(?:[a-z0-9-]+\\.)+[a-z0-9-]+:\\d{1,5}\\b|\\blocalhost:\\d{1,5}\\b");

    private final Set<String> allowed;

    private IssueHosts(Set<String> allowed) {
        this.allowed = allowed;
    }

    /** {@code sourceRegistry}: where bare names resolve (--source-registry / SOURCE_REGISTRY), or null. */
    static IssueHosts from(Map<String, String> env, String sourceRegistry) {
        Set<String> allowed = new LinkedHashSet<>();
        String listed = Env.value(env, "ISSUE_SYNC_REGISTRIES");
        if (listed != null) {
            for (String host : listed.split(",")) {
                if (!host.isBlank()) {
                    allowed.add(host.strip().toLowerCase(Locale.ROOT));
                }
            }
        } else {
            allowed.addAll(PUBLIC);
            if (sourceRegistry != null && !sourceRegistry.isBlank()) {
                allowed.add(sourceRegistry.strip().toLowerCase(Locale.ROOT));
            }
        }
        return new IssueHosts(allowed);
    }

    /** For each image whose registry is not allowed, what to say, keyed by its line in the issue's text. */
    List<IssueReply.Problem> refused(List<ImageSpec> images) {
        List<IssueReply.Problem> problems = new ArrayList<>();
        for (ImageSpec spec : images) {
            String host = spec.source().dockerHubNamed() ? ImageRef.DOCKER_HUB : spec.source().registry();
            if (!allowed.contains(host)) {
                problems.add(new IssueReply.Problem("第 " + spec.line() + " 行 / line " + spec.line(), spec.text(),
                        host + " is not a registry this repository syncs from for issues (" + String.join(", ", allowed)
                                + "); its owner can add it to the repository variable ISSUE_SYNC_REGISTRIES"));
            }
        }
        return problems;
    }

    /** {@code text} with every network address that {@code known} (what the asker may see) does not name replaced by "<address>". */
    static String scrub(String text, String known) {
        Matcher m = ADDRESS.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(known.contains(m.group()) ? m.group() : "<address>"));
        }
        return m.appendTail(out).toString();
    }
}
