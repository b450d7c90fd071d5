import lib.core.Retry;
import lib.engine.ProcessRunner;
import lib.report.Console;
import support.Tools;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs sync.java's command in this JVM, the way main does (same picocli set-up, same exception handler), with
 * an injected environment and captured output: most command-line scenarios need no JVM of their own.
 * Relative paths (-f, --report, --state) are taken from {@code work}, as a shell in that directory would.
 */
final class Cli {
    private Cli() {}

    static Tools.Result sync(Path work, Map<String, String> given, ProcessRunner runner, Retry retry, String... args) {
        return sync(work, given, runner, retry, null, args);
    }

    /**
     * The run most registry tests make: to the Aliyun target, its report in {@code work}/r.json (read it with
     * {@link #report}), checked for a printed secret or stack trace (SyncIntegrationTest.checked).
     */
    static Tools.Result toAliyun(Path work, Map<String, String> env, Retry retry, String... args) {
        List<String> all = new ArrayList<>(List.of("--to", "aliyun", "--report", "r.json"));
        all.addAll(List.of(args));
        return SyncIntegrationTest.checked(sync(work, env, null, retry, all.toArray(String[]::new)));
    }

    /** The report a {@link #toAliyun} run wrote. */
    static JsonNode report(Path work) throws IOException {
        return SyncIntegrationTest.report(work.resolve("r.json"));
    }

    /** {@code stdin}: what the command reads for "-" (--from -); null: nothing. */
    static Tools.Result sync(Path work, Map<String, String> given, ProcessRunner runner, Retry retry, byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>(given);
        if (env.get("SYNC_STATE") != null) {
            env.put("SYNC_STATE", work.resolve(env.get("SYNC_STATE")).toString());
        }
        sync command = new sync();
        command.env = env;
        if (runner != null) {
            command.runner = runner;
        }
        if (retry != null) {
            command.retry = retry;
        }
        command.stdin = new java.io.ByteArrayInputStream(stdin == null ? new byte[0] : stdin);
        command.console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "true".equals(env.get("GITHUB_ACTIONS")));
        CommandLine cli = sync.commandLine(command);
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionStrategy(parsed -> {
            command.imagesFile = work.resolve(command.imagesFile);
            command.report = command.report == null ? null : work.resolve(command.report);
            command.append = command.append == null ? null : work.resolve(command.append);
            command.from = command.from == null || command.from.equals("-") ? command.from : work.resolve(command.from).toString();
            return new CommandLine.RunLast().execute(parsed);
        });
        List<String> all = new ArrayList<>();
        for (String arg : args) {
            all.add(arg.startsWith("--state=") ? "--state=" + work.resolve(arg.substring("--state=".length())) : arg);
        }
        int exit = cli.execute(all.toArray(String[]::new));
        return new Tools.Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
