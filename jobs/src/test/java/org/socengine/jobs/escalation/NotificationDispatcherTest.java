package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.notify.ChannelSpec;
import org.socengine.connectors.notify.FileDeliveryLedger;
import org.socengine.connectors.notify.SecretResolver;
import org.socengine.connectors.testing.LoopbackHttpServer;
import org.socengine.model.Notification;
import org.socengine.model.NotificationOutcome;

/**
 * The dispatcher in an operator harness with snapshots, restores and crashes placed by the test; a
 * real webhook receiver on loopback (checking the signature) keeps the log of what arrived, and
 * that log is the proof: each idempotency key exactly once, none missing.
 */
class NotificationDispatcherTest {

    static final String SECRET = "dispatcher-test-secret-91";

    @TempDir Path dir;
    LoopbackHttpServer receiver;
    Map<String, ChannelSpec> channels;
    FileDeliveryLedger ledger;

    @BeforeEach
    void setUp() throws Exception {
        receiver = LoopbackHttpServer.start().verifyingWith(SECRET).down("/chat");
        Path secret = dir.resolve("secret");
        Files.writeString(secret, SECRET);
        channels =
                Map.of(
                        "oncall", webhook("oncall", receiver.url("/oncall"), secret),
                        "chat", webhook("chat", receiver.url("/chat"), secret),
                        "ciso", webhook("ciso", receiver.url("/ciso"), secret));
        ledger = new FileDeliveryLedger(dir.resolve("ledger"));
    }

    static ChannelSpec webhook(String name, String url, Path secret) {
        return new ChannelSpec(
                name,
                "webhook",
                Map.of(
                        "url", url,
                        "secret", "file:" + secret,
                        "max_attempts", "3",
                        // No waits between retries: the test never sleeps.
                        "backoff_base_ms", "0",
                        "backoff_cap_ms", "0",
                        "timeout_ms", "5000"));
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    KeyedTwoInputStreamOperatorTestHarness<
                    String, Notification, EscalationControl, NotificationOutcome>
            harness(NotificationDispatcher d) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                d, n -> n.incidentId, c -> "", Types.STRING);
    }

    NotificationDispatcher dispatcher() {
        return new NotificationDispatcher(channels, SecretResolver.environmentAndFiles(), ledger);
    }

    static Notification n(String incident, int tier, String channel, String... fallbacks) {
        Notification n = new Notification();
        n.incidentId = incident;
        n.kind = tier == 1 ? Notification.OPENED : Notification.ESCALATED;
        n.departmentId = "dept-health";
        n.severity = "high";
        n.risk = 60;
        n.title = "incident " + incident;
        n.tier = tier;
        n.channel = channel;
        n.fallbackChannels = List.of(fallbacks);
        n.idempotencyKey = Notification.idempotencyKey(incident, tier, channel, 1);
        return n;
    }

    static List<NotificationOutcome> outcomes(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, Notification, EscalationControl, NotificationOutcome>
                    h) {
        List<NotificationOutcome> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof org.apache.flink.streaming.runtime.streamrecord.StreamRecord<?> r) {
                out.add((NotificationOutcome) r.getValue());
            }
        }
        return out;
    }

    @Test
    void sendsOnlyOnceTheCheckpointThatRecordedTheNotificationHasCompleted() throws Exception {
        try (var h = harness(dispatcher())) {
            h.open();
            h.processElement1(n("i1", 1, "oncall"), 0);
            h.processElement1(n("i2", 1, "oncall"), 0);
            assertThat(receiver.requests()).isEmpty();
            h.snapshot(1, 10);
            assertThat(receiver.requests()).as("checkpoint taken, not yet complete").isEmpty();
            h.notifyOfCompletedCheckpoint(1);
            assertThat(receiver.acceptedKeys()).containsExactly("i1:1:oncall:1", "i2:1:oncall:1");
            assertThat(receiver.requests()).allMatch(LoopbackHttpServer.Request::signatureValid);
            assertThat(outcomes(h))
                    .extracting(o -> o.idempotencyKey + " " + o.ok + " " + o.attempts)
                    .containsExactly("i1:1:oncall:1 true 1", "i2:1:oncall:1 true 1");
        }
    }

    @Test
    void aCrashAfterSendingAndBeforeTheNextCheckpointNeitherRepeatsNorLosesADelivery()
            throws Exception {
        OperatorSubtaskState s2;
        try (var h = harness(dispatcher())) {
            h.open();
            h.processElement1(n("i1", 1, "oncall"), 0);
            h.processElement1(n("i2", 1, "oncall"), 0);
            h.snapshot(1, 10);
            h.processElement1(n("i3", 1, "oncall"), 0);
            h.notifyOfCompletedCheckpoint(1); // i1, i2 sent
            h.processElement1(n("i4", 1, "oncall"), 0);
            s2 = h.snapshot(2, 20); // i3, i4 pending in the checkpoint
            h.notifyOfCompletedCheckpoint(2); // i3, i4 sent
            h.processElement1(n("i5", 1, "oncall"), 0);
            // Crash: no checkpoint 3. Checkpoint 2 still says i3 and i4 are pending.
        }
        assertThat(receiver.acceptedKeys()).hasSize(4);

        try (var h = harness(dispatcher())) {
            h.initializeState(s2);
            h.open();
            // The source replays what came after checkpoint 2, and an upstream replay repeats
            // notifications that checkpoint 2 already holds.
            h.processElement1(n("i5", 1, "oncall"), 0);
            h.processElement1(n("i1", 1, "oncall"), 0);
            h.processElement1(n("i3", 1, "oncall"), 0);
            h.snapshot(3, 30);
            h.notifyOfCompletedCheckpoint(3);
            assertThat(outcomes(h))
                    .as(
                            "i3 and i4 come out again from the ledger (their first outcomes were after"
                                    + " checkpoint 2), i5 is sent")
                    .extracting(o -> o.idempotencyKey)
                    .containsExactlyInAnyOrder("i3:1:oncall:1", "i4:1:oncall:1", "i5:1:oncall:1");
        }
        assertThat(receiver.acceptedKeys())
                .containsExactly(
                        "i1:1:oncall:1",
                        "i2:1:oncall:1",
                        "i3:1:oncall:1",
                        "i4:1:oncall:1",
                        "i5:1:oncall:1");
    }

    @Test
    void aCrashBetweenACheckpointAndItsCompletionSendsAfterTheRestore() throws Exception {
        OperatorSubtaskState s1;
        try (var h = harness(dispatcher())) {
            h.open();
            h.processElement1(n("i1", 2, "oncall"), 0);
            s1 = h.snapshot(1, 10);
            // Crash before checkpoint 1 is confirmed: nothing was sent.
        }
        assertThat(receiver.requests()).isEmpty();
        try (var h = harness(dispatcher())) {
            h.initializeState(s1);
            h.open();
            h.processElement1(n("i1", 2, "oncall"), 0); // replayed: already accepted
            h.snapshot(2, 20);
            h.notifyOfCompletedCheckpoint(2);
        }
        assertThat(receiver.acceptedKeys()).containsExactly("i1:2:oncall:1");
    }

    @Test
    void aFailingChannelIsRecordedAndTheNextChannelOfTheTierIsToldOnce() throws Exception {
        try (var h = harness(dispatcher())) {
            h.open();
            // Tier 2 has chat, then oncall: both get their own notification of the step.
            h.processElement1(n("i9", 2, "chat", "oncall"), 0);
            h.processElement1(n("i9", 2, "oncall"), 0);
            h.snapshot(1, 10);
            h.notifyOfCompletedCheckpoint(1);
            assertThat(outcomes(h))
                    .extracting(
                            o ->
                                    o.channel
                                            + " "
                                            + o.ok
                                            + " "
                                            + o.attempts
                                            + " "
                                            + o.statusCode
                                            + " "
                                            + o.idempotencyKey
                                            + " "
                                            + o.fallbackFor)
                    .containsExactly(
                            "chat false 3 503 i9:2:chat:1 null",
                            "oncall true 1 200 i9:2:oncall:1 i9:2:chat:1");
            assertThat(outcomes(h).get(0).error).contains("HTTP 503", "no attempts left");
        }
        assertThat(receiver.requests().stream().filter(r -> r.path().equals("/chat"))).hasSize(3);
        assertThat(receiver.acceptedKeys()).containsExactly("i9:2:oncall:1");
        var body = receiver.accepted().get(0).body();
        assertThat(body).contains("\"channel\":\"oncall\"");
    }

    @Test
    void theEndOfABoundedInputSendsWhatIsPending() throws Exception {
        try (var h = harness(dispatcher())) {
            h.open();
            h.processElement1(n("i1", 1, "oncall"), 0);
            h.snapshot(1, 10);
            h.processElement1(n("i2", 1, "oncall"), 0);
            h.endInput1();
            assertThat(receiver.acceptedKeys()).containsExactly("i1:1:oncall:1", "i2:1:oncall:1");
            assertThat(outcomes(h)).hasSize(2);
            h.notifyOfCompletedCheckpoint(1);
            assertThat(receiver.acceptedKeys()).hasSize(2);
        }
    }

    @Test
    void anUnknownChannelFailsWithAReasonAndFallsBack() throws Exception {
        try (var h = harness(dispatcher().deliveringAtOnce())) {
            h.open();
            h.processElement1(n("i7", 3, "pager", "ciso"), 0);
            assertThat(outcomes(h))
                    .extracting(o -> o.channel + " " + o.ok + " " + o.error)
                    .containsExactly(
                            "pager false no channel named 'pager' in the policy", "ciso true null");
        }
        assertThat(receiver.acceptedKeys()).containsExactly("i7:3:ciso:1");
    }

    @Test
    void aNotificationWithoutAKeyComesOutAsAFailureInsteadOfVanishing() throws Exception {
        try (var h = harness(dispatcher().deliveringAtOnce())) {
            h.open();
            Notification bad = n("i8", 1, "oncall");
            bad.idempotencyKey = null;
            h.processElement1(bad, 0);
            assertThat(outcomes(h)).hasSize(1);
            assertThat(outcomes(h).get(0).ok).isFalse();
            assertThat(outcomes(h).get(0).error).contains("without an idempotency key");
        }
        assertThat(receiver.requests()).isEmpty();
    }

    @Test
    void aBadChannelFailsTheJobsBuildWithItsProblems() {
        assertThatThrownBy(
                        () ->
                                new NotificationDispatcher(
                                        Map.of("x", new ChannelSpec("x", "webhook", Map.of())),
                                        SecretResolver.environmentAndFiles(),
                                        ledger))
                .hasMessageContaining("channel 'x' (webhook): url is required");
    }

    @Test
    void fallbackKeysAreTheFallbackChannelsOwnKeyForTheStep() {
        Notification n = n("inc:with:colons", 2, "chat", "oncall");
        assertThat(NotificationDispatcher.keyFor(n, "oncall"))
                .isEqualTo("inc:with:colons:2:oncall:1");
        n.idempotencyKey = "custom";
        assertThat(NotificationDispatcher.keyFor(n, "oncall")).isEqualTo("custom~oncall");
    }

    /** A policy whose webhook channels point at this test's receiver. */
    String policy(String oncallPath, boolean withPager) {
        Path secret = dir.resolve("secret");
        String hook =
                "{url: \"%s\", secret: \"file:%s\", max_attempts: \"3\", backoff_base_ms: \"0\","
                        + " backoff_cap_ms: \"0\"}";
        return "version: 1\n"
                + "channels:\n"
                + "  - {name: oncall, type: webhook, settings: "
                + String.format(hook, receiver.url(oncallPath), secret)
                + "}\n"
                + "  - {name: ciso, type: webhook, settings: "
                + String.format(hook, receiver.url("/ciso"), secret)
                + "}\n"
                + (withPager
                        ? "  - {name: pager, type: webhook, settings: "
                                + String.format(hook, receiver.url("/pager"), secret)
                                + "}\n"
                        : "")
                + "defaults:\n"
                + "  tiers:\n"
                + "    high:\n"
                + "      - {name: on-call, channels: [oncall], ack_within: 15m}\n"
                + "      - {name: CISO, channels: [ciso]}\n";
    }

    @Test
    void aReloadedPolicyMovesAChannelAndAddsOneAlsoAcrossARestore() throws Exception {
        EscalationPolicy reloaded =
                EscalationPolicy.parse("soc.escalation-policy/0@1", policy("/oncall-v2", true));
        OperatorSubtaskState snapshot;
        try (var h = harness(dispatcher().deliveringAtOnce())) {
            h.open();
            h.processElement1(n("r1", 1, "oncall"), 0);
            h.processElement2(EscalationControl.policy(reloaded), 0);
            h.processElement1(n("r2", 1, "oncall"), 0);
            h.processElement1(n("r3", 2, "pager"), 0);
            snapshot = h.snapshot(1, 10);
        }
        assertThat(receiver.accepted())
                .extracting(r -> r.path() + " " + r.header("Idempotency-Key"))
                .containsExactly(
                        "/oncall r1:1:oncall:1", "/oncall-v2 r2:1:oncall:1", "/pager r3:2:pager:1");
        // Restored, it keeps the reloaded channels, not the ones it was built with.
        try (var h = harness(dispatcher().deliveringAtOnce())) {
            h.initializeState(snapshot);
            h.open();
            h.processElement1(n("r4", 1, "oncall"), 0);
        }
        assertThat(receiver.accepted().get(3).path()).isEqualTo("/oncall-v2");
    }

    @Test
    void aPendingNotificationGoesToTheChannelAsItIsWhenSent() throws Exception {
        EscalationPolicy reloaded =
                EscalationPolicy.parse("soc.escalation-policy/0@2", policy("/oncall-v2", false));
        try (var h = harness(dispatcher())) {
            h.open();
            h.processElement1(n("p1", 1, "oncall"), 0);
            h.snapshot(1, 10);
            h.processElement2(EscalationControl.policy(reloaded), 0);
            h.notifyOfCompletedCheckpoint(1);
        }
        assertThat(receiver.accepted()).extracting(r -> r.path()).containsExactly("/oncall-v2");
    }
}
