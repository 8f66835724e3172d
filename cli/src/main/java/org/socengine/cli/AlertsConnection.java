package org.socengine.cli;

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
 * environment variable, which wins over the {@code --config} file. Secrets come from files or the
 * environment, never from the command line (where {@code ps} shows them to every local user), and
 * are never printed.
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
            names = "--es-password-file",
            paramLabel = "FILE",
            description =
                    "File holding the password for --es-user (env SOC_ES_PASSWORD or"
                            + " SOC_ES_PASSWORD_FILE; config es.password.file).")
    Path esPasswordFile;

    @Option(
            names = "--es-api-key-file",
            paramLabel = "FILE",
            description =
                    "File holding an Elasticsearch API key, base64 id:key (env SOC_ES_API_KEY or"
                            + " SOC_ES_API_KEY_FILE; config es.api_key.file).")
    Path esApiKeyFile;

    /** Refused: kept only to point users of the old option at the file and environment forms. */
    @Option(names = "--es-password", hidden = true, paramLabel = "PASSWORD")
    String esPassword;

    /** Refused, as {@link #esPassword}. */
    @Option(names = "--es-api-key", hidden = true, paramLabel = "KEY")
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
        refuseSecretOnCommandLine(
                "--es-password", esPassword, "--es-password-file", "SOC_ES_PASSWORD");
        refuseSecretOnCommandLine("--es-api-key", esApiKey, "--es-api-key-file", "SOC_ES_API_KEY");
        try {
            SocConfig c =
                    SocConfig.load(config)
                            .with("es.url", esUrl)
                            .with("es.user", esUser)
                            .withSecretFile("es.password", esPasswordFile)
                            .withSecretFile("es.api_key", esApiKeyFile)
                            .with("es.ca", esCa == null ? null : esCa.toString())
                            .with("kafka.bootstrap", kafka);
            c.warnings().forEach(w -> System.err.println("soc: warning: " + w));
            return c;
        } catch (IOException e) {
            throw new CliFailure("cannot read the configuration: " + e.getMessage());
        }
    }

    /**
     * A secret given as an option's value is refused before anything else happens: by then it is in
     * the process list and the shell history, so the message also says to change it.
     */
    static void refuseSecretOnCommandLine(
            String option, String value, String fileOption, String variable) {
        if (value != null) {
            throw new CliFailure(
                    option
                            + " is no longer accepted: a secret on the command line is visible to"
                            + " every local user (ps, /proc) and stays in the shell history; put"
                            + " it in a file readable only by you and pass "
                            + fileOption
                            + " FILE, or set "
                            + variable
                            + " (consider the exposed value compromised)",
                    2);
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
            throw failure(e, s);
        }
    }

    /** A failed call to Elasticsearch in one line, without secrets. */
    static CliFailure failure(Exception e, ElasticsearchSettings s) {
        return new CliFailure(ElasticsearchClients.describe(e, s));
    }
}
