package org.socengine.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    private static final String SECRET = "s3cr\"et-P@ss";

    @Test
    void scramOverTlsWithAPemCa() {
        KafkaSettings s =
                KafkaSettings.builder("kafka1:9093,kafka2:9093")
                        .caCertificate("/etc/soc/kafka-ca.pem")
                        .saslScram("scram-sha-512", "soc-engine", SECRET)
                        .build();
        Properties p = s.toProperties();
        assertThat(p.getProperty("bootstrap.servers")).isEqualTo("kafka1:9093,kafka2:9093");
        assertThat(p.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(p.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        assertThat(p.getProperty("ssl.truststore.type")).isEqualTo("PEM");
        assertThat(p.getProperty("ssl.truststore.location")).isEqualTo("/etc/soc/kafka-ca.pem");
        assertThat(p.getProperty("sasl.jaas.config"))
                .isEqualTo(
                        "org.apache.kafka.common.security.scram.ScramLoginModule required"
                                + " username=\"soc-engine\" password=\"s3cr\\\"et-P@ss\";");
        assertThat(s.securityProtocol()).isEqualTo("SASL_SSL");
    }

    @Test
    void plainWithoutTlsAndTlsWithoutSasl() {
        assertThat(
                        KafkaSettings.builder("k:9092")
                                .saslPlain("u", "p")
                                .build()
                                .toProperties()
                                .getProperty("security.protocol"))
                .isEqualTo("SASL_PLAINTEXT");
        KafkaSettings tls =
                KafkaSettings.builder("k:9093")
                        .truststore("/etc/soc/truststore.p12", SECRET, null)
                        .build();
        assertThat(tls.toProperties().getProperty("security.protocol")).isEqualTo("SSL");
        assertThat(tls.toProperties().getProperty("ssl.truststore.type")).isEqualTo("PKCS12");
        assertThat(tls.toProperties().getProperty("ssl.truststore.password")).isEqualTo(SECRET);
        assertThat(KafkaSettings.of("k:9092").securityProtocol()).isEqualTo("PLAINTEXT");
    }

    @Test
    void noSecretInToString() {
        KafkaSettings s =
                KafkaSettings.builder("k:9093")
                        .truststore("/t.jks", SECRET, "jks")
                        .keystore("/k.p12", SECRET, SECRET)
                        .saslPlain("soc", SECRET)
                        .property("sasl.oauthbearer.token.endpoint.url", "https://idp")
                        .build();
        assertThat(s.toString())
                .doesNotContain(SECRET)
                .doesNotContain("s3cr")
                .contains("sasl.mechanism=PLAIN", "ssl.truststore.location=/t.jks", "******");
    }

    @Test
    void refusesHalfConfiguredSasl() {
        assertThatThrownBy(() -> KafkaSettings.builder("k:9092").saslPlain("u", null))
                .hasMessageContaining("needs both");
        assertThatThrownBy(() -> KafkaSettings.builder("k:9092").sasl("GSSAPI", "u", "p"))
                .hasMessageContaining("PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
        assertThatThrownBy(() -> KafkaSettings.builder("k:9092").saslScram("PLAIN", "u", "p"))
                .hasMessageContaining("SCRAM mechanism");
    }
}
