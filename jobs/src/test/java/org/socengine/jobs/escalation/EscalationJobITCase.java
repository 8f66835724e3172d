package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.IncidentIndices;
import org.socengine.connectors.elasticsearch.sink.IncidentIndexer;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.RawRecordDeserializer;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.jobs.testing.CollectingSink;
import org.socengine.jobs.testing.RecoveryRuns;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;
import org.socengine.model.Incident;
import org.socengine.model.IncidentJson;
import org.socengine.model.Json;
import org.socengine.model.Notification;
import org.socengine.model.SocTopics;

/**
 * The escalation job on the real broker and node: alert documents in Kafka become one incident in
 * {@code soc-incidents-<department>-<month>} (template and aliases installed by the writer) and on
 * {@code soc.incidents}, keyed by its id; running the job again over the same alerts leaves the
 * same document.
 */
class EscalationJobITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = RecoveryRuns.miniCluster();

    static final long T0 = IncidentCorrelatorTest.T0;
    static final long MIN = IncidentCorrelatorTest.MIN;

    @Test
    void incidentsReachElasticsearchAndKafkaOnceEvenOnReplay() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it-escalation-alerts-" + run;
        String host = "yt-web-" + run;
        RecoveryRuns.createTopicKeepingOldRecords(SERVICES.kafka(), topic, 1);
        List<Alert> alerts =
                List.of(
                        IncidentCorrelatorTest.alert(
                                "so-yt",
                                "host.name",
                                host,
                                "r1",
                                "high",
                                73,
                                T0,
                                "attack.credential_access"),
                        IncidentCorrelatorTest.alert(
                                "so-yt",
                                "host.name",
                                host,
                                "r2",
                                "high",
                                47,
                                T0 + MIN,
                                "attack.execution"),
                        IncidentCorrelatorTest.alert(
                                "so-yt",
                                "host.name",
                                host,
                                "r3",
                                "high",
                                47,
                                T0 + 5 * MIN,
                                "attack.persistence"));
        try (KafkaProducer<String, String> producer = SERVICES.stringProducer()) {
            for (Alert a : alerts) {
                producer.send(
                        new ProducerRecord<>(topic, null, a.timestamp, a.id, AlertJson.toJson(a)));
            }
            producer.send(new ProducerRecord<>(topic, "broken", "{\"@timestamp\": 12"));
        }
        String id = Incident.idOf("so-yt", "host.name", host, T0);

        List<Notification> first = runJob(topic);
        assertThat(first).isNotEmpty();
        ObjectNode doc = incidentDocument(id);
        assertThat(doc.path("incident").path("alert_count").asLong()).isEqualTo(3);
        assertThat(doc.path("incident").path("risk").asInt()).isEqualTo(60 + 47 + 47 + 45);
        assertThat(doc.path("incident").path("severity").asText()).isEqualTo("critical");
        assertThat(doc.path("host").path("name").asText()).isEqualTo(host);
        assertThat(doc.path("organization").path("id").asText()).isEqualTo("so-yt");
        assertThat(doc.path("incident").path("alert_ids")).hasSize(3);
        long revision = doc.path("incident").path("revision").asLong();

        // Every version on soc.incidents, keyed by the incident id, the newest like the document.
        List<Incident> onKafka = incidentsOnKafka(id, revision);
        assertThat(onKafka).extracting(i -> i.revision).contains(revision);
        assertThat(onKafka).allSatisfy(i -> assertThat(i.id).isEqualTo(id));

        // The same alerts again (a new consumer group from the beginning): the same document.
        runJob(topic);
        ObjectNode again = incidentDocument(id);
        assertThat(again).isEqualTo(doc);
    }

    private static List<Notification> runJob(String topic) throws Exception {
        KafkaSettings kafka = KafkaSettings.of(SERVICES.bootstrapServers());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        KafkaSource<RawRecord> source =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setProperties(kafka.toProperties())
                        .setGroupId("it-escalation-" + UUID.randomUUID())
                        .setTopics(topic)
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setDeserializer(new RawRecordDeserializer())
                        .build();
        CollectingSink<Notification> notifications = new CollectingSink<>();
        EscalationJob.build(
                env.fromSource(source, WatermarkStrategy.noWatermarks(), topic).uid("it-alerts"),
                null,
                null,
                IncidentCorrelatorTest.policy(),
                new EscalationJob.Sinks(
                        List.of(
                                new IncidentIndexer(
                                        ElasticsearchSettings.of(SERVICES.elasticsearchUrl())),
                                SocKafka.incidentSink(kafka)),
                        null,
                        SocKafka.deadLetterSink(kafka),
                        null),
                EscalationJob.Dispatch.toSink(notifications),
                EscalationJobOptions.defaults());
        env.execute("escalation-it");
        return notifications.values();
    }

    private static ObjectNode incidentDocument(String id) throws Exception {
        try (ElasticsearchClient client =
                ElasticsearchClients.create(
                        ElasticsearchSettings.of(SERVICES.elasticsearchUrl()))) {
            client.indices().refresh(r -> r.index(IncidentIndices.ALIAS));
            SearchResponse<ObjectNode> r =
                    client.search(
                            s ->
                                    s.index(IncidentIndices.ALIAS)
                                            .query(
                                                    q ->
                                                            q.term(
                                                                    t ->
                                                                            t.field("incident.id")
                                                                                    .value(id))),
                            ObjectNode.class);
            assertThat(r.hits().hits()).hasSize(1);
            assertThat(r.hits().hits().get(0).index()).isEqualTo("soc-incidents-so-yt-2026.11");
            assertThat(
                            client.indices()
                                    .getAlias(a -> a.index("soc-incidents-so-yt-2026.11"))
                                    .get("soc-incidents-so-yt-2026.11")
                                    .aliases())
                    .containsKeys("soc-incidents", "soc-incidents-so-yt");
            return r.hits().hits().get(0).source();
        }
    }

    private static List<Incident> incidentsOnKafka(String id, long revision) throws Exception {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SERVICES.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-incidents-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<Incident> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(SocTopics.INCIDENTS));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.stream().noneMatch(i -> i.revision == revision)
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (id.equals(r.key())) {
                        JsonNode n = Json.mapper().readTree(r.value());
                        out.add(IncidentJson.fromTree(n));
                    }
                }
            }
        }
        return out;
    }
}
