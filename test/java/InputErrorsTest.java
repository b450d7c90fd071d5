import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input that used to crash or slip through --plan: each is exit 2 with one clear line, in this JVM, offline. */
class InputErrorsTest {
    static Tools.Result plan(Path work, String... args) {
        Map<String, String> env = new HashMap<>(Tools.cleanEnv());
        env.put("HOME", work.toString());
        List<String> all = new java.util.ArrayList<>(List.of("--plan"));
        all.addAll(List.of(args));
        Tools.Result r = Cli.sync(work, env, new FakeRunner(), null, all.toArray(String[]::new));
        assertFalse(r.all().contains("\tat ") || r.all().contains("Exception") || r.all().contains("Error:"), "a stack trace or raw exception:\n" + r.all());
        return r;
    }

    @Test
    void aVeryLongReferenceIsRefusedWithoutOverflowingTheStack(@TempDir Path work) {
        Tools.Result r = plan(work, "a-".repeat(1000) + "b:1");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("at most 255 characters"), r.stderr());
    }

    @Test
    void aLongLineInTheListIsOneErrorAmongTheOthers(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "nginx:1\n" + "x".repeat(5000) + "\n" + "a/".repeat(130) + "b:1\n");
        Tools.Result r = plan(work);
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("images.txt:2: the line has 5000 characters"), r.stderr());
        assertTrue(r.stderr().contains("images.txt:3:") && r.stderr().contains("at most 255 are allowed"), r.stderr());
    }

    @Test
    void aListThatIsNotAFileIsRefusedBeforeItIsRead(@TempDir Path work) {
        Tools.Result r = plan(work, "-f", "/dev/zero");
        assertEquals(2, r.exit(), r.all());
        assertEquals("sync: /dev/zero is not a regular file: give an image list (one image per line) with -f FILE", r.stderr().strip());
    }

    @Test
    void aTargetNameOverTheRegistriesLimitFailsThePlan(@TempDir Path work) {
        Tools.Result r = plan(work, "--name", "n".repeat(250) + ":1", "nginx:1");
        assertEquals(0, r.exit(), "250 characters alone fit: " + r.all());
        Map<String, String> env = new HashMap<>(Tools.cleanEnv());
        env.putAll(Map.of("HOME", work.toString(), "ALIYUN_REGISTRY", "registry.cn-hangzhou.aliyuncs.com", "ALIYUN_NAMESPACE", "team",
                "ALIYUN_USERNAME", "u", "ALIYUN_PASSWORD", "password-1"));
        Tools.Result withTarget = Cli.sync(work, env, new FakeRunner(), null, "--plan", "--name", "n".repeat(250) + ":1", "nginx:1");
        assertEquals(2, withTarget.exit(), withTarget.all());
        assertTrue(withTarget.stderr().contains("longer than the 255 characters registries accept"), withTarget.stderr());
    }

    @Test
    void aSourceRegistryWithASchemeIsASettingsError(@TempDir Path work) {
        Tools.Result r = plan(work, "--source-registry", "https://mirror.example", "nginx:1");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("is not a registry host") && r.stderr().contains("no https://"), r.stderr());
    }

    @Test
    void anEmptyImageArgumentIsAnErrorNotTheWholeList(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "nginx:1\n");
        Tools.Result r = plan(work, "--", "");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("an IMAGE argument is empty"), r.stderr());
    }

    @Test
    void aBadImageTimeoutSaysWhatToWrite(@TempDir Path work) {
        Map<String, String> env = new HashMap<>(Tools.cleanEnv());
        env.putAll(Map.of("HOME", work.toString(), "ALIYUN_REGISTRY", "127.0.0.1:1", "ALIYUN_NAMESPACE", "team",
                "ALIYUN_USERNAME", "u", "ALIYUN_PASSWORD", "password-1"));
        Tools.Result r = Cli.sync(work, env, new FakeRunner(), null, "--image-timeout", "ten minutes", "nginx:1");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("--image-timeout: 'ten minutes' is not a duration: write e.g. 90s, 20m, 1h or 1h30m"), r.stderr());
    }
}
