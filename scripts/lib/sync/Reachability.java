package lib.sync;

import lib.core.Context;
import lib.core.Retry;
import lib.core.SyncError;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One host, one verdict per run. Every request to a registry, by the registry client or by a tool (reads, copies,
 * logins), runs here under the one retry policy. The first failure that may mean a host cannot be reached at all
 * claims that host: its call retries as the policy says, while every other call that needs the host waits for it
 * instead of retrying on its own. When those retries fail, the host is asked once more as --doctor asks it (GET
 * /v2/); if it does not resolve, refuses connections or fails TLS, that is the run's verdict on the host
 * ({@link Unreachable}): every call that needs it from then on fails at once, with the same reason and fix.
 *
 * <p>A failure "may mean" that when a tool named the host as unreachable, or when the registry client's failure is
 * transient (and not a 429 with its Retry-After) and a quick GET /v2/ of the host fails the same way. A host that
 * answers that GET is left to the ordinary retries for the rest of the run: 5xx, 429 and dropped transfers keep
 * their retries, each call its own, and cost at most one such GET per host.
 */
public final class Reachability {
    /** How long the quick check of a suspect host may take; never longer than the call's own deadline allows. */
    static final Duration QUICK = Duration.ofSeconds(5);

    /** Asks a registry whether it answers at all; an IOException says why not. */
    @FunctionalInterface
    public interface Probe {
        void ping(String host) throws IOException;
    }

    /** The retries of a host's first failure, run by the call that met it; the others wait until it is done. */
    private static final class Claim {
        String host;
        final CountDownLatch done = new CountDownLatch(1);
    }

    private final Retry retry;
    private final Probe probe;
    private final Function<String, String> check;
    private final Map<String, Unreachable> verdicts = new ConcurrentHashMap<>();
    /** Hosts that answered a check: their failures are their own, retried call by call. */
    private final Set<String> answering = ConcurrentHashMap.newKeySet();
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();
    /** Checks run here, so one that hangs is left behind when its time is up (the common pool has one thread on two cores). */
    private final ExecutorService checking = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "reachability");
        t.setDaemon(true);
        return t;
    });

    /** {@code check}: what to check for a host that cannot be reached (see {@link Unreachable#check}). */
    public Reachability(Retry retry, Probe probe, Function<String, String> check) {
        this.retry = retry;
        this.probe = probe;
        this.check = check;
    }

    /**
     * Runs {@code action}, which talks to {@code host} (null: to hosts only its failures name, as a copy does), under
     * the retry policy and the host's verdict.
     */
    public <T> T run(String host, Supplier<T> action, Context context) {
        Unreachable known = host == null ? null : verdicts.get(host);
        if (known != null) {
            throw known.error();
        }
        Claim[] mine = new Claim[1];
        Unreachable verdict = null;
        try {
            return retry.run(() -> attempt(host, action, context, mine), context);
        } catch (SyncError e) {
            verdict = mine[0] == null ? null : judge(mine[0].host, context.deadline().remaining());
            if (verdict == null) {
                throw e;
            }
            context.log().warn(verdict.host() + " cannot be reached (" + verdict.reason() + "): every image that needs it fails at once from now on");
            throw verdict.error();
        } finally {
            if (mine[0] != null) {
                if (verdict != null) {
                    verdicts.put(mine[0].host, verdict);
                }
                claims.remove(mine[0].host, mine[0]);
                mine[0].done.countDown();
            }
        }
    }

    /** The run's verdict on {@code host}, or null when it has none. */
    public Unreachable verdict(String host) {
        return verdicts.get(host);
    }

    /** One try: after any other call's retries at the host are done; a failure that may be the host's claims it. */
    private <T> T attempt(String host, Supplier<T> action, Context context, Claim[] mine) {
        while (true) {
            if (host != null) {
                awaitOthers(host, mine[0], context);
            }
            try {
                return action.get();
            } catch (SyncError e) {
                String suspect = e.unreachable != null ? e.unreachable : host != null && maybeUnreachable(e) && !answering.contains(host) ? host : null;
                if (suspect == null || mine[0] != null) {
                    throw e;
                }
                Claim theirs = claims.get(suspect);
                if (theirs == null && (e.unreachable != null || judge(suspect, QUICK) != null)) {
                    Claim claim = new Claim();
                    claim.host = suspect;
                    theirs = claims.putIfAbsent(suspect, claim);
                    if (theirs == null) {
                        mine[0] = claim;
                        throw e;
                    }
                }
                if (theirs == null) {
                    throw e;
                }
                await(theirs, context);
            }
        }
    }

    private static boolean maybeUnreachable(SyncError e) {
        return e.kind == SyncError.Kind.UNKNOWN_HOST || (e.kind == SyncError.Kind.TRANSIENT && e.retryAfter == null);
    }

    private void awaitOthers(String host, Claim mine, Context context) {
        Claim theirs = claims.get(host);
        if (theirs != null && theirs != mine) {
            await(theirs, context);
        }
        Unreachable known = verdicts.get(host);
        if (known != null) {
            throw known.error();
        }
    }

    private void await(Claim theirs, Context context) {
        try {
            if (!theirs.done.await(context.deadline().remaining().toMillis(), TimeUnit.MILLISECONDS)) {
                throw context.deadline().gaveUp("waiting to hear whether " + theirs.host + " can be reached");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncError(SyncError.Kind.PERMANENT, "interrupted while waiting to hear whether " + theirs.host + " can be reached");
        }
        Unreachable known = verdicts.get(theirs.host);
        if (known != null) {
            throw known.error();
        }
    }

    /**
     * Asks {@code host} as --doctor does, within {@code limit}: why it cannot be reached when that is a verdict's reason;
     * null when it answers (then it is left to the ordinary retries) or fails otherwise.
     */
    private Unreachable judge(String host, Duration limit) {
        Duration within = limit.compareTo(QUICK) < 0 ? limit : QUICK;
        if (within.isNegative() || within.isZero()) {
            return null;
        }
        CompletableFuture<IOException> asked = CompletableFuture.supplyAsync(() -> {
            try {
                probe.ping(host);
                return null;
            } catch (IOException e) {
                return e;
            }
        }, checking);
        try {
            IOException failed = asked.get(within.toMillis(), TimeUnit.MILLISECONDS);
            Unreachable unreachable = failed == null ? null : Unreachable.of(host, failed, check.apply(host));
            if (unreachable == null || !unreachable.verdict()) {
                answering.add(host);
                return null;
            }
            return unreachable;
        } catch (TimeoutException | ExecutionException e) {
            answering.add(host);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
