package lib.sync;

import lib.registry.RateLimits;
import lib.registry.RegistryClient;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a reserve of pulls on registries that announce a quota (Docker Hub's ratelimit-remaining): an image
 * that would spend pulls below the reserve is deferred to a later run instead of failing on a 429.
 */
public final class PullBudget {
    /** Manifest GETs a full check of one image can cost at the source: the index and the platform manifest. */
    public static final int READ = 2;
    /** The copy reads the platform manifest once more. */
    public static final int COPY = 1;

    private final RegistryClient client;
    private final int reserve;
    private final Map<String, Integer> spent = new ConcurrentHashMap<>();
    private final Map<String, RateLimits.RateLimit> basis = new ConcurrentHashMap<>();

    public PullBudget(RegistryClient client, int reserve) {
        this.client = client;
        this.reserve = reserve;
    }

    /**
     * Takes {@code pulls} from the registry's known remaining quota. Unknown quota: always granted. The count
     * restarts whenever the registry reports a fresh remaining value.
     */
    public synchronized boolean take(String registry, int pulls) {
        RateLimits.RateLimit last = client == null ? null : client.rateLimits().last(registry);
        if (last == null) {
            return true;
        }
        if (!last.equals(basis.get(registry))) {
            basis.put(registry, last);
            spent.put(registry, 0);
        }
        int used = spent.getOrDefault(registry, 0);
        if (last.remaining() - used - pulls < reserve) {
            return false;
        }
        spent.put(registry, used + pulls);
        return true;
    }
}
