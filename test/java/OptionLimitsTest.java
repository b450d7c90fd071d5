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

/**
 * Values no run can use are refused before anything runs, each with one line that says what to give: numbers out of
 * range, durations that would overflow, and a report or state "file" that is a FIFO (reading or writing one waits
 * forever, past any signal). In this JVM, with no registry and no process: the checks come first.
 */
class OptionLimitsTest {
    static Map<String, String> env(Path work) {
        Map<String, String> env = new HashMap<>(Tools.cleanEnv());
        env.putAll(Map.of("HOME", work.toString(), "ALIYUN_REGISTRY", "127.0.0.1:1", "ALIYUN_NAMESPACE", "team",
                "ALIYUN_USERNAME", "u", "ALIYUN_PASSWORD", "password-1"));
        return env;
    }

    static Tools.Result sync(Path work, String... args) {
        FakeRunner none = new FakeRunner();
        Tools.Result r = Cli.sync(work, env(work), none, null, args);
        assertEquals(List.of(), none.commands, "nothing was started");
        assertFalse(r.all().contains("\tat ") || r.all().contains("Exception") || r.all().contains("internal error"), r.all());
        return r;
    }

    @Test
    void numbersOutOfRangeAreRefusedUpFront(@TempDir Path work) {
        Map<List<String>, String> cases = Map.of(
                List.of("--jobs", "0"), "error: --jobs 0: give a whole number from 1 to 64",
                List.of("--jobs", "100000"), "error: --jobs 100000: give a whole number from 1 to 64",
                List.of("--registry-requests", "-1"), "error: --registry-requests -1: give a whole number from 1 to 64",
                List.of("--pull-reserve", "-5"), "error: --pull-reserve -5: give a whole number from 0 to 1000000",
                List.of("--max-tags", "0"), "error: --max-tags 0: give a whole number from 1 to 10000",
                List.of("--max-tags", "-1"), "error: --max-tags -1: give a whole number from 1 to 10000",
                List.of("--min-free-gb", "-1"), "error: --min-free-gb -1.0: give the free space in GB the docker engine needs, from 0 to 1000000.0",
                List.of("--image-timeout", "3000000h"), "error: --image-timeout 3000000h: at most 24h for one image",
                List.of("--image-timeout", "99999999999999999999h"), "error: --image-timeout: '99999999999999999999h' is not a duration: write e.g. 90s, 20m, 1h or 1h30m");
        cases.forEach((args, said) -> {
            List<String> all = new java.util.ArrayList<>(args);
            all.add("nginx:1");
            Tools.Result r = sync(work, all.toArray(String[]::new));
            assertEquals(2, r.exit(), args + ": " + r.all());
            assertEquals(said, r.stderr().strip(), args.toString());
        });
    }

    /** SYNC_FAILING_DAYS, like every SYNC_* setting: a value no run can use is one clear line and exit 2, before anything runs. */
    @Test
    void badFailingDaysAreRefusedUpFront(@TempDir Path work) {
        for (String value : List.of("0", "-3", "seven", "7d", "99999")) {
            Map<String, String> env = env(work);
            env.put("SYNC_FAILING_DAYS", value);
            FakeRunner none = new FakeRunner();
            Tools.Result r = Cli.sync(work, env, none, null, "nginx:1");
            assertEquals(2, r.exit(), value + ": " + r.all());
            assertEquals("error: --failing-days / SYNC_FAILING_DAYS '" + value + "': give a whole number of days from 1 to 3650 (default 7)",
                    r.stderr().strip(), value);
            assertEquals(List.of(), none.commands, "something was started");
        }
    }

    @Test
    void aFifoAsReportOrStateIsRefusedBeforeAnythingWaitsOnIt(@TempDir Path work) throws IOException, InterruptedException {
        Path fifo = work.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Tools.Result report = sync(work, "--report", fifo.toString(), "nginx:1");
        assertEquals(2, report.exit(), report.all());
        assertTrue(report.stderr().strip().startsWith("error: --report " + fifo + ": is not a regular file (a FIFO or a device?)"), report.stderr());
        Tools.Result state = sync(work, "--state=" + fifo, "nginx:1");
        assertEquals(2, state.exit(), state.all());
        assertTrue(state.stderr().strip().startsWith("error: --state " + fifo + " is not a regular file (a FIFO or a device?)"), state.stderr());
        assertTrue(Files.exists(fifo));
    }
}
