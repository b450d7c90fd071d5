package support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs real programs for the integration tests, and finds them or fails loudly (a missing tool is never a skip). */
public final class Tools {
    /** The checkout: REPO_ROOT when Maven sets it, else the working directory when it holds ./jbang (the benchmark), else "..". */
    public static final Path REPO = Path.of(System.getenv().getOrDefault("REPO_ROOT", Files.isRegularFile(Path.of("jbang")) ? "." : ".."))
            .toAbsolutePath().normalize();

    public record Result(int exit, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String all() {
            return out() + stderr;
        }
    }

    private Tools() {}

    /** The absolute path of a program on PATH; fails the test with how to install it when missing. */
    public static String require(String program, String debianPackage) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        fail(program + " is not installed: the integration tests need it (apt-get install -y " + debianPackage + "; .ci/run does this)");
        return null;
    }

    public static Result run(List<String> args, Map<String, String> env, Path dir, byte[] stdin) {
        ProcessBuilder pb = new ProcessBuilder(args);
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            p.getOutputStream().write(stdin == null ? new byte[0] : stdin);
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail("timed out: " + args);
            }
            return new Result(p.exitValue(), out.get(), new String(err.get(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Result run(String... args) {
        return run(List.of(args), null, null, null);
    }

    /** The environment a user's terminal would give sync.java, minus anything of the developer's that could leak in. */
    public static Map<String, String> cleanEnv() {
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("PATH", "HOME", "JAVA_HOME", "LANG", "TMPDIR", "JBANG_REPO", "MAVEN_OPTS")) {
            String v = System.getenv(name);
            if (v != null) {
                env.put(name, v);
            }
        }
        return env;
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                in.transferTo(b);
                return b.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
