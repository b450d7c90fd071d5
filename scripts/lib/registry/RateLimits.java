package lib.registry;

import java.net.http.HttpHeaders;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Docker Hub's ratelimit-limit / ratelimit-remaining headers, as first and last seen per registry. */
public final class RateLimits {
    /** What the headers said. */
    public record RateLimit(int limit, int remaining) {}

    private static final Pattern RATE = Pattern.compile("^\\s*(\\d+)");
    private final Map<String, RateLimit> first = new ConcurrentHashMap<>();
    private final Map<String, RateLimit> last = new ConcurrentHashMap<>();

    void observe(String registry, HttpHeaders headers) {
        Integer limit = rate(headers.firstValue("ratelimit-limit").orElse(null));
        Integer remaining = rate(headers.firstValue("ratelimit-remaining").orElse(null));
        if (limit != null && remaining != null) {
            RateLimit seen = new RateLimit(limit, remaining);
            first.putIfAbsent(registry, seen);
            last.put(registry, seen);
        }
    }

    /** "100;w=21600" → 100. */
    static Integer rate(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = RATE.matcher(header);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    public RateLimit first(String registry) {
        return first.get(registry);
    }

    public RateLimit last(String registry) {
        return last.get(registry);
    }

    public Set<String> registries() {
        return new TreeSet<>(last.keySet());
    }
}
