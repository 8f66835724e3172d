package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.jobs.testing.Await;
import org.socengine.jobs.testing.CollectingSink;
import org.socengine.model.Alert;
import org.socengine.model.SocTopics;
import org.socengine.rules.engine.CompiledRule;

/**
 * Deploys, changes, breaks and removes a rule through {@code soc.rules} while the job runs on the
 * real broker: no restart, the broken version refused with its error on {@code soc.rules.status}
 * and the previous version still alerting, the rules already running untouched throughout.
 */
class RuleHotReloadITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    /** One partition per decode subtask, so that no subtask waits for a partition it lacks. */
    private static final int PARTITIONS = 2;

    private static final String BRUTE_FORCE = "6f1c2a8e-3b7d-4c1e-9a55-0d2b8e4f7a10";
    private static final String HOT = "0e5b7d1c-9f7a-4d5e-8c3b-2a1f6e4d9c77";
    private static final long T0 = Instant.parse("2026-11-21T02:00:00Z").toEpochMilli();
    private static final DateTimeFormatter BSD =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);

    private final Map<String, JsonNode> statuses = new ConcurrentHashMap<>();
    private String topic;
    private KafkaProducer<String, String> producer;
    private int port = 30000;

    private static String hotRule(int version, int threshold, boolean broken) {
        return String.join(
                "\n",
                "id: " + HOT,
                "name: Repeated failures for the hot-reload account",
                "description: A test rule deployed while the job runs.",
                "version: " + version,
                "severity: low",
                "risk_score: 10",
                "status: test",
                "tags: [attack.credential_access, attack.t1110]",
                "reads: [syslog]",
                "group_by: [source.ip]",
                "suppress: {for: 10m}",
                "epl: |",
                "  select window(*) as evidence, count(*) as failures",
                "  from Auth(event.action = 'ssh_login' and event.outcome = 'failure' and user.name = 'hotreload')#time(60 sec)",
                "  group by source.ip",
                broken
                        ? "  having count(*) >= " + threshold + " and nosuchfunction(source.ip)"
                        : "  having count(*) >= " + threshold,
                "triage: Test rule.",
                "");
    }

    private void failures(long start, String ip, String user, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            send(0, start + i * 2_000L, ip, user);
        }
    }

    private void send(int partition, long t, String ip, String user) throws Exception {
        String line =
                "<38>"
                        + BSD.format(Instant.ofEpochMilli(t))
                        + " yt-app-01 sshd[77]: Failed password for "
                        + user
                        + " from "
                        + ip
                        + " port "
                        + (port++)
                        + " ssh2";
        producer.send(new ProducerRecord<>(topic, partition, t, "so-yt", line))
                .get(10, TimeUnit.SECONDS);
    }

    private void endPhase(long phaseStart, int phase, CollectingSink<Alert> alerts)
            throws Exception {
        String marker = "198.51.100.21" + phase;
        failures(phaseStart + 20_000, marker, "root", 8);
        // The tick goes to both partitions: each decode subtask reads one, and event time is the
        // least of theirs.
        for (int partition = 0; partition < PARTITIONS; partition++) {
            send(partition, phaseStart + 120_000, "192.0.2." + (10 + phase), "tick");
        }
        Await.until(
                "the marker alert of phase " + phase,
                Duration.ofSeconds(60),
                () ->
                        alerts.values().stream()
                                .anyMatch(a -> marker.equals(a.entity.get("source.ip"))));
    }

    private void publishRule(String yaml) throws Exception {
        producer.send(new ProducerRecord<>(SocTopics.RULES, HOT, yaml)).get(10, TimeUnit.SECONDS);
    }

    private void awaitStatus(int version, String status) {
        Await.until(
                "status " + status + " of version " + version,
                Duration.ofSeconds(60),
                () -> {
                    JsonNode n = statuses.get(HOT);
                    return n != null
                            && n.path("version").asInt() == version
                            && n.path("status").asText().equals(status);
                });
    }

    @Test
    void rulesChangeWhileTheJobRuns() throws Exception {
        topic = "soc.raw.syslog.hotreload-" + UUID.randomUUID().toString().substring(0, 8);
        SERVICES.kafka().createTopic(topic, PARTITIONS);
        KafkaSettings kafka = KafkaSettings.of(SERVICES.bootstrapServers());
        producer = SERVICES.stringProducer();

        List<CompiledRule> initial =
                RuleSets.compileAll(Path.of("..", "rules", "detections")).stream()
                        .filter(r -> r.id().equals(BRUTE_FORCE))
                        .toList();
        CollectingSink<Alert> alerts = new CollectingSink<>();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARTITIONS);
        DetectionJob.build(
                env,
                SocKafka.rawSource(
                        kafka,
                        List.of(topic),
                        "hot-" + UUID.randomUUID(),
                        OffsetsInitializer.earliest()),
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                initial,
                ControlStreams.fromKafka(env, kafka, "hot-" + UUID.randomUUID()),
                List.of(alerts),
                null,
                // No partition goes idle during the test, so event time moves with the events
                // alone. With a short idle timeout it depended on processing time: a raw input
                // quiet for longer than the timeout (a slow send on a loaded machine) while a rule
                // had just arrived let the control stream's end-of-time watermark through
                // (docs/operations.md, "Known limit"); the detectors' clock jumped a window past
                // the marker events evaluated so far, which left it before the rest came, and the
                // marker alert never fired. No reading pace either: partition 1 has only the
                // ticks, and a paced reader would hold partition 0 back until the next tick.
                DetectionJobOptions.defaults()
                        .withParallelism(PARTITIONS)
                        .withIdleness(Duration.ofMinutes(10))
                        .withMaxPartitionDrift(Duration.ZERO));
        JobClient job = env.executeAsync("hot-reload");
        Thread statusReader = new Thread(this::readStatuses, "status-reader");
        statusReader.setDaemon(true);
        statusReader.start();
        try {
            // Each phase ends with a brute force from a marker address and a later line that moves
            // the watermark past the phase; the marker's alert proves the phase was evaluated
            // before the next rule change.
            // Before the rule exists: nothing of it fires.
            failures(T0, "203.0.113.200", "hotreload", 3);
            endPhase(T0, 0, alerts);

            publishRule(hotRule(1, 3, false));
            awaitStatus(1, "deployed");
            failures(T0 + 600_000, "203.0.113.201", "hotreload", 3);
            endPhase(T0 + 600_000, 1, alerts);

            publishRule(hotRule(2, 5, false));
            awaitStatus(2, "deployed");
            failures(T0 + 1_200_000, "203.0.113.202", "hotreload", 3);
            failures(T0 + 1_200_000, "203.0.113.203", "hotreload", 5);
            endPhase(T0 + 1_200_000, 2, alerts);

            publishRule(hotRule(3, 2, true));
            awaitStatus(3, "refused");
            assertThat(statuses.get(HOT).path("error").asText())
                    .contains("soc.rules/" + HOT)
                    .contains("nosuchfunction");
            failures(T0 + 1_800_000, "203.0.113.204", "hotreload", 5);
            endPhase(T0 + 1_800_000, 3, alerts);

            producer.send(new ProducerRecord<>(SocTopics.RULES, HOT, null))
                    .get(10, TimeUnit.SECONDS);
            awaitStatus(2, "removed");
            failures(T0 + 2_400_000, "203.0.113.205", "hotreload", 5);
            endPhase(T0 + 2_400_000, 4, alerts);

            Map<String, List<String>> byRule = new java.util.TreeMap<>();
            for (Alert a : alerts.values()) {
                if (!a.update) {
                    byRule.computeIfAbsent(
                                    a.ruleId + " v" + a.ruleVersion,
                                    k -> new java.util.ArrayList<>())
                            .add(a.entity.get("source.ip"));
                }
            }
            assertThat(byRule)
                    .containsOnlyKeys(HOT + " v1", HOT + " v2", BRUTE_FORCE + " v1")
                    .containsEntry(HOT + " v1", List.of("203.0.113.201"));
            assertThat(byRule.get(HOT + " v2"))
                    .containsExactlyInAnyOrder("203.0.113.203", "203.0.113.204");
            assertThat(byRule.get(BRUTE_FORCE + " v1"))
                    .containsExactlyInAnyOrder(
                            "198.51.100.210",
                            "198.51.100.211",
                            "198.51.100.212",
                            "198.51.100.213",
                            "198.51.100.214");
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(SocTopics.RULES, HOT, null))
                    .get(10, TimeUnit.SECONDS);
            producer.close();
        }
    }

    private void readStatuses() {
        try (KafkaConsumer<String, String> consumer = SERVICES.stringConsumer("latest")) {
            consumer.subscribe(List.of(SocTopics.RULES_STATUS));
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        statuses.put(
                                r.key(), org.socengine.model.Json.mapper().readTree(r.value()));
                    } catch (java.io.IOException e) {
                        // Not a status record.
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // Test over.
        }
    }
}
