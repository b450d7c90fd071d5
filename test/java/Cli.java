import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs sync.java's command in this JVM, the way main does (same picocli set-up, same exception handler), with
 * an injected environment and captured output: most command-line scenarios need no JVM of their own.
 * Relative paths (-f, --report, --state) are taken from {@code work}, as a shell in that directory would.
 */
final class Cli {
    /** Options whose defaults picocli takes from the real environment (${env:...}): given as options instead. */
    static final Map<String, String> ENV_OPTIONS = Map.of("SYNC_STATE", "--state", "SOURCE_REGISTRY", "--source-registry", "SYNC_TARGETS", "--to",
            "INSECURE_REGISTRIES", "--insecure-registry", "SYNC_ENGINE", "--engine", "SYNC_IMAGE_TIMEOUT", "--image-timeout", "SYNC_SHARD", "--shard");

    private Cli() {}

    static Tools.Result sync(Path work, Map<String, String> env, ProcessRunner runner, Retry retry, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        sync command = new sync();
        command.env = env;
        if (runner != null) {
            command.runner = runner;
        }
        if (retry != null) {
            command.retry = retry;
        }
        command.console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "true".equals(env.get("GITHUB_ACTIONS")));
        CommandLine cli = sync.commandLine(command);
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionStrategy(parsed -> {
            command.imagesFile = work.resolve(command.imagesFile);
            command.report = command.report == null ? null : work.resolve(command.report);
            command.stateFile = command.stateFile == null ? null : work.resolve(command.stateFile);
            return new CommandLine.RunLast().execute(parsed);
        });
        List<String> all = new ArrayList<>();
        ENV_OPTIONS.forEach((variable, option) -> {
            if (env.get(variable) != null && List.of(args).stream().noneMatch(a -> a.equals(option) || a.startsWith(option + "="))) {
                all.add(option + "=" + env.get(variable));
            }
        });
        all.addAll(List.of(args));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Tools.Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
