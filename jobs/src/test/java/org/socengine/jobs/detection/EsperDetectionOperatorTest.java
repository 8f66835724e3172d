package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.engine.CompiledRule;

/** The detection operator on event time, through restores, without leaking state. */
class EsperDetectionOperatorTest {

    private static final long T0 = Instant.parse("2026-11-24T08:00:00Z").toEpochMilli();
    private static RuleFamilies families;
    private static List<CompiledRule> rules;

    @BeforeAll
    static void compileRules() throws Exception {
        rules = new ArrayList<>();
        for (CompiledRule r : RuleSets.compileAll(Path.of("..", "rules", "detections"))) {
            if (r.definition().name().equals("SSH brute force from one source")) {
                rules.add(r);
            }
        }
        assertThat(rules).hasSize(1);
        families = RuleFamilies.of(rules);
    }

    private static OneInputStreamOperatorTestHarness<Routed, Alert> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new EsperDetectionOperator(rules, 200));
    }

    private static final String FAMILY = "source.ip,organization.id";

    private static SecurityEvent failure(long t, String ip) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = t;
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "authentication";
        ev.action = "ssh_login";
        ev.outcome = "failure";
        ev.module = "syslog";
        e.ensureSource().ip = ip;
        e.ensureUser().name = "root";
        e.ensureOrganization().id = "so-yt";
        return e;
    }

    private static void send(OneInputStreamOperatorTestHarness<Routed, Alert> h, SecurityEvent e)
            throws Exception {
        RoutedInput.send(h, families, e);
    }

    private static List<Alert> alerts(OneInputStreamOperatorTestHarness<Routed, Alert> h) {
        List<Alert> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof Alert a && !a.update) {
                out.add(a);
            }
        }
        return out;
    }

    @Test
    void eventsWaitForTheWatermarkThenAlertOnce() throws Exception {
        try (var h = harness()) {
            h.open();
            // Out of order within the allowed lateness: the buffer puts them back in order.
            for (int i = 9; i >= 0; i--) {
                send(h, failure(T0 + i * 3_000, "203.0.113.9"));
            }
            assertThat(alerts(h)).isEmpty();
            h.processWatermark(new Watermark(T0 + 60_000));
            List<Alert> alerts = alerts(h);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).windowStart).isEqualTo(T0);
            assertThat(alerts.get(0).evidence).hasSize(8);
            assertThat(alerts.get(0).late).isFalse();
        }
    }

    private static List<Alert> updates(OneInputStreamOperatorTestHarness<Routed, Alert> h) {
        List<Alert> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof Alert a && a.update) {
                out.add(a);
            }
        }
        return out;
    }

    @Test
    void repeatsBecomeOneUpdateOfTheAlertWithTheFullCount() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 10; i++) {
                send(h, failure(T0 + i * 3_000, "203.0.113.12"));
            }
            h.processWatermark(new Watermark(T0 + 60_000));
            List<Alert> alerts = alerts(h);
            List<Alert> updates = updates(h);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).count).isEqualTo(8);
            assertThat(updates).hasSize(1);
            assertThat(updates.get(0).id).isEqualTo(alerts.get(0).id);
            assertThat(updates.get(0).count).isEqualTo(10);
            assertThat(updates.get(0).suppressedCount).isEqualTo(2);
            assertThat(updates.get(0).lastSeen).isEqualTo(T0 + 27_000);
        }
    }

    @Test
    void aRuleDeployedWhileRunningAlertsAndARemovedOneStops() throws Exception {
        String yaml =
                String.join(
                        "\n",
                        "id: 0e5b7d1c-9f7a-4d5e-8c3b-2a1f6e4d9c78",
                        "name: Three failures for one account",
                        "version: 1",
                        "severity: low",
                        "risk_score: 10",
                        "tags: [attack.credential_access, attack.t1110]",
                        "reads: [syslog]",
                        "group_by: [source.ip]",
                        "epl: |",
                        "  select window(*) as evidence from Auth(event.outcome = 'failure' and user.name = 'hot')#time(60 sec)",
                        "  group by source.ip having count(*) >= 3",
                        "");
        var rule =
                new org.socengine.rules.engine.RuleCompiler()
                        .compile(org.socengine.rules.RuleParser.parse("hot.yml", yaml));
        try (var h = harness()) {
            h.open();
            // The job has been running for a while when the rule arrives.
            send(h, failure(T0 - 600_000, "192.0.2.9"));
            h.processWatermark(new Watermark(T0 - 300_000));
            h.processElement(new StreamRecord<>(Routed.control(0, Control.deploy(rule))));
            for (int i = 0; i < 3; i++) {
                SecurityEvent e = failure(T0 + i * 1_000, "203.0.113.30");
                e.user.name = "hot";
                send(h, e);
            }
            h.processWatermark(new Watermark(T0 + 10_000));
            assertThat(alerts(h)).extracting(a -> a.ruleId).containsExactly(rule.id());
            h.processElement(new StreamRecord<>(Routed.control(0, Control.remove(rule.id()))));
            for (int i = 0; i < 3; i++) {
                SecurityEvent e = failure(T0 + 20_000 + i * 1_000, "203.0.113.31");
                e.user.name = "hot";
                send(h, e);
            }
            h.processWatermark(new Watermark(T0 + 40_000));
            assertThat(alerts(h)).hasSize(1);
        }
    }

    @Test
    void aKeyClosedAsFalsePositiveStaysQuietForASuppressionPeriod() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 8; i++) {
                send(h, failure(T0 + i * 3_000, "10.13.1.50"));
            }
            h.processWatermark(new Watermark(T0 + 60_000));
            List<Alert> first = alerts(h);
            assertThat(first).hasSize(1);
            // Nine minutes later an analyst closes it as a false positive (a backup job's stale
            // password).
            send(h, failure(T0 + 540_000, "192.0.2.200"));
            h.processWatermark(new Watermark(T0 + 540_000));
            h.processElement(
                    new StreamRecord<>(
                            Routed.control(
                                    0,
                                    Control.alertStatus(
                                            first.get(0).id, "closed", "false_positive"))));
            // Fifteen minutes in, the same job fails again: past the original ten minutes, but the
            // close restarted the period.
            for (int i = 0; i < 8; i++) {
                send(h, failure(T0 + 900_000 + i * 3_000, "10.13.1.50"));
            }
            h.processWatermark(new Watermark(T0 + 960_000));
            assertThat(alerts(h)).hasSize(1);
            // Once that period is over, the key alerts again.
            for (int i = 0; i < 8; i++) {
                send(h, failure(T0 + 1_300_000 + i * 3_000, "10.13.1.50"));
            }
            h.processWatermark(new Watermark(T0 + 1_360_000));
            assertThat(alerts(h)).hasSize(2);
        }
    }

    @Test
    void anEventBehindTheWatermarkIsEvaluatedAndItsAlertMarkedLate() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 7; i++) {
                send(h, failure(T0 + i * 3_000, "203.0.113.10"));
            }
            h.processWatermark(new Watermark(T0 + 30_000));
            send(h, failure(T0 + 25_000, "203.0.113.10"));
            List<Alert> alerts = alerts(h);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).late).isTrue();
        }
    }

    private static EsperDetectionOperator operator(long idleAdvance) {
        return new EsperDetectionOperator(
                rules,
                200,
                org.socengine.rules.RuleLimits.DEFAULTS,
                org.socengine.rules.engine.DetectionEngine.DEFAULT_CPU_SAMPLE_EVERY,
                idleAdvance);
    }

    /**
     * A brute force just before a quiet spell: with every input idle the event clock moves on with
     * the wall clock (here the harness's processing time) from where it stood, so the attack is
     * evaluated and alerted without waiting for the next event; while an input is active, and past
     * the bound of a spell, it does not move.
     */
    @Test
    void inAQuietSpellEventTimeFollowsTheWallClockUpToItsBound() throws Exception {
        EsperDetectionOperator op = operator(Duration.ofMinutes(10).toMillis());
        try (var h = new OneInputStreamOperatorTestHarness<>(op)) {
            h.setProcessingTime(0);
            h.open();
            for (int i = 0; i < 8; i++) {
                send(h, failure(T0 + i * 3_000, "203.0.113.40"));
            }
            h.processWatermark(new Watermark(T0 + 10_000));
            // Inputs active: processing time alone moves nothing.
            h.setProcessingTime(120_000);
            assertThat(alerts(h)).isEmpty();

            h.processWatermarkStatus(WatermarkStatus.IDLE);
            h.setProcessingTime(125_000);
            assertThat(alerts(h)).as("5 s into the spell: clock at T0+15s").isEmpty();
            h.setProcessingTime(180_000);
            List<Alert> alerts = alerts(h);
            assertThat(alerts).as("a minute into the spell").hasSize(1);
            assertThat(alerts.get(0).windowStart).isEqualTo(T0);
            assertThat(alerts.get(0).late).isFalse();
            assertThat(op.pendingEvents()).isZero();

            // Traffic again, then a spell of two hours: the clock stops at its bound, ten minutes
            // on. An event past it waits for the watermark; one before it is late.
            h.processWatermarkStatus(WatermarkStatus.ACTIVE);
            h.processWatermark(new Watermark(T0 + 690_000));
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            h.setProcessingTime(180_000 + Duration.ofHours(2).toMillis());
            send(h, failure(T0 + 690_000 + 600_001, "203.0.113.41"));
            assertThat(op.pendingEvents()).isEqualTo(1);
            send(h, failure(T0 + 690_000 + 599_000, "203.0.113.42"));
            assertThat(op.pendingEvents()).isEqualTo(1);
        }
    }

    @Test
    void withoutAnIdleAdvanceAQuietSpellLeavesTheClockWhereItStood() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(operator(0))) {
            h.setProcessingTime(0);
            h.open();
            for (int i = 0; i < 8; i++) {
                send(h, failure(T0 + i * 3_000, "203.0.113.43"));
            }
            h.processWatermark(new Watermark(T0 + 10_000));
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            h.setProcessingTime(Duration.ofHours(1).toMillis());
            assertThat(alerts(h)).isEmpty();
        }
    }

    /**
     * The end-of-time watermark (every input idle: the control streams' watermark alone) in a
     * checkpoint: after the restore the engines' clocks are real times, so the alerts of later
     * events carry their own time. Restored to the end of time, they carried Long.MAX_VALUE, which
     * Kafka refuses as a record timestamp: on the cluster the alert sink failed and its TaskManager
     * died after a resume from a savepoint.
     */
    @Test
    void aCheckpointAfterTheEndOfTimeWatermarkRestoresRealClocks() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            send(h, failure(T0, "192.0.2.1"));
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            snapshot = h.snapshot(1, T0);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            for (int i = 0; i < 8; i++) {
                send(restored, failure(T0 + 600_000 + i * 3_000, "192.0.2.2"));
            }
            List<Alert> alerts = alerts(restored);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).timestamp)
                    .isLessThan(T0 + Duration.ofDays(1).toMillis())
                    .isGreaterThanOrEqualTo(T0);
        }
    }

    @Test
    void anAttackSpanningARestoreIsDetectedExactlyOnce() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 5; i++) {
                send(h, failure(T0 + i * 3_000, "198.51.100.77"));
            }
            h.processWatermark(new Watermark(T0 + 13_000));
            send(h, failure(T0 + 15_000, "198.51.100.77"));
            snapshot = h.snapshot(1, T0);
            assertThat(alerts(h)).isEmpty();
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            for (int i = 6; i < 12; i++) {
                send(restored, failure(T0 + i * 3_000, "198.51.100.77"));
            }
            restored.processWatermark(new Watermark(T0 + 90_000));
            List<Alert> alerts = alerts(restored);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).windowStart).isEqualTo(T0);
            assertThat(alerts.get(0).entity).containsEntry("source.ip", "198.51.100.77");

            // A second restore from after the alert must not raise it again.
            OperatorSubtaskState after = restored.snapshot(2, T0 + 90_000);
            try (var again = harness()) {
                again.initializeState(after);
                again.open();
                send(again, failure(T0 + 95_000, "198.51.100.77"));
                again.processWatermark(new Watermark(T0 + 120_000));
                assertThat(alerts(again)).isEmpty();
            }
        }
    }

    @Test
    void aRestoreAtAnotherParallelismGivesEachSubtaskTheHistoryOfItsOwnKeys() throws Exception {
        // Two attackers whose groups land on different subtasks at parallelism 2.
        String a = "198.51.100.1";
        String b = null;
        for (int i = 2; b == null; i++) {
            String candidate = "198.51.100." + i;
            if (subtaskOf(candidate, 2) != subtaskOf(a, 2)) {
                b = candidate;
            }
        }
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 5; i++) {
                send(h, failure(T0 + i * 3_000, a));
                send(h, failure(T0 + i * 3_000, b));
            }
            h.processWatermark(new Watermark(T0 + 13_000));
            snapshot = h.snapshot(1, T0);
        }
        for (String ip : List.of(a, b)) {
            int subtask = subtaskOf(ip, 2);
            OperatorSubtaskState part =
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            snapshot, MAX_PARALLELISM, 1, 2, subtask);
            try (var h =
                    new OneInputStreamOperatorTestHarness<>(
                            new EsperDetectionOperator(rules, 200), MAX_PARALLELISM, 2, subtask)) {
                h.initializeState(part);
                h.open();
                EsperDetectionOperator op = (EsperDetectionOperator) h.getOperator();
                // Only this subtask's attacker's five events came back, out of the ten.
                assertThat(op.horizonEvents()).isEqualTo(5);
                for (int i = 5; i < 8; i++) {
                    h.processElement(
                            new StreamRecord<>(
                                    Routed.event(
                                            subtask,
                                            failure(T0 + i * 3_000, ip),
                                            new String[] {FAMILY},
                                            new String[] {ip + "\u0001so-yt"})));
                }
                h.processWatermark(new Watermark(T0 + 90_000));
                List<Alert> alerts = alerts(h);
                assertThat(alerts).hasSize(1);
                assertThat(alerts.get(0).entity).containsEntry("source.ip", ip);
                assertThat(alerts.get(0).windowStart).isEqualTo(T0);
            }
        }
    }

    private static final int MAX_PARALLELISM = 128;

    private static int subtaskOf(String ip, int parallelism) {
        // Department rules are keyed by their group_by and the department.
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                Routed.partitionKey(FAMILY, ip + "\u0001so-yt"), MAX_PARALLELISM, parallelism);
    }

    @Test
    void oneRecordPerEventWhateverTheNumberOfFamiliesReadingIt() {
        RuleFamilies two = new RuleFamilies();
        two.put(new RuleFamilies.RuleShape("a", List.of("source.ip"), java.util.Set.of("Auth")));
        two.put(new RuleFamilies.RuleShape("b", List.of("user.name"), java.util.Set.of("Auth")));
        two.put(new RuleFamilies.RuleShape("c", List.of("host.name"), java.util.Set.of("Auth")));
        RuleRouter router = new RuleRouter(two);
        router.open();
        List<Routed> out = new ArrayList<>();
        router.route(failure(T0, "203.0.113.5"), new ListCollector<>(out));
        // No host.name on the event: the host family cannot match it and does not get it.
        assertThat(out).hasSize(1);
        assertThat(out.get(0).families).containsExactly("source.ip", "user.name");
        assertThat(out.get(0).keys).containsExactly("203.0.113.5", "root");
    }

    @Test
    void stateDrainsOnceTheHorizonAndSuppressionHavePassed() throws Exception {
        try (var h = harness()) {
            h.open();
            EsperDetectionOperator op = (EsperDetectionOperator) h.getOperator();
            for (int i = 0; i < 10; i++) {
                send(h, failure(T0 + i * 3_000, "203.0.113.11"));
            }
            h.processWatermark(new Watermark(T0 + 60_000));
            assertThat(alerts(h)).hasSize(1);
            assertThat(op.horizonEvents()).isPositive();
            assertThat(op.suppressionEntries()).isEqualTo(1);
            h.processWatermark(new Watermark(T0 + 3_600_000));
            assertThat(op.pendingEvents()).isZero();
            assertThat(op.horizonEvents()).isZero();
            assertThat(op.suppressionEntries()).isZero();
        }
    }
}
