package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleLimits;
import org.socengine.rules.RuleParser;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.DetectionEngine;
import org.socengine.rules.engine.RuleCompiler;

/**
 * A rule over its limits in the detection operator: quarantined with a status for {@code
 * soc.rules.status} and one {@code rule_health} alert, held out through snapshot and restore (the
 * same file again changes nothing), deployed again by a newer version, and nothing of the
 * quarantine left behind once it is.
 */
class RuleQuarantineOperatorTest {

    private static final long T0 = Instant.parse("2026-11-24T08:00:00Z").toEpochMilli();
    private static final String RUNAWAY_ID = "5a0e1c44-7d43-4c1e-9a8e-2f55c1a9e001";
    private static final String NORMAL_ID = "5a0e1c44-7d43-4c1e-9a8e-2f55c1a9e002";
    private static final String GROUPS_EPL =
            "select user.name as who, count(*) as n from Auth#time(10 min)"
                    + " group by user.name having count(*) > 1000";

    private static CompiledRule normal;
    private static CompiledRule runaway;
    private static RuleFamilies families;

    static CompiledRule rule(String id, int version, String limits, String epl) throws Exception {
        String yaml =
                """
                id: %s
                name: quarantine rule %d
                version: %d
                severity: high
                risk_score: 60
                group_by: [source.ip]
                %s
                suppress: {for: 10m}
                epl: |
                %s
                """
                        .formatted(id, id.hashCode(), version, limits, epl.indent(2));
        return new RuleCompiler().compile(RuleParser.parse("mem/" + id + ".yml", yaml));
    }

    @BeforeAll
    static void compileRules() throws Exception {
        normal =
                rule(
                        NORMAL_ID,
                        1,
                        "",
                        "select window(*) as evidence, count(*) as failures\n"
                                + "from Auth(event.outcome = 'failure')#time(2 min)\n"
                                + "group by source.ip having count(*) >= 8");
        runaway = rule(RUNAWAY_ID, 1, "limits: {max_groups: 50}", GROUPS_EPL);
        families = RuleFamilies.of(List.of(normal, runaway));
    }

    private static OneInputStreamOperatorTestHarness<Routed, Alert> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new EsperDetectionOperator(List.of(normal, runaway), 200, RuleLimits.DEFAULTS, 1));
    }

    private static SecurityEvent login(long t, String department, String user, String ip) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = t;
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "authentication";
        ev.action = "ssh_login";
        ev.outcome = "failure";
        ev.module = "syslog";
        e.ensureSource().ip = ip;
        e.ensureUser().name = user;
        e.ensureOrganization().id = department;
        return e;
    }

    private static void send(OneInputStreamOperatorTestHarness<Routed, Alert> h, SecurityEvent e)
            throws Exception {
        RoutedInput.send(h, families, e);
    }

    /** 60 users in each of two departments within a minute: 120 groups of the runaway rule. */
    private static void spray(OneInputStreamOperatorTestHarness<Routed, Alert> h, long from)
            throws Exception {
        for (int i = 0; i < 60; i++) {
            for (String dept : List.of("so-a", "so-b")) {
                send(h, login(from + i * 1000L, dept, "user" + i, "198.51.100." + (i + 1)));
            }
        }
    }

    /** Eight failures of one address: the normal rule alerts. */
    private static void burst(
            OneInputStreamOperatorTestHarness<Routed, Alert> h, long from, String ip)
            throws Exception {
        for (int i = 0; i < 8; i++) {
            send(h, login(from + i * 1000L, "so-a", "root", ip));
        }
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

    private static List<RuleStatus> statuses(OneInputStreamOperatorTestHarness<Routed, Alert> h) {
        List<RuleStatus> out = new ArrayList<>();
        var side = h.getSideOutput(EsperDetectionOperator.RULE_STATUS);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    private static void deploy(OneInputStreamOperatorTestHarness<Routed, Alert> h, CompiledRule r)
            throws Exception {
        h.processElement(new StreamRecord<>(Routed.control(0, Control.deploy(r))));
    }

    @Test
    void aRuleOverItsLimitsIsQuarantinedStaysSoThroughARestoreAndANewerVersionRedeploys()
            throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            spray(h, T0);
            h.processWatermark(new Watermark(T0 + 61_000));

            assertThat(statuses(h))
                    .singleElement()
                    .satisfies(
                            s -> {
                                assertThat(s.ruleId).isEqualTo(RUNAWAY_ID);
                                assertThat(s.version).isEqualTo(1);
                                assertThat(s.status).isEqualTo(RuleStatus.QUARANTINED);
                                assertThat(s.error).isEqualTo("max_groups exceeded: 120 > 50");
                                assertThat(s.toJson()).contains("\"status\":\"quarantined\"");
                            });
            assertThat(alerts(h))
                    .filteredOn(a -> DetectionEngine.RULE_HEALTH_RULE_ID.equals(a.ruleId))
                    .singleElement()
                    .satisfies(
                            a -> {
                                assertThat(a.province).isTrue();
                                assertThat(a.departments).containsExactly("so-a", "so-b");
                                assertThat(a.details)
                                        .containsEntry("quarantined_rule_id", RUNAWAY_ID);
                            });
            assertThat(h.getOperator()).isInstanceOf(EsperDetectionOperator.class);
            EsperDetectionOperator op = (EsperDetectionOperator) h.getOperator();
            assertThat(op.deployedRuleIds()).containsExactly(NORMAL_ID);
            assertThat(op.quarantinedRuleIds()).containsExactly(RUNAWAY_ID);

            // The normal rule alerts on.
            burst(h, T0 + 70_000, "203.0.113.70");
            h.processWatermark(new Watermark(T0 + 90_000));
            assertThat(alerts(h)).anyMatch(a -> a.ruleId.equals(NORMAL_ID));
            snapshot = h.snapshot(1, T0 + 90_000);
        }

        OperatorSubtaskState afterRedeploy;
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            EsperDetectionOperator op = (EsperDetectionOperator) restored.getOperator();
            assertThat(op.quarantinedRuleIds()).containsExactly(RUNAWAY_ID);
            assertThat(op.deployedRuleIds()).containsExactly(NORMAL_ID);

            // soc.rules replayed: the quarantined file once more stays out, quietly.
            deploy(restored, runaway);
            assertThat(op.deployedRuleIds()).containsExactly(NORMAL_ID);

            burst(restored, T0 + 200_000, "203.0.113.71");
            restored.processWatermark(new Watermark(T0 + 230_000));
            assertThat(alerts(restored))
                    .anyMatch(
                            a ->
                                    a.ruleId.equals(NORMAL_ID)
                                            && "203.0.113.71".equals(a.entity.get("source.ip")));
            // No second status, no second rule_health alert for a quarantine already reported.
            assertThat(statuses(restored)).isEmpty();
            assertThat(alerts(restored))
                    .noneMatch(a -> DetectionEngine.RULE_HEALTH_RULE_ID.equals(a.ruleId));

            // A newer version, with limits it fits in, deploys again.
            deploy(restored, rule(RUNAWAY_ID, 2, "limits: {max_groups: 5000}", GROUPS_EPL));
            assertThat(op.deployedRuleIds()).containsExactlyInAnyOrder(NORMAL_ID, RUNAWAY_ID);
            assertThat(op.quarantinedRuleIds()).isEmpty();
            spray(restored, T0 + 300_000);
            restored.processWatermark(new Watermark(T0 + 400_000));
            assertThat(statuses(restored)).isEmpty();
            afterRedeploy = restored.snapshot(2, T0 + 400_000);
        }

        try (var again = harness()) {
            again.initializeState(afterRedeploy);
            again.open();
            EsperDetectionOperator op = (EsperDetectionOperator) again.getOperator();
            // Nothing of the released quarantine is left in the state.
            assertThat(op.quarantinedRuleIds()).isEmpty();
            assertThat(op.deployedRuleIds()).containsExactlyInAnyOrder(NORMAL_ID, RUNAWAY_ID);
        }
    }

    @Test
    void removingAQuarantinedRuleForgetsItsQuarantine() throws Exception {
        try (var h = harness()) {
            h.open();
            spray(h, T0);
            h.processWatermark(new Watermark(T0 + 61_000));
            EsperDetectionOperator op = (EsperDetectionOperator) h.getOperator();
            assertThat(op.quarantinedRuleIds()).containsExactly(RUNAWAY_ID);
            h.processElement(new StreamRecord<>(Routed.control(0, Control.remove(RUNAWAY_ID))));
            assertThat(op.quarantinedRuleIds()).isEmpty();
            assertThat(op.deployedRuleIds()).containsExactly(NORMAL_ID);
        }
    }
}
