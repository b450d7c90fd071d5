import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the processes a run starts ("skopeo inspect", "skopeo copy", ...), for the report. */
public final class CountingRunner implements ProcessRunner {
    private final ProcessRunner inner;
    private final Map<String, AtomicLong> started = new ConcurrentHashMap<>();

    public CountingRunner(ProcessRunner inner) {
        this.inner = inner;
    }

    @Override
    public Result run(Command command) {
        String name = command.args().size() > 1 ? command.args().get(0) + " " + command.args().get(1) : command.args().get(0);
        started.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
        return inner.run(command);
    }

    public Map<String, Long> started() {
        Map<String, Long> out = new TreeMap<>();
        started.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
