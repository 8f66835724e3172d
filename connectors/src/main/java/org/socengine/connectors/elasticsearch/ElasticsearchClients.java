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
