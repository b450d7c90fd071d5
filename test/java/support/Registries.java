package support;

import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real registries a test class runs against, as a JUnit extension: declared beside the class's other fields,
 * started before its first test (before its own {@code @BeforeAll}, which pushes its fixtures), stopped after its
 * last. Each lives in a directory of its own (data, config, access log) under one temporary directory, which is
 * removed afterwards unless a test failed: then the logs are there to read.
 *
 * <pre>
 * {@literal @}RegisterExtension
 * static final Registries registries = new Registries("sync-it-");
 * static final Registry source = registries.open("source");
 * static final Registry aliyun = registries.withPassword("aliyun", "alice", PASSWORD);
 * </pre>
 *
 * The test's own skopeo is logged in to every registry with a password, in {@link #authFile()}.
 */
public final class Registries implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    private final String prefix;
    private final Map<String, Registry> declared = new LinkedHashMap<>();
    private Path root;
    private volatile boolean failed;

    /** {@code prefix}: the temporary directory's name starts so, to tell whose it is. */
    public Registries(String prefix) {
        this.prefix = prefix;
    }

    /** One that takes anyone, as Docker Hub's public side does. */
    public Registry open(String name) {
        return declare(name, new Registry(null, null, false));
    }

    /** One that wants this user and password (htpasswd), as a target does. */
    public Registry withPassword(String name, String user, String password) {
        return declare(name, new Registry(user, password, false));
    }

    /** One in the registry's maintenance mode, which refuses every push. */
    public Registry readOnly(String name) {
        return declare(name, new Registry(null, null, true));
    }

    private Registry declare(String name, Registry registry) {
        if (declared.putIfAbsent(name, registry) != null) {
            throw new IllegalArgumentException("two registries named " + name);
        }
        return registry;
    }

    /** The temporary directory they live in, also for the test's own files (layouts, shims); gone after the class. */
    public Path root() {
        return root;
    }

    /** skopeo's auth file, logged in to every registry with a password. */
    public Path authFile() {
        return root.resolve("auth.json");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Tools.require("skopeo", "skopeo");
        root = Files.createTempDirectory(prefix);
        for (Map.Entry<String, Registry> e : declared.entrySet()) {
            e.getValue().start(root.resolve(e.getKey()));
            e.getValue().login(authFile());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Registry.closeAll(declared.values().toArray(Registry[]::new));
        if (root != null && !failed && context.getExecutionException().isEmpty()) {
            try {
                PathUtils.deleteDirectory(root);
            } catch (IOException e) {
                // Not the tests' failure: what a rootless podman unpacked belongs to sub-uids this user cannot remove.
                System.err.println("Registries: left " + root + " behind: " + e);
            }
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        failed = true;
    }
}
