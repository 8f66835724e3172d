package org.socengine.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.elasticsearch.sink.internal.AlertIndexWriter;
import org.socengine.connectors.testing.TestAlerts;
import org.socengine.connectors.testing.TestWriterContext;
import org.socengine.local.LocalElasticsearch;
import org.socengine.local.WorkDirs;

/**
 * Issue 5, test 5: a node with TLS on HTTP (certificates made here with openssl) and the file
 * realm: the engine indexes with the right CA and basic auth, refuses a wrong CA or wrong password
 * with a clear one-line reason, and a department analyst's role on the department alias shows that
 * department's alerts only.
 */
class SecureElasticsearchITCase {

    private static final String ENGINE_USER = "soc_engine";
    private static final String ENGINE_PASSWORD = "engine-S3cret!";
    private static final String ANALYST_USER = "analyst_so_yt";
    private static final String ANALYST_PASSWORD = "analyst-S3cret!";

    private static final String ROLES =
            String.join(
                    "\n",
                    "soc_engine:",
                    "  cluster: [monitor, manage_index_templates, manage_ilm]",
                    "  indices:",
                    "    - names: ['soc-alerts', 'soc-alerts-*']",
                    "      privileges: [all]",
                    "analyst_so_yt:",
                    "  indices:",
                    "    - names: ['soc-alerts-so-yt']",
                    "      privileges: [read, view_index_metadata]",
                    "");

    private static Path certs;
    private static LocalElasticsearch es;

    @BeforeAll
    static void startSecureNode() throws Exception {
        Path work = WorkDirs.defaultWorkDir().resolve("secure");
        certs = WorkDirs.ensure(work.resolve("test-certs"));
        makeCertificates(certs);
        es =
                LocalElasticsearch.start(
                        work,
                        new LocalElasticsearch.Options()
                                .heap("256m")
                                .timeout(Duration.ofSeconds(240))
                                .setting("cluster.name", "soc-secure-it")
                                .setting("xpack.security.enabled", "true")
                                .setting("xpack.security.http.ssl.enabled", "true")
                                .setting("xpack.security.http.ssl.key", "certs/node.key")
                                .setting("xpack.security.http.ssl.certificate", "certs/node.crt")
                                .setting(
                                        "xpack.security.http.ssl.certificate_authorities",
                                        "certs/ca.crt")
                                .configFile("certs/node.key", read(certs.resolve("node.key")))
                                .configFile("certs/node.crt", read(certs.resolve("node.crt")))
                                .configFile("certs/ca.crt", read(certs.resolve("ca.crt")))
                                .configFile("roles.yml", ROLES)
                                .user(ENGINE_USER, ENGINE_PASSWORD, "soc_engine")
                                .user(ANALYST_USER, ANALYST_PASSWORD, "analyst_so_yt")
                                .readiness(certs.resolve("ca.crt"), ENGINE_USER, ENGINE_PASSWORD));
    }

    @AfterAll
    static void stopNode() {
        if (es != null) {
            es.close();
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** A CA, a node certificate it signs for 127.0.0.1, and an unrelated CA. */
    private static void makeCertificates(Path dir) throws Exception {
        Files.writeString(dir.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl(
                dir,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "2",
                "-subj",
                "/CN=SOC test CA");
        openssl(
                dir,
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "node.key",
                "-out",
                "node.csr",
                "-subj",
                "/CN=localhost");
        openssl(
                dir,
                "x509",
                "-req",
                "-in",
                "node.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "node.crt",
                "-days",
                "2",
                "-extfile",
                "san.cnf");
        openssl(
                dir,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "other-ca.key",
                "-out",
                "other-ca.crt",
                "-days",
                "2",
                "-subj",
                "/CN=Some other CA");
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p =
                new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    private static ElasticsearchSettings engine(String ca, String password) {
        return ElasticsearchSettings.builder()
                .url(es.url())
                .basicAuth(ENGINE_USER, password)
                .caCertificate(ca)
                .build();
    }

    private static AlertIndexWriter writer(ElasticsearchSettings s) throws Exception {
        return new AlertIndexWriter(
                new AlertIndexWriter.Options(s, 100, 1000, 1000, 0),
                TestAlerts.manualTime(),
                UnregisteredMetricsGroup.createSinkWriterMetricGroup(),
                null);
    }

    private static final SinkWriter.Context NO_CONTEXT = TestWriterContext.NO_RECORD_CONTEXT;

    @Test
    void theEngineIndexesOverTlsWithBasicAuthAndAnalystsSeeTheirDepartmentOnly() throws Exception {
        assertThat(es.url()).startsWith("https://");
        ElasticsearchSettings s = engine(certs.resolve("ca.crt").toString(), ENGINE_PASSWORD);
        long t = Instant.now().toEpochMilli();
        try (AlertIndexWriter w = writer(s)) {
            w.write(TestAlerts.alert("so-yt", "203.0.113.1", t), NO_CONTEXT);
            w.write(TestAlerts.alert("so-tc", "203.0.113.2", t), NO_CONTEXT);
            w.flush(false);
        }
        try (ElasticsearchClient client = ElasticsearchClients.create(s)) {
            assertThat(TestAlerts.count(client, AlertIndices.ALIAS)).isEqualTo(2);
        }

        ElasticsearchSettings analyst =
                ElasticsearchSettings.builder()
                        .url(es.url())
                        .basicAuth(ANALYST_USER, ANALYST_PASSWORD)
                        .caCertificate(certs.resolve("ca.crt").toString())
                        .build();
        try (ElasticsearchClient client = ElasticsearchClients.create(analyst)) {
            var mine =
                    new AlertSearch(client)
                            .find(new AlertSearch.Filter("so-yt", null, null, null, null, 10));
            assertThat(mine).hasSize(1);
            assertThat(mine.get(0).path("organization").path("id").asText()).isEqualTo("so-yt");
            // Searching everything shows nothing of another department: the alias soc-alerts
            // is not the analyst's, so security leaves it out.
            var all =
                    new AlertSearch(client)
                            .find(new AlertSearch.Filter(null, null, null, null, null, 10));
            assertThat(all)
                    .allSatisfy(
                            a ->
                                    assertThat(a.path("organization").path("id").asText())
                                            .isEqualTo("so-yt"));
            assertThatThrownBy(
                            () -> client.count(c -> c.index(AlertIndices.departmentAlias("so-tc"))))
                    .isInstanceOf(ElasticsearchException.class)
                    .satisfies(
                            e -> assertThat(((ElasticsearchException) e).status()).isEqualTo(403));
        }
    }

    @Test
    void aWrongCaIsRefusedWithAClearError() {
        String otherCa = certs.resolve("other-ca.crt").toString();
        assertThatThrownBy(() -> writer(engine(otherCa, ENGINE_PASSWORD)).close())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("TLS certificate of " + es.url() + " is not trusted")
                .hasMessageContaining("CA file " + otherCa)
                .hasMessageContaining("PKIX")
                .message()
                .doesNotContain(ENGINE_PASSWORD);
    }

    @Test
    void noCaAtAllIsRefusedToo() {
        ElasticsearchSettings s =
                ElasticsearchSettings.builder()
                        .url(es.url())
                        .basicAuth(ENGINE_USER, ENGINE_PASSWORD)
                        .build();
        assertThatThrownBy(() -> writer(s).close())
                .hasMessageContaining("not trusted")
                .hasMessageContaining("no CA file given");
    }

    @Test
    void aWrongPasswordIsRefusedWithoutEchoingIt() {
        String wrong = "wrong-Pa55word";
        assertThatThrownBy(() -> writer(engine(certs.resolve("ca.crt").toString(), wrong)).close())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refused the credentials (user " + ENGINE_USER + ")")
                .message()
                .doesNotContain(wrong);
    }
}
