package lib.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the processes a run starts ("skopeo inspect", "skopeo copy", ...), for the report. */
public final class CountingRunner implements ProcessRunner {
    private final ProcessRunner inner;
    private final Map<String, LongAdder> started = new ConcurrentHashMap<>();

    public CountingRunner(ProcessRunner inner) {
        this.inner = inner;
    }

    @Override
    public Result run(Command command) {
        started.computeIfAbsent(command.name(), n -> new LongAdder()).increment();
        return inner.run(command);
    }

    public Map<String, Long> started() {
        Map<String, Long> out = new TreeMap<>();
        started.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
