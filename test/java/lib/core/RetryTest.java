package lib.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one retry layer: backoff with jitter, Retry-After, the deadline; and durations as people write them. */
class RetryTest {
    static final Context JOB = Context.outside(Duration.ofHours(1), w -> { });

    @Test
    void transientFailuresAreRetriedWithGrowingJitteredDelaysThenGiveUp() {
        List<Duration> slept = new ArrayList<>();
        Retry retry = new Retry(4, Duration.ofSeconds(2), Duration.ofSeconds(60), slept::add, () -> 1.0);
        AtomicInteger calls = new AtomicInteger();
        List<String> notes = new ArrayList<>();
        assertThrows(SyncError.class, () -> retry.run(() -> {
            calls.incrementAndGet();
            throw new SyncError(SyncError.Kind.TRANSIENT, "503");
        }, new Context(JOB.deadline(), null, notes::add)));
        assertEquals(4, calls.get());
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8)), slept, "the most jitter allows");
        assertEquals(3, notes.size());
        assertEquals(Duration.ofSeconds(1), new Retry(4, Duration.ofSeconds(2), Duration.ofSeconds(60), d -> { }, () -> 0.0)
                .waitBefore(2, new SyncError(SyncError.Kind.TRANSIENT, "x")), "the least: half the delay");
    }

    @Test
    void retryAfterIsHonouredUpToTheCapAndBeyondItTheImageFailsAtOnce() {
        List<Duration> slept = new ArrayList<>();
        Retry retry = new Retry(4, Duration.ofSeconds(2), Duration.ofSeconds(60), slept::add, () -> 0.5);
        AtomicInteger calls = new AtomicInteger();
        assertEquals("ok", retry.run(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new SyncError(SyncError.Kind.TRANSIENT, "429", Duration.ofSeconds(17));
            }
            return "ok";
        }, JOB));
        assertEquals(List.of(Duration.ofSeconds(17)), slept);
        SyncError e = assertThrows(SyncError.class, () -> retry.run(() -> {
            throw new SyncError(SyncError.Kind.TRANSIENT, "HEAD x: HTTP 429 (Retry-After: 100000)", Duration.ofSeconds(100000));
        }, JOB));
        assertEquals("HEAD x: HTTP 429 (Retry-After: 100000)", e.getMessage());
        assertEquals(1, slept.size(), "no wait for a registry that asks for a day");
    }

    @Test
    void noWaitReachesPastTheDeadline() {
        List<Duration> slept = new ArrayList<>();
        Retry retry = new Retry(10, Duration.ofSeconds(10), Duration.ofSeconds(60), slept::add, () -> 1.0);
        Context soon = new Context(Deadline.after(Duration.ofSeconds(25)), null, w -> { });
        SyncError e = assertThrows(SyncError.class, () -> retry.run(() -> {
            throw new SyncError(SyncError.Kind.TRANSIENT, "reading source x: 503");
        }, soon));
        assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(20)), slept, "the sleeper here takes no time; a 40 s wait would pass the 25 s deadline");
        assertEquals(SyncError.Kind.GAVE_UP, e.kind);
        assertEquals("reading source x: 503: gave up after 25s (--image-timeout)", e.getMessage());
    }

    @Test
    void onlyTransientFailuresAreRetried() {
        Retry retry = new Retry(4, Duration.ofSeconds(1), Duration.ofSeconds(60), d -> { throw new AssertionError("slept"); }, () -> 0.5);
        for (SyncError.Kind kind : List.of(SyncError.Kind.PERMANENT, SyncError.Kind.DENIED, SyncError.Kind.NOT_FOUND, SyncError.Kind.GAVE_UP)) {
            AtomicInteger calls = new AtomicInteger();
            assertThrows(SyncError.class, () -> retry.run(() -> {
                calls.incrementAndGet();
                throw new SyncError(kind, "no");
            }, JOB));
            assertEquals(1, calls.get(), kind.name());
        }
        assertNull(retry.waitBefore(5, new SyncError(SyncError.Kind.TRANSIENT, "x")), "past the number of tries");
    }

    @Test
    void aTransientFailureThatClearsUpSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        Retry retry = new Retry(4, Duration.ofSeconds(1), Duration.ofSeconds(60), d -> { }, () -> 0.5);
        assertEquals("ok", retry.run(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new SyncError(SyncError.Kind.TRANSIENT, "reset");
            }
            return "ok";
        }, JOB));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"90s, 90, 90s", "20m, 1200, 20m", "1h, 3600, 1h", "1h30m, 5400, 1h30m", "45, 45, 45s", "2m5s, 125, 2m5s"})
    void durationsReadAndPrintAsPeopleWriteThem(String text, long seconds, String printed) {
        assertEquals(Duration.ofSeconds(seconds), Deadline.parse(text));
        assertEquals(printed, Deadline.format(Duration.ofSeconds(seconds)));
    }

    @Test
    void aBadDurationSaysWhatToWrite() {
        for (String bad : List.of("", "abc", "10 minutes", "0s", "-5m")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Deadline.parse(bad), bad);
            assertTrue(e.getMessage().contains("90s") || e.getMessage().contains("at least one second"), e.getMessage());
        }
    }
}
