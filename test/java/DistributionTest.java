import support.Tools;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How people get the scripts: through ./jbang, and straight from a URL without cloning. */
@Tag("process")
class DistributionTest {
    static final String JBANG = Tools.REPO.resolve("jbang").toString();

    /** Serves the checkout read-only over HTTP on a loopback port, recording each path asked for. */
    static HttpServer serveCheckout(List<String> requested) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requested.add(path);
            Path file = Tools.REPO.resolve(path.substring(1)).normalize();
            if (!file.startsWith(Tools.REPO) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void syncRunsFromAUrlWithItsSourcesResolvedNextToIt(@TempDir Path tmp) throws IOException {
        List<String> requested = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = serveCheckout(requested);
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            Map<String, String> env = Tools.cleanEnv();
            env.put("JBANG_DIR", tmp.resolve("jbang-home").toString());
            Path work = Files.createDirectories(tmp.resolve("work"));
            Files.writeString(work.resolve("images.txt"), "--platform=linux/arm64 mysql:8.0\nquay.io/coreos/etcd:v3.5.0\n");

            Tools.Result trust = Tools.run(List.of(JBANG, "trust", "add", base), env, work, null);
            assertEquals(0, trust.exit(), trust.all());
            Tools.Result r = Tools.run(List.of(JBANG, base + "scripts/sync.java", "--plan"), env, work, null);

            assertEquals(0, r.exit(), r.all());
            assertTrue(r.out().contains("<registry>/<namespace>/linux_arm64_mysql:8.0"), r.out());
            assertTrue(r.out().contains("<registry>/<namespace>/quay-io_coreos_etcd:v3.5.0"), r.out());
            assertTrue(requested.contains("/scripts/lib/sync/Syncer.java"), requested.toString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theLauncherBootstrapsFromMavenOnceAndThenNeedsNoMaven(@TempDir Path tmp) throws IOException {
        Path bootstrap = tmp.resolve("bootstrap");
        Map<String, String> env = Tools.cleanEnv();
        env.put("JBANG_BOOTSTRAP_DIR", bootstrap.toString());
        env.put("PATH", withoutJbang(env.get("PATH")));

        Tools.Result first = Tools.run(List.of(JBANG, "version"), env, tmp, null);
        assertEquals(0, first.exit(), first.all());
        assertTrue(first.out().strip().startsWith("0.132.1"), first.all());
        String classpath = Files.readString(bootstrap.resolve("jbang-cli-0.132.1/classpath.txt"));
        assertTrue(classpath.contains("jbang-cli-0.132.1.jar"), classpath);

        // A Maven that fails loudly: later runs must not need it (nor the network behind it).
        Path fakeBin = Files.createDirectories(tmp.resolve("bin"));
        Path marker = tmp.resolve("mvn-was-called");
        executable(fakeBin.resolve("mvn"), "#!/bin/sh\ntouch '" + marker + "'\nexit 1\n");
        env.put("PATH", fakeBin + ":" + env.get("PATH"));
        Tools.Result second = Tools.run(List.of(JBANG, "version"), env, tmp, null);
        assertEquals(0, second.exit(), second.all());
        assertFalse(Files.exists(marker), "the second run called Maven");
    }

    @Test
    void anInstalledJbangIsPreferred(@TempDir Path tmp) throws IOException {
        Path fakeBin = Files.createDirectories(tmp.resolve("bin"));
        executable(fakeBin.resolve("jbang"), "#!/bin/sh\necho \"installed jbang: $*\"\n");
        Map<String, String> env = Tools.cleanEnv();
        env.put("PATH", fakeBin + ":" + env.get("PATH"));
        Tools.Result r = Tools.run(List.of(JBANG, "scripts/sync.java", "--plan"), env, tmp, null);
        assertEquals(0, r.exit(), r.all());
        assertEquals("installed jbang: scripts/sync.java --plan", r.out().strip());
    }

    /** JBang's own launcher drops an empty argument; ours carries it, so an empty image is an error, not the whole list. */
    @Test
    void anEmptyArgumentSurvivesTheLauncher(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("images.txt"), "nginx:1\n");
        Map<String, String> env = Tools.cleanEnv();
        env.put("PATH", withoutJbang(env.get("PATH")));
        Tools.Result r = Tools.run(List.of(JBANG, Tools.REPO.resolve("scripts/sync.java").toString(), "--plan", "--name=", "--", ""), env, tmp, null);
        assertEquals(2, r.exit(), r.all());
        assertEquals("sync: an IMAGE argument is empty: give an image such as nginx:alpine", r.stderr().strip());
        Path fakeBin = Files.createDirectories(tmp.resolve("bin"));
        executable(fakeBin.resolve("jbang"), "#!/bin/sh\nfor a; do printf '[%s]' \"$a\"; done\n");
        env.put("PATH", fakeBin + ":" + env.get("PATH"));
        Tools.Result installed = Tools.run(List.of(JBANG, "scripts/sync.java", "", "x"), env, tmp, null);
        assertEquals("[scripts/sync.java][--image-sync-empty-argument--][x]", installed.out().strip(), "an installed JBang gets the marker too");
    }

    @Test
    void withoutJbangOrMavenTheLauncherSaysWhatToInstall(@TempDir Path tmp) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("sh", "dirname", "basename", "cat", "mkdir", "java")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(Tools.require(tool, "coreutils")).toRealPath());
        }
        Map<String, String> env = Tools.cleanEnv();
        env.put("PATH", bin.toString());
        env.put("JBANG_BOOTSTRAP_DIR", tmp.resolve("empty").toString());
        Tools.Result r = Tools.run(List.of("/bin/sh", JBANG, "version"), env, tmp, null);
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.stderr().contains("install JBang") && r.stderr().contains("Maven"), r.stderr());
    }

    private static String withoutJbang(String path) {
        return String.join(":", java.util.Arrays.stream(path.split(":")).filter(d -> !Files.isExecutable(Path.of(d, "jbang"))).toList());
    }

    private static void executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
