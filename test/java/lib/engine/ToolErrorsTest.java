package lib.engine;

import lib.core.Context;
import lib.core.Deadline;
import lib.core.SyncError;

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

/** How a failed tool run is classified and said. */
public class ToolErrorsTest {
    static final Context JOB = Context.outside(Duration.ofHours(1), w -> { });

    public static ProcessRunner.Result failed(String msg) {
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
            "writing blob: Put \\\"http://h/v2/a/blobs/uploads/x\\\": EOF                    | TRANSIENT",
            "readfrom tcp a->b: write tcp a->b: use of closed network connection             | TRANSIENT",
            "reading manifest 1 in x: unauthorized: authentication required                  | DENIED",
            "reading manifest 1 in x: denied: requested access to the resource is denied     | DENIED",
            "reading manifest 1 in x: manifest unknown: manifest unknown                     | NOT_FOUND",
            "pinging container registry x: Get \\\"https://x/v2/\\\": dial tcp: lookup x: no such host | UNKNOWN_HOST",
            "reading blob sha256:4015030aa8: something odd happened                          | PERMANENT",
    })
    void skopeoFailuresAreClassified(String message, SyncError.Kind kind) {
        SyncError e = ToolErrors.of("reading source x", failed(message), JOB.deadline());
        assertEquals(kind, e.kind, e.getMessage());
        assertTrue(e.getMessage().startsWith("reading source x: "));
        assertTrue(!e.getMessage().contains("\n"));
    }

    /** A long upload URL used to push "connection reset by peer" past the 400 characters kept, and the image was not retried. */
    @Test
    void theWholeMessageIsClassifiedNotJustWhatIsShown() {
        String url = "http://127.0.0.1:5000/v2/library/app/blobs/uploads/" + "a".repeat(600) + "?_state=" + "b".repeat(300);
        SyncError e = ToolErrors.of("copying", failed("writing blob: Patch \\\"" + url + "\\\": read tcp a->b: read: connection reset by peer"), JOB.deadline());
        assertEquals(SyncError.Kind.TRANSIENT, e.kind);
        assertTrue(e.getMessage().length() < 500, "the message shown is still short");
        assertTrue(e.getMessage().endsWith("read: connection reset by peer"), "and keeps its cause: " + e.getMessage());
        assertTrue(e.getMessage().contains("Patch \"http://127.0.0.1:5000/v2/library/app/blobs/uploads/aaaa"), e.getMessage());
    }

    /**
     * skopeo's "pinging container registry HOST: …" is said as what it means; a name that does not resolve, a refused
     * connection and a TLS failure name the host, for the run's one verdict on it.
     */
    @Test
    void aRegistryThatCannotBeReachedIsSaidInWordsAndNamed() {
        SyncError lookup = ToolErrors.of("reading source nosuch.invalid/a:1", failed("Error parsing image name \\\"docker://nosuch.invalid/a:1\\\": "
                + "pinging container registry nosuch.invalid: Get \\\"https://nosuch.invalid/v2/\\\": dial tcp: lookup nosuch.invalid on 127.0.0.53:53: no such host"),
                JOB.deadline());
        assertEquals("reading source nosuch.invalid/a:1: cannot reach nosuch.invalid: no such host", lookup.getMessage());
        assertEquals(SyncError.Kind.UNKNOWN_HOST, lookup.kind);
        assertEquals("nosuch.invalid", lookup.unreachable);

        SyncError refused = ToolErrors.login("127.0.0.1:1", new ProcessRunner.Result(125, new byte[0], "Error: authenticating creds for \"127.0.0.1:1\": "
                + "pinging container registry 127.0.0.1:1: Get \"https://127.0.0.1:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused\n"), JOB.deadline());
        assertEquals("login to 127.0.0.1:1: cannot reach 127.0.0.1:1: connection refused", refused.getMessage());
        assertEquals(SyncError.Kind.TRANSIENT, refused.kind, "retried as before");
        assertEquals("127.0.0.1:1", refused.unreachable);

        SyncError tls = ToolErrors.of("copying to aliyun r.example/ns/a:1", failed("trying to reuse blob sha256:aa at destination: pinging container "
                + "registry r.example: Get \\\"https://r.example/v2/\\\": tls: failed to verify certificate: x509: certificate signed by unknown authority"),
                JOB.deadline());
        assertEquals("copying to aliyun r.example/ns/a:1: cannot reach r.example: TLS failed (tls: failed to verify certificate: x509: certificate "
                + "signed by unknown authority)", tls.getMessage());
        assertEquals("r.example", tls.unreachable);

        SyncError slow = ToolErrors.of("reading source r.example/a:1", failed("pinging container registry r.example: Get \\\"https://r.example/v2/\\\": "
                + "dial tcp 10.0.0.1:443: i/o timeout"), JOB.deadline());
        assertEquals("reading source r.example/a:1: cannot reach r.example: i/o timeout", slow.getMessage());
        assertEquals(SyncError.Kind.TRANSIENT, slow.kind);
        assertNull(slow.unreachable, "a timeout is retried image by image");

        SyncError busy = ToolErrors.of("reading source r.example/a:1", failed("pinging container registry r.example: "
                + "received unexpected HTTP status: 503 Service Unavailable"), JOB.deadline());
        assertEquals("reading source r.example/a:1: r.example: received unexpected HTTP status: 503 Service Unavailable", busy.getMessage());
        assertEquals(SyncError.Kind.TRANSIENT, busy.kind);
    }

    /** A refused login is about the credentials; there is no repository to be visible yet. */
    @Test
    void aRefusedLoginSpeaksOfTheCredentialsOnly() {
        SyncError e = ToolErrors.login("r.example", new ProcessRunner.Result(125, new byte[0],
                "Error: logging into \"r.example\": invalid username/password\n"), JOB.deadline());
        assertEquals(SyncError.Kind.DENIED, e.kind);
        assertEquals("login to r.example: the registry refused the login (Error: logging into \"r.example\": invalid username/password)", e.getMessage());
    }

    @Test
    void aShortTimeoutIsTransientButAnExpiredDeadlineGivesUp() {
        SyncError e = ToolErrors.of("copying", new ProcessRunner.Result(-1, new byte[0], "timed out after 2m"), JOB.deadline());
        assertEquals(SyncError.Kind.TRANSIENT, e.kind);
        Deadline over = new Deadline(System.nanoTime() - 1, Duration.ofSeconds(90));
        SyncError gone = ToolErrors.of("copying to aliyun x", new ProcessRunner.Result(-1, new byte[0], "timed out after 90s"), over);
        assertEquals(SyncError.Kind.GAVE_UP, gone.kind);
        assertEquals("copying to aliyun x: gave up after 90s (--image-timeout)", gone.getMessage());
    }

}
