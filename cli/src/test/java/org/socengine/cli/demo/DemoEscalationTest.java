package org.socengine.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.notify.DeliveryResult;
import org.socengine.connectors.notify.Notifier;
import org.socengine.connectors.notify.Notifiers;
import org.socengine.connectors.notify.SecretResolver;
import org.socengine.jobs.escalation.EscalationPolicy;
import org.socengine.model.Notification;

/**
 * The demo's escalation policy is valid and its channels reach the demo's receiver: a signed
 * webhook is accepted and logged with its tier, channel and incident; the down pager answers 503,
 * so its tier's next channel is tried; a wrong secret is refused.
 */
class DemoEscalationTest {

    static Notification notification(String channel) {
        Notification n = new Notification();
        n.incidentId = "inc-0123456789abcdef01234567";
        n.idempotencyKey = n.incidentId + ":0:" + channel + ":0";
        n.kind = Notification.OPENED;
        n.departmentId = "so-tc";
        n.severity = "high";
        n.risk = 88;
        n.title = "[HIGH] 1 alert on source.ip=203.0.113.20 (so-tc)";
        n.tier = 0;
        n.tierName = "department on-call";
        n.channel = channel;
        return n;
    }

    @Test
    void thePolicyReachesTheReceiverWhichChecksSignatures(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "demo-secret-for-the-test-0042");
        try (DemoWebhookReceiver receiver =
                DemoWebhookReceiver.start(
                        "demo-secret-for-the-test-0042", Set.of(DemoEscalation.DOWN_PATH))) {
            EscalationPolicy policy =
                    EscalationPolicy.parse("demo.yml", DemoEscalation.policy(receiver, secret));
            assertThat(policy.channels())
                    .containsOnlyKeys("dept-oncall", "soc-pager", "soc-webhook", "ciso");
            assertThat(policy.forDepartment("so-tc").tiers("high"))
                    .extracting(EscalationPolicy.Tier::name)
                    .containsExactly("department on-call", "provincial SOC", "CISO");

            try (Notifier oncall =
                            Notifiers.create(
                                    policy.channels().get("dept-oncall"),
                                    SecretResolver.environmentAndFiles());
                    Notifier pager =
                            Notifiers.create(
                                    policy.channels().get("soc-pager"),
                                    SecretResolver.environmentAndFiles())) {
                DeliveryResult ok = oncall.send(notification("dept-oncall"));
                assertThat(ok.ok()).isTrue();
                DeliveryResult down = pager.send(notification("soc-pager"));
                assertThat(down.ok()).isFalse();
                assertThat(down.attempts()).isEqualTo(2);
            }
            assertThat(receiver.received())
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.channel()).isEqualTo("dept-oncall");
                                assertThat(r.tier()).isZero();
                                assertThat(r.tierName()).isEqualTo("department on-call");
                                assertThat(r.incidentId())
                                        .isEqualTo("inc-0123456789abcdef01234567");
                                assertThat(r.idempotencyKey()).endsWith(":0:dept-oncall:0");
                            });
            assertThat(receiver.refused()).isEqualTo(2);

            // Signed with another secret: refused, not logged.
            Path wrong = dir.resolve("wrong");
            Files.writeString(wrong, "not-the-demo-secret-at-all-9");
            var spec =
                    new org.socengine.connectors.notify.ChannelSpec(
                            "dept-oncall",
                            "webhook",
                            java.util.Map.of(
                                    "url",
                                    receiver.url("/hooks/dept-oncall"),
                                    "secret",
                                    "file:" + wrong,
                                    "max_attempts",
                                    "1"));
            try (Notifier forged = Notifiers.create(spec, SecretResolver.environmentAndFiles())) {
                assertThat(forged.send(notification("dept-oncall")).ok()).isFalse();
            }
            assertThat(receiver.badSignatures()).isEqualTo(1);
            assertThat(receiver.received()).hasSize(1);
        }
    }
}
