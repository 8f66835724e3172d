package org.socengine.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.socengine.connectors.secrets.Redaction;
import org.socengine.model.Json;

/** Creates {@code elasticsearch-java} clients from {@link ElasticsearchSettings}. */
public final class ElasticsearchClients {

    private ElasticsearchClients() {}

    public static ElasticsearchClient create(ElasticsearchSettings s) throws IOException {
        SSLContext ssl = s.caCertificate() == null ? null : sslContext(Path.of(s.caCertificate()));
        return ElasticsearchClient.of(
                b -> {
                    b.host(s.url())
                            .jsonMapper(
                                    new JacksonJsonpMapper(
                                            Json.configure(
                                                    new com.fasterxml.jackson.databind
                                                            .ObjectMapper())));
                    if (s.username() != null) {
                        b.usernameAndPassword(s.username(), s.password());
                    }
                    if (s.apiKey() != null) {
                        b.apiKey(s.apiKey());
                    }
                    if (ssl != null) {
                        b.sslContext(ssl);
                    }
                    return b;
                });
    }

    /**
     * One line that says what went wrong talking to Elasticsearch, in terms an operator can act on:
     * an untrusted certificate, refused credentials, an unreachable node. Never includes a secret.
     */
    public static String describe(Throwable e, ElasticsearchSettings s) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException
                    || t instanceof java.security.cert.CertPathBuilderException
                    || t instanceof java.security.cert.CertificateException) {
                String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
                return "the TLS certificate of "
                        + s.url()
                        + " is not trusted ("
                        + (s.caCertificate() == null
                                ? "no CA file given, the JVM's default trust store was used"
                                : "CA file " + s.caCertificate())
                        + "): "
                        + msg;
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return "TLS with " + s.url() + " failed: " + Redaction.text(t.getMessage());
            }
            if (t instanceof co.elastic.clients.elasticsearch._types.ElasticsearchException ee) {
                if (ee.status() == 401) {
                    return "Elasticsearch at "
                            + s.url()
                            + " refused the credentials ("
                            + (s.apiKey() != null
                                    ? "API key"
                                    : s.username() != null ? "user " + s.username() : "none given")
                            + ")";
                }
                if (ee.status() == 403) {
                    return "Elasticsearch at "
                            + s.url()
                            + " denied the request: "
                            + ee.error().reason();
                }
            }
            if (t instanceof co.elastic.clients.transport.TransportException te
                    && te.statusCode() == 401) {
                return "Elasticsearch at " + s.url() + " refused the credentials";
            }
            if (t instanceof java.net.ConnectException) {
                return "cannot connect to Elasticsearch at " + s.url() + ": " + t.getMessage();
            }
            if (t instanceof java.net.UnknownHostException) {
                return "unknown host in Elasticsearch URL " + s.url();
            }
        }
        return "Elasticsearch at " + s.url() + ": " + Redaction.text(e.getMessage());
    }

    /** Whether the error is one that waiting cannot fix (certificate, credentials, permissions). */
    public static boolean isConfigurationError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException
                    || t instanceof java.security.cert.CertificateException) {
                return true;
            }
            if (t instanceof co.elastic.clients.elasticsearch._types.ElasticsearchException ee
                    && (ee.status() == 401 || ee.status() == 403)) {
                return true;
            }
            if (t instanceof co.elastic.clients.transport.TransportException te
                    && (te.statusCode() == 401 || te.statusCode() == 403)) {
                return true;
            }
        }
        return false;
    }

    /** Trusts exactly the CA certificates in the PEM file. */
    public static SSLContext sslContext(Path caPem) throws IOException {
        try (InputStream in = Files.newInputStream(caPem)) {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : cf.generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IOException("no certificate in " + caPem);
            }
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use CA certificate " + caPem + ": " + e.getMessage(), e);
        }
    }
}
