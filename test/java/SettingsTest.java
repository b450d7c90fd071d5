import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void autoSelectsEveryConfiguredTarget() {
        Map<String, String> env = aliyun();
        env.put("GITHUB_REPOSITORY_OWNER", "OctoCat");
        env.put("GITHUB_ACTOR", "octocat");
        env.put("GITHUB_TOKEN", "ghs_x");
        Settings s = Settings.from(env, null);
        assertEquals(List.of(), s.errors());
        assertEquals(List.of("aliyun", "ghcr"), s.targets().stream().map(Target::id).toList());
        assertEquals("myns", s.targets().get(0).namespace());
        assertEquals("ghcr.io", s.targets().get(1).registry());
        assertEquals("octocat", s.targets().get(1).namespace());
    }

    @Test
    void githubActionsWithoutATokenIsNotAGhcrTarget() {
        Map<String, String> env = aliyun();
        env.put("GITHUB_REPOSITORY_OWNER", "octocat");
        env.put("GITHUB_ACTOR", "octocat");
        assertEquals(List.of("aliyun"), Settings.from(env, null).targets().stream().map(Target::id).toList());
    }

    @Test
    void emptyVariablesCountAsMissingAndAreNamed() {
        Map<String, String> env = aliyun();
        env.put("ALIYUN_PASSWORD", "");
        env.put("ALIYUN_NAMESPACE", "  ");
        Settings s = Settings.from(env, null);
        assertEquals(List.of("Aliyun target: ALIYUN_NAMESPACE, ALIYUN_PASSWORD are not set (empty counts as not set); set them as repository secrets or environment variables"), s.errors());
    }

    @Test
    void anExplicitTargetMustBeConfigured() {
        Settings s = Settings.from(aliyun(), "ghcr");
        assertEquals(1, s.errors().size());
        assertTrue(s.errors().get(0).contains("GHCR_NAMESPACE (or GITHUB_REPOSITORY_OWNER)"), s.errors().get(0));
        assertTrue(Settings.from(aliyun(), "both,foo").errors().stream().anyMatch(e -> e.contains("unknown target 'foo'")));
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
}
