package org.socengine.connectors.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.testing.StartTlsFront;
import org.socengine.model.Notification;

/**
 * E-mail through a real SMTP server (GreenMail) behind a real STARTTLS front: the message arrives
 * after STARTTLS and authentication, with its Message-ID from the idempotency key, the subject and
 * the plain-text body; a wrong password and a server without STARTTLS are refused.
 */
class EmailNotifierTest {

    static final String PASSWORD = "mail-pa55-7d2c";

    @RegisterExtension
    static final GreenMailExtension MAIL =
            new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                    .withConfiguration(
                            GreenMailConfiguration.aConfig()
                                    .withUser(
                                            "soc-notifier@soc.example", "soc-notifier", PASSWORD));

    @TempDir static Path certs;
    @TempDir Path dir;
    static Path keyStore;
    StartTlsFront front;

    @org.junit.jupiter.api.BeforeAll
    static void certificate() throws Exception {
        keyStore = StartTlsFront.selfSignedFor127001(certs, "front-pass");
    }

    final Notifiers.Runtime noWaits = new Notifiers.Runtime(d -> {}, Clock.systemUTC(), () -> 0.5);

    @BeforeEach
    void start() throws Exception {
        front = new StartTlsFront(MAIL.getSmtp().getPort(), keyStore, "front-pass".toCharArray());
    }

    @AfterEach
    void stop() throws Exception {
        front.close();
    }

    Notifier email(int port, String password, String maxAttempts) throws Exception {
        Path p = dir.resolve("smtp-password");
        Files.writeString(p, password);
        Map<String, String> s = new HashMap<>();
        s.put("host", "127.0.0.1");
        s.put("port", Integer.toString(port));
        s.put("username", "soc-notifier");
        s.put("password", "file:" + p);
        s.put("from", "soc-notifier@soc.example");
        s.put("to", "oncall@health.example, ciso@province.example");
        s.put("ca_file", certs.resolve("server.pem").toString());
        s.put("timeout_ms", "5000");
        s.put("max_attempts", maxAttempts);
        return Notifiers.create(
                new ChannelSpec("oncall-mail", "email", s),
                SecretResolver.environmentAndFiles(),
                noWaits);
    }

    @Test
    void theMailArrivesOverStartTlsWithAuthenticationAndAStableMessageId() throws Exception {
        Notification n = SampleNotifications.ordinary();
        DeliveryResult r = email(front.port(), PASSWORD, "2").send(n);

        assertThat(r.ok()).as(String.valueOf(r.error())).isTrue();
        assertThat(front.upgraded()).isEqualTo(1);
        assertThat(front.clearTextCommands())
                .as("nothing but EHLO and STARTTLS in clear text")
                .allMatch(c -> c.startsWith("EHLO") || c.equals("STARTTLS"));
        MimeMessage[] got = MAIL.getReceivedMessages();
        assertThat(got).hasSize(2); // one per recipient
        MimeMessage m = got[0];
        assertThat(m.getSubject())
                .isEqualTo(
                        "[CRITICAL] Escalated to tier 2: Brute force then lateral movement from"
                                + " 10.20.0.5 - Health Department (dept-health)");
        assertThat(m.getMessageID())
                .isEqualTo(EmailChannel.messageId(n.idempotencyKey, "soc-notifier@soc.example"))
                .matches("<[0-9a-f]{40}\\.soc@soc\\.example>");
        assertThat(m.getHeader("X-Soc-Idempotency-Key")[0]).isEqualTo(n.idempotencyKey);
        assertThat(m.getContentType()).startsWith("text/plain");
        String body = ((String) m.getContent());
        assertThat(body)
                .contains("Health Department", "risk 87", "SSH brute force", n.link)
                .doesNotContain(PASSWORD);
        assertThat(m.getFrom()[0].toString()).isEqualTo("soc-notifier@soc.example");

        // The same key again: the same Message-ID, so a mail system can tell it is a repeat.
        assertThat(email(front.port(), PASSWORD, "1").send(n).ok()).isTrue();
        assertThat(MAIL.getReceivedMessages()[2].getMessageID()).isEqualTo(m.getMessageID());
    }

    @Test
    void aWrongPasswordIsRefusedWithoutRetryAndWithoutThePassword() throws Exception {
        DeliveryResult r =
                email(front.port(), "wrong-" + PASSWORD, "3").send(SampleNotifications.ordinary());
        assertThat(r.ok()).isFalse();
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.error()).contains("authentication failed").doesNotContain(PASSWORD);
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void aCertificateNotFromTheConfiguredCaIsRefused() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        StartTlsFront.selfSignedFor127001(other, "x-pass");
        Path p = dir.resolve("pw");
        Files.writeString(p, PASSWORD);
        Map<String, String> s = new HashMap<>();
        s.put("host", "127.0.0.1");
        s.put("port", Integer.toString(front.port()));
        s.put("username", "soc-notifier");
        s.put("password", "file:" + p);
        s.put("from", "soc-notifier@soc.example");
        s.put("to", "oncall@health.example");
        s.put("ca_file", other.resolve("server.pem").toString());
        s.put("max_attempts", "1");
        DeliveryResult r =
                Notifiers.create(
                                new ChannelSpec("m", "email", s),
                                SecretResolver.environmentAndFiles(),
                                noWaits)
                        .send(SampleNotifications.ordinary());
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).contains("TLS");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void aServerWithoutStartTlsGetsNothing() throws Exception {
        DeliveryResult r =
                email(MAIL.getSmtp().getPort(), PASSWORD, "2").send(SampleNotifications.ordinary());
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).containsIgnoringCase("STARTTLS").doesNotContain(PASSWORD);
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void hostileTitlesCannotAddHeaders() throws Exception {
        Notification n = SampleNotifications.hostile();
        assertThat(email(front.port(), PASSWORD, "1").send(n).ok()).isTrue();
        MimeMessage m = MAIL.getReceivedMessages()[0];
        assertThat(m.getSubject()).doesNotContain("\n").contains("<!channel>");
        // "Subject: hi" from the title's second line stayed in the subject, not a header of its
        // own.
        assertThat(m.getHeader("Subject")).hasSize(1);
        assertThat(m.getSubject().length()).isLessThanOrEqualTo(200);
    }
}
