import lib.engine.ProcessRunner;
import support.FakeRunner;
import support.Registries;
import support.Registry;
import support.RegistryFront;
import support.Tools;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --doctor against real registries on loopback: an htpasswd registry (Basic), and token fronts for an open one: an
 * ACR-like front whose JWTs grant alice pull and push in "team" and the read-only user "reader" pull only, a
 * GHCR-like front with opaque tokens, and a Docker-Hub-like source that announces a pull quota. Each test reads the
 * checklist as a user would, and no secret may appear in it.
 */
@Tag("registry")
class DoctorTest {
    static final String ALICE_PASSWORD = "pw-alice-" + UUID.randomUUID();
    static final String READER_PASSWORD = "pw-reader-" + UUID.randomUUID();
    static final String CAROL_PASSWORD = "pw-carol-" + UUID.randomUUID();
    static final String HUB_PASSWORD = "pw-hub-" + UUID.randomUUID();
    static final String CLASSIC_TOKEN = "ghp_" + UUID.randomUUID().toString().replace("-", "");
    static final String FINE_GRAINED_TOKEN = "github_pat_" + UUID.randomUUID().toString().replace("-", "");
    static final List<String> SECRETS = List.of(ALICE_PASSWORD, READER_PASSWORD, CAROL_PASSWORD, HUB_PASSWORD, CLASSIC_TOKEN, FINE_GRAINED_TOKEN);

    @RegisterExtension
    static final Registries registries = new Registries("doctor-it-");
    /** The registry behind the fronts: it must stay empty, whatever the doctor asks. */
    static final Registry backend = registries.open("backend");
    static final Registry basic = registries.withPassword("basic", "carol", CAROL_PASSWORD);
    static RegistryFront acr;
    static RegistryFront ghcr;
    static RegistryFront hub;

    @BeforeAll
    static void startFronts() throws IOException {
        acr = new RegistryFront(backend.host);
        acr.bearer = true;
        acr.anonymous = false;
        acr.users.putAll(Map.of("alice", ALICE_PASSWORD, "reader", READER_PASSWORD));
        // As ACR: a namespace that does not exist, or is not yours, grants nothing.
        acr.grants = (user, repository) -> user.equals("reader") ? Set.of("pull")
                : repository.startsWith("team/") ? Set.of("pull", "push") : Set.of();
        ghcr = new RegistryFront(backend.host);
        ghcr.bearer = true;
        ghcr.anonymous = false;
        ghcr.opaqueTokens = true;
        ghcr.users.putAll(Map.of("bob", CLASSIC_TOKEN, "fran", FINE_GRAINED_TOKEN));
        hub = new RegistryFront(backend.host);
        hub.bearer = true;
        hub.users.put("hubuser", HUB_PASSWORD);
        hub.remaining = 87;
    }

    @AfterAll
    static void stopFronts() {
        for (AutoCloseable c : new AutoCloseable[]{acr, ghcr, hub}) {
            try {
                c.close();
            } catch (Exception e) {
                // Nothing to do: the test JVM exits next.
            }
        }
    }

    static Map<String, String> env(Path work) {
        Map<String, String> env = Tools.cleanEnv();
        env.put("HOME", work.toString());
        env.put("ALIYUN_REGISTRY", acr.host);
        env.put("ALIYUN_NAMESPACE", "team");
        env.put("ALIYUN_USERNAME", "alice");
        env.put("ALIYUN_PASSWORD", ALICE_PASSWORD);
        env.put("SOURCE_REGISTRY", hub.host);
        env.put("INSECURE_REGISTRIES", String.join(",", acr.host, ghcr.host, hub.host, basic.host));
        return env;
    }

    static Tools.Result doctor(Path work, Map<String, String> env, String... args) throws IOException {
        return doctor(work, env, null, args);
    }

    static Tools.Result doctor(Path work, Map<String, String> env, ProcessRunner runner, String... args) throws IOException {
        if (!Files.exists(work.resolve("images.txt"))) {
            Files.writeString(work.resolve("images.txt"), "nginx:1.27\nredis:7\n");
        }
        String[] all = new String[args.length + 1];
        all[0] = "--doctor";
        System.arraycopy(args, 0, all, 1, args.length);
        Tools.Result r = Cli.sync(work, env, runner, null, all);
        for (String secret : SECRETS) {
            assertFalse(r.all().contains(secret), "a secret was printed:\n" + r.all());
        }
        assertFalse(r.all().contains("\tat ") || r.all().contains("Exception"), "a stack trace or raw exception:\n" + r.all());
        return r;
    }

    static void has(Tools.Result r, String line) {
        assertTrue(r.out().lines().anyMatch(l -> l.equals(line)), "no line\n  " + line + "\nin\n" + r.all());
    }

    static void hasStart(Tools.Result r, String start) {
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(start)), "no line starting\n  " + start + "\nin\n" + r.all());
    }

    @Test
    void everythingInPlaceIsAllTicksAndNothingIsWritten(@TempDir Path work) throws Exception {
        Files.writeString(work.resolve("images.txt"), "nginx:1.27\nredis:7\nbusybox --latest=2\n");
        Tools.Result r = doctor(work, env(work), "--to", "aliyun");

        assertEquals(0, r.exit(), r.all());
        hasStart(r, "✓ engine: skopeo version ");
        has(r, "✓ aliyun: " + acr.host + " reachable");
        has(r, "✓ aliyun: login accepted for alice");
        has(r, "✓ aliyun: alice may push to " + acr.host + "/team (the registry's token grants pull, push)");
        has(r, "✓ source " + hub.host + " reachable (anonymous): 87 of 100 pulls left");
        has(r, "✓ list " + work.resolve("images.txt") + ": 2 image(s) and 1 line(s) whose tags are chosen when the sync lists them, all valid");
        has(r, "doctor: every required check passed");
        assertFalse(r.out().contains("✗") || r.out().contains("\n! "), r.out());
        assertEquals("{\"repositories\":[]}", catalog(backend).strip(), "the doctor created a repository");
        for (Registry registry : List.of(backend, basic)) {
            for (String method : List.of("PUT", "POST", "PATCH", "DELETE")) {
                assertFalse(Files.readString(registry.log).contains("\"" + method + " /v2/"), method + " reached " + registry.host);
            }
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithWhatToCheck(@TempDir Path work) throws IOException {
        Map<String, String> env = env(work);
        env.put("ALIYUN_PASSWORD", "not-" + ALICE_PASSWORD);
        env.putAll(Map.of("GHCR_REGISTRY", basic.host, "GHCR_NAMESPACE", "carol", "GHCR_USERNAME", "carol", "GHCR_TOKEN", "not-" + CAROL_PASSWORD));
        env.put("GITHUB_ACTIONS", "true");
        Tools.Result r = doctor(work, env, "--to", "both");

        assertEquals(2, r.exit(), r.all());
        String aliyun = "✗ aliyun: login refused for alice — fix: check ALIYUN_USERNAME and ALIYUN_PASSWORD: the password is the registry "
                + "password set under 访问凭证 in the ACR console, not your Aliyun account password";
        has(r, aliyun);
        has(r, "✗ ghcr: login refused for carol — fix: check GHCR_USERNAME and GHCR_TOKEN: a personal access token (classic) with write:packages");
        assertFalse(r.out().contains("may push") || r.out().contains("cannot tell"), "no permission check after a refused login:\n" + r.out());
        has(r, "doctor: 2 problem(s) to fix (marked ✗); nothing was copied");
        assertTrue(r.stderr().contains("::error::" + aliyun + "\n"), "under GitHub Actions a problem is also an annotation:\n" + r.stderr());
    }

    @Test
    void aReadOnlyUserMayNotPush(@TempDir Path work) throws IOException {
        Map<String, String> env = env(work);
        env.putAll(Map.of("ALIYUN_USERNAME", "reader", "ALIYUN_PASSWORD", READER_PASSWORD));
        Tools.Result r = doctor(work, env, "--to", "aliyun");

        assertEquals(2, r.exit(), r.all());
        has(r, "✓ aliyun: login accepted for reader");
        has(r, "✗ aliyun: reader may pull from " + acr.host + "/team but not push — fix: log in as the namespace's owner, "
                + "or give this user push permission on team (RAM access control)");
    }

    /**
     * Registries of the user's own get the same checks, and fixes that name their own variables: neither host is ACR's
     * or GHCR's, so the advice is a registry's in general (a Harbor's words).
     */
    @Test
    void extraTargetsAreCheckedWithFixesNamingTheirOwnVariables(@TempDir Path work) throws IOException {
        Map<String, String> env = env(work);
        env.putAll(Map.of("HARBOR_REGISTRY", acr.host, "HARBOR_NAMESPACE", "team", "HARBOR_USERNAME", "reader", "HARBOR_PASSWORD", READER_PASSWORD,
                "HARBOR_NAMING", "path"));
        env.putAll(Map.of("TCR_REGISTRY", basic.host, "TCR_NAMESPACE", "carol", "TCR_USERNAME", "carol", "TCR_PASSWORD", "not-" + CAROL_PASSWORD));
        env.put("ACR_SH_REGISTRY", ghcr.host);
        env.put("ACR_SH_NAMESPACE", "ghost");
        env.put("ACR_SH_USERNAME", "alice");
        env.put("ACR_SH_PASSWORD", ALICE_PASSWORD);
        ghcr.users.put("alice", ALICE_PASSWORD);
        ghcr.opaqueTokens = false;
        ghcr.grants = (user, repository) -> Set.of();
        try {
            Tools.Result r = doctor(work, env, "--to", "harbor,tcr,acr-sh");

            assertEquals(2, r.exit(), r.all());
            has(r, "✓ harbor: login accepted for reader");
            has(r, "✗ harbor: reader may pull from " + acr.host + "/team but not push — fix: give reader push permission on team (in Harbor: a "
                    + "project member with the Developer role or above, or a robot account allowed to push)");
            has(r, "✗ tcr: login refused for carol — fix: check TCR_USERNAME and TCR_PASSWORD: the login and password (or robot account and its "
                    + "secret) this registry gives for pushing");
            has(r, "✗ acr-sh: nothing is granted on " + ghcr.host + "/ghost: the namespace does not exist, or alice may not use it — fix: create ghost on "
                    + ghcr.host + " (a project in Harbor), or correct ACR_SH_NAMESPACE");
        } finally {
            ghcr.users.remove("alice");
            ghcr.opaqueTokens = true;
            ghcr.grants = (user, repository) -> Set.of("pull", "push");
        }
    }

    @Test
    void aMissingNamespaceIsNamedWithHowToCreateIt(@TempDir Path work) throws IOException {
        Map<String, String> env = env(work);
        env.put("ALIYUN_NAMESPACE", "ghost");
        Tools.Result r = doctor(work, env, "--to", "aliyun");

        assertEquals(2, r.exit(), r.all());
        has(r, "✗ aliyun: nothing is granted on " + acr.host + "/ghost: the namespace does not exist, or alice may not use it — fix: "
                + "create the namespace ghost in the ACR console (命名空间, same region as " + acr.host + "), or correct ALIYUN_NAMESPACE");
    }

    @Test
    void basicAuthenticationCannotProvePushPermissionSoItIsANote(@TempDir Path work) throws IOException {
        Map<String, String> env = env(work);
        env.putAll(Map.of("ALIYUN_REGISTRY", basic.host, "ALIYUN_USERNAME", "carol", "ALIYUN_PASSWORD", CAROL_PASSWORD));
        Tools.Result r = doctor(work, env, "--to", "aliyun");

        assertEquals(0, r.exit(), r.all());
        has(r, "✓ aliyun: login accepted for carol");
        has(r, "! aliyun: cannot tell whether carol may push to " + basic.host + "/team without writing — " + basic.host
                + " uses Basic authentication, which says nothing about permissions; the first copy will tell");
        has(r, "doctor: every required check passed; 1 note(s) marked !");
    }

    @Test
    void ghcrTokensDoNotSayWhatTheyAllowAndFineGrainedTokensAreRefused(@TempDir Path work) throws IOException {
        Map<String, String> env = env(work);
        env.putAll(Map.of("GHCR_REGISTRY", ghcr.host, "GHCR_NAMESPACE", "Owner2", "GHCR_USERNAME", "bob", "GHCR_TOKEN", CLASSIC_TOKEN));
        Tools.Result r = doctor(work, env, "--to", "ghcr");

        assertEquals(0, r.exit(), r.all());
        has(r, "✓ ghcr: login accepted for bob");
        has(r, "! ghcr: cannot tell whether bob may push to " + ghcr.host + "/owner2 — GHCR's tokens do not list what they allow; "
                + "a personal access token (classic) needs the write:packages scope");
        has(r, "✓ ghcr: namespace Owner2 is used as owner2 (GHCR names are lower case)");

        env.putAll(Map.of("GHCR_USERNAME", "fran", "GHCR_TOKEN", FINE_GRAINED_TOKEN));
        Tools.Result fine = doctor(work, env, "--to", "ghcr");
        assertEquals(2, fine.exit(), fine.all());
        has(fine, "✗ ghcr: GHCR_TOKEN is a fine-grained personal access token, which GHCR does not take for packages — fix: "
                + "create a personal access token (classic) with write:packages (GitHub → Settings → Developer settings)");
    }

    @Test
    void thePullQuotaIsReadAndALowOneIsANote(@TempDir Path work) throws IOException {
        Map<String, String> env = env(work);
        Path saved = work.resolve("auth.json");
        Files.writeString(saved, "{\"auths\":{\"" + hub.host + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString(("hubuser:" + HUB_PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\"}}}");
        env.put("REGISTRY_AUTH_FILE", saved.toString());
        hub.remaining = 12;
        try {
            Tools.Result r = doctor(work, env, "--to", "aliyun");
            assertEquals(0, r.exit(), "a low quota defers images, it does not fail the sync:\n" + r.all());
            has(r, "! source " + hub.host + " reachable (logged in as hubuser, a login saved on this machine): 12 of 100 pulls left — "
                    + "copying all 2 image(s) may take up to 6 and 10 are kept in reserve (--pull-reserve): the rest wait for a later run as the quota refills");
        } finally {
            hub.remaining = 87;
        }

        Files.writeString(saved, "{\"auths\":{\"" + hub.host + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString("hubuser:stale".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
        Tools.Result stale = doctor(work, env, "--to", "aliyun");
        assertEquals(2, stale.exit(), stale.all());
        has(stale, "✗ source " + hub.host + ": login refused for hubuser — fix: log in again (skopeo login " + hub.host + " or docker login " + hub.host + ")");
    }

    @Test
    void unreachableRegistriesAndAMissingEngineAreProblemsWithTheirFix(@TempDir Path work) throws IOException {
        Map<String, String> env = env(work);
        env.put("ALIYUN_REGISTRY", "registry.invalid");
        env.put("SOURCE_REGISTRY", "127.0.0.1:1");
        // A registry with a self-signed certificate that was not named in INSECURE_REGISTRIES.
        env.putAll(Map.of("GHCR_REGISTRY", ghcr.host, "GHCR_NAMESPACE", "bob", "GHCR_USERNAME", "bob", "GHCR_TOKEN", CLASSIC_TOKEN));
        env.put("INSECURE_REGISTRIES", "");
        ProcessRunner nothingInstalled = command -> {
            throw new ProcessRunner.NotFound(command.args().get(0));
        };
        Tools.Result r = doctor(work, env, nothingInstalled, "--to", "both");

        assertEquals(2, r.exit(), r.all());
        has(r, "✗ engine: docker is not installed: install Docker, set DOCKER to a compatible CLI such as podman, or install skopeo");
        has(r, "✗ aliyun: cannot reach registry.invalid (no such host) — fix: check ALIYUN_REGISTRY, or this machine's DNS and proxy (HTTPS_PROXY)");
        has(r, "✗ source 127.0.0.1:1: cannot reach it (connection refused) — fix: check SOURCE_REGISTRY and that a registry runs there, "
                + "or this machine's network and proxy (HTTPS_PROXY)");
        has(r, "✗ ghcr: cannot reach " + ghcr.host + " (TLS failed: its certificate is not trusted, or it does not speak HTTPS) — fix: if "
                + ghcr.host + " is your own registry with a self-signed certificate or plain HTTP, add it to INSECURE_REGISTRIES "
                + "(--insecure-registry); otherwise check the network");
        has(r, "doctor: 4 problem(s) to fix (marked ✗); nothing was copied");
    }

    @Test
    void listAndSettingsProblemsAreOnTheChecklistBesideTheOtherChecks(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "nginx:1.27\nNginx:Alpine\n--name=nginx nginx:1.27\n");
        Map<String, String> env = env(work);
        env.put("GHCR_NAMESPACE", "someone");
        Tools.Result r = doctor(work, env, new FakeRunner().answer("skopeo --version", "skopeo version 1.9.3\n"), "--to", "ghcr");

        assertEquals(2, r.exit(), r.all());
        hasStart(r, "✗ GHCR target (chosen with --to or SYNC_TARGETS): GHCR_USERNAME (or GITHUB_ACTOR), GHCR_TOKEN (or GITHUB_TOKEN) are not set");
        has(r, "✗ " + work.resolve("images.txt") + ":2: 'Nginx:Alpine' has upper-case letters in its name: repository names are lower case; write 'nginx:Alpine'");
        hasStart(r, "! " + work.resolve("images.txt") + ":3: '--name=nginx nginx:1.27' is the same image with the same target as line 1");
        has(r, "✓ engine: skopeo version 1.9.3");
        has(r, "✓ source " + hub.host + " reachable (anonymous): 87 of 100 pulls left");
    }

    @Test
    void doctorAndPlanTogetherIsAUsageError(@TempDir Path work) throws IOException {
        Tools.Result r = doctor(work, env(work), new FakeRunner(), "--plan");
        assertEquals(2, r.exit(), r.all());
        assertEquals("error: --doctor and --plan were both given: --doctor already checks the list as --plan does", r.stderr().strip());
    }

    private static String catalog(Registry registry) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + registry.host + "/v2/_catalog")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
