package lib.engine;

import lib.core.Deadline;
import lib.core.Secret;

import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessInitException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real runner, on zt-exec. Children get this process's environment without its secrets (they reach skopeo
 * and docker only through stdin and the private auth file), and are killed at their timeout or when the thread
 * waiting for them is interrupted, as a cancelled run's are. Not by a JVM exit hook of zt-exec's own: on SIGTERM
 * it would kill a running copy before the run could record the image as cancelled, and report it failed.
 */
public final class ZtExecRunner implements ProcessRunner {
    /** zt-exec removes a variable given as null. */
    private final Map<String, String> scrubbed = new HashMap<>();

    public ZtExecRunner() {
        System.getenv().keySet().stream().filter(Secret::isSecretVariable).forEach(name -> scrubbed.put(name, null));
    }

    @Override
    public Result run(Command command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>(scrubbed);
        env.putAll(command.env());
        ProcessExecutor executor = new ProcessExecutor()
                .command(command.args())
                .environment(env)
                .redirectOutput(out)
                .redirectError(err)
                .redirectInput(new ByteArrayInputStream(command.stdin() == null ? new byte[0] : command.stdin()))
                .timeout(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            int exit = executor.execute().getExitValue();
            return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            return new Result(-1, out.toByteArray(), "timed out after " + Deadline.format(command.timeout()));
        } catch (ProcessInitException e) {
            throw new NotFound(command.args().get(0));
        } catch (IOException e) {
            return new Result(1, out.toByteArray(), "could not run " + command.name() + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, out.toByteArray(), "interrupted");
        }
    }
}
