import lib.core.Deadline;
import lib.core.SyncError;
import lib.engine.ToolErrors;
import lib.engine.ToolErrorsTest;
import support.FakeRunner;
import support.Tools;

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

    @Test
    void aBadOptionValueIsTwoLinesNotTheHelp(@TempDir Path work) {
        for (String[] bad : List.of(new String[]{"--jobs", "abc"}, new String[]{"--force=yes"})) {
            Tools.Result r = plan(work, bad);
            assertEquals(2, r.exit(), r.all());
            List<String> lines = r.stderr().strip().lines().toList();
            assertEquals(2, lines.size(), r.stderr());
            assertTrue(lines.get(0).startsWith("sync: ") && (lines.get(0).contains("--jobs") || lines.get(0).contains("expected true or false")), lines.get(0));
            assertEquals("sync: see --help for the options and their values", lines.get(1));
        }
    }

    @Test
    void helpNamesTheEnvironmentAndGivesExamples(@TempDir Path work) {
        Tools.Result r = plan(work, "--help");
        assertEquals(0, r.exit(), r.all());
        for (String expected : List.of("ALIYUN_PASSWORD", "GHCR_TOKEN", "SYNC_TARGETS", "SYNC_IMAGE_TIMEOUT", "Examples:", "--platform all")) {
            assertTrue(r.out().contains(expected), expected + " missing in:\n" + r.out());
        }
    }

    @Test
    void upperCaseNamesAndUnknownPlatformsAreRefusedWithTheFix(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "Nginx:Alpine\n--platform=linux/amd nginx:1\n--platform=linux/arm/v9 nginx:1\n");
        Tools.Result r = plan(work);
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("images.txt:1: 'Nginx:Alpine' has upper-case letters in its name: repository names are lower case; write 'nginx:Alpine'"), r.stderr());
        assertTrue(r.stderr().contains("images.txt:2: unknown platform 'linux/amd' (did you mean linux/amd64?)"), r.stderr());
        assertTrue(r.stderr().contains("images.txt:3: unknown platform 'linux/arm/v9'") && r.stderr().contains("use one of linux/amd64, linux/arm64, linux/arm/v7"), r.stderr());
    }

    @Test
    void aListFileAndImageArgumentsTogetherAreAnError(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("list.txt"), "redis:7\n");
        Tools.Result r = plan(work, "-f", "list.txt", "nginx:1");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("-f/--images and IMAGE arguments were both given"), r.stderr());
    }

    @Test
    void theSameImageUnderTheSameNameTwiceIsAWarningNotACollision(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "nginx:1.25\n--name=nginx nginx:1.25\n--name=pinned:1 nginx@sha256:" + "a".repeat(64) + "\n");
        Tools.Result r = plan(work);
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.stderr().contains("images.txt:2: '--name=nginx nginx:1.25' is the same image with the same target as line 1"), r.stderr());
        List<String> rows = r.out().lines().filter(l -> l.contains("→")).toList();
        assertEquals(2, rows.size(), r.out());
        assertEquals(rows.get(0).indexOf('→'), rows.get(1).indexOf('→'), "the table stays aligned with a digest-pinned line:\n" + r.out());
    }

    @Test
    void plainHttpFromARegistryNamesTheInsecureOption() {
        SyncError e = ToolErrors.of("reading source 127.0.0.1:5000/a:1", ToolErrorsTest.failed(
                "pinging container registry 127.0.0.1:5000: Get \\\"https://127.0.0.1:5000/v2/\\\": http: server gave HTTP response to HTTPS client"),
                Deadline.after(java.time.Duration.ofMinutes(1)));
        assertTrue(e.getMessage().contains("--insecure-registry"), e.getMessage());
    }
}
