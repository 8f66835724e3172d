package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
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
import org.socengine.model.AlertIds;
import org.socengine.model.SocTopics;
import org.socengine.rules.engine.CompiledRule;

/**
 * The whole first slice on the real services: sshd lines (an attack, near misses and malformed
 * lines) go into the real broker; the job decodes them, detects on event time, indexes alerts into
 * the real Elasticsearch and dead-letters the bad lines. Replaying the same input leaves the same
 * documents.
 */
class DetectionJobITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String RULE_ID = "6f1c2a8e-3b7d-4c1e-9a55-0d2b8e4f7a10";
    private static final String ATTACKER = "203.0.113.145";
    private static final String NEAR_MISS = "203.0.113.146";
    private static final String SLOW = "203.0.113.147";
    private static final long T0 = Instant.parse("2026-11-20T01:00:00Z").toEpochMilli();
    private static final DateTimeFormatter BSD =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);

    private static String topic;
    private static List<CompiledRule> rules;

    @BeforeAll
    static void produceInput() throws Exception {
        topic = "soc.raw.syslog.so-yt";
        SERVICES.kafka().createTopic(topic, 1);
        rules = RuleSets.compileAll(Path.of("..", "rules", "detections"));
        List<String[]> lines = new ArrayList<>();
        // The attack: ten failures, two seconds apart.
        for (int i = 0; i < 10; i++) {
            lines.add(
                    line(
                            T0 + 60_000 + i * 2_000,
                            "Failed password for root from "
                                    + ATTACKER
                                    + " port "
                                    + (41000 + i)
                                    + " ssh2"));
        }
        // A near miss: seven failures within two minutes.
        for (int i = 0; i < 7; i++) {
            lines.add(
                    line(
                            T0 + 10_000 + i * 15_000,
                            "Failed password for admin from "
                                    + NEAR_MISS
                                    + " port "
                                    + (42000 + i)
                                    + " ssh2"));
        }
        // Slow guessing: eight failures, 40 s apart.
        for (int i = 0; i < 8; i++) {
            lines.add(
                    line(
                            T0 + i * 40_000,
                            "Failed password for oracle from "
                                    + SLOW
                                    + " port "
                                    + (43000 + i)
                                    + " ssh2"));
        }
        lines.add(
                line(
                        T0 + 5_000,
                        "Accepted publickey for nguyenvana from 10.12.3.4 port 50022 ssh2"));
        lines.add(new String[] {Long.toString(T0 + 6_000), "<38>Nov"});
        lines.add(new String[] {Long.toString(T0 + 7_000), "definitely not syslog"});
        lines.add(
                new String[] {
                    Long.toString(T0 + 8_000),
                    "<999>Nov 20 01:00:08 h sshd[1]: priority out of range"
                });
        lines.sort((a, b) -> Long.compare(Long.parseLong(a[0]), Long.parseLong(b[0])));
        try (KafkaProducer<String, String> producer = SERVICES.stringProducer()) {
            for (String[] l : lines) {
                producer.send(
                        new ProducerRecord<>(topic, null, Long.parseLong(l[0]), "so-yt", l[1]));
            }
        }
    }

    private static String[] line(long t, String msg) {
        return new String[] {
            Long.toString(t),
            "<38>" + BSD.format(Instant.ofEpochMilli(t)) + " yt-portal-01 sshd[4242]: " + msg
        };
    }

    private static void runJob(String group) throws Exception {
        KafkaSettings kafka = KafkaSettings.of(SERVICES.bootstrapServers());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DetectionJob.build(
                env,
                SocKafka.boundedRawSource(kafka, List.of(topic), group),
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                rules,
                null,
                List.of(
                        AlertIndexer.builder()
                                .settings(ElasticsearchSettings.of(SERVICES.elasticsearchUrl()))
                                .build()),
                SocKafka.deadLetterSink(kafka),
                DetectionJobOptions.defaults()
                        .withParallelism(2)
                        .withAllowedLateness(Duration.ofSeconds(5)));
        env.execute("detection-it-" + group);
    }

    @Test
    void attackBecomesExactlyOneAlertAndReplayAddsNoDocument() throws Exception {
        runJob("it-" + UUID.randomUUID());
        List<ObjectNode> first = alerts();
        assertThat(first).hasSize(1);
        ObjectNode alert = first.get(0);
        long firstFailure = T0 + 60_000;
        // The rule groups by source.ip; the department joins its group key (docs/alerts.md).
        assertThat(alert.path("alert").path("id").asText())
                .isEqualTo(AlertIds.of(RULE_ID, 1, ATTACKER + "|so-yt", firstFailure));
        assertThat(alert.path("event").path("kind").asText()).isEqualTo("alert");
        assertThat(alert.path("rule").path("id").asText()).isEqualTo(RULE_ID);
        assertThat(alert.path("rule").path("severity").asText()).isEqualTo("high");
        assertThat(alert.path("source").path("ip").asText()).isEqualTo(ATTACKER);
        assertThat(alert.path("organization").path("id").asText()).isEqualTo("so-yt");
        assertThat(alert.path("organization").path("name").asText()).isEqualTo("Sở Y tế");
        assertThat(alert.path("threat").path("tactic").path("id").get(0).asText())
                .isEqualTo("TA0006");
        assertThat(alert.path("threat").path("technique").path("id").get(0).asText())
                .isEqualTo("T1110.001");
        assertThat(alert.path("alert").path("count").asLong()).isEqualTo(10);
        assertThat(alert.path("alert").path("window").path("start").asText())
                .isEqualTo(Instant.ofEpochMilli(firstFailure).toString());
        assertThat(alert.path("alert").path("window").path("end").asText())
                .isEqualTo(Instant.ofEpochMilli(firstFailure + 9 * 2_000).toString());
        JsonNode evidence = alert.path("alert").path("evidence");
        assertThat(evidence).hasSize(10);
        for (JsonNode e : evidence) {
            assertThat(e.path("source").path("ip").asText()).isEqualTo(ATTACKER);
            assertThat(e.path("event").path("outcome").asText()).isEqualTo("failure");
            assertThat(e.path("event").path("original").asText())
                    .contains("Failed password for root");
        }

        List<JsonNode> dead = deadLetters(3);
        assertThat(dead)
                .extracting(d -> d.path("reason_code").asText())
                .containsExactlyInAnyOrder("wrong_format", "wrong_format", "malformed");
        assertThat(dead)
                .allSatisfy(
                        d -> {
                            assertThat(d.path("topic").asText()).isEqualTo(topic);
                            assertThat(d.path("department").asText()).isEqualTo("so-yt");
                            assertThat(d.path("raw").asText()).isNotEmpty();
                        });

        runJob("it-" + UUID.randomUUID());
        List<ObjectNode> second = alerts();
        assertThat(second).hasSize(1);
        assertThat(second.get(0)).isEqualTo(alert);
    }

    private static List<ObjectNode> alerts() throws Exception {
        try (ElasticsearchClient client =
                ElasticsearchClients.create(
                        ElasticsearchSettings.of(SERVICES.elasticsearchUrl()))) {
            AlertSearch search = new AlertSearch(client);
            search.refresh();
            List<ObjectNode> out = new ArrayList<>();
            for (String ip : List.of(ATTACKER, NEAR_MISS, SLOW)) {
                out.addAll(search.search(Map.of("source.ip", ip), null, 100));
            }
            return out;
        }
    }

    private static List<JsonNode> deadLetters(int expected) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SERVICES.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(SocTopics.DLQ));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (topic.equals(r.key())) {
                        out.add(readTree(r.value()));
                    }
                }
            }
            // Anything more would be a record dead-lettered twice.
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
                if (topic.equals(r.key())) {
                    out.add(readTree(r.value()));
                }
            }
        }
        return out;
    }

    private static JsonNode readTree(String s) {
        try {
            return org.socengine.model.Json.mapper().readTree(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
