package support;

import lib.engine.ProcessRunner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A process runner for unit tests: answers by what the arguments contain (the last matching rule wins; a rule
 * given several answers gives them in turn and then keeps the last) and records every command. A command no
 * rule expects fails the test: code that starts an unplanned process must not pass by getting "exit 0".
 */
public final class FakeRunner implements ProcessRunner {
    public final List<Command> commands = new ArrayList<>();
    private final Map<String, Deque<Result>> answers = new LinkedHashMap<>();

    public FakeRunner answer(String argsContaining, String stdout) {
        return add(argsContaining, new Result(0, stdout.getBytes(StandardCharsets.UTF_8), ""));
    }

    public FakeRunner fail(String argsContaining, String stderr) {
        return add(argsContaining, new Result(1, new byte[0], stderr));
    }

    private FakeRunner add(String argsContaining, Result result) {
        answers.computeIfAbsent(argsContaining, k -> new ArrayDeque<>()).add(result);
        return this;
    }

    @Override
    public synchronized Result run(Command command) {
        commands.add(command);
        String joined = String.join(" ", command.args());
        Deque<Result> found = null;
        for (Map.Entry<String, Deque<Result>> e : answers.entrySet()) {
            if (joined.contains(e.getKey())) {
                found = e.getValue();
            }
        }
        if (found == null) {
            throw new AssertionError("unexpected command: " + joined);
        }
        return found.size() > 1 ? found.poll() : found.peek();
    }

    public List<List<String>> args() {
        return commands.stream().map(Command::args).toList();
    }

    public long count(String argsContaining) {
        return commands.stream().filter(c -> String.join(" ", c.args()).contains(argsContaining)).count();
    }
}
