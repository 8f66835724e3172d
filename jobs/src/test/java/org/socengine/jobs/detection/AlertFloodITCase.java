package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.elasticsearch.AlertSearch;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.AlertIndexer;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.rules.engine.AlertBudget;

/**
 * Suppression and budgets end to end: a flood of 10,000 SQL injection requests from one source is
 * one alert document with the right count, and a rule over its hourly budget for a department
 * yields exactly one meta-alert.
 */
class AlertFloodITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String SQLI = "da6afbd9-1325-5b99-ad0b-67e35f18e7f3";
    private static final DateTimeFormatter CLF =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);

    private static String request(long t, String ip, int n) {
        return ip
                + " - - ["
                + CLF.format(Instant.ofEpochMilli(t))
                + "] \"GET /tin-tuc/chi-tiet.php?id="
                + n
                + "%27%20UNION%20SELECT%201,username,password%20FROM%20users-- HTTP/1.1\" 200 512 \"-\" \"sqlmap/1.7.2\"";
    }

    @Test
    void aFloodIsOneAlertAndABudgetOverrunOneMetaAlert() throws Exception {
        String topic = "soc.raw.web.flood-" + UUID.randomUUID().toString().substring(0, 8);
        SERVICES.kafka().createTopic(topic, 1);
        long t0 = Instant.parse("2026-11-23T03:00:00Z").toEpochMilli();
        try (KafkaProducer<String, String> producer = SERVICES.stringProducer()) {
            // 10,000 requests from one source in 1,000 s: inside the rule's 30-minute suppression.
            for (int i = 0; i < 10_000; i++) {
                long t = t0 + i * 100L;
                producer.send(
                        new ProducerRecord<>(
                                topic, null, t, "so-tc", request(t, "203.0.113.77", i)));
            }
            // 25 sources against another department within the hour: over a budget of 20.
            for (int i = 0; i < 25; i++) {
                long t = t0 + 60_000 + i * 1_000L;
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                null,
                                t,
                                "so-gddt",
                                request(t, "198.51.100." + (100 + i), i)));
            }
        }
        KafkaSettings kafka = KafkaSettings.of(SERVICES.bootstrapServers());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DetectionJob.build(
                env,
                SocKafka.boundedRawSource(kafka, List.of(topic), "flood-" + UUID.randomUUID()),
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                RuleSets.compileAll(Path.of("..", "rules", "detections")),
                null,
                List.of(
                        AlertIndexer.builder()
                                .settings(ElasticsearchSettings.of(SERVICES.elasticsearchUrl()))
                                .build()),
                null,
                DetectionJobOptions.defaults().withParallelism(2).withAlertBudgetPerHour(20));
        env.execute("alert-flood");

        try (ElasticsearchClient client =
                ElasticsearchClients.create(
                        ElasticsearchSettings.of(SERVICES.elasticsearchUrl()))) {
            AlertSearch search = new AlertSearch(client);
            search.refresh();
            List<ObjectNode> flood =
                    search.search(Map.of("rule.id", SQLI, "source.ip", "203.0.113.77"), null, 50);
            assertThat(flood).hasSize(1);
            assertThat(flood.get(0).path("alert").path("count").asLong()).isEqualTo(10_000);
            assertThat(flood.get(0).path("alert").path("suppressed_count").asLong())
                    .isEqualTo(9_999);
            assertThat(flood.get(0).path("alert").path("evidence").size()).isLessThanOrEqualTo(20);

            List<ObjectNode> budgeted =
                    search.search(Map.of("rule.id", SQLI, "organization.id", "so-gddt"), null, 100);
            assertThat(budgeted).hasSize(20);
            List<ObjectNode> meta =
                    search.search(
                            Map.of(
                                    "rule.id",
                                    AlertBudget.META_RULE_ID,
                                    "organization.id",
                                    "so-gddt"),
                            null,
                            10);
            assertThat(meta).hasSize(1);
            assertThat(meta.get(0).path("alert").path("meta").asBoolean()).isTrue();
            assertThat(meta.get(0).path("alert").path("details").path("throttled_rule_id").asText())
                    .isEqualTo(SQLI);
            assertThat(
                            search.search(
                                    Map.of(
                                            "rule.id",
                                            AlertBudget.META_RULE_ID,
                                            "organization.id",
                                            "so-tc"),
                                    null,
                                    10))
                    .isEmpty();
        }
    }
}
