package support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A plain-HTTP forward proxy on a loopback port (what HTTP_PROXY names): passes each request on to the address it
 * names and its answer back, and keeps "METHOD absolute-URI" of everything that went through it.
 */
public final class RecordingProxy implements AutoCloseable {
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient upstream = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    private final HttpServer server;

    public RecordingProxy() {
        server = Robot.loopback();
        server.createContext("/", exchange -> {
            // A client talking to a proxy names the whole address in the request line; a request for the proxy itself would not.
            URI target = exchange.getRequestURI();
            requests.add(exchange.getRequestMethod() + " " + target);
            try {
                HttpRequest.Builder forward = HttpRequest.newBuilder(target)
                        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
                String type = exchange.getRequestHeaders().getFirst("Content-Type");
                if (type != null) {
                    forward.header("Content-Type", type);
                }
                HttpResponse<byte[]> answer = upstream.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                exchange.getResponseBody().write(answer.body());
            } catch (IOException | IllegalArgumentException e) {
                exchange.sendResponseHeaders(502, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** The value for HTTP_PROXY. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** "POST http://host:port/path?query" of each request that went through, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
