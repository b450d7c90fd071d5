import lib.issue.IssueReply;
import lib.report.Catalog;
import lib.report.Merge;
import lib.report.Report;
import lib.report.Summary;
import lib.report.Webhook;
import lib.sync.TargetResult;
import support.Fixtures;
import support.Registries;
import support.Registry;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Targets of the user's own ids next to Aliyun, against real registries: "harbor" keeps repository paths and reads its
 * settings from the repository's secrets as the workflow hands them on (SYNC_SECRETS_JSON), "acr-bj" has flat names and
 * reads the environment. One run writes all three, the next is a no-op that reads no source manifest, --doctor checks
 * each, and the report, the step summary, the notification, the catalog, an issue's answer and a merged report show each.
 */
@Tag("registry")
class ExtraTargetsTest {
    static final String T1 = "2024-03-01T10:00:00Z";
    static final String ALIYUN_PASSWORD = "pw-aliyun-" + UUID.randomUUID();
    static final String HARBOR_PASSWORD = "pw-harbor-" + UUID.randomUUID();
    static final String BJ_PASSWORD = "pw-bj-" + UUID.randomUUID();

    @RegisterExtension
    static final Registries registries = new Registries("extra-targets-it-");
    static final Registry source = registries.open("source");
    static final Registry aliyun = registries.withPassword("aliyun", "alice", ALIYUN_PASSWORD);
    static final Registry harbor = registries.withPassword("harbor", "robot", HARBOR_PASSWORD);
    static final Registry bj = registries.withPassword("bj", "bob", BJ_PASSWORD);
    static Fixtures.Layout web;
    static Fixtures.Layout cache;
    static Fixtures.Layout app;

    @BeforeAll
    static void sources() throws IOException {
        web = push("library/web:1", "web");
        cache = push("bitnami/cache:7", "cache");
        app = push("team/app:1", "app");
    }

    static Fixtures.Layout push(String repoTag, String marker) throws IOException {
        Fixtures.Layout layout = Fixtures.multiArch(Files.createTempDirectory(registries.root(), "layout"), Fixtures.threeArch(T1, marker));
        Registry.push(layout, source.host + "/" + repoTag, registries.authFile());
        return layout;
    }

    static Map<String, String> env() throws IOException {
        Map<String, String> env = Tools.cleanEnv();
        env.put("ALIYUN_REGISTRY", aliyun.host);
        env.put("ALIYUN_NAMESPACE", "ns");
        env.put("ALIYUN_USERNAME", "alice");
        env.put("ALIYUN_PASSWORD", ALIYUN_PASSWORD);
        env.put("SYNC_SECRETS_JSON", Fixtures.JSON.writeValueAsString(Map.of("HARBOR_REGISTRY", harbor.host, "HARBOR_NAMESPACE", "proj",
                "HARBOR_USERNAME", "robot", "HARBOR_PASSWORD", HARBOR_PASSWORD, "HARBOR_NAMING", "path", "github_token", "ghs_unused")));
        env.put("ACR_BJ_REGISTRY", bj.host);
        env.put("ACR_BJ_NAMESPACE", "ns-bj");
        env.put("ACR_BJ_USERNAME", "bob");
        env.put("ACR_BJ_PASSWORD", BJ_PASSWORD);
        env.put("SYNC_TARGETS", "aliyun,harbor,acr-bj");
        env.put("SOURCE_REGISTRY", source.host);
        env.put("INSECURE_REGISTRIES", String.join(",", source.host, aliyun.host, harbor.host, bj.host));
        return env;
    }

    static Tools.Result sync(Path work, String... args) throws IOException {
        Map<String, String> env = env();
        env.put("SYNC_STATE", work.resolve("state.json").toString());
        Tools.Result r = Cli.sync(work, env, null, SyncIntegrationTest.FAST_RETRY, args);
        for (String secret : List.of(ALIYUN_PASSWORD, HARBOR_PASSWORD, BJ_PASSWORD)) {
            assertFalse(r.all().contains(secret), "a secret was printed:\n" + r.all());
        }
        return r;
    }

    static List<String> outcomes(JsonNode report) {
        List<String> out = new ArrayList<>();
        for (JsonNode image : report.get("images")) {
            for (JsonNode t : image.get("targets")) {
                out.add(t.get("target").asText() + " " + t.get("image").asText() + " " + t.get("status").asText() + " " + t.get("repository").asText());
            }
        }
        return out;
    }

    static long puts() {
        return aliyun.manifestRequests("PUT") + harbor.manifestRequests("PUT") + bj.manifestRequests("PUT");
    }

    @Test
    void oneRunWritesEveryTargetByItsNamingAndTheNextReadsNoSourceManifest(@TempDir Path work) throws IOException {
        String appHost = source.host.replace(':', '-');
        Files.writeString(work.resolve("images.txt"), "web:1\nbitnami/cache:7\n--platform=linux/arm64 " + source.host + "/team/app:1\n");

        Tools.Result first = sync(work, "--report", "first.json");

        assertEquals(0, first.exit(), first.all());
        JsonNode report = Fixtures.JSON.readTree(work.resolve("first.json").toFile());
        assertEquals(List.of(
                "aliyun " + aliyun.host + "/ns/web:1 copied web",
                "harbor " + harbor.host + "/proj/library/web:1 copied library/web",
                "acr-bj " + bj.host + "/ns-bj/web:1 copied web",
                "aliyun " + aliyun.host + "/ns/bitnami_cache:7 copied bitnami_cache",
                "harbor " + harbor.host + "/proj/bitnami/cache:7 copied bitnami/cache",
                "acr-bj " + bj.host + "/ns-bj/bitnami_cache:7 copied bitnami_cache",
                "aliyun " + aliyun.host + "/ns/linux_arm64_" + appHost.replace('.', '-') + "_team_app:1 copied linux_arm64_" + appHost.replace('.', '-') + "_team_app",
                "harbor " + harbor.host + "/proj/linux_arm64/" + appHost + "/team/app:1 copied linux_arm64/" + appHost + "/team/app",
                "acr-bj " + bj.host + "/ns-bj/linux_arm64_" + appHost.replace('.', '-') + "_team_app:1 copied linux_arm64_" + appHost.replace('.', '-') + "_team_app"),
                outcomes(report));
        assertEquals(web.digests().get("linux/amd64"), Registry.digestAt(harbor.host + "/proj/library/web:1", registries.authFile()));
        assertEquals(cache.digests().get("linux/amd64"), Registry.digestAt(bj.host + "/ns-bj/bitnami_cache:7", registries.authFile()));
        assertEquals(app.digests().get("linux/arm64"), Registry.digestAt(harbor.host + "/proj/linux_arm64/" + appHost + "/team/app:1", registries.authFile()));
        assertTrue(first.out().contains("logged in to " + harbor.host + " as robot"), first.all());

        long gets = source.manifestRequests("GET");
        long puts = puts();
        Tools.Result second = sync(work, "--report", "second.json");

        assertEquals(0, second.exit(), second.all());
        List<String> again = outcomes(Fixtures.JSON.readTree(work.resolve("second.json").toFile()));
        assertEquals(9, again.size());
        assertTrue(again.stream().allMatch(o -> o.contains(" skipped ")), again.toString());
        assertEquals(gets, source.manifestRequests("GET"), "the second run read a source manifest");
        assertEquals(puts, puts(), "the second run wrote a manifest");

        Report written = Report.read(work.resolve("first.json"));
        String summary = Summary.markdown(written);
        String catalog = Catalog.update("", written, LocalDate.of(2026, 12, 6));
        String notification = Webhook.build(Webhook.Kind.GENERIC, "https://hooks.example/x", new Webhook.Message("success", "me/mirror", null, written, false),
                Webhook.Lang.EN, null, 0).body();
        assertTrue(catalog.contains("| 镜像 / Image | 平台 / Platform | aliyun | acr-bj | harbor | 更新于 / Changed |"), catalog);
        assertTrue(catalog.contains("| `bitnami/cache:7` | linux/amd64 | `" + aliyun.host + "/ns/bitnami_cache:7` | `" + bj.host + "/ns-bj/bitnami_cache:7` | `"
                + harbor.host + "/proj/bitnami/cache:7` | 2026-12-06 |"), catalog);
        String answer = IssueReply.result(written, null, List.of("web:1", "bitnami/cache:7"), null);
        for (String address : List.of(aliyun.host + "/ns/web:1", harbor.host + "/proj/library/web:1", bj.host + "/ns-bj/web:1")) {
            assertTrue(summary.contains("`docker pull " + address + "`"), summary);
            assertTrue(notification.contains(address), notification);
            assertTrue(answer.contains("docker pull " + address + "\n"), answer);
        }
        Report merged = Merge.of(List.of(Report.of(written.images().subList(0, 2)), Report.of(written.images().subList(2, 3))), List.of("1", "2"));
        assertEquals(written.images().stream().flatMap(i -> i.targets().stream()).map(TargetResult::image).toList(),
                merged.images().stream().flatMap(i -> i.targets().stream()).map(TargetResult::image).toList(), "report.java merge keeps every target");
        String next = Catalog.update(catalog, Report.read(work.resolve("second.json")), LocalDate.of(2026, 12, 7));
        assertEquals(catalog, next, "a run that copied nothing keeps every row's date, found again by its addresses");
    }

    @Test
    void theDoctorChecksEveryTarget(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "web:1\n");
        Tools.Result r = sync(work, "--doctor");

        assertEquals(0, r.exit(), r.all());
        for (String[] t : new String[][]{{"aliyun", aliyun.host, "alice"}, {"harbor", harbor.host, "robot"}, {"acr-bj", bj.host, "bob"}}) {
            assertTrue(r.out().contains("✓ " + t[0] + ": " + t[1] + " reachable\n"), r.all());
            assertTrue(r.out().contains("✓ " + t[0] + ": login accepted for " + t[2] + "\n"), r.all());
            assertTrue(r.out().contains("! " + t[0] + ": cannot tell whether " + t[2] + " may push to " + t[1] + "/"), r.all());
        }
    }

    @Test
    void aMissingSecretOfAnExtraTargetIsOneLineNamingIt(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "web:1\n");
        Map<String, String> env = env();
        env.remove("ACR_BJ_PASSWORD");
        Tools.Result r = Cli.sync(work, env, null, null, "--report", "r.json");

        assertEquals(2, r.exit(), r.all());
        assertEquals("error: acr-bj target (chosen with --to or SYNC_TARGETS): ACR_BJ_PASSWORD is not set (empty counts as not set); set it as repository "
                + "secrets or environment variables, or leave acr-bj out of --to / SYNC_TARGETS\n", r.stderr());
    }
}
