package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.notify.FileDeliveryLedger;
import org.socengine.connectors.notify.SecretResolver;
import org.socengine.connectors.testing.LoopbackHttpServer;
import org.socengine.jobs.internal.NotificationMetrics;
import org.socengine.jobs.internal.SocMetrics;

/** Deliveries and failures reach the engine's meters per channel. */
class NotificationMetricsTest {

    @TempDir Path dir;

    @Test
    void sentAndFailedNotificationsAreCountedPerChannel() throws Exception {
        NotificationMetrics metrics = NotificationMetrics.of(SocMetrics.registry());
        try (LoopbackHttpServer receiver =
                LoopbackHttpServer.start()
                        .verifyingWith(NotificationDispatcherTest.SECRET)
                        .down("/metrics-chat")) {
            Path secret = dir.resolve("secret");
            Files.writeString(secret, NotificationDispatcherTest.SECRET);
            var channels =
                    Map.of(
                            "metrics-oncall",
                            NotificationDispatcherTest.webhook(
                                    "metrics-oncall", receiver.url("/metrics-oncall"), secret),
                            "metrics-chat",
                            NotificationDispatcherTest.webhook(
                                    "metrics-chat", receiver.url("/metrics-chat"), secret));
            double sent = metrics.sentCount("metrics-oncall");
            double failed = metrics.failedCount("metrics-chat");
            NotificationDispatcher d =
                    new NotificationDispatcher(
                            channels,
                            SecretResolver.environmentAndFiles(),
                            new FileDeliveryLedger(dir.resolve("ledger")));
            try (var h =
                    new KeyedTwoInputStreamOperatorTestHarness<>(
                            d, n -> n.incidentId, c -> "", Types.STRING)) {
                h.open();
                // The chat channel is down: it fails, then its fallback delivers.
                h.processElement1(
                        NotificationDispatcherTest.n("m1", 2, "metrics-chat", "metrics-oncall"), 0);
                h.snapshot(1, 10);
                h.notifyOfCompletedCheckpoint(1);
            }
            assertThat(metrics.failedCount("metrics-chat") - failed).isEqualTo(1);
            assertThat(metrics.sentCount("metrics-oncall") - sent).isEqualTo(1);
        }
        assertThat(SocMetrics.registry().scrape())
                .contains("soc_notifications_sent_total{channel=\"metrics-oncall\"}")
                .contains("soc_notifications_failed_total{channel=\"metrics-chat\"}");
    }
}
