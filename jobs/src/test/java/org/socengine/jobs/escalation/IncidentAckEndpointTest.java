package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.testing.CapturedLogs;
import org.socengine.local.LocalCertificateAuthority;
import org.socengine.model.AlertStatusChange;

/** The acknowledgement endpoint on a loopback port, publishing into a collecting publisher. */
class IncidentAckEndpointTest {

    private static final String TOKEN = "tok-" + LocalCertificateAuthority.randomSecret();
    private static final String ID = "inc-0123456789abcdef01234567";
    private static final Clock CLOCK =
            Clock.fixed(Instant.parse("2026-12-03T08:00:00Z"), ZoneOffset.UTC);

    private final List<AlertStatusChange> published = new CopyOnWriteArrayList<>();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private IncidentAckEndpoint endpoint;

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private IncidentAckEndpoint plain() throws IOException {
        endpoint = IncidentAckEndpoint.start("127.0.0.1", 0, TOKEN, null, published::add, CLOCK);
        return endpoint;
    }

    private HttpResponse<String> send(
            HttpClient c, String scheme, String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(
                                URI.create(scheme + "://127.0.0.1:" + endpoint.port() + path))
                        .timeout(Duration.ofSeconds(10))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        return send(client, "http", "POST", path, token, body);
    }

    @Test
    void aGoodTokenAcknowledgesTheIncident() throws Exception {
        plain();
        HttpResponse<String> r =
                post("/incidents/" + ID + "/ack", TOKEN, "{\"by\":\"anna\",\"note\":\"on it\"}");

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(published).hasSize(1);
        AlertStatusChange c = published.get(0);
        assertThat(c.alertId).isEqualTo(ID);
        assertThat(c.status).isEqualTo(AlertStatusChange.ACKNOWLEDGED);
        assertThat(c.by).isEqualTo("anna");
        assertThat(c.comment).isEqualTo("on it");
        assertThat(c.at).isEqualTo(CLOCK.millis());
        assertThat(c.problems()).isEmpty();
    }

    @Test
    void anAcknowledgementWithoutBodyNamesTheEndpoint() throws Exception {
        plain();
        assertThat(post("/incidents/" + ID + "/ack", TOKEN, null).statusCode()).isEqualTo(202);
        assertThat(published)
                .singleElement()
                .satisfies(c -> assertThat(c.by).isEqualTo("ack-endpoint"));
    }

    @Test
    void closingCarriesTheDisposition() throws Exception {
        plain();
        HttpResponse<String> r =
                post(
                        "/incidents/" + ID + "/close",
                        TOKEN,
                        "{\"disposition\":\"FP\",\"note\":\"scan\"}");

        assertThat(r.statusCode()).isEqualTo(202);
        AlertStatusChange c = published.get(0);
        assertThat(c.status).isEqualTo(AlertStatusChange.CLOSED);
        assertThat(c.disposition).isEqualTo(AlertStatusChange.FALSE_POSITIVE);
        assertThat(c.comment).isEqualTo("scan");
    }

    @Test
    void aMissingOrWrongTokenIsRefusedAndPublishesNothing() throws Exception {
        plain();
        HttpResponse<String> none = post("/incidents/" + ID + "/ack", null, null);
        HttpResponse<String> wrong = post("/incidents/" + ID + "/ack", TOKEN + "x", null);
        HttpResponse<String> prefix =
                post("/incidents/" + ID + "/ack", TOKEN.substring(0, 10), null);
        HttpResponse<String> basic =
                client.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + endpoint.port()
                                                        + "/incidents/"
                                                        + ID
                                                        + "/ack"))
                                .header("Authorization", "Basic " + TOKEN)
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        for (HttpResponse<String> r : List.of(none, wrong, prefix, basic)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        }
        assertThat(published).isEmpty();
    }

    @Test
    void badIdsBodiesAndMethodsAreRefused() throws Exception {
        plain();
        assertThat(post("/incidents/alert-1/ack", TOKEN, null).statusCode()).isEqualTo(400);
        assertThat(post("/incidents/inc-XYZ/ack", TOKEN, null).statusCode()).isEqualTo(400);
        assertThat(post("/incidents/" + ID + "/ack", TOKEN, "not json").statusCode())
                .isEqualTo(400);
        assertThat(post("/incidents/" + ID + "/ack", TOKEN, "[1]").statusCode()).isEqualTo(400);
        assertThat(post("/incidents/" + ID + "/ack", TOKEN, "{\"who\":\"x\"}").statusCode())
                .isEqualTo(400);
        assertThat(post("/incidents/" + ID + "/ack", TOKEN, "{\"by\":3}").statusCode())
                .isEqualTo(400);
        assertThat(
                        post("/incidents/" + ID + "/ack", TOKEN, "{\"disposition\":\"benign\"}")
                                .statusCode())
                .isEqualTo(400);
        HttpResponse<String> noDisposition = post("/incidents/" + ID + "/close", TOKEN, null);
        assertThat(noDisposition.statusCode()).isEqualTo(400);
        assertThat(noDisposition.body()).contains("disposition");
        assertThat(
                        post("/incidents/" + ID + "/close", TOKEN, "{\"disposition\":\"maybe\"}")
                                .statusCode())
                .isEqualTo(400);
        assertThat(
                        post(
                                        "/incidents/" + ID + "/ack",
                                        TOKEN,
                                        "{\"note\":\"" + "x".repeat(9000) + "\"}")
                                .statusCode())
                .isEqualTo(413);
        assertThat(post("/incidents/" + ID + "/snooze", TOKEN, null).statusCode()).isEqualTo(404);
        HttpResponse<String> get =
                send(client, "http", "GET", "/incidents/" + ID + "/ack", TOKEN, null);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(published).isEmpty();
    }

    @Test
    void aFailedPublishIsReportedAsUnavailable() throws Exception {
        endpoint =
                IncidentAckEndpoint.start(
                        "127.0.0.1",
                        0,
                        TOKEN,
                        null,
                        c -> {
                            throw new IOException("no answer from Kafka within 30 s");
                        },
                        CLOCK);
        assertThat(post("/incidents/" + ID + "/ack", TOKEN, null).statusCode()).isEqualTo(503);
    }

    @Test
    void theTokenNeverAppearsInLogsOrResponses() throws Exception {
        String body;
        try (CapturedLogs logs = CapturedLogs.start()) {
            plain();
            StringBuilder responses = new StringBuilder();
            responses.append(post("/incidents/" + ID + "/ack", TOKEN, null).body());
            responses.append(post("/incidents/" + ID + "/ack", TOKEN + "x", null).body());
            responses.append(post("/incidents/bad/ack", TOKEN, null).body());
            responses.append(post("/incidents/" + ID + "/ack", TOKEN, "{").body());
            endpoint.close();
            endpoint = null;
            body = responses.toString();
            assertThat(logs.text())
                    .contains("incident " + ID + " acknowledged by ack-endpoint")
                    .contains("refused")
                    .doesNotContain(TOKEN);
        }
        assertThat(body).doesNotContain(TOKEN);
    }

    @Test
    void aShortOrMissingTokenDoesNotStartTheEndpoint() {
        assertThatThrownBy(
                        () ->
                                IncidentAckEndpoint.start(
                                        "127.0.0.1", 0, "short", null, published::add, CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SOC_ESCALATION_ACK_TOKEN")
                .hasMessageNotContaining("short");
        assertThatThrownBy(
                        () ->
                                IncidentAckEndpoint.start(
                                        SocConfig.empty(), "127.0.0.1", 0, published::add))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTokenAndKeyStoreComeFromTheConfiguration(@TempDir Path dir) throws Exception {
        LocalCertificateAuthority ca = LocalCertificateAuthority.create(dir, "soc test CA");
        Path keystore = ca.issueKeystore("ack", "localhost", List.of("ip:127.0.0.1"));
        Path tokenFile = dir.resolve("ack-token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Path passwordFile = dir.resolve("ack-keystore-password");
        Files.writeString(passwordFile, ca.storePassword());
        SocConfig cfg =
                SocConfig.load(
                        null,
                        Map.of(
                                "SOC_ESCALATION_ACK_TOKEN_FILE", tokenFile.toString(),
                                "SOC_ESCALATION_ACK_KEYSTORE", keystore.toString(),
                                "SOC_ESCALATION_ACK_KEYSTORE_PASSWORD_FILE",
                                        passwordFile.toString()));
        assertThat(cfg.toString()).doesNotContain(TOKEN).doesNotContain(ca.storePassword());

        endpoint = IncidentAckEndpoint.start(cfg, "127.0.0.1", 0, published::add);
        SSLContext trusting = LocalCertificateAuthority.trusting(ca.caCertificate());
        HttpClient tls =
                HttpClient.newBuilder()
                        .sslContext(trusting)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();

        assertThat(
                        send(tls, "https", "POST", "/incidents/" + ID + "/ack", TOKEN, null)
                                .statusCode())
                .isEqualTo(202);
        assertThat(
                        send(tls, "https", "POST", "/incidents/" + ID + "/ack", "nope", null)
                                .statusCode())
                .isEqualTo(401);
        assertThat(published).hasSize(1);
        // No plain HTTP on a TLS port.
        assertThatThrownBy(() -> post("/incidents/" + ID + "/ack", TOKEN, null))
                .isInstanceOf(IOException.class);
        assertThat(published).hasSize(1);
    }

    @Test
    void aWrongKeyStorePasswordIsNamedWithoutThePassword(@TempDir Path dir) throws Exception {
        LocalCertificateAuthority ca = LocalCertificateAuthority.create(dir, "soc test CA");
        Path keystore = ca.issueKeystore("ack", "localhost", List.of("ip:127.0.0.1"));
        assertThatThrownBy(() -> IncidentAckEndpoint.tlsContext(keystore, "wrong-password-123"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(IncidentAckEndpoint.KEYSTORE_KEY)
                .hasMessageNotContaining("wrong-password-123");
    }

    @Test
    void theJobTakesTheEndpointOptions() {
        assertThat(
                        EscalationJobMain.parse(
                                new String[] {"--ack-port", "8443", "--ack-bind=0.0.0.0"}))
                .containsEntry("--ack-port", "8443")
                .containsEntry("--ack-bind", "0.0.0.0");
    }
}
