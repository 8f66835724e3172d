package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
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
import org.socengine.jobs.testing.KillSwitch;
import org.socengine.sim.DepartmentTrafficSimulator;

/**
 * The job is killed at seeded random moments (and once in the middle of a brute force) while a
 * stream with K known attacks flows, and restored from its last checkpoint each time. Elasticsearch
 * ends with exactly one alert per attack: none lost, none duplicated.
 */
class FailureRecoveryITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static final String BRUTE_FORCE = "6f1c2a8e-3b7d-4c1e-9a55-0d2b8e4f7a10";

    @Test
    void killedRepeatedlyTheJobEndsWithExactlyOneAlertPerAttack(@TempDir Path checkpoints)
            throws Exception {
        String topic = "soc.raw.syslog.recovery-" + UUID.randomUUID().toString().substring(0, 8);
        SERVICES.kafka().createTopic(topic, 2);
        long start = Instant.parse("2026-11-22T00:00:00Z").toEpochMilli();
        DepartmentTrafficSimulator sim =
                new DepartmentTrafficSimulator(
                        11,
                        start,
                        Duration.ofMinutes(8).toMillis(),
                        15,
                        6,
                        DepartmentDirectory.defaults());
        List<DepartmentTrafficSimulator.SimEvent> events = sim.events();
        DepartmentTrafficSimulator.Attack first = sim.plan().attacks().get(0);

        long midAttack = -1;
        int failuresSeen = 0;
        try (KafkaProducer<String, String> producer = SERVICES.stringProducer()) {
            for (int i = 0; i < events.size(); i++) {
                DepartmentTrafficSimulator.SimEvent e = events.get(i);
                producer.send(
                        new ProducerRecord<>(topic, null, e.timestamp(), e.department(), e.line()));
                if (e.line().contains("Failed password")
                        && e.line().contains(" " + first.sourceIp() + " ")
                        && ++failuresSeen == 4) {
                    midAttack = i + 1;
                }
            }
        }
        assertThat(midAttack).isPositive();
        Random rnd = new Random(20261122);
        Set<Long> kills = new TreeSet<>();
        kills.add(midAttack);
        // Seven planned over the first third: positions count replayed records too, and a kill
        // only happens once its attempt has checkpointed.
        while (kills.size() < 7) {
            kills.add(500L + rnd.nextInt(events.size() / 3));
        }

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 50);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(conf);
        env.setParallelism(2);
        env.enableCheckpointing(150);

        KafkaSettings kafka = KafkaSettings.of(SERVICES.bootstrapServers());
        String switchId = UUID.randomUUID().toString();
        DataStream<RawRecord> raw =
                env.fromSource(
                                SocKafka.boundedRawSource(
                                        kafka, List.of(topic), "recovery-" + switchId),
                                WatermarkStrategy.noWatermarks(),
                                "raw")
                        .uid("raw-source")
                        .map(new KillSwitch<RawRecord>(switchId, kills, 1_000_000))
                        .returns(TypeInformation.of(RawRecord.class))
                        .name("kill switch")
                        .uid("kill-switch");
        DetectionJob.build(
                raw,
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                RuleSets.compileAll(Path.of("..", "rules", "detections")),
                null,
                List.of(
                        AlertIndexer.builder()
                                .settings(ElasticsearchSettings.of(SERVICES.elasticsearchUrl()))
                                .build()),
                null,
                DetectionJobOptions.defaults()
                        .withParallelism(2)
                        .withIdleness(Duration.ofSeconds(1)));
        env.execute("failure-recovery");

        // Every planned kill fired: a kill due before its attempt's first checkpoint slows the
        // stream until the checkpoint comes (KillSwitch), so a slow restore cannot outlast it.
        assertThat(KillSwitch.kills(switchId))
                .as(
                        "kills planned at %s of %d events; records seen %d",
                        kills, events.size(), KillSwitch.seen(switchId))
                .isEqualTo(kills.size());
        try (ElasticsearchClient client =
                ElasticsearchClients.create(
                        ElasticsearchSettings.of(SERVICES.elasticsearchUrl()))) {
            AlertSearch search = new AlertSearch(client);
            search.refresh();
            // The node is shared with the other ITCases, whose simulated attackers have the same
            // addresses in other months: only this run's month counts.
            String since = Instant.ofEpochMilli(start).toString();
            Map<String, List<String>> bruteForceByIp = new HashMap<>();
            for (DepartmentTrafficSimulator.Attack a : sim.plan().attacks()) {
                List<String> ids = new ArrayList<>();
                for (ObjectNode doc :
                        search.search(
                                Map.of("rule.id", BRUTE_FORCE, "source.ip", a.sourceIp()),
                                since,
                                50)) {
                    ids.add(doc.path("alert").path("id").asText());
                    assertThat(doc.path("organization").path("id").asText())
                            .isEqualTo(a.department());
                }
                bruteForceByIp.put(a.sourceIp(), ids);
            }
            assertThat(bruteForceByIp).allSatisfy((ip, ids) -> assertThat(ids).as(ip).hasSize(1));
            for (DepartmentTrafficSimulator.NearMiss n : sim.plan().nearMisses()) {
                assertThat(
                                search.search(
                                        Map.of("rule.id", BRUTE_FORCE, "source.ip", n.sourceIp()),
                                        since,
                                        50))
                        .as(n.why())
                        .isEmpty();
            }
            // Every rule, not only the brute force: one document per rule and group key and window.
            Map<String, Integer> perKey = new HashMap<>();
            for (DepartmentTrafficSimulator.Attack a : sim.plan().attacks()) {
                for (ObjectNode doc :
                        search.search(Map.of("source.ip", a.sourceIp()), since, 200)) {
                    perKey.merge(
                            doc.path("rule").path("id").asText() + "|" + a.sourceIp(),
                            1,
                            Integer::sum);
                }
            }
            assertThat(perKey).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        }
        assertThat(Files.list(checkpoints).count()).isPositive();
    }
}
