package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.socengine.jobs.internal.KeyedInputTimedBroadcastOperator;
import org.socengine.model.Alert;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.Incident;
import org.socengine.model.Notification;

/**
 * The correlator on the operator harness, with the test driving event time through watermarks:
 * grouping, risk, escalation tiers, acknowledgement, quiet hours, reminders, snapshot and restore
 * in the middle of an escalation, and state expiry.
 */
class IncidentCorrelatorTest {

    /** 09:00 in Thanh Hoa (UTC+7): outside the quiet hours. */
    static final long T0 = Instant.parse("2026-11-20T02:00:00Z").toEpochMilli();

    /** 23:00 in Thanh Hoa: inside the quiet hours (22:00-06:30), which end at 23:30 UTC. */
    static final long NIGHT = Instant.parse("2026-11-20T16:00:00Z").toEpochMilli();

    static final long MIN = 60_000;

    static final String POLICY =
            """
            version: 1
            grouping: {window: 1h, expire_after: 1d}
            risk:
              rule_cap: 60
              tactic_bonus: 15
              bands: {medium: 40, high: 80, critical: 150}
            channels:
              - {name: oncall, type: webhook, settings: {url: "http://127.0.0.1:9/hook", secret: "env:HOOK_SECRET"}}
              - {name: oncall-mail, type: email, settings: {to: oncall@example.org, from: soc@example.org, host: mail.example.org}}
              - {name: soc, type: mattermost, settings: {url: "http://127.0.0.1:9/mm"}}
              - {name: ciso, type: email, settings: {to: ciso@example.org, from: soc@example.org, host: mail.example.org}}
            defaults:
              time_zone: Asia/Ho_Chi_Minh
              quiet_hours: {from: "22:00", to: "06:30"}
              renotify_every: 2h
              tiers:
                critical:
                  - {name: on-call, channels: [oncall, oncall-mail], ack_within: 15m}
                  - {name: provincial SOC, channels: [soc], ack_within: 45m}
                  - {name: CISO, channels: [ciso]}
                high:
                  - {name: on-call, channels: [oncall, oncall-mail], ack_within: 15m}
                  - {name: provincial SOC, channels: [soc], ack_within: 45m}
                  - {name: CISO, channels: [ciso]}
                medium:
                  - {name: provincial SOC, channels: [soc]}
            """;

    static EscalationPolicy policy() throws Exception {
        return EscalationPolicy.parse("test-policy.yml", POLICY);
    }

    static KeyedBroadcastOperatorTestHarness<String, Alert, EscalationControl, Incident> harness(
            OperatorSubtaskState restore) throws Exception {
        return harness(restore, IncidentCorrelator.EARLY_STATUS_KEPT);
    }

    static KeyedBroadcastOperatorTestHarness<String, Alert, EscalationControl, Incident> harness(
            OperatorSubtaskState restore, int earlyStatusKept) throws Exception {
        var h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new KeyedInputTimedBroadcastOperator<>(
                                new IncidentCorrelator(
                                                policy(),
                                                new IncidentCorrelator.Settings(
                                                        "https://soc.example/incidents/{id}",
                                                        Map.of(
                                                                "so-yt",
                                                                "Sở Y tế",
                                                                "so-tc",
                                                                "Sở Tài chính")))
                                        .keepingEarlyStatus(earlyStatusKept),
                                List.of(IncidentCorrelator.BROADCAST_STATES)),
                        IncidentKeys::keyOf,
                        Types.STRING,
                        1,
                        1,
                        0);
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        // The control input says nothing about time: the alerts' watermarks alone drive the clock.
        return h;
    }

    static int alertSeq;

    static Alert alert(
            String department,
            String entityKind,
            String entity,
            String rule,
            String severity,
            int risk,
            long t,
            String... tags) {
        Alert a = new Alert();
        a.ruleId = rule;
        a.ruleName = "rule " + rule;
        a.ruleVersion = 1;
        a.severity = severity;
        a.riskScore = risk;
        a.timestamp = t;
        a.lastSeen = t;
        a.windowStart = t - MIN;
        a.windowEnd = t;
        a.departmentId = department;
        a.departments.add(department);
        a.entity.put(entityKind, entity);
        a.tags.addAll(List.of(tags));
        a.id = "a-" + rule + "-" + department + "-" + entity + "-" + t;
        a.count = 1;
        return a;
    }

    static Alert hostAlert(String rule, String severity, int risk, long t, String... tags) {
        return alert("so-yt", "host.name", "yt-web-01", rule, severity, risk, t, tags);
    }

    static List<Notification> notifications(
            KeyedBroadcastOperatorTestHarness<String, Alert, EscalationControl, Incident> h) {
        var q = h.getSideOutput(IncidentCorrelator.NOTIFICATIONS);
        List<Notification> out = new ArrayList<>();
        if (q != null) {
            q.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    static List<AlertStatusChange> alertCloses(
            KeyedBroadcastOperatorTestHarness<String, Alert, EscalationControl, Incident> h) {
        var q = h.getSideOutput(IncidentCorrelator.ALERT_STATUS);
        List<AlertStatusChange> out = new ArrayList<>();
        if (q != null) {
            q.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    /** The newest state of each incident emitted, by id. */
    static Map<String, Incident> incidents(
            KeyedBroadcastOperatorTestHarness<String, Alert, EscalationControl, Incident> h) {
        Map<String, Incident> out = new LinkedHashMap<>();
        for (Incident i : h.extractOutputValues()) {
            out.put(i.id, i);
        }
        return out;
    }

    static String describe(Notification n) {
        return n.kind + " " + n.tier + " " + n.channel + " @" + (n.at - T0) / MIN + "m";
    }

    static int stateEntries(
            KeyedBroadcastOperatorTestHarness<String, Alert, EscalationControl, Incident> h) {
        var backend = ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        return ((HeapKeyedStateBackend<?>) backend).numKeyValueStateEntries();
    }

    @Test
    void threeTacticsOnOneHostMakeOneIncidentWithTheCombinedRisk() throws Exception {
        try (var h = harness(null)) {
            h.processElement(
                    hostAlert("r1", "high", 47, T0, "attack.credential_access", "attack.t1110"),
                    T0);
            h.processElement(hostAlert("r2", "medium", 47, T0 + 10 * MIN, "attack.execution"), T0);
            h.processElement(
                    hostAlert("r3", "medium", 47, T0 + 40 * MIN, "attack.persistence"), T0);
            // Not on this host: its own incident.
            h.processElement(
                    alert("so-yt", "host.name", "yt-db-01", "r1", "high", 47, T0 + MIN), T0);
            h.processWatermark(T0 + 45 * MIN);

            Map<String, Incident> incidents = incidents(h);
            assertThat(incidents).hasSize(2);
            Incident web =
                    incidents.values().stream()
                            .filter(i -> i.entityValue.equals("yt-web-01"))
                            .findFirst()
                            .orElseThrow();
            assertThat(web.alertCount).isEqualTo(3);
            assertThat(web.tactics)
                    .containsExactly("credential_access", "execution", "persistence");
            assertThat(web.risk).isEqualTo(3 * 47 + 3 * 15);
            assertThat(web.severity).isEqualTo("critical");
            assertThat(web.id).isEqualTo(Incident.idOf("so-yt", "host.name", "yt-web-01", T0));
            assertThat(web.alertIds()).hasSize(3);
            assertThat(web.departmentName).isEqualTo("Sở Y tế");
        }
    }

    @Test
    void aFloodOfOneRuleStaysUnderItsCap() throws Exception {
        try (var h = harness(null)) {
            for (int i = 0; i < 200; i++) {
                h.processElement(
                        alert(
                                "so-yt",
                                "source.ip",
                                "203.0.113.7",
                                "ssh-brute",
                                "high",
                                73,
                                T0 + i * 10_000,
                                "attack.credential_access"),
                        T0);
            }
            h.processWatermark(T0 + 40 * MIN);
            Map<String, Incident> incidents = incidents(h);
            assertThat(incidents).hasSize(1);
            Incident i = incidents.values().iterator().next();
            assertThat(i.alertCount).isEqualTo(200);
            assertThat(i.risk).isEqualTo(60 + 15);
            assertThat(i.severity).isEqualTo("medium");
            // Medium goes to the provincial SOC's chat only: nobody is paged.
            assertThat(notifications(h)).extracting(n -> n.channel).containsOnly("soc");
        }
    }

    @Test
    void twoDepartmentsAlertsOnOneAddressMakeTwoIncidents() throws Exception {
        try (var h = harness(null)) {
            h.processElement(
                    alert("so-yt", "source.ip", "203.0.113.9", "scan", "high", 73, T0), T0);
            h.processElement(
                    alert("so-tc", "source.ip", "203.0.113.9", "scan", "high", 73, T0 + MIN), T0);
            h.processWatermark(T0 + 2 * MIN);
            Map<String, Incident> incidents = incidents(h);
            assertThat(incidents.values())
                    .extracting(i -> i.departmentId)
                    .containsExactlyInAnyOrder("so-yt", "so-tc");
            assertThat(incidents.values()).allSatisfy(i -> assertThat(i.alertCount).isEqualTo(1));
        }
    }

    @Test
    void updatesAndReplaysDoNotDoubleCount() throws Exception {
        Alert first = hostAlert("r1", "high", 47, T0, "attack.execution");
        Alert second = hostAlert("r2", "high", 47, T0 + 5 * MIN, "attack.persistence");
        Alert update = hostAlert("r1", "high", 47, T0, "attack.execution");
        update.update = true;
        update.lastSeen = T0 + 20 * MIN;
        update.count = 9;
        Incident a;
        Incident b;
        try (var h = harness(null)) {
            h.processElement(first, T0);
            h.processElement(second, T0);
            h.processElement(update, T0);
            h.processWatermark(T0 + 30 * MIN);
            a = incidents(h).values().iterator().next();
        }
        // The same alerts in another order (another interleaving of partitions) and the update
        // twice: the same incident.
        try (var h = harness(null)) {
            h.processElement(second, T0);
            h.processElement(update, T0);
            h.processElement(first, T0);
            h.processElement(update, T0);
            h.processWatermark(T0 + 30 * MIN);
            assertThat(incidents(h)).hasSize(1);
            b = incidents(h).values().iterator().next();
        }
        assertThat(a.alertCount).isEqualTo(2);
        assertThat(a.risk).isEqualTo(47 + 47 + 30);
        assertThat(b.id).isEqualTo(a.id);
        assertThat(b.risk).isEqualTo(a.risk);
        assertThat(b.lastSeen).isEqualTo(T0 + 20 * MIN);
    }

    @Test
    void oneCriticalAlertOpensACriticalIncidentAtOnce() throws Exception {
        try (var h = harness(null)) {
            h.processElement(hostAlert("ransom", "critical", 90, T0, "attack.impact"), T0);
            h.processWatermark(T0);
            Incident i = incidents(h).values().iterator().next();
            assertThat(i.severity).isEqualTo("critical");
            assertThat(notifications(h))
                    .extracting(IncidentCorrelatorTest::describe)
                    .containsExactly("opened 0 oncall @0m", "opened 0 oncall-mail @0m");
            Notification n = notifications(h).get(0);
            assertThat(n.fallbackChannels).containsExactly("oncall-mail");
            assertThat(notifications(h).get(1).fallbackChannels).isEmpty();
            assertThat(n.idempotencyKey)
                    .isEqualTo(Notification.idempotencyKey(i.id, 0, "oncall", 0));
            assertThat(n.link).isEqualTo("https://soc.example/incidents/" + i.id);
            assertThat(n.topAlerts).singleElement().asString().contains("rule ransom");
            assertThat(n.entity).containsEntry("host.name", "yt-web-01");
            assertThat(n.departmentName).isEqualTo("Sở Y tế");
            assertThat(n.incidentStart).isEqualTo(T0);
        }
    }

    /** A high incident: two rules, two tactics (60 + 47 + 30 = 137). */
    static void openHigh(
            KeyedBroadcastOperatorTestHarness<String, Alert, EscalationControl, Incident> h, long t)
            throws Exception {
        h.processElement(hostAlert("r1", "high", 73, t, "attack.credential_access"), t);
        h.processElement(hostAlert("r2", "high", 47, t, "attack.execution"), t);
    }

    @Test
    void unacknowledgedIncidentsClimbTheTiersOnSchedule() throws Exception {
        try (var h = harness(null)) {
            openHigh(h, T0);
            h.processWatermark(T0);
            assertThat(incidents(h).values().iterator().next().severity).isEqualTo("high");
            assertThat(notifications(h))
                    .extracting(IncidentCorrelatorTest::describe)
                    .containsExactly("opened 0 oncall @0m", "opened 0 oncall-mail @0m");
            h.processWatermark(T0 + 15 * MIN - 1);
            assertThat(notifications(h)).hasSize(2);
            h.processWatermark(T0 + 15 * MIN);
            h.processWatermark(T0 + 59 * MIN);
            h.processWatermark(T0 + 60 * MIN);
            assertThat(notifications(h))
                    .extracting(IncidentCorrelatorTest::describe)
                    .containsExactly(
                            "opened 0 oncall @0m",
                            "opened 0 oncall-mail @0m",
                            "escalated 1 soc @15m",
                            "escalated 2 ciso @60m");
            Incident i = incidents(h).values().iterator().next();
            assertThat(i.tierReached).isEqualTo(2);
            assertThat(i.tierName).isEqualTo("CISO");
            assertThat(i.notifications).hasSize(4);
            assertThat(notifications(h).stream().map(n -> n.idempotencyKey).distinct()).hasSize(4);
        }
    }

    @Test
    void theControlInputNeitherHoldsNorEndsEventTime() throws Exception {
        try (var h = harness(null)) {
            // An active control input that never sends a watermark, or one far behind, would
            // hold a plain two-input operator at its minimum.
            h.getTwoInputOperator().processWatermarkStatus2(WatermarkStatus.ACTIVE);
            h.processBroadcastWatermark(T0 - 60 * MIN);
            openHigh(h, T0);
            h.processWatermark(T0 + 15 * MIN);
            // A finished control source's end of time ends nothing: no time passed for the alerts.
            h.processBroadcastWatermark(Long.MAX_VALUE);
            assertThat(notifications(h))
                    .extracting(IncidentCorrelatorTest::describe)
                    .containsExactly(
                            "opened 0 oncall @0m",
                            "opened 0 oncall-mail @0m",
                            "escalated 1 soc @15m");
            h.processWatermark(T0 + 60 * MIN);
            assertThat(notifications(h))
                    .extracting(IncidentCorrelatorTest::describe)
                    .endsWith("escalated 2 ciso @60m");
        }
    }

    @Test
    void aWatermarkJumpRunsEveryMissedStepInOrder() throws Exception {
        try (var h = harness(null)) {
            openHigh(h, T0);
            h.processWatermark(T0 + 4 * 60 * MIN);
            assertThat(notifications(h))
                    .extracting(IncidentCorrelatorTest::describe)
                    .containsExactly(
                            "opened 0 oncall @0m",
                            "opened 0 oncall-mail @0m",
                            "escalated 1 soc @15m",
                            "escalated 2 ciso @60m",
                            "reminder 2 ciso @180m");
        }
    }

    @Test
    void anAcknowledgementStopsTheEscalation() throws Exception {
        try (var h = harness(null)) {
            openHigh(h, T0);
            h.processWatermark(T0 + 5 * MIN);
            String id = incidents(h).keySet().iterator().next();
            h.processBroadcastElement(
                    EscalationControl.status(
                            AlertStatusChange.acknowledge(id, "nguyen.van.a", T0 + 6 * MIN)),
                    T0 + 6 * MIN);
            h.processWatermark(T0 + 10 * 60 * MIN);
            assertThat(notifications(h)).hasSize(2);
            Incident i = incidents(h).get(id);
            assertThat(i.status).isEqualTo(Incident.ACKNOWLEDGED);
            assertThat(i.statusBy).isEqualTo("nguyen.van.a");
        }
    }

    @Test
    void acknowledgingEveryAlertAcknowledgesTheIncident() throws Exception {
        try (var h = harness(null)) {
            openHigh(h, T0);
            h.processWatermark(T0 + 5 * MIN);
            Incident open = incidents(h).values().iterator().next();
            for (String alertId : open.alertIds()) {
                h.processBroadcastElement(
                        EscalationControl.status(
                                AlertStatusChange.acknowledge(alertId, "lan", T0 + 6 * MIN)),
                        T0 + 6 * MIN);
            }
            h.processWatermark(T0 + 3 * 60 * MIN);
            assertThat(notifications(h)).hasSize(2);
            assertThat(incidents(h).get(open.id).status).isEqualTo(Incident.ACKNOWLEDGED);
        }
    }

    @Test
    void closingAnIncidentClosesItsAlertsAndLeavesNoStateBehind() throws Exception {
        try (var h = harness(null)) {
            openHigh(h, T0);
            h.processWatermark(T0 + 5 * MIN);
            Incident open = incidents(h).values().iterator().next();
            h.processBroadcastElement(
                    EscalationControl.status(
                            AlertStatusChange.close(
                                    open.id, "true_positive", "lan", T0 + 7 * MIN, "contained")),
                    T0 + 7 * MIN);
            assertThat(alertCloses(h))
                    .extracting(c -> c.alertId)
                    .containsExactlyInAnyOrderElementsOf(open.alertIds());
            assertThat(alertCloses(h))
                    .allSatisfy(
                            c -> {
                                assertThat(c.status).isEqualTo(AlertStatusChange.CLOSED);
                                assertThat(c.disposition).isEqualTo("true_positive");
                                assertThat(c.problems()).isEmpty();
                            });
            Incident closed = incidents(h).get(open.id);
            assertThat(closed.status).isEqualTo(Incident.CLOSED);
            assertThat(closed.disposition).isEqualTo("true_positive");
            assertThat(closed.alerts).allSatisfy(m -> assertThat(m.status).isEqualTo("closed"));
            // Our own closes coming back on soc.alert-status change nothing.
            int emitted = h.extractOutputValues().size();
            for (AlertStatusChange c : alertCloses(h)) {
                h.processBroadcastElement(EscalationControl.status(c), T0 + 8 * MIN);
            }
            assertThat(h.extractOutputValues()).hasSize(emitted);

            h.processWatermark(T0 + 61 * MIN);
            assertThat(stateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(notifications(h)).hasSize(2);
        }
    }

    @Test
    void anIncidentNobodyClosesIsForgottenAfterItsExpiry() throws Exception {
        try (var h = harness(null)) {
            openHigh(h, T0);
            h.processWatermark(T0 + 23 * 60 * MIN);
            assertThat(stateEntries(h)).isPositive();
            h.processWatermark(T0 + 24 * 60 * MIN);
            assertThat(stateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void quietHoursHoldNonCriticalIncidentsUntilTheyEnd() throws Exception {
        long quietEnd = Instant.parse("2026-11-20T23:30:00Z").toEpochMilli();
        try (var h = harness(null)) {
            openHigh(h, NIGHT);
            h.processWatermark(NIGHT);
            assertThat(incidents(h)).hasSize(1);
            assertThat(notifications(h)).isEmpty();
            h.processWatermark(quietEnd - 1);
            assertThat(notifications(h)).isEmpty();
            h.processWatermark(quietEnd);
            assertThat(notifications(h))
                    .extracting(n -> n.kind + " " + n.channel + " " + Instant.ofEpochMilli(n.at))
                    .containsExactly(
                            "opened oncall 2026-11-20T23:30:00Z",
                            "opened oncall-mail 2026-11-20T23:30:00Z");
            // The tier's deadline counts from when it was told, not from the night.
            h.processWatermark(quietEnd + 15 * MIN);
            assertThat(notifications(h)).last().extracting(n -> n.channel).isEqualTo("soc");
        }
    }

    @Test
    void quietHoursNeverHoldACriticalIncident() throws Exception {
        try (var h = harness(null)) {
            h.processElement(hostAlert("ransom", "critical", 90, NIGHT, "attack.impact"), NIGHT);
            h.processWatermark(NIGHT);
            assertThat(notifications(h)).hasSize(2);
            assertThat(notifications(h)).allSatisfy(n -> assertThat(n.at).isEqualTo(NIGHT));
        }
    }

    @Test
    void aSeverityRiseDuringQuietHoursGoesOutAtOnce() throws Exception {
        try (var h = harness(null)) {
            openHigh(h, NIGHT);
            h.processWatermark(NIGHT);
            assertThat(notifications(h)).isEmpty();
            h.processElement(
                    hostAlert("ransom", "critical", 90, NIGHT + 10 * MIN, "attack.impact"), NIGHT);
            h.processWatermark(NIGHT + 10 * MIN);
            assertThat(notifications(h))
                    .extracting(n -> n.kind + " " + n.severity + " " + n.channel)
                    .containsExactly("opened critical oncall", "opened critical oncall-mail");
        }
    }

    @Test
    void openIncidentsAreRemindedEveryInterval() throws Exception {
        try (var h = harness(null)) {
            // Medium: one tier, no deadline; a reminder every two hours.
            h.processElement(hostAlert("r1", "high", 73, T0, "attack.discovery"), T0);
            h.processWatermark(T0 + 2 * 60 * MIN - 1);
            assertThat(notifications(h)).extracting(n -> n.kind).containsExactly("opened");
            h.processWatermark(T0 + 2 * 60 * MIN);
            h.processWatermark(T0 + 4 * 60 * MIN);
            // 06:00 local (23:00 UTC) is quiet: the reminder waits until 06:30.
            h.processWatermark(T0 + 14 * 60 * MIN);
            assertThat(notifications(h))
                    .extracting(IncidentCorrelatorTest::describe)
                    .containsExactly(
                            "opened 0 soc @0m",
                            "reminder 0 soc @120m",
                            "reminder 0 soc @240m",
                            "reminder 0 soc @360m",
                            "reminder 0 soc @480m",
                            "reminder 0 soc @600m",
                            "reminder 0 soc @720m");
            assertThat(notifications(h).stream().map(n -> n.idempotencyKey).distinct()).hasSize(7);
        }
    }

    @Test
    void snapshotAndRestoreInTheMiddleOfAnEscalationNeitherRepeatsNorMisses() throws Exception {
        long[] steps = {
            T0, T0 + 10 * MIN, T0 + 15 * MIN, T0 + 30 * MIN, T0 + 60 * MIN, T0 + 3 * 60 * MIN
        };
        List<String> uninterrupted;
        try (var h = harness(null)) {
            openHigh(h, T0);
            for (long t : steps) {
                h.processWatermark(t);
            }
            uninterrupted =
                    notifications(h).stream()
                            .map(n -> n.idempotencyKey)
                            .collect(Collectors.toList());
        }
        assertThat(uninterrupted).hasSize(5);
        // Kill after each step in turn; the restored operator goes on from the snapshot.
        for (int kill = 0; kill < steps.length; kill++) {
            List<String> delivered = new ArrayList<>();
            OperatorSubtaskState snapshot;
            try (var h = harness(null)) {
                openHigh(h, T0);
                for (int s = 0; s <= kill; s++) {
                    h.processWatermark(steps[s]);
                }
                snapshot = h.snapshot(1, steps[kill]);
                notifications(h).forEach(n -> delivered.add(n.idempotencyKey));
            }
            try (var h = harness(snapshot)) {
                h.processWatermark(steps[kill]);
                for (int s = kill + 1; s < steps.length; s++) {
                    h.processWatermark(steps[s]);
                }
                notifications(h).forEach(n -> delivered.add(n.idempotencyKey));
            }
            assertThat(delivered).as("killed after step " + kill).isEqualTo(uninterrupted);
        }
    }

    @Test
    void aNewPolicyAppliesToIncidentsOpenedAfterIt() throws Exception {
        try (var h = harness(null)) {
            EscalationPolicy shortWindow =
                    EscalationPolicy.parse("topic@1", POLICY.replace("window: 1h", "window: 10m"));
            h.processBroadcastElement(EscalationControl.policy(shortWindow), T0);
            h.processElement(hostAlert("r1", "high", 73, T0, "attack.discovery"), T0);
            h.processElement(hostAlert("r2", "high", 73, T0 + 20 * MIN, "attack.discovery"), T0);
            h.processWatermark(T0 + 30 * MIN);
            assertThat(incidents(h)).hasSize(2);
            assertThat(incidents(h).values())
                    .allSatisfy(
                            i ->
                                    assertThat(i.windowEnd - i.windowStart)
                                            .isEqualTo(Duration.ofMinutes(10).toMillis()));
        }
    }

    @Test
    void endOfInputGroupsWhatWaitsButFiresNoDeadline() throws Exception {
        try (var h = harness(null)) {
            openHigh(h, T0);
            h.processWatermark(Long.MAX_VALUE);
            assertThat(incidents(h)).hasSize(1);
            assertThat(notifications(h)).hasSize(2);
        }
    }

    @Test
    void provinceAlertsMakeOneProvinceIncidentListingTheDepartments() throws Exception {
        try (var h = harness(null)) {
            Alert a = alert("so-yt", "source.ip", "198.51.100.4", "sweep", "high", 73, T0);
            a.province = true;
            a.departmentId = null;
            a.departments = new ArrayList<>(List.of("so-tc", "so-yt"));
            h.processElement(new StreamRecord<>(a, T0));
            h.processWatermark(T0);
            Incident i = incidents(h).values().iterator().next();
            assertThat(i.departmentId).isEqualTo(Alert.PROVINCE);
            assertThat(i.departments).containsExactly("so-tc", "so-yt");
        }
    }

    // ---- status changes that come before their incident ----

    @Test
    void anAlertAcknowledgedBeforeItsIncidentFormsPagesNobody() throws Exception {
        try (var h = harness(null)) {
            Alert a = hostAlert("r1", "high", 90, T0, "attack.credential_access");
            // The analyst acknowledges the alert in the console before the job has read it.
            h.processBroadcastElement(
                    EscalationControl.status(AlertStatusChange.acknowledge(a.id, "lan", T0)), T0);
            assertThat(incidents(h)).isEmpty();
            h.processElement(a, T0);
            h.processWatermark(T0 + 3 * 60 * MIN);
            assertThat(notifications(h)).isEmpty();
            Incident i = incidents(h).values().iterator().next();
            assertThat(i.status).isEqualTo(Incident.ACKNOWLEDGED);
            assertThat(i.statusBy).isEqualTo("lan");
        }
    }

    @Test
    void anEarlyCloseWaitsInTheCheckpointAndClosesTheIncidentAfterARestore() throws Exception {
        Alert a = hostAlert("r1", "high", 90, T0, "attack.credential_access");
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            h.processElement(a, T0);
            // Read, but still waiting for the watermark when the close comes.
            h.processBroadcastElement(
                    EscalationControl.status(
                            AlertStatusChange.close(a.id, "false_positive", "lan", T0, "test")),
                    T0);
            snapshot = h.snapshot(1, T0);
        }
        try (var h = harness(snapshot)) {
            h.processWatermark(T0 + 3 * 60 * MIN);
            assertThat(notifications(h)).isEmpty();
            Incident i = incidents(h).values().iterator().next();
            assertThat(i.status).isEqualTo(Incident.CLOSED);
        }
    }

    @Test
    void earlyStatusChangesAreBoundedAndExpire() throws Exception {
        try (var h = harness(null, 3)) {
            h.setProcessingTime(T0);
            for (int n = 0; n < 5; n++) {
                h.processBroadcastElement(
                        EscalationControl.status(
                                AlertStatusChange.acknowledge("never-" + n, "lan", T0)),
                        T0);
                h.setProcessingTime(T0 + n + 1);
            }
            Alert late = hostAlert("r1", "high", 90, T0, "attack.credential_access");
            h.processBroadcastElement(
                    EscalationControl.status(AlertStatusChange.acknowledge(late.id, "lan", T0)),
                    T0);
            // The oldest went to keep three; the next change a day later finds every one expired.
            var early = earlyStatus(h);
            assertThat(early).hasSize(3).containsKey(late.id).doesNotContainKey("never-0");
            h.setProcessingTime(T0 + IncidentCorrelator.EARLY_STATUS_TTL.toMillis() + 10);
            h.processBroadcastElement(
                    EscalationControl.status(AlertStatusChange.acknowledge("x", "lan", T0)), T0);
            assertThat(earlyStatus(h)).containsOnlyKeys("x");
            h.processElement(late, T0);
            h.processWatermark(T0 + 20 * MIN);
            assertThat(notifications(h)).isNotEmpty();
        }
    }

    static Map<String, String> earlyStatus(
            KeyedBroadcastOperatorTestHarness<String, Alert, EscalationControl, Incident> h)
            throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        var state =
                ((AbstractStreamOperator<?>) h.getOperator())
                        .getOperatorStateBackend()
                        .getBroadcastState(IncidentCorrelator.EARLY_STATUS);
        for (var e : state.entries()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
