package support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of GitHub's REST API the issue flow uses, on loopback, answering as GitHub does (docs.github.com/rest/issues):
 * a repository label that does not exist is a 404 and creating one a 201 (a 422 when it exists); adding labels to an
 * issue is a 200 and creates missing ones in grey, as GitHub does (github/docs#35718); removing a label the issue does
 * not carry is a 404 "Label does not exist"; a comment is a 201; closing is a 200 PATCH; enabling a workflow
 * (docs.github.com/rest/actions/workflows) is a 204 without a body, a 404 for a file that is not one of
 * {@link #workflows}. A request without the token
 * is a 401. Every request is recorded: method, path, body and the Authorization header. {@link #failures} makes the
 * next requests fail with a status and message of the test's choosing.
 */
public final class FakeGitHub implements AutoCloseable {
    public record Request(String method, String path, String body, String authorization) {
        public JsonNode json() {
            try {
                return Fixtures.JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final Pattern ENABLE = Pattern.compile("/repos/[^/]+/[^/]+/actions/workflows/([^/]+)/enable");
    private static final Pattern ISSUE = Pattern.compile("/repos/[^/]+/[^/]+/issues/(\\d+)(/.*)?");

    public final List<Request> requests = new CopyOnWriteArrayList<>();
    public final Set<String> repositoryLabels = ConcurrentHashMap.newKeySet();
    public final Map<Integer, Set<String>> issueLabels = new ConcurrentHashMap<>();
    public final Map<Integer, String> states = new ConcurrentHashMap<>();
    /** The repository's workflow files: the ones that can be enabled. */
    public final Set<String> workflows = ConcurrentHashMap.newKeySet();
    /** The workflow files enabled, in order. */
    public final List<String> enabled = new CopyOnWriteArrayList<>();
    /** Answers for the next requests instead of the real ones: status and message, in turn. */
    public final java.util.Queue<Map.Entry<Integer, String>> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final String token;
    private final HttpServer server;

    public FakeGitHub(String token) {
        this.token = token;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Request> requests(String method, String pathEnd) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().endsWith(pathEnd)).toList();
    }

    /** The comments posted, in order. */
    public List<String> comments() {
        return requests.stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/comments"))
                .map(r -> r.json().path("body").asText()).toList();
    }

    /** "METHOD path" of every request, in order: the conversation a test expects. */
    public List<String> calls() {
        return requests.stream().map(r -> r.method() + " " + r.path()).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        requests.add(new Request(method, URLDecoder.decode(path, StandardCharsets.UTF_8), body, authorization));
        Map.Entry<Integer, String> failure = failures.poll();
        if (failure != null) {
            send(exchange, failure.getKey(), message(failure.getValue()));
            return;
        }
        if (!("Bearer " + token).equals(authorization)) {
            send(exchange, 401, message("Bad credentials"));
            return;
        }
        String decoded = URLDecoder.decode(path, StandardCharsets.UTF_8);
        Matcher issue = ISSUE.matcher(decoded);
        JsonNode json = body.isEmpty() ? null : Fixtures.JSON.readTree(body);
        Matcher enable = ENABLE.matcher(decoded);
        if (method.equals("PUT") && enable.matches()) {
            if (workflows.contains(enable.group(1))) {
                enabled.add(enable.group(1));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            } else {
                send(exchange, 404, message("Not Found"));
            }
        } else if (method.equals("GET") && decoded.matches("/repos/[^/]+/[^/]+/labels/.+")) {
            String name = decoded.substring(decoded.lastIndexOf('/') + 1);
            if (repositoryLabels.contains(name)) {
                send(exchange, 200, label(name));
            } else {
                send(exchange, 404, message("Not Found"));
            }
        } else if (method.equals("POST") && decoded.matches("/repos/[^/]+/[^/]+/labels")) {
            String name = json.path("name").asText();
            if (!repositoryLabels.add(name)) {
                ObjectNode error = message("Validation Failed");
                error.putArray("errors").addObject().put("resource", "Label").put("code", "already_exists").put("field", "name");
                send(exchange, 422, error);
            } else {
                send(exchange, 201, label(name).put("color", json.path("color").asText()).put("description", json.path("description").asText()));
            }
        } else if (issue.matches()) {
            int number = Integer.parseInt(issue.group(1));
            String rest = issue.group(2) == null ? "" : issue.group(2);
            Set<String> labels = issueLabels.computeIfAbsent(number, n -> new LinkedHashSet<>());
            if (method.equals("POST") && rest.equals("/comments")) {
                send(exchange, 201, Fixtures.JSON.createObjectNode().put("id", requests.size()).put("body", json.path("body").asText()));
            } else if (method.equals("POST") && rest.equals("/labels")) {
                json.path("labels").forEach(l -> {
                    labels.add(l.asText());
                    repositoryLabels.add(l.asText());
                });
                send(exchange, 200, labelList(labels));
            } else if (method.equals("DELETE") && rest.startsWith("/labels/")) {
                if (labels.remove(rest.substring("/labels/".length()))) {
                    send(exchange, 200, labelList(labels));
                } else {
                    send(exchange, 404, message("Label does not exist"));
                }
            } else if (method.equals("PATCH") && rest.isEmpty()) {
                states.put(number, json.path("state").asText());
                send(exchange, 200, Fixtures.JSON.createObjectNode().put("number", number).put("state", json.path("state").asText())
                        .put("state_reason", json.path("state_reason").asText()));
            } else {
                send(exchange, 404, message("Not Found"));
            }
        } else {
            send(exchange, 404, message("Not Found"));
        }
    }

    private static ObjectNode message(String text) {
        return Fixtures.JSON.createObjectNode().put("message", text).put("documentation_url", "https://docs.github.com/rest");
    }

    private static ObjectNode label(String name) {
        return Fixtures.JSON.createObjectNode().put("name", name).put("color", "ededed").put("default", false);
    }

    private static ArrayNode labelList(Set<String> names) {
        ArrayNode out = Fixtures.JSON.createArrayNode();
        names.forEach(n -> out.add(label(n)));
        return out;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Fixtures.JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
