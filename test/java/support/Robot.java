package support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A chat robot's webhook on a loopback port: keeps every request it receives and answers as told. */
public final class Robot implements AutoCloseable {
    public record Received(String path, String query, String body) {}

    public final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    public volatile int answerStatus = 200;
    public volatile String answerBody = "{\"errcode\":0,\"errmsg\":\"ok\"}";
    private final HttpServer server;

    public Robot() {
        server = loopback();
        server.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] answer = answerBody.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answerStatus, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /** An HTTP server on a free loopback port, not started. */
    static HttpServer loopback() {
        try {
            return HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port() + pathAndQuery;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
