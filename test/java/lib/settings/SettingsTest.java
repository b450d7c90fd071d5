package lib.settings;

import lib.core.Target;
import support.Tools;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {
    static Map<String, String> aliyun() {
        Map<String, String> env = new HashMap<>();
        env.put("ALIYUN_REGISTRY", "registry.cn-hangzhou.aliyuncs.com");
        env.put("ALIYUN_NAMESPACE", "MyNs");
        env.put("ALIYUN_USERNAME", "me@example.com");
        env.put("ALIYUN_PASSWORD", "hunter2");
        return env;
    }

    static Map<String, String> githubActions(Map<String, String> env) {
        env.put("GITHUB_REPOSITORY_OWNER", "OctoCat");
        env.put("GITHUB_ACTOR", "octocat");
        env.put("GITHUB_TOKEN", "ghs_workflow");
        return env;
    }

    static List<String> ids(Settings s) {
        return s.targets().stream().map(Target::id).toList();
    }

    @Test
    void autoWithAliyunOnlyIsAliyun() {
        Settings s = Settings.from(aliyun(), null);
        assertEquals(List.of(), s.errors());
        assertEquals(List.of("aliyun"), ids(s));
        assertEquals("myns", s.targets().get(0).namespace());
    }

    /** Every workflow has GITHUB_TOKEN (and gh users export one): next to Aliyun it must not switch GHCR on. */
    @Test
    void theWorkflowTokenAloneAddsNoGhcrNextToAliyun() {
        for (String to : new String[]{null, "", "auto", " AUTO "}) {
            Settings s = Settings.from(githubActions(aliyun()), to);
            assertEquals(List.of(), s.errors(), "to=" + to);
            assertEquals(List.of("aliyun"), ids(s), "to=" + to);
        }
    }

    @Test
    void anExplicitGhcrTokenAddsGhcrNextToAliyun() {
        Map<String, String> env = githubActions(aliyun());
        env.put("GHCR_TOKEN", "ghp_personal");
        Settings s = Settings.from(env, null);
        assertEquals(List.of(), s.errors());
        assertEquals(List.of("aliyun", "ghcr"), ids(s));
        Target ghcr = s.targets().get(1);
        assertEquals("ghcr.io", ghcr.registry());
        assertEquals("octocat", ghcr.namespace());
        assertEquals("ghp_personal", new String(ghcr.secret().bytes(), StandardCharsets.UTF_8), "GHCR_TOKEN wins over the workflow token");
    }

    @Test
    void anExplicitGhcrNamespaceAlsoMeansGhcrAndUsesTheWorkflowToken() {
        Map<String, String> env = githubActions(aliyun());
        env.put("GHCR_NAMESPACE", "my-org");
        Settings s = Settings.from(env, null);
        assertEquals(List.of("aliyun", "ghcr"), ids(s));
        assertEquals("my-org", s.targets().get(1).namespace());
        assertEquals("ghs_workflow", new String(s.targets().get(1).secret().bytes(), StandardCharsets.UTF_8));
    }

    @Test
    void theWorkflowTokenAloneIsGhcrWhenNoAliyunIsConfigured() {
        Settings s = Settings.from(githubActions(new HashMap<>()), null);
        assertEquals(List.of(), s.errors());
        assertEquals(List.of("ghcr"), ids(s));
        assertEquals("octocat", s.targets().get(0).namespace(), "owner, lower-cased");
        assertEquals("octocat", s.targets().get(0).username());
    }

    @Test
    void githubActionsWithoutATokenIsNotAGhcrTarget() {
        Map<String, String> env = aliyun();
        env.put("GITHUB_REPOSITORY_OWNER", "octocat");
        env.put("GITHUB_ACTOR", "octocat");
        assertEquals(List.of("aliyun"), ids(Settings.from(env, null)));
        env.clear();
        env.put("GITHUB_REPOSITORY_OWNER", "octocat");
        assertEquals(List.of(), ids(Settings.from(env, null)));
    }

    @Test
    void anExplicitListOverridesTheAutoRule() {
        Map<String, String> env = githubActions(aliyun());
        assertEquals(List.of("aliyun", "ghcr"), ids(Settings.from(env, "both")));
        assertEquals(List.of("ghcr"), ids(Settings.from(env, "ghcr")));
        assertEquals(List.of("aliyun", "ghcr"), ids(Settings.from(env, "ghcr, aliyun")), "targets keep a fixed order");
    }

    @Test
    void emptyVariablesCountAsMissingAndAreNamed() {
        Map<String, String> env = aliyun();
        env.put("ALIYUN_PASSWORD", "");
        env.put("ALIYUN_NAMESPACE", "  ");
        Settings s = Settings.from(env, null);
        assertEquals(List.of("Aliyun target: ALIYUN_NAMESPACE, ALIYUN_PASSWORD are not set (empty counts as not set); set them as repository "
                + "secrets or environment variables, or choose the targets with --to ghcr (the repository variable SYNC_TARGETS in GitHub Actions)"), s.errors());
    }

    @Test
    void aHalfConfiguredGhcrSuggestsLeavingItOut() {
        Map<String, String> env = aliyun();
        env.put("GHCR_NAMESPACE", "me");
        Settings auto = Settings.from(env, null);
        assertEquals(List.of("GHCR target: GHCR_USERNAME (or GITHUB_ACTOR), GHCR_TOKEN (or GITHUB_TOKEN) are not set (empty counts as not set); "
                + "set them as repository secrets or environment variables, or choose the targets with --to aliyun "
                + "(the repository variable SYNC_TARGETS in GitHub Actions)"), auto.errors());
        Settings chosen = Settings.from(env, "both");
        assertEquals(1, chosen.errors().size());
        assertTrue(chosen.errors().get(0).startsWith("GHCR target (chosen with --to or SYNC_TARGETS): GHCR_USERNAME"), chosen.errors().get(0));
        assertTrue(chosen.errors().get(0).endsWith("or leave ghcr out of --to / SYNC_TARGETS"), chosen.errors().get(0));
    }

    @Test
    void anExplicitTargetMustBeConfigured() {
        Settings s = Settings.from(aliyun(), "ghcr");
        assertEquals(1, s.errors().size());
        assertTrue(s.errors().get(0).contains("GHCR_NAMESPACE (or GITHUB_REPOSITORY_OWNER)"), s.errors().get(0));
        assertTrue(Settings.from(aliyun(), "both,foo").errors().stream().anyMatch(e -> e.startsWith("--to (or SYNC_TARGETS): unknown target 'foo'")));
    }

    @Test
    void aRegistryWithSchemeIsRejectedWithAnExample() {
        Map<String, String> env = aliyun();
        env.put("ALIYUN_REGISTRY", "https://registry.cn-hangzhou.aliyuncs.com/");
        assertTrue(Settings.from(env, "aliyun").errors().get(0).contains("no https://"));
    }

    @Test
    void dockerHubNeedsBothNameAndToken() {
        Map<String, String> env = aliyun();
        env.put("DOCKERHUB_USERNAME", "me");
        assertTrue(Settings.from(env, null).errors().get(0).contains("DOCKERHUB_TOKEN is empty"));
    }

    @Test
    void secretsDoNotShowInTheRecords() {
        String text = Settings.from(aliyun(), null).toString();
        assertTrue(!text.contains("hunter2") && text.contains("****"), text);
    }

    /**
     * sync.java takes --to's default from SYNC_TARGETS (the repository variable the workflows pass on); a --to on the
     * command line wins. Run as its own process, because picocli reads the real environment.
     */
    @Test
    @Tag("process")
    void syncTargetsIsTheDefaultOfTo(@TempDir Path dir) throws IOException {
        Path list = Files.writeString(dir.resolve("images.txt"), "nginx:alpine\n");
        Map<String, String> env = Tools.cleanEnv();
        env.putAll(aliyun());
        env.put("SYNC_TARGETS", "ghcr");
        Tools.Result fromEnv = syncMain(env, dir, "--plan", "-f", list.toString());
        assertEquals(2, fromEnv.exit(), fromEnv.all());
        assertTrue(fromEnv.stderr().contains("GHCR target (chosen with --to or SYNC_TARGETS): GHCR_NAMESPACE (or GITHUB_REPOSITORY_OWNER)"), fromEnv.all());

        Tools.Result flagWins = syncMain(env, dir, "--plan", "--to", "aliyun", "-f", list.toString());
        assertEquals(0, flagWins.exit(), flagWins.all());
        assertTrue(flagWins.out().contains("aliyun registry.cn-hangzhou.aliyuncs.com/myns/nginx:alpine"), flagWins.out());
        assertFalse(flagWins.out().contains("ghcr"), flagWins.out());

        env.put("SYNC_TARGETS", "both");
        env.put("GHCR_TOKEN", "ghp_x");
        env.put("GITHUB_REPOSITORY_OWNER", "Owner");
        env.put("GITHUB_ACTOR", "me");
        Tools.Result both = syncMain(env, dir, "--plan", "-f", list.toString());
        assertEquals(0, both.exit(), both.all());
        assertTrue(both.out().contains("aliyun registry.cn-hangzhou.aliyuncs.com/myns/nginx:alpine")
                && both.out().contains("ghcr ghcr.io/owner/nginx:alpine"), both.out());
        assertFalse(both.all().contains("hunter2") || both.all().contains("ghp_x"), both.all());
    }

    /** The compiled sync class in a JVM of its own, with exactly this environment. */
    static Tools.Result syncMain(Map<String, String> env, Path dir, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "sync"));
        cmd.addAll(List.of(args));
        return Tools.run(cmd, env, dir, null);
    }
}
