import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A loopback TCP proxy that holds every client→server chunk for a fixed delay before passing it on, so each
 * request pays that latency once, like a long link; chunks queue rather than wait in turn, so bandwidth is
 * not cut. It knows nothing of HTTP, so registries see their own Host and build their own URLs through it.
 */
final class LatencyProxy implements AutoCloseable {
    final String host;
    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    });

    private record Chunk(long due, byte[] bytes) {}

    LatencyProxy(String backend, Duration delay) throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        host = "127.0.0.1:" + server.getLocalPort();
        String[] hostPort = backend.split(":");
        pool.submit(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
                    client.setTcpNoDelay(true);
                    upstream.setTcpNoDelay(true);
                    delayed(client, upstream, delay.toNanos());
                    pool.submit(() -> copy(upstream, client));
                } catch (IOException e) {
                    if (!server.isClosed()) {
                        System.err.println("latency proxy: " + e.getMessage());
                    }
                }
            }
        });
    }

    private void delayed(Socket from, Socket to, long delayNanos) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        pool.submit(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    queue.put(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)));
                }
            } catch (IOException | InterruptedException e) {
                // The connection ended.
            }
            queue.add(new Chunk(0, null));
        });
        pool.submit(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk c = queue.take();
                    if (c.bytes() == null) {
                        break;
                    }
                    long wait = c.due() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    out.write(c.bytes());
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                // The connection ended.
            }
        });
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // The connection ended.
        } finally {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // Already closed.
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
