import lib.core.Deadline;
import lib.core.SyncError;
import lib.engine.ToolErrors;
import lib.engine.ToolErrorsTest;
import support.FakeRunner;
import support.Tools;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
        assertEquals("error: /dev/zero is not a regular file: give an image list (one image per line) with -f FILE", r.stderr().strip());
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
    void aBadOptionValueIsOneErrorLineNotTheHelp(@TempDir Path work) {
        for (String[] bad : List.of(new String[]{"--jobs", "abc"}, new String[]{"--force=yes"})) {
            Tools.Result r = plan(work, bad);
            assertEquals(2, r.exit(), r.all());
            List<String> lines = r.stderr().strip().lines().toList();
            assertEquals(1, lines.size(), r.stderr());
            assertTrue(lines.get(0).startsWith("error: ") && (lines.get(0).contains("--jobs") || lines.get(0).contains("expected true or false")), lines.get(0));
            assertTrue(lines.get(0).endsWith(" (--help lists the options)"), lines.get(0));
        }
    }

    /** picocli's own suggestions, in the one error line. */
    @Test
    void aMistypedOptionGetsDidYouMean(@TempDir Path work) {
        Tools.Result r = plan(work, "--dryrun", "nginx:1");
        assertEquals(2, r.exit(), r.all());
        assertEquals("error: Unknown option: '--dryrun'; did you mean --dry-run? (--help lists the options)", r.stderr().strip());
    }

    /** The two a Chinese keyboard makes most often, in a list and as an argument: the character and what to type instead. */
    @Test
    void aFullWidthColonAndACurlyQuoteAreNamed(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "nginx\uFF1A1.27\n");
        Tools.Result list = plan(work);
        assertEquals(2, list.exit(), list.all());
        assertEquals("error: " + work.resolve("images.txt") + ":1: 'nginx：1.27' has the full-width '：' (U+FF1A): write ':' instead (an input "
                + "method in full-width mode types these; switch it to half-width)", list.stderr().lines().findFirst().orElseThrow());
        Tools.Result argument = plan(work, "redis:1.0\u201D");
        assertEquals(2, argument.exit(), argument.all());
        assertTrue(argument.stderr().contains("'redis:1.0”' has the curly quote '”' (U+201D): write '\"' instead (images.txt needs no quotes)"),
                argument.stderr());
    }

    @Test
    void helpNamesTheEnvironmentAndGivesExamples(@TempDir Path work) {
        Tools.Result r = plan(work, "--help");
        assertEquals(0, r.exit(), r.all());
        for (String expected : List.of("ALIYUN_PASSWORD", "GHCR_TOKEN", "SYNC_TARGETS", "SYNC_MODE", "ALIYUN_NAME_SPACE", "SYNC_IMAGE_TIMEOUT",
                "Examples:", "--platform all")) {
            assertTrue(r.out().contains(expected), expected + " missing in:\n" + r.out());
        }
    }

    /**
     * The footer is a table laid out for the width the help is printed at: no line is longer, a variable's meaning starts
     * on its first line (never "ALIYUN_PASSWORD   the" / "Aliyun target"), and an example command is never broken.
     */
    @Test
    void theHelpFooterIsLaidOutForTheTerminalsWidth() {
        for (int width : List.of(80, 160)) {
            StringWriter help = new StringWriter();
            CommandLine cli = sync.commandLine(new sync()).setUsageHelpAutoWidth(false).setUsageHelpWidth(width);
            cli.usage(new PrintWriter(help));
            List<String> lines = help.toString().lines().toList();
            for (String line : lines) {
                assertTrue(line.length() <= width, width + " columns, but a line has " + line.length() + ":\n" + help);
            }
            String footer = help.toString().substring(help.toString().indexOf("Environment:"));
            String aliyun = footer.lines().filter(l -> l.contains("ALIYUN_REGISTRY,")).findFirst().orElseThrow();
            assertTrue(footer.lines().anyMatch(l -> l.equals("  ./jbang scripts/sync.java --to aliyun --platform linux/arm64 mysql:8.0")), footer);
            assertTrue(footer.lines().anyMatch(l -> l.startsWith("  SYNC_TARGETS ") && l.contains("the default of --to")), footer);
            // Each column of the row reads whole when its lines are joined: the names on the left, the meaning on the right.
            List<String> rows = footer.lines().toList();
            int column = aliyun.indexOf("the Aliyun target");
            List<String> row = rows.subList(rows.indexOf(aliyun), rows.indexOf(rows.stream().filter(l -> l.startsWith("  GHCR_TOKEN")).findFirst().orElseThrow()));
            assertEquals("ALIYUN_REGISTRY, ALIYUN_NAMESPACE, ALIYUN_USERNAME, ALIYUN_PASSWORD",
                    String.join(" ", row.stream().map(l -> l.substring(0, Math.min(column, l.length())).strip()).filter(t -> !t.isEmpty()).toList()), footer);
            assertEquals("the Aliyun target (ALIYUN_NAME_SPACE, ALIYUN_REGISTRY_USER and ALIYUN_REGISTRY_PASSWORD, another template's names, are read too)",
                    String.join(" ", row.stream().filter(l -> l.length() > column).map(l -> l.substring(column).strip()).toList()), footer);
            assertTrue(width == 80 || row.size() == 2, footer);
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
