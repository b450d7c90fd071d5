package lib.sync;

import lib.core.Context;
import lib.core.ImageRef;
import lib.core.SyncError;
import lib.core.Target;
import lib.list.Plan;
import lib.registry.RegistryClient;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cheap questions of a whole batch, asked up front: a HEAD of each source and of each target tag, as many at once
 * as the registry client allows per registry (--registry-requests), every registry at the same time. Images would
 * otherwise ask them a few at a time (--jobs), one registry after the other; for a run where nothing changed these
 * HEADs are all the network it needs.
 *
 * <p>They are asked while the images run, not before: an image whose HEAD is still on its way waits for it within its
 * own deadline, so a registry that hangs costs that image one --image-timeout in all, not one for asking ahead and
 * another for its own questions. A source's answer serves every image that reads it; a target's is used once, by its
 * image, since the image may change the tag. A registry failure is left for the image to ask again (with retries),
 * and a registry that failed once is not asked ahead again. Anything else thrown (a bug) is kept and thrown again to
 * the image that asks, so it fails with its message.
 */
final class HeadCache {
    /** How one HEAD is asked: the registry client's. */
    @FunctionalInterface
    interface Asker {
        RegistryClient.Head head(ImageRef ref, Context context);
    }

    private final Asker client;
    private final int perRegistry;
    private final List<Target> targets;
    private final boolean force;
    /** What asking ahead gave, by reference: a Head, the RuntimeException a bug threw, or {@link #NONE}. */
    private final Map<String, CompletableFuture<Object>> asked = new ConcurrentHashMap<>();
    /** Nothing to use: the image asks itself. */
    private static final Object NONE = new Object();
    private final Set<String> failedAhead = ConcurrentHashMap.newKeySet();
    private final Set<String> sources = ConcurrentHashMap.newKeySet();

    /**
     * {@code client} null: nothing is asked ahead; {@code perRegistry}: requests at once per registry. {@code force}:
     * targets are not asked, since nothing is skipped.
     */
    HeadCache(Asker client, int perRegistry, List<Target> targets, boolean force) {
        this.client = client;
        this.perRegistry = perRegistry;
        this.targets = targets;
        this.force = force;
    }

    void prefetch(List<Plan.Item> items, Context context) {
        if (client == null || items.isEmpty()) {
            return;
        }
        Map<String, List<ImageRef>> asks = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Plan.Item item : items) {
            ImageRef source = item.spec().source();
            if (seen.add(source.display())) {
                sources.add(source.display());
                asks.computeIfAbsent(source.registry(), r -> new ArrayList<>()).add(source);
            }
            if (!force) {
                for (Target t : targets) {
                    ImageRef ref = t.reference(item.nameAt(t));
                    if (seen.add(ref.display())) {
                        asks.computeIfAbsent(t.registry(), r -> new ArrayList<>()).add(ref);
                    }
                }
            }
        }
        int total = asks.values().stream().mapToInt(List::size).sum();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(total, perRegistry * asks.size()), r -> {
            Thread t = new Thread(r, "prefetch");
            t.setDaemon(true);
            return t;
        });
        // Registries take turns in the queue, so each keeps its requests in flight from the start to its end.
        List<Iterator<ImageRef>> queues = asks.values().stream().map(List::iterator).toList();
        for (boolean more = true; more; ) {
            more = false;
            for (Iterator<ImageRef> q : queues) {
                if (q.hasNext()) {
                    more = true;
                    ImageRef ref = q.next();
                    asked.put(ref.display(), CompletableFuture.supplyAsync(() -> ask(ref, context), pool));
                }
            }
        }
        // The questions asked go on; the pool's threads end with them.
        pool.shutdown();
    }

    private Object ask(ImageRef ref, Context context) {
        if (failedAhead.contains(ref.registry()) || context.deadline().expired()) {
            return NONE;
        }
        try {
            return client.head(ref, context);
        } catch (SyncError | RegistryClient.Unsupported e) {
            failedAhead.add(ref.registry());
            return NONE;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /**
     * The answer asked ahead for {@code ref}, waiting for it within the image's deadline if it is on its way; null when
     * there is none to use (then the image asks itself).
     */
    RegistryClient.Head take(ImageRef ref, Context context) {
        CompletableFuture<Object> early = sources.contains(ref.display()) ? asked.get(ref.display()) : asked.remove(ref.display());
        if (early == null) {
            return null;
        }
        Object answer;
        try {
            answer = early.get(context.deadline().remaining().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw context.deadline().gaveUp("HEAD " + ref.display());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncError(SyncError.Kind.PERMANENT, "HEAD " + ref.display() + ": interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("asking ahead cannot fail: it keeps what it meets", e);
        }
        if (answer instanceof RuntimeException bug) {
            throw bug;
        }
        return answer instanceof RegistryClient.Head head ? head : null;
    }
}
