package org.socengine.jobs.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.nio.file.Path;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.kafka.KafkaSettings;
import picocli.CommandLine.Option;

/**
 * The connection options every {@code ./soc alerts} command shares. An option wins over its
 * environment variable, which wins over the {@code --config} file. Secrets are never printed.
 */
public final class AlertsConnection {

    @Option(
            names = "--es-url",
            paramLabel = "URL",
            description = "Elasticsearch URL (env SOC_ES_URL; default http://127.0.0.1:9200).")
    String esUrl;

    @Option(
            names = "--es-user",
            paramLabel = "USER",
            description = "Elasticsearch user for basic auth (env SOC_ES_USER).")
    String esUser;

    @Option(
            names = "--es-password",
            paramLabel = "PASSWORD",
            description = "Its password (env SOC_ES_PASSWORD; prefer the variable or the file).")
    String esPassword;

    @Option(
            names = "--es-api-key",
            paramLabel = "KEY",
            description = "Elasticsearch API key, base64 id:key (env SOC_ES_API_KEY).")
    String esApiKey;

    @Option(
            names = "--es-ca",
            paramLabel = "FILE",
            description =
                    "PEM file of the CA that signed Elasticsearch's certificate (env SOC_ES_CA).")
    Path esCa;

    @Option(
            names = "--kafka",
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (env SOC_KAFKA); TLS/SASL from env or --config.")
    String kafka;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with es.* and kafka.* settings (see docs/alerts.md).")
    Path config;

    SocConfig config() {
        try {
            return SocConfig.load(config)
                    .with("es.url", esUrl)
                    .with("es.user", esUser)
                    .with("es.password", esPassword)
                    .with("es.api_key", esApiKey)
                    .with("es.ca", esCa == null ? null : esCa.toString())
                    .with("kafka.bootstrap", kafka);
        } catch (IOException e) {
            throw new CliFailure("cannot read the configuration: " + e.getMessage());
        }
    }

    ElasticsearchSettings elasticsearch() {
        try {
            return config().elasticsearch();
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
    }

    /** Null when no Kafka is configured. */
    KafkaSettings kafkaOrNull() {
        SocConfig c = config();
        if (!c.hasKafka()) {
            return null;
        }
        try {
            return c.kafka();
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
    }

    ElasticsearchClient client(ElasticsearchSettings s) {
        try {
            return ElasticsearchClients.create(s);
        } catch (IOException e) {
            throw new CliFailure(ElasticsearchClients.describe(e, s));
        }
    }
}
