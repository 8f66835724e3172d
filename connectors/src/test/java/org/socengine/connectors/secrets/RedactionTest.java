package org.socengine.connectors.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.kafka.KafkaSettings;

class RedactionTest {

    private static final String SECRET = "Tr0ub4dor-3";

    @Test
    void aUrlKeepsItsUserAndLosesItsPassword() {
        assertThat(Redaction.url("https://soc:" + SECRET + "@es.soc.local:9200/_search"))
                .isEqualTo("https://soc:******@es.soc.local:9200/_search");
        assertThat(Redaction.url("http://" + SECRET + "@127.0.0.1:9200"))
                .as("user info without a colon is a token: hidden whole")
                .isEqualTo("http://******@127.0.0.1:9200");
        assertThat(Redaction.url("https://es.soc.local:9200/?api_key=" + SECRET + "&pretty"))
                .isEqualTo("https://es.soc.local:9200/?api_key=******&pretty");
        assertThat(Redaction.url("https://es.soc.local:9200/path@odd"))
                .as("an @ in the path is not user info")
                .isEqualTo("https://es.soc.local:9200/path@odd");
        assertThat(Redaction.url(null)).isNull();
    }

    @Test
    void freeTextLosesEveryUrlPasswordAndSecretPair() {
        String msg =
                "cannot reach https://a:"
                        + SECRET
                        + "@h1:9200 nor kafka://b:"
                        + SECRET
                        + "2@h2:9093; sasl.jaas.config=ScramLoginModule required username=\"x\""
                        + " password=\""
                        + SECRET
                        + "3\"; es.password: "
                        + SECRET
                        + "4, token="
                        + SECRET
                        + "5";
        String shown = Redaction.text(msg);
        assertThat(shown).doesNotContain(SECRET);
        assertThat(shown)
                .contains(
                        "https://a:******@h1:9200",
                        "kafka://b:******@h2:9093",
                        "password=\"******\"",
                        "es.password: ******",
                        "token=******",
                        "username=\"x\"");
    }

    @Test
    void textWithoutSecretsIsUnchanged() {
        String msg =
                "Kafka at 127.0.0.1:9093 refused the credentials of user soc-job (SCRAM-SHA-512)";
        assertThat(Redaction.text(msg)).isEqualTo(msg);
    }

    @Test
    void secretKeysAreKnownByName() {
        for (String k :
                new String[] {
                    "es.password",
                    "es.api_key",
                    "kafka.sasl.password",
                    "kafka.truststore.password",
                    "kafka.keystore.password",
                    "kafka.key.password",
                    "sasl.jaas.config",
                    "ssl.key.password",
                    "ssl.keystore.key",
                    "oauth.token"
                }) {
            assertThat(Redaction.isSecretKey(k)).as(k).isTrue();
        }
        for (String k :
                new String[] {
                    "es.password.file",
                    "kafka.sasl.password.file",
                    "es.url",
                    "kafka.truststore",
                    "kafka.truststore.type",
                    "kafka.sasl.username"
                }) {
            assertThat(Redaction.isSecretKey(k)).as(k).isFalse();
        }
    }

    @Test
    void credentialsInTheElasticsearchUrlBecomeBasicAuthAndLeaveTheUrl() {
        ElasticsearchSettings s =
                ElasticsearchSettings.of("https://soc%40dept:" + SECRET + "%2F@es.local:9200");
        assertThat(s.url()).isEqualTo("https://es.local:9200");
        assertThat(s.username()).isEqualTo("soc@dept");
        assertThat(s.password()).isEqualTo(SECRET + "/");
        assertThat(s.toString()).doesNotContain(SECRET).contains("password=******");
        ElasticsearchSettings explicit =
                ElasticsearchSettings.builder()
                        .url("https://u:" + SECRET + "@es.local:9200")
                        .basicAuth("engine", "other")
                        .build();
        assertThat(explicit.username()).as("explicit basic auth wins").isEqualTo("engine");
        assertThat(explicit.url()).isEqualTo("https://es.local:9200");
    }

    @Test
    void settingsNeverPrintSecrets() {
        KafkaSettings k =
                KafkaSettings.builder("kafka:9093")
                        .truststore("/etc/soc/trust.p12", SECRET + "t", "PKCS12")
                        .keystore("/etc/soc/client.p12", SECRET + "k", SECRET + "kk")
                        .saslScram("SCRAM-SHA-512", "soc-job", SECRET)
                        .property("sasl.oauthbearer.token", SECRET + "o")
                        .build();
        assertThat(k.toString()).doesNotContain(SECRET).contains("sasl.mechanism=SCRAM-SHA-512");
        assertThat(k.saslUsername()).isEqualTo("soc-job");
        assertThat(k.trustDescription()).isEqualTo("trust store /etc/soc/trust.p12");
        SocConfig c =
                SocConfig.empty()
                        .with("es.url", "https://u:" + SECRET + "@es:9200")
                        .with("es.api_key", SECRET)
                        .with("kafka.sasl.password", SECRET);
        assertThat(c.toString()).doesNotContain(SECRET).contains("es.url=https://u:******@es:9200");
        assertThat(Redaction.value("es.user", "soc")).isEqualTo("soc");
        assertThat(Map.of("k", Redaction.value("es.password", SECRET)).toString())
                .doesNotContain(SECRET);
    }
}
