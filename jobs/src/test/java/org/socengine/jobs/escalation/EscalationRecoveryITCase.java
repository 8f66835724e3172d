package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.RawRecordDeserializer;
import org.socengine.connectors.notify.KafkaDeliveryLedger;
import org.socengine.connectors.notify.SecretResolver;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.connectors.testing.LoopbackHttpServer;
import org.socengine.jobs.testing.CollectingSink;
import org.socengine.jobs.testing.KillSwitch;
import org.socengine.jobs.testing.RecoveryRuns;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;
import org.socengine.model.Incident;

/**
 * The whole escalation job (reader, correlator, dispatcher, outcome recorder) on a MiniCluster with
 * checkpoints, reading alerts from the real broker, delivering to real webhook receivers on
 * loopback (signatures checked; one channel down, so its tier's next channel is tried) with the
 * delivery ledger on Kafka. It is killed at several points while incidents climb their tiers and
 * restored each time from its last checkpoint. The receivers' logs are the proof: the killed run's
 * receivers got exactly the notifications of an uninterrupted run over the same alerts, each once.
 */
class EscalationRecoveryITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = RecoveryRuns.miniCluster();

    static final long T0 = IncidentCorrelatorTest.T0;
    static final long MIN = IncidentCorrelatorTest.MIN;
    static final String SECRET = "escalation-recovery-secret-77";
    static final int HOSTS = 30;

    /** What one run's receivers got, and the incidents it left. */
    record Run(
            List<String> keys,
            List<LoopbackHttpServer.Request> accepted,
            int refused,
            Map<String, Incident> incidents) {}

    /**
     * Kill points by records read (replays counted): as the first incidents open, while the first
     * tiers' deadlines pass, while the second tier is told, and near the end; two plans.
     */
    static java.util.stream.Stream<Set<Long>> killPlans() {
        return java.util.stream.Stream.of(
                Set.of(25L, 70L, 120L, 170L, 230L), Set.of(40L, 95L, 150L, 200L));
    }

    @ParameterizedTest
    @MethodSource("killPlans")
    void killedAtSeveralPointsTheReceiversGetEveryNotificationOnce(
            Set<Long> killPlan, @TempDir Path dir) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it-escalation-recovery-" + run;
        RecoveryRuns.createTopicKeepingOldRecords(SERVICES.kafka(), topic, 1);
        List<Alert> alerts = new ArrayList<>();
        for (int k = 0; k < HOSTS; k++) {
            alerts.add(
                    IncidentCorrelatorTest.alert(
                            "so-yt",
                            "host.name",
                            "web-" + k,
                            "r1",
                            "high",
                            80,
                            T0 + 2 * k * MIN,
                            "attack.credential_access"));
        }
        // Low alerts of one busy address: nobody is told of them, and they move event time on,
        // past the deadlines of every tier.
        for (int m = 0; m < 60 * 3; m++) {
            alerts.add(
                    IncidentCorrelatorTest.alert(
                            "so-tc", "source.ip", "198.51.100.7", "noise", "low", 1, T0 + m * MIN));
        }
        alerts.sort(Comparator.comparingLong(a -> a.timestamp));
        try (KafkaProducer<String, String> producer = SERVICES.stringProducer()) {
            for (Alert a : alerts) {
                producer.send(
                        new ProducerRecord<>(topic, null, a.timestamp, a.id, AlertJson.toJson(a)));
            }
        }
        Path secret = dir.resolve("secret");
        Files.writeString(secret, SECRET);

        Run reference = run(topic, "ref-" + run, secret, dir.resolve("ref"), Set.of());
        String switchId = UUID.randomUUID().toString();
        Run killed = run(topic, "kill-" + run, secret, dir.resolve("kill"), killPlan, switchId);
        assertThat(KillSwitch.kills(switchId)).isGreaterThanOrEqualTo(3);
        RecoveryRuns.assertNothingAgedOut(SERVICES.kafka(), topic);

        // Every incident reached the on-call, the provincial SOC (its chat is down: its webhook,
        // the tier's next channel, was told) and the CISO: three keys per host.
        assertThat(reference.keys()).hasSize(3 * HOSTS).doesNotHaveDuplicates();
        assertThat(reference.refused()).isPositive();
        // On a mismatch, say where each incident of the killed run stood.
        String where =
                killed.incidents().values().stream()
                        .map(
                                i ->
                                        i.entityValue
                                                + " rev "
                                                + i.revision
                                                + " tier "
                                                + i.tierReached
                                                + " "
                                                + i.notifications.stream()
                                                        .map(
                                                                x ->
                                                                        x.tier + "/" + x.channel
                                                                                + "/" + x.ok)
                                                        .toList())
                        .collect(Collectors.joining("\n"));
        RecoveryRuns.assertEachKeyOnce(
                killed.keys(), reference.keys(), "killed run's incidents:\n" + where);
        assertThat(killed.accepted()).allMatch(LoopbackHttpServer.Request::signatureValid);
        // The same incidents, none lost, none extra, each as far along as without the kills
        // (its alerts counted once however often they were replayed).
        assertThat(killed.incidents().keySet())
                .containsExactlyInAnyOrderElementsOf(reference.incidents().keySet());
        assertThat(killed.incidents().values())
                .extracting(Reached::of)
                .containsExactlyInAnyOrderElementsOf(
                        reference.incidents().values().stream().map(Reached::of).toList());

        // The incidents say who was told and who could not be: the chat failed, the rest sent.
        List<Incident> notified =
                killed.incidents().values().stream()
                        .filter(i -> !i.notifications.isEmpty())
                        .toList();
        assertThat(notified).hasSize(HOSTS);
        for (Incident i : notified) {
            assertThat(i.notifications)
                    .as(i.entityValue)
                    .extracting(s -> s.tier + " " + s.channel + " " + s.ok)
                    .containsExactly(
                            "0 oncall true", "1 soc-chat false", "1 soc true", "2 ciso true");
            Incident.Sent chat = i.notifications.get(1);
            assertThat(chat.error).contains("503");
            assertThat(chat.attempts).isEqualTo(2);
        }
    }

    /** What must not differ between an incident of the killed run and of the reference. */
    record Reached(String id, long alerts, int risk, String severity, int tier) {
        static Reached of(Incident i) {
            return new Reached(i.id, i.alertCount, i.risk, i.severity, i.tierReached);
        }
    }

    private static Run run(String topic, String group, Path secret, Path work, Set<Long> kills)
            throws Exception {
        return run(topic, group, secret, work, kills, UUID.randomUUID().toString());
    }

    private static Run run(
            String topic, String group, Path secret, Path work, Set<Long> kills, String switchId)
            throws Exception {
        try (LoopbackHttpServer oncall = LoopbackHttpServer.start().verifyingWith(SECRET);
                LoopbackHttpServer soc =
                        LoopbackHttpServer.start().verifyingWith(SECRET).down("/chat")) {
            EscalationPolicy policy =
                    EscalationPolicy.parse("recovery-policy.yml", policy(oncall, soc, secret));
            KafkaSettings kafka = KafkaSettings.of(SERVICES.bootstrapServers());

            StreamExecutionEnvironment env =
                    RecoveryRuns.restartingFromCheckpoints(work.resolve("checkpoints"), 1);

            KafkaSource<RawRecord> source =
                    KafkaSource.<RawRecord>builder()
                            .setBootstrapServers(kafka.bootstrapServers())
                            .setProperties(kafka.toProperties())
                            .setGroupId(group)
                            .setTopics(topic)
                            .setStartingOffsets(OffsetsInitializer.earliest())
                            .setBounded(OffsetsInitializer.latest())
                            .setDeserializer(new RawRecordDeserializer())
                            .build();
            DataStream<RawRecord> records =
                    env.fromSource(source, WatermarkStrategy.noWatermarks(), topic)
                            .uid("recovery-alerts")
                            // Paced, so that checkpoints complete between the records.
                            .map(new KillSwitch<RawRecord>(switchId, kills, 20_000_000L))
                            .returns(TypeInformation.of(RawRecord.class))
                            .name("kill switch")
                            .uid("kill-switch");
            CollectingSink<Incident> incidents = new CollectingSink<>();
            EscalationJob.build(
                    records,
                    null,
                    null,
                    policy,
                    new EscalationJob.Sinks(List.of(incidents), null, null, null),
                    EscalationJob.Dispatch.through(
                            new NotificationDispatcher(
                                    policy.channels(),
                                    SecretResolver.environmentAndFiles(),
                                    new KafkaDeliveryLedger(
                                            kafka, "it-ledger-" + group, Duration.ofDays(1)))),
                    EscalationJobOptions.defaults().withAlertDisorder(Duration.ZERO));
            env.execute("escalation-recovery-" + group);

            List<LoopbackHttpServer.Request> accepted = new ArrayList<>(oncall.accepted());
            accepted.addAll(soc.accepted());
            List<String> keys = new ArrayList<>(oncall.acceptedKeys());
            keys.addAll(soc.acceptedKeys());
            int refused = soc.requests().size() - soc.accepted().size();
            Map<String, Incident> latest = new LinkedHashMap<>();
            for (Incident i : incidents.values()) {
                Incident before = latest.get(i.id);
                if (before == null || before.documentVersion() <= i.documentVersion()) {
                    latest.put(i.id, i);
                }
            }
            return new Run(keys, accepted, refused, latest);
        }
    }

    static String policy(LoopbackHttpServer oncall, LoopbackHttpServer soc, Path secret) {
        String hook =
                "{url: \"%s\", secret: \"file:"
                        + secret
                        + "\", max_attempts: \"2\", backoff_base_ms: \"0\", backoff_cap_ms: \"0\"}";
        return "version: 1\n"
                + "grouping: {window: 1h, expire_after: 1d}\n"
                + "risk: {rule_cap: 80, tactic_bonus: 15,"
                + " bands: {medium: 40, high: 70, critical: 150}}\n"
                + "channels:\n"
                + "  - {name: oncall, type: webhook, settings: "
                + String.format(hook, oncall.url("/oncall"))
                + "}\n"
                + "  - {name: ciso, type: webhook, settings: "
                + String.format(hook, oncall.url("/ciso"))
                + "}\n"
                + "  - {name: soc-chat, type: webhook, settings: "
                + String.format(hook, soc.url("/chat"))
                + "}\n"
                + "  - {name: soc, type: webhook, settings: "
                + String.format(hook, soc.url("/soc"))
                + "}\n"
                + "defaults:\n"
                + "  time_zone: Asia/Ho_Chi_Minh\n"
                + "  renotify_every: 0m\n"
                + "  tiers:\n"
                + "    high:\n"
                + "      - {name: on-call, channels: [oncall], ack_within: 15m}\n"
                + "      - {name: provincial SOC, channels: [soc-chat, soc], ack_within: 30m}\n"
                + "      - {name: CISO, channels: [ciso]}\n";
    }
}
