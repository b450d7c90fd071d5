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

    /**
     * A count, then its policy (";w=21600") or the next value (", 100;w=60") or nothing. Nine digits at most: a count
     * past int is no quota anyone announces.
     */
    private static final Pattern RATE = Pattern.compile("^\\s*(\\d{1,9})\\s*(?:[;,]|$)");
    private final Map<String, RateLimit> first = new ConcurrentHashMap<>();
    private final Map<String, RateLimit> last = new ConcurrentHashMap<>();

    /** Both headers readable, or the answer says nothing: the last readable pair stands. */
    void observe(String registry, HttpHeaders headers) {
        Integer limit = rate(headers.firstValue("ratelimit-limit").orElse(null));
        Integer remaining = rate(headers.firstValue("ratelimit-remaining").orElse(null));
        if (limit != null && remaining != null) {
            RateLimit seen = new RateLimit(limit, remaining);
            first.putIfAbsent(registry, seen);
            last.put(registry, seen);
        }
    }

    /**
     * "100;w=21600" → 100. What is not a count (";w=21600", which Docker Hub has been seen to send, an empty value, a
     * word, a negative or huge number) is null, never 0: an unreadable header must not look like a spent quota.
     */
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
