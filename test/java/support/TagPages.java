package support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain-HTTP front that pages a real registry's tag lists as Docker Hub and distribution 3 do, because Debian's
 * registry (distribution 2.8) ignores {@code n} and answers every tag at once: GET /v2/NAME/tags/list?n=N[&last=T]
 * answers the N tags after T in lexical order, with {@code Link: </v2/NAME/tags/list?last=…&n=N>; rel="next"} while
 * more are left. Every other request, and the registry's own errors, pass through unchanged. Plain HTTP, so a
 * {@link FaultProxy} can stand in front of it.
 */
public final class TagPages implements AutoCloseable {
    private static final Pattern TAGS_LIST = Pattern.compile("/v2/(.+)/tags/list");
    /** Hop-by-hop and framing headers, which the server here writes itself. */
    private static final Set<String> NOT_PASSED = Set.of("content-length", "transfer-encoding", "connection");

    public final String host;
    /** Pages of tags answered so far. */
    public final AtomicInteger pages = new AtomicInteger();
    /** Write each Link as a full URL on the host the client asked, as some registries do, rather than as a path. */
    public volatile boolean absoluteLinks;
    /** Never run out: each page holds one made-up tag and links to another page, as a broken registry could. */
    public volatile boolean endless;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final String backend;

    public TagPages(String backend) throws IOException {
        this.backend = backend;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        host = "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Matcher m = TAGS_LIST.matcher(ex.getRequestURI().getRawPath());
            boolean tagsList = m.matches();
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            int n = Integer.parseInt(query.getOrDefault("n", "100"));
            List<String> page;
            boolean more;
            if (tagsList && endless) {
                page = List.of("endless-" + pages.get());
                more = true;
            } else {
                // The registry gets a tag list's path alone: it answers every tag whatever the query says.
                HttpResponse<byte[]> r = forward(ex, tagsList ? m.group(0) : ex.getRequestURI().toString());
                if (!tagsList || r.statusCode() != 200) {
                    pass(ex, r);
                    return;
                }
                String last = query.get("last");
                TreeSet<String> all = new TreeSet<>();
                JsonNode listed = Fixtures.JSON.readTree(r.body()).path("tags");
                listed.forEach(t -> all.add(t.asText()));
                page = (last == null ? all : all.tailSet(last, false)).stream().limit(n).toList();
                more = page.size() == n && !all.tailSet(page.get(n - 1), false).isEmpty();
            }
            if (more) {
                String next = "/v2/" + m.group(1) + "/tags/list?last=" + URLEncoder.encode(page.get(page.size() - 1), StandardCharsets.UTF_8) + "&n=" + n;
                String url = absoluteLinks ? "http://" + ex.getRequestHeaders().getFirst("Host") + next : next;
                ex.getResponseHeaders().add("Link", "<" + url + ">; rel=\"next\"");
            }
            ObjectNode body = Fixtures.JSON.createObjectNode().put("name", m.group(1));
            page.forEach(body.putArray("tags")::add);
            byte[] bytes = Fixtures.JSON.writeValueAsBytes(body);
            pages.incrementAndGet();
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request sent on to the registry ({@code target}: the path with the query to keep), with its Accept and Authorization. */
    private HttpResponse<byte[]> forward(HttpExchange ex, String target) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + backend + target))
                .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
        for (String h : List.of("Accept", "Authorization")) {
            List<String> values = ex.getRequestHeaders().get(h);
            if (values != null) {
                values.forEach(v -> b.header(h, v));
            }
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void pass(HttpExchange ex, HttpResponse<byte[]> r) throws IOException {
        r.headers().map().forEach((name, values) -> {
            if (!NOT_PASSED.contains(name.toLowerCase()) && !name.startsWith(":")) {
                values.forEach(v -> ex.getResponseHeaders().add(name, v));
            }
        });
        boolean none = ex.getRequestMethod().equals("HEAD") || r.body().length == 0;
        ex.sendResponseHeaders(r.statusCode(), none ? -1 : r.body().length);
        if (!none) {
            ex.getResponseBody().write(r.body());
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
