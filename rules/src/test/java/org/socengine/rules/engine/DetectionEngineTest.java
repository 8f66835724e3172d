package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleValidationException;

class DetectionEngineTest {

    private static final AtomicInteger URIS = new AtomicInteger();
    private static final long T0 = 1_795_852_800_000L; // 2026-11-24T08:00:00Z

    private final List<DetectionEngine> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(DetectionEngine::close);
    }

    static CompiledRule rule(String id, int version, String epl, String suppress) throws Exception {
        String yaml =
                """
                id: %s
                name: test rule %s
                version: %d
                severity: high
                risk_score: 60
                group_by: [source.ip]
                suppress: {for: %s}
                epl: |
                %s
                """
                        .formatted(id, id, version, suppress, epl.indent(2));
        return new RuleCompiler().compile(RuleParser.parse("mem/" + id + ".yml", yaml));
    }

    static CompiledRule burst(String id, int version, int threshold) throws Exception {
        return rule(
                id,
                version,
                "select window(*) as evidence, count(*) as failures\n"
                        + "from Auth(event.outcome = 'failure')#time(2 min)\n"
                        + "group by source.ip having count(*) >= "
                        + threshold,
                "10m");
    }

    static SecurityEvent failure(long offsetSeconds, String ip) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = T0 + offsetSeconds * 1000;
        e.ensureEvent().category = "authentication";
        e.event.outcome = "failure";
        e.event.action = "ssh_login";
        e.ensureSource().ip = ip;
        e.ensureOrganization().id = "so-yt";
        return e;
    }

    private DetectionEngine engine(CompiledRule... rules) {
        DetectionEngine e =
                new DetectionEngine("engine-test-" + URIS.incrementAndGet(), List.of(rules));
        engines.add(e);
        return e;
    }

    @Test
    void windowsRunOnEventTimeNotWallClock() throws Exception {
        DetectionEngine engine = engine(burst("r1", 1, 8));
        for (int i = 0; i < 8; i++) {
            engine.send(failure(i * 40, "203.0.113.1")); // eight over 280 s: never eight in 120 s
        }
        assertThat(engine.drainAlerts()).isEmpty();
        for (int i = 0; i < 8; i++) {
            engine.send(failure(1000 + i * 10, "203.0.113.2"));
        }
        List<Alert> alerts = engine.drainAlerts();
        assertThat(alerts).hasSize(1);
        Alert a = alerts.get(0);
        assertThat(a.entity).containsEntry("source.ip", "203.0.113.2");
        assertThat(a.evidence).hasSize(8);
        assertThat(a.windowStart).isEqualTo(T0 + 1000_000);
        assertThat(a.timestamp).isEqualTo(T0 + 1070_000);
        assertThat(a.late).isFalse();
    }

    @Test
    void eventsOlderThanTheClockAreEvaluatedAndTheirAlertsMarkedLate() throws Exception {
        DetectionEngine engine =
                engine(rule("single", 1, "select * from Auth(event.outcome = 'failure')", "1m"));
        engine.advanceTime(T0 + 600_000);
        engine.send(failure(10, "198.51.100.9"));
        List<Alert> alerts = engine.drainAlerts();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).late).isTrue();
        assertThat(engine.currentTime()).isEqualTo(T0 + 600_000);
    }

    @Test
    void repeatsWithinTheSuppressionPeriodAreCountedNotAlerted() throws Exception {
        DetectionEngine engine = engine(burst("r2", 1, 8));
        for (int i = 0; i < 30; i++) {
            engine.send(failure(i * 3, "203.0.113.3"));
        }
        assertThat(raised(engine)).hasSize(1);
        assertThat(engine.suppressedTotal()).isEqualTo(22);
        assertThat(engine.suppressions()).hasSize(1);
        // After the ten-minute suppression a new burst is a new alert.
        for (int i = 0; i < 8; i++) {
            engine.send(failure(900 + i, "203.0.113.3"));
        }
        assertThat(raised(engine)).hasSize(1);
    }

    @Test
    void suppressionStateSurvivesARestore() throws Exception {
        DetectionEngine first = engine(burst("r3", 1, 3));
        for (int i = 0; i < 3; i++) {
            first.send(failure(i, "203.0.113.4"));
        }
        assertThat(raised(first)).hasSize(1);
        DetectionEngine second = engine(burst("r3", 1, 3));
        second.restoreSuppressions(first.suppressions());
        for (int i = 0; i < 3; i++) {
            second.send(failure(60 + i, "203.0.113.4"));
        }
        assertThat(raised(second)).isEmpty();
    }

    @Test
    void replaceSwapsVersionsAndABrokenVersionKeepsThePreviousRunning() throws Exception {
        DetectionEngine engine = engine(burst("r4", 1, 3));
        for (int i = 0; i < 3; i++) {
            engine.send(failure(i, "203.0.113.5"));
        }
        assertThat(engine.drainAlerts())
                .singleElement()
                .satisfies(a -> assertThat(a.ruleVersion).isEqualTo(1));

        engine.deploy(burst("r4", 2, 5));
        assertThat(engine.rules())
                .singleElement()
                .satisfies(r -> assertThat(r.definition().version()).isEqualTo(2));
        for (int i = 0; i < 4; i++) {
            engine.send(failure(100 + i, "203.0.113.6"));
        }
        assertThat(engine.drainAlerts()).isEmpty();
        engine.send(failure(105, "203.0.113.6"));
        assertThat(engine.drainAlerts())
                .singleElement()
                .satisfies(a -> assertThat(a.ruleVersion).isEqualTo(2));

        // Version 3 does not compile: the caller never gets a CompiledRule to deploy, v2 runs on.
        assertThatThrownBy(
                        () ->
                                rule(
                                        "r4",
                                        3,
                                        "select source.ip.getClass() from Auth#time(2 min)",
                                        "10m"))
                .isInstanceOf(RuleValidationException.class);
        for (int i = 0; i < 5; i++) {
            engine.send(failure(200 + i, "203.0.113.7"));
        }
        assertThat(engine.drainAlerts())
                .singleElement()
                .satisfies(a -> assertThat(a.ruleVersion).isEqualTo(2));

        engine.undeploy("r4");
        assertThat(engine.ruleIds()).isEmpty();
        for (int i = 0; i < 5; i++) {
            engine.send(failure(300 + i, "203.0.113.8"));
        }
        assertThat(engine.drainAlerts()).isEmpty();
    }

    @Test
    void aVersionThatOwnsANamedWindowCanReplaceItself() throws Exception {
        String epl =
                "create window Recent#time(5 min) as Auth;\n"
                        + "insert into Recent select * from Auth(event.outcome = 'failure');\n"
                        + "select window(*) as evidence from Recent group by source.ip having count(*) >= %d";
        DetectionEngine engine = engine(rule("r5", 1, epl.formatted(2), "10m"));
        engine.deploy(rule("r5", 2, epl.formatted(3), "10m"));
        for (int i = 0; i < 3; i++) {
            engine.send(failure(i, "203.0.113.9"));
        }
        assertThat(engine.drainAlerts())
                .singleElement()
                .satisfies(a -> assertThat(a.ruleVersion).isEqualTo(2));
    }

    @Test
    void timersFireAtTheirOwnTimeWhenTheClockJumps() throws Exception {
        DetectionEngine engine =
                engine(
                        rule(
                                "r6",
                                1,
                                "select a as first from pattern [every a=Auth(event.outcome = 'failure') -> timer:interval(5 min)]",
                                "1m"));
        engine.send(failure(0, "203.0.113.10"));
        engine.advanceTime(T0 + 3_600_000);
        List<Alert> alerts = engine.drainAlerts();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).timestamp).isEqualTo(T0 + 300_000);
    }

    /** New alerts only: updates fold repeats into an alert already raised. */
    private static java.util.List<org.socengine.model.Alert> raised(DetectionEngine engine) {
        return engine.drainAlerts().stream().filter(a -> !a.update).toList();
    }

    @Test
    void anEngineWithoutABudgetLetsEveryAlertThroughAndCheckpointsNone() throws Exception {
        // What the streaming job does: its budget is a Flink function after the detector.
        DetectionEngine engine = engine(burst("no-budget", 1, 1));
        engine.withoutAlertBudget();
        // More than the 200 an hour an engine with a budget would let one rule raise.
        for (int ip = 0; ip < 250; ip++) {
            engine.send(failure(ip, "10.20." + (ip / 200) + "." + (ip % 200 + 1)));
        }
        assertThat(engine.drainAlerts())
                .hasSize(250)
                .noneMatch(a -> AlertBudget.META_RULE_ID.equals(a.ruleId));

        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        DetectionEngine.State state = engine.exportState();
        state.writeTo(new java.io.DataOutputStream(bytes));
        assertThat(state.budget).isNull();
        DetectionEngine.State back =
                DetectionEngine.State.readFrom(
                        new java.io.DataInputStream(
                                new java.io.ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back.budget).isNull();
        assertThat(back.suppressions).hasSize(250);
    }
}
