package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.elasticsearch.AlertSearch;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.AlertIndexer;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.jobs.testing.CollectingSink;
import org.socengine.local.LocalKafka;
import org.socengine.local.WorkDirs;
import org.socengine.model.Alert;
import org.socengine.model.AlertIds;
import org.socengine.model.AlertJson;
import org.socengine.model.SocTopics;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.sim.DepartmentTrafficSimulator;

/**
 * The Kafka broker the job reads from and writes alerts to is stopped in the middle of the stream
 * (half of it read, the first alerts written) and started again on its port and data; the second
 * half then arrives and the job, told at its start where the stream ends, reads it to the end. The
 * alerts in {@code soc.alerts} and in Elasticsearch are then exactly those of a run without the
 * restart: every alert and update once, none lost, none twice. The broker is one of its own, so the
 * shared one stays up for the other tests.
 */
class KafkaBrokerRestartITCase {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerRestartITCase.class);

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String BRUTE_FORCE = "6f1c2a8e-3b7d-4c1e-9a55-0d2b8e4f7a10";
    private static final String TOPIC = "soc.raw.syslog.restart";
    private static final Duration START = Duration.ofSeconds(120);

    private static LocalKafka broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = LocalKafka.start(WorkDirs.defaultWorkDir().resolve("broker-restart"), START);
        broker.createStandardTopics(1);
        broker.createTopic(TOPIC, 2);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aBrokerRestartMidStreamLosesAndDuplicatesNoAlert() throws Exception {
        // A month no other test writes alerts for, so the shared node's documents are this run's.
        long start = Instant.parse("2026-10-05T00:00:00Z").toEpochMilli();
        DepartmentTrafficSimulator sim =
                new DepartmentTrafficSimulator(
                        23,
                        start,
                        Duration.ofMinutes(8).toMillis(),
                        15,
                        6,
                        DepartmentDirectory.defaults());
        List<DepartmentTrafficSimulator.SimEvent> events = sim.events();
        // Each department's lines in one partition, in time order; the job is told where the
        // stream will end before half of it exists.
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (DepartmentTrafficSimulator.SimEvent e : events) {
            ends.merge(partitionOf(e), 1L, Long::sum);
        }
        int half = events.size() / 2;
        produce(events.subList(0, half));
        List<CompiledRule> rules = RuleSets.compileAll(Path.of("..", "rules", "detections"));

        JobClient job =
                env(
                                rules,
                                OffsetsInitializer.offsets(ends),
                                List.of(
                                        SocKafka.alertSink(
                                                KafkaSettings.of(broker.bootstrapServers())),
                                        AlertIndexer.builder()
                                                .settings(
                                                        ElasticsearchSettings.of(
                                                                SERVICES.elasticsearchUrl()))
                                                .build()),
                                "restart")
                        .executeAsync("broker-restart");
        // The first half's attacks have alerted: the job is in the middle of its stream, its
        // source connected, its sinks have written.
        long before = awaitAlerts(1, Duration.ofMinutes(2));
        LOG.info("{} alert records in soc.alerts; stopping the broker", before);
        broker.stop();
        assertThat(broker.isAlive()).isFalse();
        assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
        broker.restart(START);
        LOG.info("broker back; producing the second half");
        produce(events.subList(half, events.size()));
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);

        // The reference: the same records, the same job, nothing broken.
        CollectingSink<Alert> reference = new CollectingSink<>();
        env(rules, OffsetsInitializer.latest(), List.of(reference), "reference")
                .execute("broker-restart-reference");
        Map<String, String> expected = finalVersions(reference.values());
        assertThat(expected).isNotEmpty();
        for (DepartmentTrafficSimulator.Attack a : sim.plan().attacks()) {
            assertThat(expected)
                    .containsKey(
                            AlertIds.of(
                                    BRUTE_FORCE,
                                    1,
                                    a.sourceIp() + "|" + a.department(),
                                    firstFailure(events, a)));
        }

        List<Alert> inKafka = readAlerts();
        // Every alert, at its final count; how many suppression updates went out in between
        // depends on the pace of the stream, not on its content.
        assertThat(finalVersions(inKafka)).isEqualTo(expected);
        // No version of an alert written twice: nothing replayed.
        assertThat(versions(inKafka)).allSatisfy((v, n) -> assertThat(n).as(v).isEqualTo(1));

        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (Alert a : reference.values()) {
            ids.add(a.id);
        }
        try (ElasticsearchClient client =
                ElasticsearchClients.create(
                        ElasticsearchSettings.of(SERVICES.elasticsearchUrl()))) {
            AlertSearch search = new AlertSearch(client);
            search.refresh();
            Map<String, Integer> docs = new HashMap<>();
            for (String id : ids) {
                List<ObjectNode> found = search.search(Map.of("alert.id", id), null, 10);
                docs.put(id, found.size());
                if (!found.isEmpty()) {
                    assertThat(found.get(0).path("alert").path("count").asLong())
                            .as(id)
                            .isEqualTo(Long.parseLong(expected.get(id).split("\\|")[0]));
                }
            }
            assertThat(docs).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        }
    }

    private static int partition(String department) {
        return Math.floorMod(department.hashCode(), 2);
    }

    private static TopicPartition partitionOf(DepartmentTrafficSimulator.SimEvent e) {
        return new TopicPartition(TOPIC, partition(e.department()));
    }

    private static void produce(List<DepartmentTrafficSimulator.SimEvent> events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (DepartmentTrafficSimulator.SimEvent e : events) {
                producer.send(
                        new ProducerRecord<>(
                                TOPIC,
                                partition(e.department()),
                                e.timestamp(),
                                e.department(),
                                e.line()));
            }
        }
    }

    private static StreamExecutionEnvironment env(
            List<CompiledRule> rules,
            OffsetsInitializer end,
            List<Sink<Alert>> sinks,
            String group) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers());
        DataStream<RawRecord> raw =
                env.fromSource(
                                SocKafka.boundedRawSource(
                                        kafka,
                                        List.of(TOPIC),
                                        group + "-" + UUID.randomUUID(),
                                        end),
                                WatermarkStrategy.noWatermarks(),
                                "raw")
                        .uid("raw-source");
        DetectionJob.build(
                raw,
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                rules,
                null,
                sinks,
                null,
                // The wait for the second half must not make partitions idle: the watermark would
                // then move past records not yet produced, and alerts on them would come out late
                // (other ids than the reference's).
                DetectionJobOptions.defaults()
                        .withParallelism(2)
                        .withIdleness(Duration.ofMinutes(3)));
        return env;
    }

    /**
     * Each alert's last version: its count, suppressed count and last seen at the highest count.
     */
    private static Map<String, String> finalVersions(List<Alert> alerts) {
        Map<String, Alert> last = new TreeMap<>();
        for (Alert a : alerts) {
            last.merge(a.id, a, (x, y) -> y.count >= x.count ? y : x);
        }
        Map<String, String> out = new TreeMap<>();
        last.forEach(
                (id, a) ->
                        out.put(
                                id,
                                a.count
                                        + "|"
                                        + a.suppressedCount
                                        + "|"
                                        + (a.lastSeen > 0 ? a.lastSeen : a.timestamp)));
        return out;
    }

    /**
     * Each alert version (id, count, suppressed count, last seen) and how many times it was
     * written: a lost version is missing, a replayed one counts twice.
     */
    private static Map<String, Integer> versions(List<Alert> alerts) {
        Map<String, Integer> out = new TreeMap<>();
        for (Alert a : alerts) {
            out.merge(
                    a.id
                            + "|"
                            + a.count
                            + "|"
                            + a.suppressedCount
                            + "|"
                            + (a.lastSeen > 0 ? a.lastSeen : a.timestamp),
                    1,
                    Integer::sum);
        }
        return out;
    }

    private static long firstFailure(
            List<DepartmentTrafficSimulator.SimEvent> events, DepartmentTrafficSimulator.Attack a) {
        return events.stream()
                .filter(
                        e ->
                                e.line().contains("Failed password")
                                        && e.line().contains(" " + a.sourceIp() + " "))
                .mapToLong(DepartmentTrafficSimulator.SimEvent::timestamp)
                .min()
                .orElseThrow();
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(c);
    }

    private static long awaitAlerts(long atLeast, Duration timeout) throws InterruptedException {
        TopicPartition tp = new TopicPartition(SocTopics.ALERTS, 0);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> c = consumer()) {
            while (true) {
                long n = c.endOffsets(List.of(tp)).get(tp);
                if (n >= atLeast) {
                    return n;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "no alert reached soc.alerts within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(200);
            }
        }
    }

    /** Every record of soc.alerts, from the first offset to the end. */
    private static List<Alert> readAlerts() throws Exception {
        TopicPartition tp = new TopicPartition(SocTopics.ALERTS, 0);
        List<Alert> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = consumer()) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    Alert a =
                            AlertJson.fromTree(
                                    org.socengine.model.Json.mapper()
                                            .readTree(r.value().getBytes(StandardCharsets.UTF_8)));
                    assertThat(r.key()).isEqualTo(a.id);
                    out.add(a);
                }
            }
            assertThat(c.position(tp)).isEqualTo(end);
        }
        return out;
    }
}
