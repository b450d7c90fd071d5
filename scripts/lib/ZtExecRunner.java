import org.zeroturnaround.exec.InvalidExitValueException;
import org.zeroturnaround.exec.ProcessExecutor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The real runner, on zt-exec. */
public final class ZtExecRunner implements ProcessRunner {
    @Override
    public Result run(Command command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProcessExecutor executor = new ProcessExecutor()
                .command(command.args())
                .environment(command.env())
                .redirectOutput(out)
                .redirectError(err)
                .redirectInput(new ByteArrayInputStream(command.stdin() == null ? new byte[0] : command.stdin()))
                .destroyOnExit();
        if (command.timeout() != null) {
            executor.timeout(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            int exit = executor.execute().getExitValue();
            return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            return new Result(-1, out.toByteArray(), "timed out after " + command.timeout().toSeconds() + "s");
        } catch (InvalidExitValueException e) {
            return new Result(e.getExitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new NotFound(command.args().get(0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, out.toByteArray(), "interrupted");
        }
    }
}
