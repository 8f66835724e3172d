package org.socengine.connectors.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.testing.LoopbackHttpServer;
import org.socengine.connectors.testing.LoopbackHttpServer.Response;
import org.socengine.model.Json;
import org.socengine.model.Notification;

/**
 * The generic webhook against a real HTTP server on loopback that checks the HMAC the way a
 * receiver would; retries driven by an injected sleeper that records the waits instead of sleeping.
 */
class WebhookNotifierTest {

    static final String SECRET = "whsec-3c1f9a0e-shared";

    @TempDir Path dir;
    LoopbackHttpServer server;
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    Notifiers.Runtime runtime;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackHttpServer.start().verifyingWith(SECRET);
        runtime = new Notifiers.Runtime(waits::add, java.time.Clock.systemUTC(), () -> 0.5);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Notifier webhook(Map<String, String> extra) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, SECRET + "\n");
        Map<String, String> s = new java.util.HashMap<>(extra);
        s.put("url", server.url("/hooks/soc"));
        s.put("secret", "file:" + secret);
        return Notifiers.create(
                new ChannelSpec("oncall-webhook", "webhook", s),
                SecretResolver.environmentAndFiles(),
                runtime);
    }

    @Test
    void signedEnvelopeWithIdempotencyKeyIsAcceptedByAVerifyingReceiver() throws Exception {
        Notification n = SampleNotifications.ordinary();
        DeliveryResult r = webhook(Map.of()).send(n);

        assertThat(r).isEqualTo(DeliveryResult.delivered(1, 200));
        LoopbackHttpServer.Request req = server.requests().get(0);
        assertThat(req.signatureValid()).isTrue();
        assertThat(req.header("Idempotency-Key")).isEqualTo("inc-7f3a:2:oncall-webhook:1");
        assertThat(req.header("X-Soc-Signature")).startsWith("sha256=").hasSize(7 + 64);
        assertThat(req.header("Content-Type")).startsWith("application/json");
        JsonNode body = Json.mapper().readTree(req.body());
        assertThat(body.path("type").asText()).isEqualTo("soc.notification");
        assertThat(body.path("idempotency_key").asText()).isEqualTo(n.idempotencyKey);
        assertThat(body.path("notification").path("incidentId").asText()).isEqualTo("inc-7f3a");
        assertThat(body.path("text").asText())
                .contains("Health Department", "critical, risk 87", n.link, "SSH brute force");
    }

    @Test
    void aReceiverWithAnotherSecretRefusesAndThatIsNotRetried() throws Exception {
        server.verifyingWith("some-other-secret");
        DeliveryResult r = webhook(Map.of()).send(SampleNotifications.ordinary());
        assertThat(r.ok()).isFalse();
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.error()).contains("HTTP 401").doesNotContain(SECRET);
    }

    @Test
    void verifierRefusesTamperingStaleTimestampsAndMalformedHeaders() {
        byte[] key = SECRET.getBytes(StandardCharsets.UTF_8);
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.ofEpochSecond(1_800_000_000L);
        long ts = now.getEpochSecond();
        String sig = WebhookSignature.sign(key, ts, body);
        Duration tol = WebhookSignature.DEFAULT_TOLERANCE;

        assertThat(WebhookSignature.verify(key, "" + ts, sig, body, now, tol)).isTrue();
        assertThat(WebhookSignature.verify(key, "" + ts, sig, body, now.plusSeconds(299), tol))
                .isTrue();
        assertThat(WebhookSignature.verify(key, "" + ts, sig, body, now.plusSeconds(301), tol))
                .as("replayed after the tolerance")
                .isFalse();
        assertThat(WebhookSignature.verify(key, "" + ts, sig, "{\"a\":2}".getBytes(), now, tol))
                .as("body changed")
                .isFalse();
        assertThat(WebhookSignature.verify(key, "" + (ts + 1), sig, body, now, tol))
                .as("timestamp changed")
                .isFalse();
        assertThat(WebhookSignature.verify("other".getBytes(), "" + ts, sig, body, now, tol))
                .isFalse();
        assertThat(WebhookSignature.verify(key, null, sig, body, now, tol)).isFalse();
        assertThat(WebhookSignature.verify(key, "abc", sig, body, now, tol)).isFalse();
        assertThat(WebhookSignature.verify(key, "" + ts, "sha256=zz", body, now, tol)).isFalse();
        assertThat(WebhookSignature.verify(key, "" + ts, sig.substring(7), body, now, tol))
                .isFalse();
        // A reference value, so that receivers in other languages can check their code.
        assertThat(WebhookSignature.sign("secret", 1700000000L, "{}"))
                .isEqualTo("sha256=" + hmacHex("secret", "1700000000.{}"));
    }

    private static String hmacHex(String key, String data) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(data.getBytes()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void a503ThenA200IsDeliveredOnTheSecondAttemptAfterAJitteredBackoff() throws Exception {
        server.respond(Response.of(503, "busy"));
        DeliveryResult r =
                webhook(Map.of("backoff_base_ms", "1000", "backoff_cap_ms", "8000"))
                        .send(SampleNotifications.ordinary());

        assertThat(r).isEqualTo(DeliveryResult.delivered(2, 200));
        // Full jitter with random 0.5: half of base * 2^0.
        assertThat(waits).containsExactly(Duration.ofMillis(500));
        assertThat(server.requests()).hasSize(2);
        assertThat(server.requests().get(1).header("Idempotency-Key"))
                .isEqualTo(server.requests().get(0).header("Idempotency-Key"));
        assertThat(server.requests().get(1).body()).isEqualTo(server.requests().get(0).body());
    }

    @Test
    void a429WaitsWhatRetryAfterSays() throws Exception {
        server.respond(new Response(429, Map.of("Retry-After", "7"), "slow down"));
        DeliveryResult r = webhook(Map.of()).send(SampleNotifications.ordinary());
        assertThat(r.ok()).isTrue();
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(waits).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void aRetryAfterBeyondTheCapEndsTheRetriesSoTheNextChannelIsTried() throws Exception {
        server.respond(new Response(429, Map.of("Retry-After", "3600"), ""));
        DeliveryResult r = webhook(Map.of()).send(SampleNotifications.ordinary());
        assertThat(r.ok()).isFalse();
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.error()).contains("HTTP 429", "over the cap");
        assertThat(waits).isEmpty();
    }

    @Test
    void a400IsNotRetried() throws Exception {
        server.respond(Response.of(400, "bad payload"));
        DeliveryResult r = webhook(Map.of()).send(SampleNotifications.ordinary());
        assertThat(r)
                .isEqualTo(DeliveryResult.failed(1, 400, "HTTP 400: bad payload (not retryable)"));
        assertThat(waits).isEmpty();
    }

    @Test
    void aServerThatStaysDownUsesEveryAttemptWithGrowingCappedBackoff() throws Exception {
        server.down("/hooks");
        DeliveryResult r =
                webhook(
                                Map.of(
                                        "max_attempts", "5",
                                        "backoff_base_ms", "1000",
                                        "backoff_cap_ms", "3000"))
                        .send(SampleNotifications.ordinary());
        assertThat(r.ok()).isFalse();
        assertThat(r.attempts()).isEqualTo(5);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.error()).contains("no attempts left");
        assertThat(waits)
                .containsExactly(
                        Duration.ofMillis(500),
                        Duration.ofMillis(1000),
                        Duration.ofMillis(1500),
                        Duration.ofMillis(1500));
    }

    @Test
    void aRefusedConnectionIsRetriedAndReportedWithoutTheSecret() throws Exception {
        Notifier n = webhook(Map.of("max_attempts", "3"));
        server.close();
        DeliveryResult r = n.send(SampleNotifications.ordinary());
        assertThat(r.ok()).isFalse();
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(r.statusCode()).isZero();
        assertThat(r.error()).contains("connection failed").doesNotContain(SECRET);
        assertThat(waits).hasSize(2);
    }

    @Test
    void fullJitterStaysWithinZeroAndTheCappedExponential() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));
        assertThat(p.delayAfter(1, null, 0.0)).isEqualTo(Duration.ZERO);
        assertThat(p.delayAfter(1, null, 0.999)).isEqualTo(Duration.ofMillis(99));
        assertThat(p.delayAfter(4, null, 0.999)).isEqualTo(Duration.ofMillis(799));
        assertThat(p.delayAfter(9, null, 0.999)).isEqualTo(Duration.ofMillis(999));
        assertThat(p.delayAfter(10, null, 0.5)).isNull();
        assertThat(p.delayAfter(2, Duration.ofMillis(1000), 0.1))
                .isEqualTo(Duration.ofMillis(1000));
        assertThat(p.delayAfter(2, Duration.ofMillis(1001), 0.1)).isNull();
    }
}
