package support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real CNCF distribution registry (Debian's docker-registry) on a free loopback port, with its access log.
 * Test classes declare theirs on a {@link Registries} extension, which starts and stops them.
 */
public final class Registry implements AutoCloseable {
    /** Where it listens, 127.0.0.1:port, and its access log: set when it starts (the port is free then, not when it is declared). */
    public String host;
    public Path log;
    private final String user;
    private final String password;
    private final boolean readOnly;
    private Path dir;
    private Process process;

    /** {@code user} null: no authentication; else htpasswd with that user and password. {@code readOnly}: the registry's maintenance mode, which refuses every push. */
    Registry(String user, String password, boolean readOnly) {
        this.user = user;
        this.password = password;
        this.readOnly = readOnly;
    }

    /** A registry started now, for a class that starts its own (see {@link Registries} for the usual way). */
    public static Registry start(Path dir, String user, String password) {
        Registry registry = new Registry(user, password, false);
        registry.start(dir);
        return registry;
    }

    void start(Path dir) {
        try {
            this.dir = Files.createDirectories(dir);
            int port = freePort();
            String auth = "";
            if (user != null) {
                String htpasswd = Tools.require("htpasswd", "apache2-utils");
                Path file = dir.resolve("htpasswd");
                Tools.Result r = Tools.run(List.of(htpasswd, "-B", "-i", "-c", file.toString(), user), null, null, password.getBytes(StandardCharsets.UTF_8));
                if (r.exit() != 0) {
                    throw new IllegalStateException("htpasswd failed: " + r.stderr());
                }
                auth = "auth: {htpasswd: {realm: test, path: " + file + "}}\n";
            }
            Files.writeString(config(), "version: 0.1\n"
                    + "log: {level: info, accesslog: {disabled: false}}\n"
                    + "storage: {filesystem: {rootdirectory: " + dir.resolve("data") + "}, delete: {enabled: true}"
                    + (readOnly ? ", maintenance: {readonly: {enabled: true}}" : "") + "}\n"
                    + "http: {addr: 127.0.0.1:" + port + "}\n" + auth);
            host = "127.0.0.1:" + port;
            log = dir.resolve("registry.log");
            launch(ProcessBuilder.Redirect.to(log.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch(ProcessBuilder.Redirect output) throws IOException {
        process = new ProcessBuilder(Tools.require("docker-registry", "docker-registry"), "serve", config().toString())
                .redirectErrorStream(true).redirectOutput(output).start();
        awaitReady();
    }

    private Path config() {
        return dir.resolve("config.yml");
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                client.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                sleep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("registry on " + host + " did not start; its log: " + log);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Logs the test's own skopeo in to it, in {@code authFile}; nothing to do when it takes anyone. */
    void login(Path authFile) {
        if (user == null) {
            return;
        }
        Tools.Result r = Tools.run(List.of("skopeo", "login", "--authfile", authFile.toString(), "--tls-verify=false", "-u", user, "--password-stdin", host),
                null, null, password.getBytes(StandardCharsets.UTF_8));
        if (r.exit() != 0) {
            throw new IllegalStateException("skopeo login to " + host + " failed: " + r.stderr());
        }
    }

    /** Requests the access log has seen so far with this method on a manifests URL (e.g. "PUT", "GET", "HEAD"). */
    public long manifestRequests(String method) {
        try {
            return Files.readAllLines(log).stream()
                    .filter(l -> l.contains("\"" + method + " /v2/") && l.contains("/manifests/"))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * The digest of the manifest {@code reference} (host/repository:tag) points at, read straight from the
     * registry with skopeo ({@code authFile} may be null); null when there is no such tag.
     */
    public static String digestAt(String reference, Path authFile) {
        List<String> cmd = new java.util.ArrayList<>(List.of("skopeo", "inspect", "--raw", "--tls-verify=false"));
        if (authFile != null) {
            cmd.addAll(List.of("--authfile", authFile.toString()));
        }
        cmd.add("docker://" + reference);
        Tools.Result r = Tools.run(cmd, null, null, null);
        if (r.exit() != 0) {
            org.junit.jupiter.api.Assertions.assertTrue(r.stderr().contains("manifest unknown") || r.stderr().contains("name unknown"), r.stderr());
            return null;
        }
        return Fixtures.sha256(r.stdout());
    }

    /** Pushes a fixture layout, every platform and its digests as they are, to {@code reference} (host/repository:tag). */
    public static void push(Fixtures.Layout layout, String reference, Path authFile) {
        List<String> cmd = new java.util.ArrayList<>(List.of("skopeo", "copy", "--all", "--preserve-digests", "--dest-tls-verify=false"));
        if (authFile != null) {
            cmd.addAll(List.of("--authfile", authFile.toString()));
        }
        cmd.addAll(List.of("oci:" + layout.dir() + ":fixture", "docker://" + reference));
        Tools.Result r = Tools.run(cmd, null, null, null);
        org.junit.jupiter.api.Assertions.assertEquals(0, r.exit(), r.stderr());
    }

    /** For @AfterAll: stops every registry that started. */
    public static void closeAll(Registry... registries) {
        for (Registry r : registries) {
            if (r != null) {
                r.close();
            }
        }
    }

    /** Dies as a crashed registry would (SIGKILL), mid-request if there is one. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** The same registry (port, storage, log) back up after {@link #kill()}. */
    public void restart() throws IOException {
        launch(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    /** Stops it and waits until it has (its directory may be removed next); nothing to do if it never started. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
