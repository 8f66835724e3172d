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
}
