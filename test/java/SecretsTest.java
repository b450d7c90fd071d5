import support.Fixtures;
import support.Registries;
import support.Registry;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A password that shells and parsers like to break ($, quotes, '#', spaces at both ends, non-ASCII) works as
 * typed, and neither it nor any other secret shows up in the output, the report, the state, any process's
 * arguments or any child's environment, the repository's secrets handed on as one JSON object included. Run as users run it: ./jbang, with skopeo behind a recording shim.
 */
@Tag("registry")
@Tag("process")
class SecretsTest {
    static final String PASSWORD = "  p$a'ss\"w #ö€ $(id) `x` ";
    static final String OTHER_SECRETS = "hub-token-0123456789";
    @RegisterExtension
    static final Registries registries = new Registries("secrets-it-");
    static final Registry source = registries.open("source");
    static final Registry target = registries.withPassword("target", "odd.user", PASSWORD);

    @Test
    void anAwkwardPasswordWorksVerbatimAndNeverLeaks(@TempDir Path work) throws IOException {
        String skopeo = Tools.require("skopeo", "skopeo");
        Path shims = Files.createDirectories(work.resolve("shim"));
        Path argsLog = work.resolve("args.log");
        Path envLog = work.resolve("env.log");
        Path shim = shims.resolve("skopeo");
        Files.writeString(shim, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + argsLog + "'\nenv >> '" + envLog + "'\nexec '" + skopeo + "' \"$@\"\n");
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        Fixtures.Layout image = Fixtures.multiArch(Files.createDirectories(work.resolve("layout")), Fixtures.threeArch("2024-01-01T00:00:00Z", "secret"));
        Tools.Result push = Tools.run(List.of(skopeo, "copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + image.dir() + ":fixture", "docker://" + source.host + "/library/secret:1"), null, null, null);
        assertEquals(0, push.exit(), push.stderr());

        Map<String, String> env = Tools.cleanEnv();
        env.put("PATH", shims + ":" + env.get("PATH"));
        env.put("HOME", work.toString());
        env.put("ALIYUN_REGISTRY", target.host);
        env.put("ALIYUN_NAMESPACE", "ns");
        env.put("ALIYUN_USERNAME", "odd.user");
        env.put("ALIYUN_PASSWORD", PASSWORD);
        env.put("GITHUB_TOKEN", OTHER_SECRETS + "-github");
        env.put("WEBHOOK_URL", "https://hooks.example/" + OTHER_SECRETS);
        // The repository's secrets as the workflow hands them on: the second target reads its settings only from there.
        env.put("SYNC_SECRETS_JSON", Fixtures.JSON.writeValueAsString(Map.of("HARBOR_REGISTRY", target.host, "HARBOR_NAMESPACE", "proj",
                "HARBOR_USERNAME", "odd.user", "HARBOR_PASSWORD", PASSWORD, "HARBOR_NAMING", "path", "DOCKERHUB_TOKEN", OTHER_SECRETS + "-hub")));
        env.put("SOURCE_REGISTRY", source.host);
        env.put("INSECURE_REGISTRIES", source.host + "," + target.host);
        env.put("SYNC_STATE", work.resolve("state.json").toString());
        List<String> cmd = List.of(Tools.REPO.resolve("jbang").toString(), Tools.REPO.resolve("scripts/sync.java").toString(),
                "--to", "aliyun,harbor", "--report", "r.json", "secret:1");
        Tools.Result r = Tools.run(cmd, env, work, null);

        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("logged in to " + target.host + " as odd.user"), r.all());
        JsonNode written = Fixtures.JSON.readTree(work.resolve("r.json").toFile()).at("/images/0/targets");
        assertEquals(image.digests().get("linux/amd64"), written.at("/0/digest").asText());
        assertEquals(target.host + "/proj/library/secret:1", written.at("/1/image").asText(), "the second target, named by its path");
        assertEquals(image.digests().get("linux/amd64"), written.at("/1/digest").asText());
        String core = PASSWORD.strip();
        for (Path file : List.of(work.resolve("r.json"), work.resolve("state.json"), argsLog, envLog)) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertFalse(text.contains(core) || text.contains(OTHER_SECRETS), "a secret is in " + file.getFileName() + ":\n" + text);
        }
        assertFalse(r.all().contains(core) || r.all().contains(OTHER_SECRETS), r.all());
        String childEnv = Files.readString(envLog, StandardCharsets.UTF_8);
        for (String name : List.of("ALIYUN_PASSWORD=", "GITHUB_TOKEN=", "WEBHOOK_URL=", "SYNC_SECRETS_JSON=")) {
            assertFalse(childEnv.contains(name), name + " reached skopeo's environment");
        }
        assertTrue(childEnv.contains("ALIYUN_REGISTRY=" + target.host), "the rest of the environment is passed on");
    }
}
