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
    /**
     * The most of a process's output kept in memory: skopeo prints at most a manifest or a config (4 MiB each, its own
     * limits) or a tag list (which the registry client stops at 16 MiB). A longer output is read to its end and
     * dropped, and the run is a failure that says so.
     */
    static final int MAX_OUTPUT = 16 * 1024 * 1024;
    /** Its diagnostics: a few lines, or a few hundred with a verbose tool; the first MiB is kept. */
    static final int MAX_ERRORS = 1024 * 1024;
    /** zt-exec removes a variable given as null. */
    private final Map<String, String> scrubbed = new HashMap<>();

    public ZtExecRunner() {
        System.getenv().keySet().stream().filter(Secret::isSecretVariable).forEach(name -> scrubbed.put(name, null));
    }

    @Override
    public Result run(Command command) {
        Capped out = new Capped(MAX_OUTPUT);
        Capped err = new Capped(MAX_ERRORS);
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
            if (out.over) {
                return new Result(1, new byte[0], command.name() + " printed more than " + MAX_OUTPUT / (1024 * 1024) + " MiB, the most this tool reads");
            }
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

    /** Keeps the first {@code cap} bytes written to it and drops the rest, so a child is never blocked on a full pipe. */
    private static final class Capped extends ByteArrayOutputStream {
        private final int cap;
        private volatile boolean over;

        Capped(int cap) {
            this.cap = cap;
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (count + (long) len > cap) {
                over = true;
                super.write(b, off, Math.max(0, cap - count));
                return;
            }
            super.write(b, off, len);
        }
    }
}
