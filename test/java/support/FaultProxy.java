package support;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A plain-HTTP reverse proxy in front of one plain-HTTP registry that misbehaves on request: rules pick
 * requests by method and path and answer them with a status, hang, drop the connection, cut an upload short,
 * send garbage, an endless body or one that drips, or add a delay; every other request goes through untouched. It forwards each request's head
 * as the client wrote it, Host included, so the registry builds Location URLs that lead back through the proxy.
 * Each forwarded request gets its own upstream connection: a fault can then never leave a pooled upstream
 * connection half-used, and loopback connections cost nothing.
 */
public final class FaultProxy implements AutoCloseable {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final int MAX_LINE = 64 * 1024;
    /** The most a body a rule looks at may be: a manifest's 4 MiB. */
    private static final long MAX_BODY = 4 * 1024 * 1024;
    /** A digest no body has: what garbage() claims its body is. */
    public static final String WRONG_DIGEST = "sha256:" + "0".repeat(64);
    public static final String GARBAGE = "<html><body>fault proxy: this is not JSON</body></html>\n";

    public final String host;
    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final List<Rule> rules = new ArrayList<>();
    private final List<String> seen = new ArrayList<>();
    private final AtomicInteger faults = new AtomicInteger();
    /** Every socket still open, client or upstream, so close() can end connections that hang. */
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Socket> hung = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });

    private enum Kind { STATUS, HANG, DROP, DROP_AFTER, GARBAGE, DELAY, HUGE, DRIP }

    /**
     * What {@link #on} returns: inert until one of its faults is chosen, so a request arriving between on() and
     * status() is simply forwarded. Call times() before the fault for an exact count.
     */
    public final class Rule {
        private final String method;
        private final Pattern path;
        private Kind kind;
        private int left = -1;
        private int fired;
        private int status;
        private Map<String, String> headers = Map.of();
        private String body;
        private long bytes;
        private Duration delay;
        /** Requests whose body this accepts only; null: any request. */
        private java.util.function.Predicate<String> bodyTest;
        private int held;
        private int mostHeld;
        private long sent;

        private Rule(String method, Pattern path) {
            this.method = method;
            this.path = path;
        }

        /** The fault applies to the next {@code n} matching requests only; later ones fall through to later rules. */
        public Rule times(int n) {
            synchronized (rules) {
                left = n;
            }
            return this;
        }

        /**
         * Applies only to requests whose body (read whole first, as text) {@code test} accepts, e.g. a manifest PUT
         * that lists something a registry refuses; others fall through. Bodies of unknown length never match.
         */
        public Rule whenBody(java.util.function.Predicate<String> test) {
            synchronized (rules) {
                bodyTest = test;
            }
            return this;
        }

        /** Answers with this status and a short text body; the request is read but nothing is forwarded. */
        public Rule status(int code) {
            return status(code, Map.of());
        }

        public Rule status(int code, Map<String, String> extraHeaders) {
            return status(code, extraHeaders, code + " " + reason(code) + " (fault proxy)\n");
        }

        /** With a body of the test's choosing, e.g. a registry's JSON error. */
        public Rule status(int code, Map<String, String> extraHeaders, String text) {
            synchronized (rules) {
                status = code;
                headers = Map.copyOf(extraHeaders);
                body = text;
                kind = Kind.STATUS;
            }
            return this;
        }

        /** Reads the request and never answers, until clear() or close() closes the connection. */
        public Rule hang() {
            return arm(Kind.HANG);
        }

        /** Resets the connection (RST) as soon as the request's head is read, without answering. */
        public Rule drop() {
            return arm(Kind.DROP);
        }

        /**
         * Forwards the request, but once {@code n} bytes of its body have gone upstream, ends the upstream
         * connection there and resets the client's. A body of {@code n} bytes or fewer goes through whole.
         */
        public Rule dropAfter(long n) {
            synchronized (rules) {
                bytes = n;
                kind = Kind.DROP_AFTER;
            }
            return this;
        }

        /** 200, Content-Type application/json, a body that is not JSON and a Docker-Content-Digest it does not have. */
        public Rule garbage() {
            return arm(Kind.GARBAGE);
        }

        /**
         * 200, Content-Type application/json, and a body of {@code n} bytes made up as it is sent, chunked so that no
         * Content-Length warns the client: {"tags":["aaaa… (as good a start for a manifest as for a tag list).
         */
        public Rule huge(long n) {
            synchronized (rules) {
                bytes = n;
                kind = Kind.HUGE;
            }
            return this;
        }

        /**
         * 200, Content-Type application/json, the headers at once, then the body one byte every {@code every}, with no
         * end, until the client gives up or clear() or close() closes the connection.
         */
        public Rule drip(Duration every) {
            synchronized (rules) {
                delay = every;
                kind = Kind.DRIP;
            }
            return this;
        }

        /** Forwards the request after waiting this long. */
        public Rule delay(Duration d) {
            synchronized (rules) {
                delay = d;
                kind = Kind.DELAY;
            }
            return this;
        }

        /**
         * Forwards the request untouched. With times(n) it lets the first n matching requests through, so a later
         * rule faults the one after them (a list's second page, say).
         */
        public Rule pass() {
            return delay(Duration.ZERO);
        }

        /** The most requests a delay rule held at the same time: how many the client had in flight at once. */
        public int mostAtOnce() {
            synchronized (rules) {
                return mostHeld;
            }
        }

        /** How many bytes of made-up bodies a huge() rule has written so far: how far the client read before it stopped. */
        public long sent() {
            synchronized (rules) {
                return sent;
            }
        }

        /** How many requests this rule has applied to. */
        public int fired() {
            synchronized (rules) {
                return fired;
            }
        }

        private Rule arm(Kind k) {
            synchronized (rules) {
                kind = k;
            }
            return this;
        }

        private boolean matches(String m, String p) {
            return (method.equals("*") || method.equalsIgnoreCase(m)) && path.matcher(p).matches();
        }

        private boolean matches(String m, String p, String text) {
            return matches(m, p) && (bodyTest == null || (text != null && bodyTest.test(text)));
        }
    }

    /** One rule's settings as they were when it applied, read under the lock. */
    private record Applied(Kind kind, int status, Map<String, String> headers, String body, long bytes, Duration delay, Rule rule) {}

    private FaultProxy(String upstream) throws IOException {
        String[] hostPort = upstream.split(":");
        this.upstream = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        host = "127.0.0.1:" + server.getLocalPort();
        pool.submit(this::accept);
    }

    /** A proxy on a free loopback port in front of {@code upstream} ("host:port", plain HTTP). */
    public static FaultProxy start(String upstream) {
        try {
            return new FaultProxy(upstream);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new rule for requests with this method ("*": any) whose path, without the query, fully matches {@code pathRegex}. */
    public Rule on(String method, String pathRegex) {
        Rule rule = new Rule(method, Pattern.compile(pathRegex));
        synchronized (rules) {
            rules.add(rule);
        }
        return rule;
    }

    /** Requests seen so far, faulted or forwarded, with this method ("*": any) and a path matching {@code pathRegex}. */
    public int count(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        synchronized (seen) {
            return (int) seen.stream().filter(s -> {
                int space = s.indexOf(' ');
                return (method.equals("*") || method.equalsIgnoreCase(s.substring(0, space))) && p.matcher(s.substring(space + 1)).matches();
            }).count();
        }
    }

    /** How many times any rule has applied. */
    public int faults() {
        return faults.get();
    }

    /** Removes every rule and closes the connections of hung requests. */
    public void clear() {
        synchronized (rules) {
            rules.clear();
        }
        for (Socket s : hung) {
            quietly(s);
        }
    }

    @Override
    public void close() {
        quietly(server);
        clear();
        for (Socket s : open) {
            quietly(s);
        }
        pool.shutdownNow();
    }

    // ---- connections ---------------------------------------------------------------------------

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                open.add(client);
                pool.submit(() -> serve(client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.err.println("fault proxy: " + e.getMessage());
                }
            }
        }
    }

    /** One client connection: its requests in turn, for as long as it keeps the connection alive. */
    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream(), 64 * 1024);
            OutputStream out = new BufferedOutputStream(client.getOutputStream(), 64 * 1024);
            in.mark(1);
            if (in.read() == 0x16) {
                // A TLS ClientHello: skopeo tries HTTPS before plain HTTP. Go's HTTP server takes it for a bad
                // request line and answers 400, and skopeo falls back to HTTP; answer so at once rather than
                // wait for a line end the handshake may not contain.
                out.write("HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            in.reset();
            boolean alive = true;
            while (alive) {
                Head request = Head.read(in);
                if (request == null) {
                    return;
                }
                alive = handle(request, client, in, out);
            }
        } catch (IOException | RuntimeException e) {
            // The connection ended, or a client sent something that is not HTTP: either way, it is over.
        } finally {
            open.remove(client);
            hung.remove(client);
        }
    }

    /** Answers one request; false when the connection must end after it. */
    private boolean handle(Head request, Socket client, InputStream in, OutputStream out) throws IOException {
        String[] line = request.start.split(" ");
        if (line.length != 3) {
            throw new IOException("not an HTTP request line: " + request.start);
        }
        String method = line[0];
        String path = path(line[1]);
        synchronized (seen) {
            seen.add(method + " " + path);
        }
        String body = null;
        if (readsBody(method, path) && !request.chunked() && request.length() <= MAX_BODY) {
            byte[] whole = in.readNBytes((int) request.length());
            body = new String(whole, StandardCharsets.UTF_8);
            in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(whole), in);
        }
        Applied rule = apply(method, path, body);
        if (rule == null) {
            return forward(request, client, in, out, Long.MAX_VALUE);
        }
        boolean head = method.equals("HEAD");
        switch (rule.kind()) {
            case STATUS -> {
                discardBody(request, in, out);
                Map<String, String> h = new LinkedHashMap<>(rule.headers());
                h.putIfAbsent("Content-Type", "text/plain; charset=utf-8");
                respond(out, rule.status(), h, rule.body().getBytes(StandardCharsets.UTF_8), head);
                return !request.closes();
            }
            case GARBAGE -> {
                discardBody(request, in, out);
                respond(out, 200, Map.of("Content-Type", "application/json", "Docker-Content-Digest", WRONG_DIGEST),
                        GARBAGE.getBytes(StandardCharsets.UTF_8), head);
                return !request.closes();
            }
            case HANG -> {
                discardBody(request, in, out);
                hung.add(client);
                // Wait for the client to give up or for clear()/close() to close the socket; either ends the read.
                while (in.read() >= 0) {
                    // Whatever else the client sends is not answered either.
                }
                return false;
            }
            case DROP -> {
                abort(client);
                return false;
            }
            case DROP_AFTER -> {
                return forward(request, client, in, out, rule.bytes());
            }
            case HUGE -> {
                discardBody(request, in, out);
                streamHuge(out, rule.bytes(), rule.rule());
                return !request.closes();
            }
            case DRIP -> {
                discardBody(request, in, out);
                hung.add(client);
                drip(out, rule.delay());
                return false;
            }
            case DELAY -> {
                synchronized (rules) {
                    rule.rule().mostHeld = Math.max(rule.rule().mostHeld, ++rule.rule().held);
                }
                try {
                    Thread.sleep(rule.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } finally {
                    synchronized (rules) {
                        rule.rule().held--;
                    }
                }
                return forward(request, client, in, out, Long.MAX_VALUE);
            }
        }
        throw new IllegalStateException(rule.kind().toString());
    }

    /** Whether a rule with uses left looks at this request's body. */
    private boolean readsBody(String method, String path) {
        synchronized (rules) {
            return rules.stream().anyMatch(r -> r.kind != null && r.left != 0 && r.bodyTest != null && r.matches(method, path));
        }
    }

    /** The first rule with uses left that matches, used once; null when none does. */
    private Applied apply(String method, String path, String body) {
        synchronized (rules) {
            for (Rule r : rules) {
                if (r.kind != null && r.left != 0 && r.matches(method, path, body)) {
                    if (r.left > 0) {
                        r.left--;
                    }
                    r.fired++;
                    faults.incrementAndGet();
                    return new Applied(r.kind, r.status, r.headers, r.body, r.bytes, r.delay, r);
                }
            }
            return null;
        }
    }

    /**
     * Sends the request upstream on a new connection and its response back; false when the client's connection
     * must end. With fewer than all of the body's bytes allowed, the upstream connection is ended after
     * {@code limit} of them and the client's is reset.
     */
    private boolean forward(Head request, Socket client, InputStream in, OutputStream out, long limit) throws IOException {
        Socket up = new Socket();
        open.add(up);
        try (up) {
            try {
                up.connect(upstream, 5000);
            } catch (IOException e) {
                discardBody(request, in, out);
                respond(out, 502, Map.of("Content-Type", "text/plain"), ("fault proxy: upstream " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8), request.method().equals("HEAD"));
                return false;
            }
            up.setTcpNoDelay(true);
            InputStream upIn = new BufferedInputStream(up.getInputStream(), 64 * 1024);
            OutputStream upOut = new BufferedOutputStream(up.getOutputStream(), 64 * 1024);
            continueIfExpected(request, out);
            // The proxy has said 100 Continue itself; the registry must not wait for the body to be asked for.
            request.without("Expect").write(upOut);
            boolean bodyWhole = true;
            try {
                if (!copyBody(in, upOut, request.chunked(), request.length(), limit)) {
                    upOut.flush();
                    up.shutdownOutput();  // A FIN after exactly the allowed bytes, rather than an RST that could discard some.
                    abort(client);
                    return false;
                }
                upOut.flush();
            } catch (IOException e) {
                // Either side failed. The registry may have answered early and stopped reading: pass its answer
                // on if it did; else the end of its input makes it answer or close, rather than wait for ever.
                bodyWhole = false;
                try {
                    up.shutdownOutput();
                } catch (IOException closed) {
                    // The upstream connection is gone; reading its answer fails below.
                }
            }
            while (true) {
                Head response = Head.read(upIn);
                if (response == null) {
                    throw new EOFException("upstream closed without answering");
                }
                int status = response.status();
                response.write(out);
                if (status >= 100 && status < 200 && status != 101) {
                    out.flush();
                    continue;
                }
                boolean none = request.method().equals("HEAD") || status < 200 || status == 204 || status == 304;
                boolean chunked = !none && response.chunked();
                long length = none || chunked ? 0 : response.length();
                copyBody(upIn, out, chunked, length, Long.MAX_VALUE);
                out.flush();
                // A body that ran to the end of the stream can only be delimited for the client by closing.
                return bodyWhole && length >= 0 && !request.closes() && !response.closes();
            }
        } finally {
            open.remove(up);
        }
    }

    private static final byte[] JSON_START = "{\"tags\":[\"".getBytes(StandardCharsets.US_ASCII);

    private void streamHuge(OutputStream out, long n, Rule rule) throws IOException {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        System.arraycopy(JSON_START, 0, chunk, 0, JSON_START.length);
        for (long left = n; left > 0; ) {
            int size = (int) Math.min(chunk.length, left);
            writeLine(out, Integer.toHexString(size));
            out.write(chunk, 0, size);
            out.write(CRLF);
            left -= size;
            synchronized (rules) {
                rule.sent += size;
            }
            java.util.Arrays.fill(chunk, 0, JSON_START.length, (byte) 'a');
        }
        writeLine(out, "0");
        out.write(CRLF);
        out.flush();
    }

    /** One chunk of one byte every {@code every}; ends when a write fails (the client went) or the thread is stopped. */
    private static void drip(OutputStream out, Duration every) throws IOException {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (int i = 0; ; i++) {
            writeLine(out, "1");
            out.write(i == 0 ? '{' : ' ');
            out.write(CRLF);
            out.flush();
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void continueIfExpected(Head request, OutputStream out) throws IOException {
        String expect = request.header("Expect");
        if (expect != null && expect.equalsIgnoreCase("100-continue")) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /** Reads the request's body and throws it away, so the connection can carry the next request. */
    private static void discardBody(Head request, InputStream in, OutputStream out) throws IOException {
        continueIfExpected(request, out);
        copyBody(in, OutputStream.nullOutputStream(), request.chunked(), request.length(), Long.MAX_VALUE);
    }

    private static void respond(OutputStream out, int status, Map<String, String> headers, byte[] body, boolean head) throws IOException {
        StringBuilder b = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        b.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(body);
        }
        out.flush();
    }

    /** Closes with an RST rather than a FIN, as a crashed peer or a middlebox would. */
    private static void abort(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // Closed already.
        }
        quietly(s);
    }

    private static void quietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Closed already.
        }
    }

    /** The path of an origin-form or absolute-form request target, without its query. */
    private static String path(String target) {
        String p = target;
        int scheme = p.indexOf("://");
        if (scheme >= 0) {
            int slash = p.indexOf('/', scheme + 3);
            p = slash < 0 ? "/" : p.substring(slash);
        }
        int query = p.indexOf('?');
        return query < 0 ? p : p.substring(0, query);
    }

    // ---- HTTP/1.1 framing ------------------------------------------------------------------------

    /**
     * Copies one body framed by chunking, by {@code length} (0: none) or, when -1, by the end of the stream;
     * chunked bodies are copied with their framing. Stops after {@code limit} payload bytes and returns false
     * when the body had more.
     */
    private static boolean copyBody(InputStream in, OutputStream out, boolean chunked, long length, long limit) throws IOException {
        if (chunked) {
            long sent = 0;
            while (true) {
                String sizeLine = readLine(in);
                long size = Long.parseLong(sizeLine.split(";", 2)[0].trim(), 16);
                writeLine(out, sizeLine);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = readLine(in);
                        writeLine(out, trailer);
                    } while (!trailer.isEmpty());
                    return true;
                }
                long allowed = Math.min(size, limit - sent);
                copyExactly(in, out, allowed);
                sent += allowed;
                if (allowed < size) {
                    return false;
                }
                readLine(in);
                out.write(CRLF);
            }
        }
        if (length < 0) {
            in.transferTo(out);
            return true;
        }
        copyExactly(in, out, Math.min(length, limit));
        return length <= limit;
    }

    private static void copyExactly(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new EOFException(n + " bytes of a body missing");
            }
            out.write(buf, 0, r);
            n -= r;
        }
    }

    /** A line without its CRLF (or bare LF); null at the end of the stream before any byte. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("a line cut short");
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("line too long");
            }
            line.write(c);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static void writeLine(OutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.ISO_8859_1));
        out.write(CRLF);
    }

    /** A request's or response's start line and header lines, kept as written. */
    private record Head(String start, List<String> lines) {
        /** Null when the stream ends before a new message starts. */
        public static Head read(InputStream in) throws IOException {
            String start = readLine(in);
            while (start != null && start.isEmpty()) {
                start = readLine(in);  // Stray CRLFs between messages are allowed.
            }
            if (start == null) {
                return null;
            }
            List<String> lines = new ArrayList<>();
            for (String l; !(l = readLine(in)).isEmpty(); ) {
                if (lines.size() > 200) {
                    throw new IOException("too many header lines");
                }
                lines.add(l);
            }
            return new Head(start, lines);
        }

        public String header(String name) {
            for (String l : lines) {
                int colon = l.indexOf(':');
                if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return l.substring(colon + 1).trim();
                }
            }
            return null;
        }

        public String method() {
            return start.substring(0, start.indexOf(' '));
        }

        public int status() {
            return Integer.parseInt(start.split(" ", 3)[1]);
        }

        public boolean chunked() {
            String te = header("Transfer-Encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }

        /** The Content-Length; 0 for a request without one, -1 (to the end of the stream) for such a response. */
        public long length() {
            String cl = header("Content-Length");
            if (cl != null) {
                return Long.parseLong(cl);
            }
            return start.startsWith("HTTP/") ? -1 : 0;
        }

        /** Whether the connection ends after this message: Connection: close, or HTTP/1.0 without keep-alive. */
        public boolean closes() {
            String c = header("Connection");
            String tokens = c == null ? "" : c.toLowerCase(Locale.ROOT);
            boolean http10 = start.startsWith("HTTP/1.0") || start.endsWith("HTTP/1.0");
            return tokens.contains("close") || (http10 && !tokens.contains("keep-alive"));
        }

        public Head without(String name) {
            List<String> kept = new ArrayList<>();
            for (String l : lines) {
                int colon = l.indexOf(':');
                if (colon <= 0 || !l.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    kept.add(l);
                }
            }
            return new Head(start, kept);
        }

        public void write(OutputStream out) throws IOException {
            writeLine(out, start);
            for (String l : lines) {
                writeLine(out, l);
            }
            out.write(CRLF);
        }
    }

    private static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 416 -> "Requested Range Not Satisfiable";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Fault";
        };
    }
}
