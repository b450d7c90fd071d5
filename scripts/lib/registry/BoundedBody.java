package lib.registry;

import lib.core.Deadline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * How every answer's body is read: whole, into memory, but never more than a cap and never past a deadline. The
 * JDK's request timeout ends when the headers arrive, so without this a body that drips a byte every few seconds
 * holds its reader for ever, and one that never ends fills the heap. Past either limit the subscription is
 * cancelled (the JDK then closes the connection) and the exchange fails: {@link TooLarge} naming the cap, or an
 * {@link HttpTimeoutException}, which {@link Http#describe} calls "timed out".
 */
public final class BoundedBody implements HttpResponse.BodyHandler<byte[]> {
    public static final long KIB = 1024;
    public static final long MIB = 1024 * KIB;

    /** A body over its cap; the message names the cap and what the answer was to be. */
    public static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    private final long cap;
    private final String kind;
    private final Duration limit;
    private final long endNanos;

    /**
     * At most {@code cap} bytes of {@code kind} ("a manifest", "a token": how a message names it), all of them within
     * {@code limit} from now, headers included.
     */
    public BoundedBody(long cap, String kind, Duration limit) {
        this.cap = cap;
        this.kind = kind;
        this.limit = limit;
        this.endNanos = System.nanoTime() + limit.toNanos();
    }

    /** Whether {@code e}, as the HTTP client rethrew it, is a body over its cap. */
    public static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TooLarge) {
                return true;
            }
        }
        return false;
    }

    /** "4 MiB", "64 KiB", "300 bytes". */
    public static String size(long bytes) {
        if (bytes >= MIB && bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        return bytes >= KIB && bytes % KIB == 0 ? bytes / KIB + " KiB" : bytes + " bytes";
    }

    @Override
    public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
        return new Reader(info.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    private TooLarge tooLarge() {
        return new TooLarge("the answer is over " + size(cap) + ", the most this tool reads for " + kind);
    }

    private final class Reader implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final long declared;
        private ByteArrayOutputStream read = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        Reader(long declared) {
            this.declared = declared;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            synchronized (this) {
                subscription = s;
            }
            long left = endNanos - System.nanoTime();
            if (declared > cap) {
                fail(tooLarge());
                return;
            }
            if (left <= 0) {
                fail(timedOut());
                return;
            }
            // orTimeout's timer is cancelled as soon as the body is done, so no finished reader waits on it.
            CompletableFuture<Void> timer = new CompletableFuture<Void>().orTimeout(left, TimeUnit.NANOSECONDS);
            timer.whenComplete((v, e) -> {
                if (e != null) {
                    fail(timedOut());
                }
            });
            body.whenComplete((b, e) -> timer.complete(null));
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            synchronized (this) {
                if (body.isDone()) {
                    return;
                }
                for (ByteBuffer b : items) {
                    if (read.size() + (long) b.remaining() > cap) {
                        fail(tooLarge());
                        return;
                    }
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    read.writeBytes(bytes);
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            finish(null, t);
        }

        @Override
        public void onComplete() {
            synchronized (this) {
                if (read != null) {
                    finish(read.toByteArray(), null);
                }
            }
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        private HttpTimeoutException timedOut() {
            return new HttpTimeoutException("timed out: " + kind + " was still arriving after " + Deadline.format(limit));
        }

        /** Stops reading: the subscription is cancelled and what was read is let go. */
        private void fail(IOException e) {
            Flow.Subscription s;
            synchronized (this) {
                s = subscription;
            }
            if (finish(null, e) && s != null) {
                s.cancel();
            }
        }

        private synchronized boolean finish(byte[] bytes, Throwable error) {
            read = null;
            return error == null ? body.complete(bytes) : body.completeExceptionally(error);
        }
    }
}
