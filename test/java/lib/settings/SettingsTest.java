package lib.settings;

import lib.core.Naming;
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
        assertEquals(List.of("Aliyun target: ALIYUN_NAMESPACE (or ALIYUN_NAME_SPACE), ALIYUN_PASSWORD (or ALIYUN_REGISTRY_PASSWORD) are not set "
                + "(empty counts as not set); set them as repository secrets or environment variables, or choose the targets with --to ghcr "
                + "(the repository variable SYNC_TARGETS in GitHub Actions)"), s.errors());
    }

    /** Another template's secrets are ours under other names: read when ours are not set, each use said in a note. */
    @Test
    void theOtherTemplatesAliyunSecretsAreReadWithANote() {
        Map<String, String> env = new HashMap<>(Map.of("ALIYUN_REGISTRY", "registry.cn-hangzhou.aliyuncs.com", "ALIYUN_NAME_SPACE", "Their-NS",
                "ALIYUN_REGISTRY_USER", "them@example.com", "ALIYUN_REGISTRY_PASSWORD", "their-password"));
        Settings s = Settings.from(env, null);
        assertEquals(List.of(), s.errors());
        assertEquals(List.of("aliyun"), ids(s));
        Target aliyun = s.targets().get(0);
        assertEquals("their-ns", aliyun.namespace());
        assertEquals("them@example.com", aliyun.username());
        assertEquals("their-password", new String(aliyun.secret().bytes(), StandardCharsets.UTF_8));
        assertEquals(List.of("ALIYUN_NAME_SPACE is used as ALIYUN_NAMESPACE (the name another template gives it)",
                "ALIYUN_REGISTRY_USER is used as ALIYUN_USERNAME (the name another template gives it)",
                "ALIYUN_REGISTRY_PASSWORD is used as ALIYUN_PASSWORD (the name another template gives it)"), s.notes());

        env.putAll(aliyun());
        Settings ours = Settings.from(env, null);
        assertEquals("myns", ours.targets().get(0).namespace(), "our name wins");
        assertEquals(List.of(), ours.notes());
    }

    /** A variable that is set under a name one or two letters off (or in another case) is named in the "not set" error. */
    @Test
    void aNearMissIsNamedInTheNotSetError() {
        Map<String, String> env = aliyun();
        env.remove("ALIYUN_PASSWORD");
        env.put("ALIYUN_PASWORD", "typo-password");
        env.remove("ALIYUN_NAMESPACE");
        env.put("aliyun_namespace", "lower");
        String error = Settings.from(env, null).errors().get(0);
        assertTrue(error.startsWith("Aliyun target: ALIYUN_NAMESPACE (or ALIYUN_NAME_SPACE), ALIYUN_PASSWORD (or ALIYUN_REGISTRY_PASSWORD) are not set"), error);
        assertTrue(error.endsWith("; aliyun_namespace is set: did you mean ALIYUN_NAMESPACE?; ALIYUN_PASWORD is set: did you mean ALIYUN_PASSWORD?"), error);
        assertFalse(error.contains("typo-password"), error);
    }

    /** The other template's SYNC_MODE stands for SYNC_TARGETS when neither --to nor SYNC_TARGETS says otherwise. */
    @Test
    void syncModeIsReadAsSyncTargetsWhenThatIsNotSet() {
        Map<String, String> env = githubActions(aliyun());
        env.put("SYNC_MODE", "double");
        Settings both = Settings.from(env, null);
        assertEquals(List.of(), both.errors());
        assertEquals(List.of("aliyun", "ghcr"), ids(both));
        assertEquals(List.of("SYNC_MODE=double is read as SYNC_TARGETS=both (SYNC_TARGETS is not set); set SYNC_TARGETS to choose the targets here"),
                both.notes());
        env.put("SYNC_MODE", "GHCR");
        assertEquals(List.of("ghcr"), ids(Settings.from(env, " ")));
        Settings given = Settings.from(env, "aliyun");
        assertEquals(List.of("aliyun"), ids(given), "--to or SYNC_TARGETS wins");
        assertEquals(List.of(), given.notes());
        env.put("SYNC_MODE", "triple");
        assertEquals(List.of("SYNC_MODE='triple' is not aliyun, ghcr or double: set SYNC_TARGETS (auto, aliyun, ghcr or both) instead, or delete SYNC_MODE"),
                Settings.from(env, null).errors());
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
        assertTrue(Settings.from(aliyun(), "both,foo").errors().stream().anyMatch(e -> e.startsWith("foo target (chosen with --to or SYNC_TARGETS): "
                + "FOO_REGISTRY, FOO_NAMESPACE, FOO_USERNAME, FOO_PASSWORD are not set")));
    }

    static Map<String, String> harbor(Map<String, String> env, String prefix) {
        env.put(prefix + "_REGISTRY", "Harbor.Example:8443");
        env.put(prefix + "_NAMESPACE", "Mirror");
        env.put(prefix + "_USERNAME", "robot$sync");
        env.put(prefix + "_PASSWORD", "harbor-secret");
        return env;
    }

    /** An id of the user's reads its own variables: upper-cased, '-' as '_'; flat unless X_NAMING says path. */
    @Test
    void extraTargetsReadTheirOwnVariables() {
        Map<String, String> env = harbor(harbor(aliyun(), "HARBOR"), "ACR_BJ");
        env.put("HARBOR_NAMING", " Path ");
        Settings s = Settings.from(env, "aliyun, Harbor,acr-bj");
        assertEquals(List.of(), s.errors());
        assertEquals(List.of("aliyun", "harbor", "acr-bj"), ids(s), "Aliyun and GHCR first, then the extra targets as listed");
        Target harbor = s.targets().get(1);
        assertEquals("harbor.example:8443", harbor.registry());
        assertEquals("mirror", harbor.namespace());
        assertEquals("robot$sync", harbor.username());
        assertEquals("harbor-secret", harbor.secret().reveal());
        assertEquals(Naming.PATH, harbor.naming());
        assertEquals("HARBOR", harbor.variables());
        Target bj = s.targets().get(2);
        assertEquals(Naming.FLAT, bj.naming(), "flat is the default");
        assertEquals("ACR_BJ", bj.variables());
        assertEquals("check ACR_BJ_USERNAME and ACR_BJ_PASSWORD", bj.loginHint(new lib.core.SyncError(lib.core.SyncError.Kind.DENIED, "denied")));
        assertEquals(Naming.FLAT, s.targets().get(0).naming());
        assertEquals(List.of("aliyun"), ids(Settings.from(env, null)), "auto never picks an extra target");
        assertEquals(List.of("aliyun", "harbor"), ids(Settings.from(env, "auto,harbor")), "auto's choice, and harbor");
    }

    /** Each missing setting is named as the secret to add, in one line. */
    @Test
    void aMissingSettingOfAnExtraTargetNamesTheSecretToAdd() {
        Map<String, String> env = harbor(aliyun(), "ACR_BJ");
        env.remove("ACR_BJ_PASSWORD");
        env.put("ACR_BJ_NAMESPACE", " ");
        assertEquals(List.of("acr-bj target (chosen with --to or SYNC_TARGETS): ACR_BJ_NAMESPACE, ACR_BJ_PASSWORD are not set (empty counts as not set); "
                + "set them as repository secrets or environment variables, or leave acr-bj out of --to / SYNC_TARGETS"), Settings.from(env, "aliyun,acr-bj").errors());
        env.put("ACR_BJ_NAMESPACE", "ns");
        env.put("ACR_BJ_PASWORD", "typo");
        assertTrue(Settings.from(env, "acr-bj").errors().get(0).endsWith("; ACR_BJ_PASWORD is set: did you mean ACR_BJ_PASSWORD?"));
        env.put("ACR_BJ_PASSWORD", "p");
        env.put("ACR_BJ_NAMING", "tree");
        assertEquals(List.of("acr-bj target: ACR_BJ_NAMING='tree' is not flat or path: flat (the default) names bitnami/redis bitnami_redis, "
                + "path keeps it as bitnami/redis under the namespace"), Settings.from(env, "acr-bj").errors());
    }

    /** Two extra targets whose variables differ by a letter or two are not each other's typos. */
    @Test
    void extraTargetsAreNotTakenForTyposOfEachOther() {
        Map<String, String> env = harbor(new HashMap<>(), "ACR_BJ");
        env.put("ACR_SH_REGISTRY", "registry.cn-shanghai.aliyuncs.com");
        String error = Settings.from(env, "acr-bj,acr-sh").errors().get(0);
        assertTrue(error.startsWith("acr-sh target (chosen with --to or SYNC_TARGETS): ACR_SH_NAMESPACE, ACR_SH_USERNAME, ACR_SH_PASSWORD are not set"), error);
        assertFalse(error.contains("did you mean"), error);
    }

    /** One auth file holds one login per host, so two targets on one host with two logins would push as one of them. */
    @Test
    void twoTargetsOnOneHostMustShareTheirLogin() {
        Map<String, Map<String, String>> cases = Map.of("same", harbor(aliyun(), "ACR_BJ"), "other", harbor(aliyun(), "ACR_BJ"));
        cases.values().forEach(env -> {
            env.put("ACR_BJ_REGISTRY", env.get("ALIYUN_REGISTRY"));
            env.put("ACR_BJ_USERNAME", env.get("ALIYUN_USERNAME"));
        });
        cases.get("same").put("ACR_BJ_PASSWORD", cases.get("same").get("ALIYUN_PASSWORD"));
        assertEquals(List.of(), Settings.from(cases.get("same"), "aliyun,acr-bj").errors(), "another namespace, the same login");
        assertEquals(List.of("aliyun and acr-bj are both on registry.cn-hangzhou.aliyuncs.com with different logins, and a run logs in once per registry: "
                + "give ACR_BJ_USERNAME and ACR_BJ_PASSWORD the values of ALIYUN_USERNAME and ALIYUN_PASSWORD (one login that may push to both namespaces)"),
                Settings.from(cases.get("other"), "aliyun,acr-bj").errors());
    }

    @Test
    void targetIdsAreChecked() {
        for (String bad : List.of("1st", "har bor", "harbor-", "har_bor", "github", "github-mirror", "default", "a".repeat(33), "ns/harbor", "-x")) {
            List<String> errors = Settings.from(aliyun(), "aliyun," + bad).errors();
            assertEquals(1, errors.size(), bad + ": " + errors);
            assertTrue(errors.get(0).startsWith("--to (or SYNC_TARGETS): '" + bad + "' is "), errors.get(0));
            assertTrue(errors.get(0).endsWith("use auto, aliyun, ghcr, both or the id of a target of your own (lower-case letters, digits and '-', "
                    + "e.g. harbor or acr-bj), in a comma list"), errors.get(0));
        }
        assertTrue(Settings.from(aliyun(), "aliyun,,ghcr").errors().get(0).startsWith("--to (or SYNC_TARGETS): '' is empty"));
        assertTrue(Settings.from(aliyun(), "github").errors().get(0).contains("(GitHub secrets cannot start with GITHUB)"));
        for (String good : List.of("harbor", "acr-bj", "tcr2", "a", "x".repeat(32))) {
            assertEquals(null, Settings.wrongId(good), good);
        }
    }

    /**
     * In Actions the repository's secrets arrive as one JSON object: an extra target reads its settings there, a variable
     * set in the environment wins, and Aliyun's and GHCR's are never read from it (the workflow maps those).
     */
    @Test
    void extraTargetsReadTheRepositorysSecretsFromJson() {
        Map<String, String> env = aliyun();
        env.put("HARBOR_NAMESPACE", "from-env");
        env.put("HARBOR_USERNAME", "");
        env.put(Settings.SECRETS_JSON, "{\"github_token\": \"ghs_x\", \"HARBOR_REGISTRY\": \"harbor.example\", \"HARBOR_NAMESPACE\": \"from-json\", "
                + "\"HARBOR_USERNAME\": \"robot\", \"HARBOR_PASSWORD\": \" pass word \", \"HARBOR_NAMING\": \"path\", \"GHCR_TOKEN\": \"ghp_json\"}");
        Settings s = Settings.from(env, "harbor");
        assertEquals(List.of(), s.errors());
        Target harbor = s.targets().get(0);
        assertEquals("harbor.example", harbor.registry());
        assertEquals("from-env", harbor.namespace(), "the environment wins");
        assertEquals("robot", harbor.username(), "an empty variable is not set, so the secret counts");
        assertEquals(" pass word ", harbor.secret().reveal(), "verbatim");
        assertEquals(Naming.PATH, harbor.naming());
        assertEquals(List.of("aliyun"), ids(Settings.from(env, null)), "GHCR_TOKEN in the JSON does not switch GHCR on");

        env.put(Settings.SECRETS_JSON, "{\"HARBOR_PASSWORD\": \"hunter2-json\"");
        List<String> errors = Settings.from(env, "aliyun").errors();
        assertEquals(List.of(Settings.SECRETS_JSON + " is not a JSON object of secrets (the workflow sets it to toJSON(secrets)); unset it, or set the extra "
                + "targets' variables in the environment instead"), errors);
        env.put(Settings.SECRETS_JSON, "[\"hunter2-json\"]");
        assertEquals(errors, Settings.from(env, "aliyun").errors(), "never quoted");
        env.put(Settings.SECRETS_JSON, "{\"HARBOR_PASWORD\": \"x\"}");
        assertTrue(Settings.from(env, "harbor").errors().get(0).endsWith("; HARBOR_PASWORD is set: did you mean HARBOR_PASSWORD?"),
                "a typo among the secrets is found too");
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
