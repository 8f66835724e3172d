package org.socengine.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.elasticsearch.sink.AlertIndexer;
import org.socengine.connectors.elasticsearch.sink.internal.AlertIndexWriter;
import org.socengine.connectors.kafka.AlertStatusPublisher;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.connectors.testing.TestAlerts;
import org.socengine.connectors.testing.TestWriterContext;
import org.socengine.model.Alert;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.Json;
import org.socengine.model.SocTopics;

/**
 * The alert sink against the real node and broker: refused documents in the dead-letter topic while
 * the rest of the batch indexes (through the job's dead-letter sink, also inside a Flink job),
 * suppression updates folding into one document, department aliases, the analyst lifecycle,
 * retention by monthly index.
 */
class AlertIndexWriterITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final SinkWriter.Context NO_CONTEXT = TestWriterContext.NO_RECORD_CONTEXT;

    private static ElasticsearchClient client;
    private static ElasticsearchSettings settings;
    private static KafkaSettings kafka;

    @BeforeAll
    static void connect() throws Exception {
        settings = ElasticsearchSettings.of(SERVICES.elasticsearchUrl());
        client = ElasticsearchClients.create(settings);
        kafka = KafkaSettings.of(SERVICES.bootstrapServers());
    }

    @AfterAll
    static void disconnect() throws Exception {
        client.close();
    }

    private static String department(String what) {
        return "it-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * The writer as the job wires it: refused alerts go to the job's dead-letter sink ({@link
     * SocKafka#deadLetterSink}, here to a topic of the test's own), opened as Flink would.
     */
    private static AlertIndexWriter writer(String dlqTopic) throws Exception {
        TestWriterContext context = TestWriterContext.create();
        return new AlertIndexWriter(
                new AlertIndexWriter.Options(settings, 100, 1000, 1000, 0),
                context.getProcessingTimeService(),
                context.metricGroup(),
                dlqTopic == null
                        ? null
                        : SocKafka.deadLetterSink(kafka, dlqTopic).createWriter(context));
    }

    private static long now() {
        return Instant.now().toEpochMilli();
    }

    @Test
    void aMappingBreakingAlertGoesToTheDeadLetterTopicWhileTheOthersIndex() throws Exception {
        String dept = department("dlq");
        String topic = "it.dlq." + dept;
        SERVICES.kafka().createTopic(topic, 1);
        long t = now();
        Alert good1 = TestAlerts.alert(dept, "203.0.113.10", t);
        Alert bad = TestAlerts.alert(dept, "not-an-ip", t);
        Alert good2 = TestAlerts.alert(dept, "203.0.113.11", t);
        try (AlertIndexWriter w = writer(topic)) {
            w.write(good1, NO_CONTEXT);
            w.write(bad, NO_CONTEXT);
            w.write(good2, NO_CONTEXT);
            w.flush(false);
            assertThat(w.alertsRejected()).isEqualTo(1);
            assertThat(w.alertsDeadLettered()).isEqualTo(1);
        }
        String alias = AlertIndices.departmentAlias(dept);
        assertThat(TestAlerts.count(client, alias)).isEqualTo(2);
        String index = AlertIndices.indexFor(good1);
        assertThat(TestAlerts.get(client, index, good1.id)).isNotNull();
        assertThat(TestAlerts.get(client, index, good2.id)).isNotNull();
        assertThat(TestAlerts.get(client, index, bad.id)).isNull();

        List<ConsumerRecord<String, String>> dead = consume(topic, 1);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).key()).isEqualTo(SocTopics.ALERTS);
        JsonNode d = Json.mapper().readTree(dead.get(0).value());
        assertThat(d.path("reason_code").asText()).isEqualTo(AlertIndexWriter.REJECTED);
        assertThat(d.path("reason").asText()).contains("source.ip").containsIgnoringCase("pars");
        assertThat(d.path("alert_id").asText()).isEqualTo(bad.id);
        assertThat(d.path("index").asText()).isEqualTo(index);
        assertThat(d.path("status").asInt()).isEqualTo(400);
        assertThat(d.path("operation").asText()).isEqualTo("create");
        assertThat(d.path("topic").asText()).isEqualTo(SocTopics.ALERTS);
        assertThat(d.path("department").asText()).isEqualTo(dept);
        JsonNode raw = Json.mapper().readTree(d.path("raw").asText());
        assertThat(raw.path("source").path("ip").asText()).isEqualTo("not-an-ip");
        assertThat(raw.path("alert").path("id").asText()).isEqualTo(bad.id);
    }

    @Test
    void inAJobARefusedAlertLeavesThroughTheDeadLetterSinkTheJobGaveTheIndexer() throws Exception {
        String dept = department("jobdlq");
        String topic = "it.dlq." + dept;
        SERVICES.kafka().createTopic(topic, 1);
        long t = now();
        Alert good = TestAlerts.alert(dept, "203.0.113.20", t);
        Alert bad = TestAlerts.alert(dept, "not-an-ip", t);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(List.of(good, bad), TypeInformation.of(Alert.class))
                .sinkTo(
                        AlertIndexer.builder()
                                .settings(settings)
                                .refusedAlertsTo(SocKafka.deadLetterSink(kafka, topic))
                                .build())
                .name("alerts → Elasticsearch")
                .uid("alert-sink");
        env.execute("refused alert through the dead-letter sink");

        assertThat(TestAlerts.get(client, AlertIndices.indexFor(good), good.id)).isNotNull();
        List<ConsumerRecord<String, String>> dead = consume(topic, 1);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).key()).isEqualTo(SocTopics.ALERTS);
        JsonNode d = Json.mapper().readTree(dead.get(0).value());
        assertThat(d.path("reason_code").asText()).isEqualTo(AlertIndexWriter.REJECTED);
        assertThat(d.path("reason").asText()).contains("source.ip");
        assertThat(d.path("topic").asText()).isEqualTo(SocTopics.ALERTS);
        assertThat(d.path("alert_id").asText()).isEqualTo(bad.id);
    }

    @Test
    void anUpdateFoldsRepeatsIntoTheOneDocument() throws Exception {
        String dept = department("upd");
        long t = now() - 60_000;
        Alert first = TestAlerts.alert(dept, "198.51.100.7", t);
        String index = AlertIndices.indexFor(first);
        try (AlertIndexWriter w = writer(null)) {
            w.write(first, NO_CONTEXT);
            w.flush(false);
            w.write(TestAlerts.update(first, 40, t + 20_000), NO_CONTEXT);
            w.write(TestAlerts.update(first, 57, t + 30_000), NO_CONTEXT);
            w.flush(false);
            // Both updates carried the totals: only the newer one went into the bulk.
            assertThat(w.updatesCoalesced()).isEqualTo(1);
            // A replay after a restore re-sends the create: it must not reset the count.
            w.write(first, NO_CONTEXT);
            w.flush(false);
        }
        assertThat(TestAlerts.count(client, AlertIndices.departmentAlias(dept))).isEqualTo(1);
        ObjectNode doc = TestAlerts.get(client, index, first.id);
        assertThat(doc.path("alert").path("count").asLong()).isEqualTo(57);
        assertThat(doc.path("alert").path("suppressed_count").asLong()).isEqualTo(56);
        assertThat(doc.path("alert").path("status").asText()).isEqualTo("open");
        assertThat(Instant.parse(doc.path("alert").path("last_seen").asText()).toEpochMilli())
                .isEqualTo(t + 30_000);
        assertThat(
                        Instant.parse(doc.path("alert").path("window").path("end").asText())
                                .toEpochMilli())
                .isEqualTo(t + 30_000);
        // What the partial update does not name is the original's.
        assertThat(doc.path("rule").path("id").asText()).isEqualTo(first.ruleId);
        assertThat(doc.path("source").path("ip").asText()).isEqualTo("198.51.100.7");
    }

    /** Processing time the test moves, and the timers registered on it, fired when it says. */
    private static final class SteppedTime
            implements org.apache.flink.api.common.operators.ProcessingTimeService {
        long now = 1_000_000;
        final java.util.TreeMap<Long, List<ProcessingTimeCallback>> timers =
                new java.util.TreeMap<>();

        @Override
        public long getCurrentProcessingTime() {
            return now;
        }

        @Override
        public java.util.concurrent.ScheduledFuture<?> registerTimer(
                long timestamp, ProcessingTimeCallback target) {
            timers.computeIfAbsent(timestamp, t -> new ArrayList<>()).add(target);
            return TestAlerts.manualTime().registerTimer(timestamp, target);
        }

        /** Moves the clock to {@code to}, firing every timer due by then. */
        void advanceTo(long to) throws Exception {
            now = to;
            while (!timers.isEmpty() && timers.firstKey() <= to) {
                var due = timers.pollFirstEntry();
                for (ProcessingTimeCallback c : due.getValue()) {
                    c.onProcessingTime(due.getKey());
                }
            }
        }
    }

    @Test
    void newAlertsGoAtOnceAndUpdatesWaitForTheInterval() throws Exception {
        String dept = department("prompt");
        SteppedTime time = new SteppedTime();
        List<String> indexed = new ArrayList<>();
        long t = now() - 60_000;
        try (AlertIndexWriter w =
                new AlertIndexWriter(
                        new AlertIndexWriter.Options(settings, 100, 1000, 1000, 0),
                        time,
                        TestWriterContext.create().metricGroup(),
                        null,
                        new org.socengine.connectors.metrics.AlertIndexMetrics(
                                new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
                        (id, update, at) -> indexed.add((update ? "update " : "") + id))) {
            Alert first = TestAlerts.alert(dept, "198.51.100.20", t);
            w.write(first, NO_CONTEXT);
            // Due now: the bulk goes as soon as the task is free, not a period later.
            assertThat(time.timers.firstKey()).isEqualTo(time.now);
            time.advanceTo(time.now);
            assertThat(indexed).containsExactly(first.id);

            // Updates of it 300 ms later wait for the interval since that bulk; the newer
            // replaces the older.
            long bulkAt = time.now;
            time.advanceTo(bulkAt + 300);
            w.write(TestAlerts.update(first, 12, t + 1000), NO_CONTEXT);
            w.write(TestAlerts.update(first, 15, t + 2000), NO_CONTEXT);
            assertThat(time.timers.keySet()).containsExactly(bulkAt + 1000);

            // A new alert meanwhile goes at once and takes the waiting update along.
            time.advanceTo(bulkAt + 400);
            Alert second = TestAlerts.alert(dept, "198.51.100.21", t);
            w.write(second, NO_CONTEXT);
            assertThat(time.timers.firstKey()).isEqualTo(bulkAt + 400);
            time.advanceTo(bulkAt + 400);
            assertThat(indexed).containsExactly(first.id, "update " + first.id, second.id);

            // Two new alerts within the least gap after that bulk share the next one.
            time.advanceTo(bulkAt + 410);
            Alert third = TestAlerts.alert(dept, "198.51.100.22", t);
            Alert fourth = TestAlerts.alert(dept, "198.51.100.23", t);
            w.write(third, NO_CONTEXT);
            w.write(fourth, NO_CONTEXT);
            time.advanceTo(bulkAt + 449);
            assertThat(indexed).hasSize(3);
            time.advanceTo(bulkAt + 450);
            assertThat(indexed).endsWith(third.id, fourth.id);
            // The superseded timer (the updates' second) finds nothing to do.
            time.advanceTo(bulkAt + 1000);
            assertThat(indexed).hasSize(5);
            assertThat(time.timers).isEmpty();
        }
        assertThat(TestAlerts.count(client, AlertIndices.departmentAlias(dept))).isEqualTo(4);
        assertThat(
                        TestAlerts.get(
                                        client,
                                        AlertIndices.indexFor(
                                                TestAlerts.alert(dept, "198.51.100.20", t)),
                                        TestAlerts.alert(dept, "198.51.100.20", t).id)
                                .path("alert")
                                .path("count")
                                .asLong())
                .isEqualTo(15);
    }

    @Test
    void anUpdateWhoseCreateWasNeverWrittenBecomesTheDocument() throws Exception {
        String dept = department("ups");
        Alert first = TestAlerts.alert(dept, "198.51.100.8", now());
        try (AlertIndexWriter w = writer(null)) {
            w.write(TestAlerts.update(first, 9, first.timestamp + 1000), NO_CONTEXT);
            w.flush(true);
        }
        ObjectNode doc = TestAlerts.get(client, AlertIndices.indexFor(first), first.id);
        assertThat(doc).isNotNull();
        assertThat(doc.path("alert").path("count").asLong()).isEqualTo(9);
        assertThat(doc.path("rule").path("name").asText()).isEqualTo(first.ruleName);
    }

    @Test
    void everyDepartmentIndexIsBehindBothAliasesAndAFreshWriterReusesIt() throws Exception {
        String a = department("alias-a");
        String b = department("alias-b");
        long t = now();
        try (AlertIndexWriter w = writer(null)) {
            w.write(TestAlerts.alert(a, "192.0.2.1", t), NO_CONTEXT);
            w.write(TestAlerts.alert(b, "192.0.2.2", t), NO_CONTEXT);
            w.flush(false);
        }
        // A new writer (a restart) knows nothing about the index: the alias step is idempotent.
        try (AlertIndexWriter w = writer(null)) {
            w.write(TestAlerts.alert(a, "192.0.2.3", t), NO_CONTEXT);
            w.flush(false);
        }
        assertThat(TestAlerts.count(client, AlertIndices.departmentAlias(a))).isEqualTo(2);
        assertThat(TestAlerts.count(client, AlertIndices.departmentAlias(b))).isEqualTo(1);
        var aliases =
                client.indices().getAlias(g -> g.index(AlertIndices.indexFor(a, t))).aliases();
        assertThat(aliases.get(AlertIndices.indexFor(a, t)).aliases().keySet())
                .containsExactlyInAnyOrder(AlertIndices.ALIAS, AlertIndices.departmentAlias(a));
        assertThat(AlertIndices.ilmAvailable(client)).isFalse();
        String template = AlertIndices.templateJson();
        assertThat(
                        client.indices()
                                .getIndexTemplate(g -> g.name(AlertIndices.TEMPLATE))
                                .indexTemplates())
                .hasSize(1);
        assertThat(template).contains("soc-alerts-*");
    }

    @Test
    void analystsAcknowledgeAndCloseAndAClosedAlertIsFinal() throws Exception {
        String dept = department("life");
        Alert a = TestAlerts.alert(dept, "203.0.113.77", now());
        try (AlertIndexWriter w = writer(null)) {
            w.write(a, NO_CONTEXT);
            w.flush(false);
        }
        // No refresh here on purpose: the writer must find a just-indexed alert.
        AlertStatusWriter status = new AlertStatusWriter(client);
        AlertStatusWriter.Applied ack =
                status.apply(AlertStatusChange.acknowledge(a.id, "analyst1", now()));
        assertThat(ack.changed()).isTrue();
        assertThat(ack.previousStatus()).isEqualTo("open");
        assertThat(ack.index()).isEqualTo(AlertIndices.indexFor(a));
        assertThat(ack.change().ruleId).isEqualTo(a.ruleId);
        assertThat(ack.change().groupKey).isEqualTo("203.0.113.77");
        assertThat(ack.change().departmentId).isEqualTo(dept);

        // The writer's count update between ack and close leaves the status alone.
        try (AlertIndexWriter w = writer(null)) {
            w.write(TestAlerts.update(a, 12, a.timestamp + 5000), NO_CONTEXT);
            w.flush(false);
        }
        long closedAt = now();
        AlertStatusChange fp =
                AlertStatusChange.close(a.id, "false_positive", "analyst2", closedAt, "backup job");
        assertThat(status.apply(fp).changed()).isTrue();
        // The job applying the same change from soc.alert-status changes nothing.
        assertThat(
                        status.apply(
                                        AlertStatusChange.close(
                                                a.id, "false_positive", "analyst2", closedAt, null))
                                .changed())
                .isFalse();
        assertThatThrownBy(
                        () ->
                                status.apply(
                                        AlertStatusChange.close(
                                                a.id, "true_positive", "analyst3", now(), null)))
                .isInstanceOf(AlertStatusRefused.class)
                .hasMessageContaining("already closed as false_positive");
        assertThatThrownBy(
                        () -> status.apply(AlertStatusChange.acknowledge("no-such-id", "x", now())))
                .isInstanceOf(AlertStatusRefused.class)
                .hasMessageContaining("no alert with id no-such-id");

        ObjectNode doc = TestAlerts.get(client, AlertIndices.indexFor(a), a.id);
        JsonNode alert = doc.path("alert");
        assertThat(alert.path("status").asText()).isEqualTo("closed");
        assertThat(alert.path("disposition").asText()).isEqualTo("false_positive");
        assertThat(alert.path("status_by").asText()).isEqualTo("analyst2");
        assertThat(alert.path("status_comment").asText()).isEqualTo("backup job");
        assertThat(alert.path("count").asLong()).isEqualTo(12);
    }

    @Test
    void statusChangesTravelThroughKafkaAsPublished() throws Exception {
        String topic = "it.status." + UUID.randomUUID().toString().substring(0, 8);
        SERVICES.kafka().createTopic(topic, 1);
        AlertStatusChange c = AlertStatusChange.close("abc", "benign", "analyst", now(), "ok");
        c.ruleId = "r";
        c.groupKey = "k";
        try (AlertStatusPublisher p =
                new AlertStatusPublisher(kafka, topic, Duration.ofSeconds(20))) {
            p.publish(c);
        }
        List<ConsumerRecord<String, String>> got = consume(topic, 1);
        assertThat(got.get(0).key()).isEqualTo("abc");
        assertThat(AlertStatusChange.fromJson(got.get(0).value()))
                .usingRecursiveComparison()
                .isEqualTo(c);
    }

    @Test
    void retentionDropsWholeMonthsPastTheLimitOnly() throws Exception {
        String dept = department("ret");
        long old = Instant.parse("2025-01-15T10:00:00Z").toEpochMilli();
        long kept = Instant.parse("2026-09-15T10:00:00Z").toEpochMilli();
        try (AlertIndexWriter w = writer(null)) {
            w.write(TestAlerts.alert(dept, "192.0.2.50", old), NO_CONTEXT);
            w.write(TestAlerts.alert(dept, "192.0.2.51", kept), NO_CONTEXT);
            w.flush(false);
        }
        AlertRetention r = new AlertRetention(client);
        String oldIndex = AlertIndices.indexFor(dept, old);
        String keptIndex = AlertIndices.indexFor(dept, kept);
        assertThat(r.alertIndices()).contains(oldIndex, keptIndex);
        AlertRetention.Outcome dry = r.apply(12, YearMonth.of(2026, 11), true);
        assertThat(dry.dropped()).contains(oldIndex).doesNotContain(keptIndex);
        assertThat(r.alertIndices()).contains(oldIndex);
        AlertRetention.Outcome real = r.apply(12, YearMonth.of(2026, 11), false);
        assertThat(real.dropped()).contains(oldIndex);
        assertThat(r.alertIndices()).doesNotContain(oldIndex).contains(keptIndex);
        assertThat(TestAlerts.count(client, AlertIndices.departmentAlias(dept))).isEqualTo(1);
    }

    private static List<ConsumerRecord<String, String>> consume(String topic, int atLeast) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SERVICES.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
            // A little longer, to see a record that should not be there.
            consumer.poll(Duration.ofSeconds(1)).forEach(out::add);
        }
        return out;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
