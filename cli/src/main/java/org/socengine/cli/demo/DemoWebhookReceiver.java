package org.socengine.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.socengine.connectors.notify.WebhookSignature;
import org.socengine.model.Json;

/**
 * The demo's stand-in for the on-call people's webhook endpoints: a real HTTP server on loopback
 * that checks each request's HMAC signature and timestamp as a receiver should ({@link
 * WebhookSignature#verify}), answers 401 to a bad one, 503 on the paths it plays down (to show a
 * channel failing and the tier's next one being tried), and keeps a log of what it accepted.
 */
public final class DemoWebhookReceiver implements AutoCloseable {

    /** One notification the receiver accepted. */
    public record Received(
            Instant at,
            String path,
            String channel,
            String idempotencyKey,
            int tier,
            String tierName,
            String kind,
            String incidentId,
            String severity,
            String title) {}

    private final HttpServer server;
    private final byte[] secret;
    private final Set<String> downPaths;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int refused;
    private volatile int badSignatures;

    private DemoWebhookReceiver(byte[] secret, Set<String> downPaths) throws IOException {
        this.secret = secret;
        this.downPaths = Set.copyOf(downPaths);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "demo-webhook-receiver");
                            t.setDaemon(true);
                            return t;
                        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * @param secret the webhook channels' shared secret
     * @param downPaths paths answered 503, as a channel that is down
     */
    public static DemoWebhookReceiver start(String secret, Set<String> downPaths)
            throws IOException {
        return new DemoWebhookReceiver(secret.getBytes(StandardCharsets.UTF_8), downPaths);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** Requests answered 503 (a channel that is down). */
    public int refused() {
        return refused;
    }

    /** Requests whose signature did not verify (answered 401). */
    public int badSignatures() {
        return badSignatures;
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getRawPath();
            boolean valid =
                    WebhookSignature.verify(
                            secret,
                            ex.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER),
                            ex.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER),
                            body,
                            Instant.now(),
                            WebhookSignature.DEFAULT_TOLERANCE);
            if (!valid) {
                badSignatures++;
                answer(ex, 401);
                return;
            }
            if (downPaths.contains(path)) {
                refused++;
                answer(ex, 503);
                return;
            }
            JsonNode doc = Json.mapper().readTree(body);
            JsonNode n = doc.path("notification");
            received.add(
                    new Received(
                            Instant.now(),
                            path,
                            n.path("channel").asText(null),
                            ex.getRequestHeaders().getFirst(WebhookSignature.IDEMPOTENCY_HEADER),
                            n.path("tier").asInt(),
                            n.path("tierName").asText(null),
                            n.path("kind").asText(null),
                            n.path("incidentId").asText(null),
                            n.path("severity").asText(null),
                            n.path("title").asText(null)));
            answer(ex, 200);
        } catch (IOException | RuntimeException e) {
            // A body the demo cannot read: refused, and the sender's outcome says so.
            answer(ex, 400);
        } finally {
            ex.close();
        }
    }

    private static void answer(HttpExchange ex, int status) throws IOException {
        ex.sendResponseHeaders(status, -1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
