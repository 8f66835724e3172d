package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.notify.ChannelSpec;
import org.socengine.connectors.notify.FileDeliveryLedger;
import org.socengine.connectors.notify.SecretResolver;
import org.socengine.connectors.testing.LoopbackHttpServer;
import org.socengine.jobs.testing.CollectingSink;
import org.socengine.jobs.testing.KillSwitch;
import org.socengine.jobs.testing.RecoveryRuns;
import org.socengine.model.Notification;
import org.socengine.model.NotificationOutcome;

/**
 * The dispatcher in a real job on a MiniCluster, killed several times while notifications flow and
 * restored from its last checkpoint each time: the loopback receivers' logs (one webhook checking
 * signatures, one that is down so every notification for it falls back) hold every idempotency key
 * exactly once.
 */
class NotificationDeliveryRecoveryITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = RecoveryRuns.miniCluster();

    static final String SECRET = "recovery-secret-5e1d";

    @Test
    void killedRepeatedlyTheReceiversGetEachKeyExactlyOnce(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, SECRET);
        try (LoopbackHttpServer receiver =
                LoopbackHttpServer.start().verifyingWith(SECRET).down("/chat")) {
            Map<String, ChannelSpec> channels = new HashMap<>();
            for (String name : List.of("oncall", "chat", "ciso")) {
                channels.put(
                        name,
                        NotificationDispatcherTest.webhook(name, receiver.url("/" + name), secret));
            }
            List<Notification> notifications = new ArrayList<>();
            Set<String> expected = new LinkedHashSet<>();
            for (int i = 0; i < 300; i++) {
                String incident = "inc-" + i;
                notifications.add(NotificationDispatcherTest.n(incident, 1, "oncall"));
                expected.add(incident + ":1:oncall:1");
                if (i % 3 == 0) {
                    // Tier 2 on a channel that is down: its fallback, ciso, is told instead.
                    notifications.add(NotificationDispatcherTest.n(incident, 2, "chat", "ciso"));
                    expected.add(incident + ":2:ciso:1");
                }
            }

            StreamExecutionEnvironment env =
                    RecoveryRuns.restartingFromCheckpoints(dir.resolve("checkpoints"), 2);

            String switchId = UUID.randomUUID().toString();
            // A paced source: barriers travel between the records instead of behind all of them,
            // so checkpoints complete while notifications flow and kills land mid-stream.
            List<Notification> data = List.copyOf(notifications);
            DataStream<Notification> in =
                    env.fromSource(
                                    new DataGeneratorSource<>(
                                            index -> data.get((int) (long) index),
                                            data.size(),
                                            RateLimiterStrategy.perSecond(150),
                                            TypeInformation.of(Notification.class)),
                                    WatermarkStrategy.noWatermarks(),
                                    "notifications")
                            .setParallelism(1)
                            .uid("notifications")
                            .map(
                                    new KillSwitch<Notification>(
                                            switchId, Set.of(80L, 160L, 240L, 320L), 0))
                            .returns(TypeInformation.of(Notification.class))
                            .name("kill switch")
                            .uid("kill-switch");
            CollectingSink<NotificationOutcome> outcomes = new CollectingSink<>();
            NotificationDispatcher.deliver(
                            in,
                            new NotificationDispatcher(
                                    channels,
                                    SecretResolver.environmentAndFiles(),
                                    new FileDeliveryLedger(dir.resolve("ledger"))))
                    .sinkTo(outcomes)
                    .name("outcomes");
            env.execute("notification-recovery");

            assertThat(KillSwitch.kills(switchId)).isGreaterThanOrEqualTo(3);
            RecoveryRuns.assertEachKeyOnce(receiver.acceptedKeys(), expected, "keys received");
            assertThat(receiver.accepted()).allMatch(LoopbackHttpServer.Request::signatureValid);
            // Every delivery and every failure of the down channel reached the output (an
            // outcome may come twice across a restore; the incident keeps one per key).
            Set<String> delivered =
                    outcomes.values().stream()
                            .filter(o -> o.ok)
                            .map(o -> o.idempotencyKey)
                            .collect(Collectors.toSet());
            assertThat(delivered).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(outcomes.values())
                    .filteredOn(o -> !o.ok)
                    .allMatch(o -> o.channel.equals("chat") && o.error.contains("503"));
        }
    }
}
