import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyncErrorTest {
    static ProcessRunner.Result failed(String msg) {
        return new ProcessRunner.Result(1, new byte[0], "time=\"2024\" level=fatal msg=\"" + msg + "\"\n");
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "reading manifest 1 in x: toomanyrequests: You have reached your pull rate limit | TRANSIENT",
            "received unexpected HTTP status: 503 Service Unavailable                        | TRANSIENT",
            "received unexpected HTTP status: 502 Bad Gateway                                | TRANSIENT",
            "Get \\\"https://x/v2/\\\": net/http: TLS handshake timeout                      | TRANSIENT",
            "read tcp 1.2.3.4:5->6.7.8.9:443: read: connection reset by peer                 | TRANSIENT",
            "Get \\\"https://x/v2/\\\": dial tcp: i/o timeout                                | TRANSIENT",
            "reading manifest 1 in x: unauthorized: authentication required                  | PERMANENT",
            "reading manifest 1 in x: denied: requested access to the resource is denied     | PERMANENT",
            "reading manifest 1 in x: manifest unknown: manifest unknown                     | PERMANENT",
            "pinging container registry x: Get \\\"https://x/v2/\\\": dial tcp: lookup x: no such host | PERMANENT",
            "reading blob sha256:4015030aa8: something odd happened                          | PERMANENT",
    })
    void skopeoFailuresAreClassified(String message, SyncError.Kind kind) {
        SyncError e = SyncError.fromTool("reading source x", failed(message));
        assertEquals(kind, e.kind, e.getMessage());
        assertTrue(e.getMessage().startsWith("reading source x: "));
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void aTimeoutIsTransient() {
        SyncError e = SyncError.fromTool("copying", new ProcessRunner.Result(-1, new byte[0], "timed out after 120s"));
        assertEquals(SyncError.Kind.TRANSIENT, e.kind);
    }

    @Test
    void transientFailuresAreRetriedWithGrowingDelaysThenGiveUp() {
        List<Duration> slept = new ArrayList<>();
        Retry retry = new Retry(4, Duration.ofSeconds(1), Duration.ofSeconds(60), slept::add);
        AtomicInteger calls = new AtomicInteger();
        List<String> notes = new ArrayList<>();
        assertThrows(SyncError.class, () -> retry.run(() -> {
            calls.incrementAndGet();
            throw new SyncError(SyncError.Kind.TRANSIENT, "503");
        }, notes::add));
        assertEquals(4, calls.get());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)), slept);
        assertEquals(3, notes.size());
    }

    @Test
    void retryingStopsWhenTheWaitingBudgetIsSpent() {
        List<Duration> slept = new ArrayList<>();
        Retry retry = new Retry(10, Duration.ofSeconds(10), Duration.ofSeconds(30), slept::add);
        assertThrows(SyncError.class, () -> retry.run(() -> {
            throw new SyncError(SyncError.Kind.TRANSIENT, "429");
        }, n -> { }));
        assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(20)), slept);
    }

    @Test
    void permanentFailuresAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        Retry retry = new Retry(4, Duration.ofSeconds(1), Duration.ofSeconds(60), d -> { throw new AssertionError("slept"); });
        assertThrows(SyncError.class, () -> retry.run(() -> {
            calls.incrementAndGet();
            throw new SyncError(SyncError.Kind.PERMANENT, "denied");
        }, n -> { }));
        assertEquals(1, calls.get());
    }

    @Test
    void aTransientFailureThatClearsUpSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        Retry retry = new Retry(4, Duration.ofSeconds(1), Duration.ofSeconds(60), d -> { });
        assertEquals("ok", retry.run(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new SyncError(SyncError.Kind.TRANSIENT, "reset");
            }
            return "ok";
        }, n -> { }));
    }
}
