package org.socengine.connectors.notify;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.socengine.model.Notification;

/**
 * E-mail over SMTP with Jakarta Mail (Eclipse Angus): STARTTLS required (the client refuses to go
 * on in clear text, and checks the server's certificate, against the JVM's CAs or those of {@code
 * ca_file}, and the server's name in it), then authentication when a user is configured. The
 * Message-ID is derived from the idempotency key, so a resent message is recognisably the same one;
 * the key is also in {@code X-Soc-Idempotency-Key}. The subject says severity, department and
 * title; the body is plain text.
 */
final class EmailChannel implements Channel {

    static final int MAX_BODY = 20_000;
    static final String IDEMPOTENCY_HEADER = "X-Soc-Idempotency-Key";

    private final Session session;
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final InternetAddress from;
    private final InternetAddress[] to;
    private final Clock clock;
    private final Scrubber scrubber;

    EmailChannel(
            String host,
            int port,
            String username,
            String password,
            String from,
            List<String> to,
            javax.net.ssl.SSLSocketFactory trustedCertificates,
            Duration timeout,
            Clock clock,
            Scrubber scrubber) {
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", Integer.toString(port));
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
        if (trustedCertificates != null) {
            // Our own CA instead of the JVM's; the server's name is still checked against it.
            p.put("mail.smtp.ssl.socketFactory", trustedCertificates);
        }
        p.put("mail.smtp.auth", Boolean.toString(username != null));
        String ms = Long.toString(timeout.toMillis());
        p.put("mail.smtp.connectiontimeout", ms);
        p.put("mail.smtp.timeout", ms);
        p.put("mail.smtp.writetimeout", ms);
        this.session = Session.getInstance(p);
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        try {
            this.from = new InternetAddress(from, true);
            this.to = new InternetAddress[to.size()];
            for (int i = 0; i < to.size(); i++) {
                this.to[i] = new InternetAddress(to.get(i), true);
            }
        } catch (AddressException e) {
            throw new IllegalArgumentException("bad address: " + e.getRef());
        }
        this.clock = clock;
        this.scrubber = scrubber;
    }

    /** A socket factory trusting only the certificates of a PEM file. */
    static javax.net.ssl.SSLSocketFactory trusting(java.nio.file.Path pemFile) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(pemFile)) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (java.security.cert.Certificate c :
                    java.security.cert.CertificateFactory.getInstance("X.509")
                            .generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("ca_file holds no certificate: " + pemFile);
            }
            javax.net.ssl.TrustManagerFactory tmf =
                    javax.net.ssl.TrustManagerFactory.getInstance(
                            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "ca_file cannot be read as PEM certificates: "
                            + pemFile
                            + " ("
                            + e.getClass().getSimpleName()
                            + ")");
        }
    }

    /** {@code <hex of SHA-256 of the key>.soc@<the sender's domain>}: stable, and no raw key. */
    static String messageId(String idempotencyKey, String fromAddress) {
        String domain =
                fromAddress.contains("@")
                        ? fromAddress.substring(fromAddress.lastIndexOf('@') + 1)
                        : "soc-engine.local";
        try {
            byte[] h =
                    MessageDigest.getInstance("SHA-256")
                            .digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            return "<" + HexFormat.of().formatHex(h, 0, 20) + ".soc@" + domain + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    MimeMessage message(Notification n, String idempotencyKey) throws MessagingException {
        String id = messageId(idempotencyKey, from.getAddress());
        MimeMessage m =
                new MimeMessage(session) {
                    @Override
                    protected void updateMessageID() throws MessagingException {
                        setHeader("Message-ID", id);
                    }
                };
        NotificationText text = NotificationText.of(n);
        m.setFrom(from);
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(text.subject(), "UTF-8");
        m.setSentDate(Date.from(clock.instant()));
        m.setHeader(IDEMPOTENCY_HEADER, WebhookChannel.headerSafe(idempotencyKey));
        m.setText(text.render(NotificationText.Format.PLAIN, MAX_BODY), "UTF-8", "plain");
        m.saveChanges();
        return m;
    }

    @Override
    public int deliver(Notification n, String idempotencyKey) throws DeliveryFailure {
        MimeMessage m;
        try {
            m = message(n, idempotencyKey);
        } catch (MessagingException e) {
            throw DeliveryFailure.permanent("cannot build the message: " + describe(e), 0);
        }
        try (Transport t = session.getTransport("smtp")) {
            t.connect(host, port, username, password);
            t.sendMessage(m, m.getAllRecipients());
            return 250;
        } catch (AuthenticationFailedException e) {
            throw DeliveryFailure.permanent("SMTP authentication failed", 535);
        } catch (SMTPAddressFailedException e) {
            throw classify(e.getReturnCode(), "recipient refused: " + describe(e));
        } catch (SMTPSendFailedException e) {
            throw classify(e.getReturnCode(), "send failed: " + describe(e));
        } catch (SendFailedException e) {
            throw DeliveryFailure.permanent("send failed: " + describe(e), 0);
        } catch (MessagingException e) {
            // Connection refused, timeouts, STARTTLS not offered or the handshake failing: the
            // server may come back; a server without STARTTLS keeps failing and uses the retries.
            throw DeliveryFailure.transientFailure("SMTP: " + describe(e), 0);
        }
    }

    private static DeliveryFailure classify(int code, String message) {
        // 4xx replies are temporary by RFC 5321; 5xx are final.
        return code >= 400 && code < 500
                ? DeliveryFailure.transientFailure(message, code)
                : DeliveryFailure.permanent(message, code);
    }

    private String describe(Exception e) {
        StringBuilder b = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            b.append(' ').append(e.getMessage().strip().replaceAll("\\s+", " "));
        }
        Throwable c = e.getCause();
        if (c != null && c != e) {
            b.append(" (").append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                b.append(' ').append(c.getMessage().strip().replaceAll("\\s+", " "));
            }
            b.append(')');
        }
        String s = b.toString();
        return scrubber.scrub(s.length() > 300 ? s.substring(0, 300) + "..." : s);
    }
}
