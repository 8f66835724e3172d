package org.socengine.connectors.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.kafka.KafkaSettings;

class SocConfigTest {

    private static final String ES_SECRET = "es-Pa55-word";
    private static final String KAFKA_SECRET = "kafka-Pa55-word";
    private static final String TRUST_SECRET = "trust-Pa55-word";
    private static final String API_KEY =
            "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";

    @Test
    void environmentWinsOverTheFileAndOptionsWinOverBoth(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path file = dir.resolve("soc.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "es.url=https://es-file:9200",
                        "es.user=soc-engine",
                        "es.password=" + ES_SECRET,
                        "es.ca=" + ca,
                        "kafka.bootstrap=kafka-file:9093",
                        "kafka.ca=" + ca,
                        "kafka.sasl.mechanism=SCRAM-SHA-256",
                        "kafka.sasl.username=engine",
                        "kafka.property.client.id=soc-test",
                        ""));
        SocConfig c =
                SocConfig.load(
                        file,
                        Map.of(
                                "SOC_ES_URL", "https://es-env:9200",
                                "SOC_KAFKA_SASL_PASSWORD", KAFKA_SECRET,
                                "PATH", "/usr/bin"));
        ElasticsearchSettings es = c.elasticsearch();
        assertThat(es.url()).isEqualTo("https://es-env:9200");
        assertThat(es.username()).isEqualTo("soc-engine");
        assertThat(es.password()).isEqualTo(ES_SECRET);
        assertThat(es.caCertificate()).isEqualTo(ca.toString());
        assertThat(c.with("es.url", "https://es-option:9200").elasticsearch().url())
                .isEqualTo("https://es-option:9200");
        assertThat(c.with("es.url", null).elasticsearch().url()).isEqualTo("https://es-env:9200");

        KafkaSettings k = c.kafka();
        Properties p = k.toProperties();
        assertThat(p.getProperty("bootstrap.servers")).isEqualTo("kafka-file:9093");
        assertThat(p.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(p.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-256");
        assertThat(p.getProperty("sasl.jaas.config")).contains(KAFKA_SECRET);
        assertThat(p.getProperty("client.id")).isEqualTo("soc-test");

        for (String text : new String[] {c.toString(), es.toString(), k.toString()}) {
            assertThat(text).doesNotContain(ES_SECRET).doesNotContain(KAFKA_SECRET);
        }
    }

    @Test
    void variablesFollowTheKeys() {
        assertThat(SocConfig.variableOf("kafka.bootstrap")).isEqualTo("SOC_KAFKA");
        assertThat(SocConfig.variableOf("kafka.sasl.username"))
                .isEqualTo("SOC_KAFKA_SASL_USERNAME");
        assertThat(SocConfig.variableOf("kafka.truststore")).isEqualTo("SOC_KAFKA_TRUSTSTORE");
        assertThat(SocConfig.variableOf("es.api_key")).isEqualTo("SOC_ES_API_KEY");
    }

    @Test
    void apiKeyAndTruststoreFromTheEnvironmentStaySecret(@TempDir Path dir) throws Exception {
        Path ts = Files.writeString(dir.resolve("trust.p12"), "x");
        SocConfig c =
                SocConfig.load(
                        null,
                        Map.of(
                                "SOC_ES_API_KEY",
                                API_KEY,
                                "SOC_KAFKA",
                                "k:9093",
                                "SOC_KAFKA_TRUSTSTORE",
                                ts.toString(),
                                "SOC_KAFKA_TRUSTSTORE_PASSWORD",
                                TRUST_SECRET));
        assertThat(c.elasticsearch().apiKey()).isEqualTo(API_KEY);
        assertThat(c.elasticsearch().url()).isEqualTo(SocConfig.DEFAULT_ES_URL);
        assertThat(c.kafka().toProperties().getProperty("security.protocol")).isEqualTo("SSL");
        assertThat(c.toString() + c.elasticsearch() + c.kafka())
                .doesNotContain(API_KEY)
                .doesNotContain(TRUST_SECRET);
    }

    @Test
    void clearErrorsWithoutSecrets(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> SocConfig.load(dir.resolve("missing.properties")))
                .hasMessageContaining("no such configuration file");
        assertThatThrownBy(() -> SocConfig.empty().kafka()).hasMessageContaining("SOC_KAFKA");
        assertThatThrownBy(
                        () ->
                                SocConfig.empty()
                                        .with("es.user", "u")
                                        .with("es.password", ES_SECRET)
                                        .with("es.api_key", API_KEY)
                                        .elasticsearch())
                .hasMessageContaining("not both")
                .message()
                .doesNotContain(ES_SECRET)
                .doesNotContain(API_KEY);
        assertThatThrownBy(
                        () ->
                                SocConfig.empty()
                                        .with("es.ca", "/nonexistent/ca.pem")
                                        .elasticsearch())
                .hasMessageContaining("cannot read the Elasticsearch CA file");
    }

    @Test
    void everySecretMayComeFromAFileNamedInTheConfigOrTheEnvironment(@TempDir Path dir)
            throws Exception {
        Path es = Files.writeString(dir.resolve("es-password"), ES_SECRET + "\n");
        Path sasl = Files.writeString(dir.resolve("sasl-password"), KAFKA_SECRET);
        Path trust = Files.writeString(dir.resolve("trust-password"), TRUST_SECRET + "\r\n");
        Path key = Files.writeString(dir.resolve("api-key"), API_KEY + "\n");
        Path store = Files.writeString(dir.resolve("trust.p12"), "x");
        Path file = dir.resolve("soc.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "es.user=soc-engine",
                        "es.password.file=" + es,
                        "kafka.bootstrap=kafka:9093",
                        "kafka.truststore=" + store,
                        "kafka.truststore.password.file=" + trust,
                        "kafka.sasl.username=engine",
                        ""));
        SocConfig c = SocConfig.load(file, Map.of("SOC_KAFKA_SASL_PASSWORD_FILE", sasl.toString()));
        assertThat(c.elasticsearch().password()).isEqualTo(ES_SECRET);
        Properties p = c.kafka().toProperties();
        assertThat(p.getProperty("ssl.truststore.password")).isEqualTo(TRUST_SECRET);
        assertThat(p.getProperty("sasl.jaas.config")).contains("password=\"" + KAFKA_SECRET + "\"");
        assertThat(c.warnings()).isEmpty();
        assertThat(c.toString())
                .doesNotContain(ES_SECRET)
                .doesNotContain(KAFKA_SECRET)
                .doesNotContain(TRUST_SECRET);

        SocConfig apiKey = SocConfig.load(null, Map.of("SOC_ES_API_KEY_FILE", key.toString()));
        assertThat(apiKey.elasticsearch().apiKey()).isEqualTo(API_KEY);
    }

    @Test
    void theEnvironmentReplacesTheFilesSecretInEitherForm(@TempDir Path dir) throws Exception {
        Path envSecret = Files.writeString(dir.resolve("pw"), "from-env-file");
        Path file = dir.resolve("soc.properties");
        Files.writeString(file, "es.user=u\nes.password=" + ES_SECRET + "\n");
        assertThat(
                        SocConfig.load(file, Map.of("SOC_ES_PASSWORD_FILE", envSecret.toString()))
                                .elasticsearch()
                                .password())
                .isEqualTo("from-env-file");
        assertThat(SocConfig.load(file, Map.of("SOC_ES_PASSWORD", "from-env")).get("es.password"))
                .isEqualTo("from-env");
    }

    @Test
    void bothFormsAtOnceOrAnUnreadableFileAreRefusedWithoutTheSecret(@TempDir Path dir)
            throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), ES_SECRET);
        Path both = dir.resolve("both.properties");
        Files.writeString(both, "es.password=" + ES_SECRET + "\nes.password.file=" + pw + "\n");
        assertThatThrownBy(() -> SocConfig.load(both, Map.of()))
                .hasMessageContaining("es.password: set both inline and as es.password_file")
                .hasMessageNotContaining(ES_SECRET);
        Path missing = dir.resolve("nope");
        assertThatThrownBy(
                        () ->
                                SocConfig.load(
                                        null,
                                        Map.of("SOC_KAFKA_SASL_PASSWORD_FILE", missing.toString())))
                .hasMessageContaining("kafka.sasl.password_file: no such file: " + missing);
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(
                        () ->
                                SocConfig.load(
                                        null, Map.of("SOC_ES_PASSWORD_FILE", empty.toString())))
                .hasMessageContaining("is empty");
    }

    @Test
    void aConfigFileWithAPasswordThatOthersCanReadIsWarnedAbout(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("soc.properties");
        Files.writeString(file, "es.user=u\nes.password=" + ES_SECRET + "\n");
        try {
            Files.setPosixFilePermissions(
                    file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            org.junit.jupiter.api.Assumptions.abort("no POSIX permissions here");
        }
        assertThat(SocConfig.load(file, Map.of()).warnings())
                .singleElement()
                .asString()
                .contains("holds es.password", "chmod 600", "es.password_file")
                .doesNotContain(ES_SECRET);
        Files.setPosixFilePermissions(
                file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(SocConfig.load(file, Map.of()).warnings()).isEmpty();
    }
}
