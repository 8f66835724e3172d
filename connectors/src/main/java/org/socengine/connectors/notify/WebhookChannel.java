package org.socengine.connectors.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.socengine.model.Json;
import org.socengine.model.Notification;

/**
 * The generic JSON webhook. The body is an envelope {@code {"type":"soc.notification",
 * "version":1,"idempotency_key":...,"text":...,"notification":{...}}}: the notification as the
 * escalation job made it, plus the plain-text rendering for receivers that only forward text. The
 * body is the same on every retry; the timestamp and signature headers are made per attempt (see
 * {@link WebhookSignature}).
 */
final class WebhookChannel implements Channel {

    static final int MAX_TEXT = 8000;

    private final URI uri;
    private final byte[] secret;
    private final HttpSender http;
    private final Clock clock;

    WebhookChannel(URI uri, String secret, HttpSender http, Clock clock) {
        this.uri = uri;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.http = http;
        this.clock = clock;
    }

    static String body(Notification n, String idempotencyKey) {
        ObjectNode env = Json.mapper().createObjectNode();
        env.put("type", "soc.notification");
        env.put("version", 1);
        env.put("idempotency_key", idempotencyKey);
        env.put("text", NotificationText.of(n).render(NotificationText.Format.PLAIN, MAX_TEXT));
        env.set("notification", Json.mapper().valueToTree(n));
        try {
            return Json.mapper().writeValueAsString(env);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int deliver(Notification n, String idempotencyKey) throws DeliveryFailure {
        String body = body(n, idempotencyKey);
        long ts = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts));
        headers.put(
                WebhookSignature.SIGNATURE_HEADER,
                WebhookSignature.sign(secret, ts, body.getBytes(StandardCharsets.UTF_8)));
        headers.put(WebhookSignature.IDEMPOTENCY_HEADER, headerSafe(idempotencyKey));
        return http.postJson(uri, body, headers);
    }

    /** Header values cannot hold line breaks or other controls; the JDK would refuse them. */
    static String headerSafe(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f || c > 0x7e ? '_' : c);
        }
        return b.toString();
    }
}
