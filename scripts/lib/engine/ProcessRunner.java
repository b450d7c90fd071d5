package lib.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Every external process goes through this: an argument list in, exit code and output out. */
public interface ProcessRunner {
    /**
     * {@code stdin} carries secrets (never the arguments); {@code env} is added to the environment the runner
     * gives every child (the run's own, less its secrets); {@code timeout} ends the process, and is always set.
     */
    record Command(List<String> args, byte[] stdin, Map<String, String> env, Duration timeout) {
        public Command(List<String> args, Duration timeout) {
            this(args, null, Map.of(), timeout);
        }

        /** "skopeo copy", "docker push": what the report counts. */
        public String name() {
            return args.size() > 1 ? args.get(0) + " " + args.get(1) : args.get(0);
        }
    }

    /** {@code exit} is -1 when the process timed out. */
    record Result(int exit, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public boolean ok() {
            return exit == 0;
        }

        public boolean timedOut() {
            return exit == -1;
        }
    }

    /** Thrown when the program itself cannot be started (not installed, not executable). */
    class NotFound extends RuntimeException {
        public NotFound(String program) {
            super(program + " is not installed or cannot be run");
        }
    }

    Result run(Command command);
}
