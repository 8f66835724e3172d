package org.socengine.connectors.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.model.NotificationOutcome;

/**
 * The Kafka delivery ledger on the real broker: it creates its compacted topic, a delivery recorded
 * by one session is known to the next (a restarted dispatcher), and the last record of a key wins.
 */
class KafkaDeliveryLedgerITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    static NotificationOutcome delivered(String key, String channel) {
        NotificationOutcome o = new NotificationOutcome();
        o.idempotencyKey = key;
        o.incidentId = "inc-1";
        o.tier = 1;
        o.channel = channel;
        o.ok = true;
        o.attempts = 1;
        o.statusCode = 200;
        o.at = 1_790_000_000_000L;
        return o;
    }

    @Test
    void whatOneSessionRecordsTheNextKnows() throws Exception {
        String topic =
                "soc.notifications.delivered-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaSettings kafka = KafkaSettings.of(SERVICES.bootstrapServers());
        KafkaDeliveryLedger ledger = new KafkaDeliveryLedger(kafka, topic, Duration.ofDays(7));
        try (DeliveryLedger.Session s = ledger.open()) {
            assertThat(s.find("inc-1:1:oncall:1")).isNull();
            s.record(delivered("inc-1:1:oncall:1", "oncall"));
            s.record(delivered("inc-1:2:ciso:1", "ciso"));
            assertThat(s.find("inc-1:1:oncall:1")).isNotNull();
        }
        try (DeliveryLedger.Session s = ledger.open()) {
            assertThat(s.find("inc-1:1:oncall:1").channel).isEqualTo("oncall");
            assertThat(s.find("inc-1:2:ciso:1").ok).isTrue();
            assertThat(s.find("inc-1:3:ciso:1")).isNull();
            NotificationOutcome again = delivered("inc-1:1:oncall:1", "oncall");
            again.attempts = 2;
            s.record(again);
        }
        try (DeliveryLedger.Session s = ledger.open()) {
            assertThat(s.find("inc-1:1:oncall:1").attempts).isEqualTo(2);
        }
        try (Admin admin = Admin.create(kafka.toProperties())) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config c = admin.describeConfigs(java.util.List.of(r)).all().get().get(r);
            assertThat(c.get("cleanup.policy").value()).contains("compact");
            assertThat(c.get("retention.ms").value())
                    .isEqualTo(Long.toString(Duration.ofDays(7).toMillis()));
        }
    }
}
