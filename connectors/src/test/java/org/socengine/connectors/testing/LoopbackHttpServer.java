package org.socengine.connectors.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.socengine.connectors.notify.WebhookSignature;

/**
 * A real HTTP server on loopback standing in for a webhook receiver, a Slack, Mattermost or
 * Telegram endpoint: records every request (method, path, headers, body), answers from a script of
 * responses (then 200), and, when given the shared secret, checks each request's signature the way
 * a receiver should ({@link WebhookSignature#verify}), answering 401 to a bad one. Its log of
 * accepted idempotency keys is what the exactly-once tests count.
 */
public final class LoopbackHttpServer implements AutoCloseable {

    /** One request as received. */
    public record Request(
            String method,
            String path,
            Map<String, String> headers,
            String body,
            boolean signatureValid) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One scripted answer. */
    public record Response(int status, Map<String, String> headers, String body) {

        public static Response of(int status) {
            return new Response(status, Map.of(), "");
        }

        public static Response of(int status, String body) {
            return new Response(status, Map.of(), body);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Response> script = new ConcurrentLinkedQueue<>();
    private final Set<String> downPaths = ConcurrentHashMap.newKeySet();
    private volatile byte[] secret;
    private volatile Clock clock = Clock.systemUTC();

    private LoopbackHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::handle);
        server.start();
    }

    public static LoopbackHttpServer start() throws IOException {
        return new LoopbackHttpServer();
    }

    /** Checks {@code X-Soc-Signature} with this secret from now on; a bad one gets 401. */
    public LoopbackHttpServer verifyingWith(String sharedSecret) {
        this.secret = sharedSecret.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    public LoopbackHttpServer withClock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** The next requests get these answers, in order; after them, 200. */
    public LoopbackHttpServer respond(Response... responses) {
        Collections.addAll(script, responses);
        return this;
    }

    /** Every request to a path starting with this one gets 503 (a channel that is down). */
    public LoopbackHttpServer down(String pathPrefix) {
        downPaths.add(pathPrefix);
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** The idempotency keys of the requests answered 2xx, in arrival order. */
    public List<String> acceptedKeys() {
        List<String> keys = new ArrayList<>();
        for (Request r : accepted) {
            keys.add(r.header(WebhookSignature.IDEMPOTENCY_HEADER));
        }
        return keys;
    }

    public List<Request> accepted() {
        return new ArrayList<>(accepted);
    }

    private final List<Request> accepted = new CopyOnWriteArrayList<>();

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        Map<String, String> headers = new TreeMap<>();
        ex.getRequestHeaders()
                .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        boolean valid = false;
        byte[] s = secret;
        if (s != null) {
            valid =
                    WebhookSignature.verify(
                            s,
                            headers.get("x-soc-timestamp"),
                            headers.get("x-soc-signature"),
                            body,
                            clock.instant(),
                            WebhookSignature.DEFAULT_TOLERANCE);
        }
        String path = ex.getRequestURI().getRawPath();
        Request r =
                new Request(
                        ex.getRequestMethod(),
                        path,
                        Collections.unmodifiableMap(headers),
                        new String(body, StandardCharsets.UTF_8),
                        valid);
        requests.add(r);
        Response answer;
        if (s != null && !valid) {
            answer = Response.of(401, "bad signature");
        } else if (downPaths.stream().anyMatch(path::startsWith)) {
            answer = Response.of(503, "down");
        } else {
            Response scripted = script.poll();
            answer = scripted != null ? scripted : Response.of(200, "{\"ok\":true}");
        }
        if (answer.status() >= 200 && answer.status() < 300) {
            accepted.add(r);
        }
        answer.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        }
        ex.close();
    }

    /** Waits for a request count, for tests whose sender runs elsewhere (a job). */
    public boolean awaitAccepted(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (accepted.size() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
