package lib.sync;

import lib.core.Context;
import lib.core.Retry;
import lib.core.SyncError;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One host, one verdict: the first failure's retries are the only ones, transient answers keep theirs, per call. */
class ReachabilityTest {
    /** Five tries with waits of 10, 20, 40 and 80 ms: a moment, and still long enough for the other calls to meet the first one's sequence. */
    static final Retry FIVE = new Retry(5, Duration.ofMillis(20), Duration.ofSeconds(1), d -> Thread.sleep(d.toMillis()), () -> 0.0);

    static IOException noSuchHost() {
        ConnectException e = new ConnectException();
        e.initCause(new UnresolvedAddressException());
        return e;
    }

    /** {@code calls} at once, each failing as {@code failure} does at every try; what each ended with. */
    static List<SyncError> together(Reachability hosts, int calls, AtomicInteger tries, SyncError failure, List<String> warnings) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls);
        try {
            List<CompletableFuture<SyncError>> ends = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                ends.add(CompletableFuture.supplyAsync(() -> assertThrows(SyncError.class, () -> hosts.run("h.example", () -> {
                    tries.incrementAndGet();
                    throw failure;
                }, Context.outside(Duration.ofMinutes(1), warnings::add))), pool));
            }
            List<SyncError> out = new ArrayList<>();
            for (CompletableFuture<SyncError> end : ends) {
                out.add(end.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHostThatDoesNotResolveIsOneSequenceThenOneVerdictForEveryCall() throws Exception {
        AtomicInteger pings = new AtomicInteger();
        Reachability hosts = new Reachability(FIVE, host -> {
            pings.incrementAndGet();
            throw noSuchHost();
        }, host -> "check the images from " + host + " in the list");
        AtomicInteger tries = new AtomicInteger();
        List<String> warnings = new CopyOnWriteArrayList<>();
        List<SyncError> ends = together(hosts, 4, tries, new SyncError(SyncError.Kind.TRANSIENT, "HEAD h.example/a:1: no such host"), warnings);

        assertTrue(tries.get() >= 5 && tries.get() <= 5 + 3, "one call's five tries, the others' first ones at most: they waited for those: " + tries.get());
        for (SyncError e : ends) {
            assertEquals(SyncError.Kind.UNKNOWN_HOST, e.kind);
            assertEquals("cannot reach h.example: no such host — fix: check the images from h.example in the list, or this machine's DNS and proxy "
                    + "(HTTPS_PROXY)", e.getMessage());
        }
        assertEquals(4, warnings.stream().filter(w -> w.contains("retrying in")).count(), warnings.toString());
        assertTrue(pings.get() <= 5, "a check before the sequence (at most one per call that met it) and one after: " + pings.get());

        AtomicInteger later = new AtomicInteger();
        SyncError e = assertThrows(SyncError.class, () -> hosts.run("h.example", later::incrementAndGet, Context.outside(Duration.ofMinutes(1), w -> { })));
        assertEquals(0, later.get(), "a later call is not even tried");
        assertEquals(ends.get(0).getMessage(), e.getMessage());
        assertEquals("h.example", hosts.verdict("h.example").host());
    }

    /** A host that answers the check is not the problem: 5xx and resets keep their retries, call by call, in parallel. */
    @Test
    void transientFailuresOfAHostThatAnswersAreRetriedByEachCall() throws Exception {
        AtomicInteger pings = new AtomicInteger();
        Reachability hosts = new Reachability(FIVE, host -> pings.incrementAndGet(), host -> "check " + host);
        AtomicInteger tries = new AtomicInteger();
        List<SyncError> ends = together(hosts, 3, tries, new SyncError(SyncError.Kind.TRANSIENT, "GET h.example/a:1: HTTP 503 from the registry"),
                new CopyOnWriteArrayList<>());

        assertEquals(15, tries.get());
        ends.forEach(e -> assertEquals("GET h.example/a:1: HTTP 503 from the registry", e.getMessage()));
        assertTrue(pings.get() <= 3, "checked at most once per call that met it, and then never again: " + pings.get());
        assertNull(hosts.verdict("h.example"));
    }

    /** A host back before the retries run out clears the suspicion: no verdict, and the waiting calls go on. */
    @Test
    void aHostThatComesBackWithinTheSequenceGetsNoVerdict() throws Exception {
        AtomicInteger down = new AtomicInteger(3);
        Reachability hosts = new Reachability(FIVE, host -> {
            if (down.get() > 0) {
                throw new ConnectException("Connection refused");
            }
        }, host -> "check " + host);
        String answer = hosts.run("h.example", () -> {
            if (down.getAndDecrement() > 0) {
                throw new SyncError(SyncError.Kind.TRANSIENT, "HEAD h.example/a:1: connection refused");
            }
            return "answered";
        }, Context.outside(Duration.ofMinutes(1), w -> { }));
        assertEquals("answered", answer);
        assertNull(hosts.verdict("h.example"));
        assertEquals("again", hosts.run("h.example", () -> "again", Context.outside(Duration.ofMinutes(1), w -> { })));
    }

    /** A tool that names the host it could not reach (skopeo's pinging) needs no check to claim it; a copy has no host of its own. */
    @Test
    void aFailureThatNamesItsHostIsJudgedForThatHost() {
        Reachability hosts = new Reachability(FIVE, host -> {
            throw new ConnectException("Connection refused");
        }, host -> "check ALIYUN_REGISTRY");
        SyncError e = assertThrows(SyncError.class, () -> hosts.run(null, () -> {
            throw new SyncError(SyncError.Kind.TRANSIENT, "copying to aliyun t.example/ns/a:1: cannot reach t.example: connection refused", null, "t.example");
        }, Context.outside(Duration.ofMinutes(1), w -> { })));
        assertEquals(SyncError.Kind.UNREACHABLE, e.kind);
        assertEquals("cannot reach t.example: connection refused — fix: check ALIYUN_REGISTRY and that a registry runs there, or this machine's "
                + "network and proxy (HTTPS_PROXY)", e.getMessage());
        assertEquals("t.example", hosts.verdict("t.example").host());
    }
}
