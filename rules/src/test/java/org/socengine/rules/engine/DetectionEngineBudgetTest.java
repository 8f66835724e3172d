package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleLimits;
import org.socengine.rules.RuleParser;

/**
 * A rule over its limits (rows, groups, CPU per minute of event time, summed over departments) is
 * quarantined: taken out of every department's runtime, one province-scoped {@code rule_health}
 * alert raised, the other rules alerting on. Time is event time throughout; the CPU test sets a
 * budget no real evaluation fits in, so it trips whatever the machine.
 */
class DetectionEngineBudgetTest {

    private static final AtomicInteger URIS = new AtomicInteger();
    private static final long T0 = 1_795_852_800_000L; // 2026-11-24T08:00:00Z

    private final List<DetectionEngine> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(DetectionEngine::close);
    }

    static CompiledRule rule(String id, int version, String limits, String epl) throws Exception {
        String yaml =
                """
                id: %s
                name: budget rule %s
                version: %d
                severity: high
                risk_score: 60
                group_by: [source.ip]
                %s
                suppress: {for: 10m}
                epl: |
                %s
                """
                        .formatted(id, id, version, limits, epl.indent(2));
        return new RuleCompiler().compile(RuleParser.parse("mem/" + id + ".yml", yaml));
    }

    static CompiledRule normal() throws Exception {
        return rule(
                "normal",
                1,
                "",
                "select window(*) as evidence, count(*) as failures\n"
                        + "from Auth(event.outcome = 'failure')#time(2 min)\n"
                        + "group by source.ip having count(*) >= 8");
    }

    static SecurityEvent login(long offsetMillis, String department, String user, String ip) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = T0 + offsetMillis;
        e.ensureEvent().category = "authentication";
        e.event.outcome = "failure";
        e.event.action = "ssh_login";
        e.ensureSource().ip = ip;
        e.ensureUser().name = user;
        e.ensureOrganization().id = department;
        return e;
    }

    private DetectionEngine engine(CompiledRule... rules) {
        DetectionEngine e =
                new DetectionEngine("budget-test-" + URIS.incrementAndGet(), List.of(rules));
        e.setRuleLimits(RuleLimits.DEFAULTS, 1);
        engines.add(e);
        return e;
    }

    /** 60 distinct users per department over 60 s, two departments: 120 of everything. */
    private static List<Alert> sprayUsers(DetectionEngine engine) {
        List<Alert> out = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            for (String dept : List.of("so-a", "so-b")) {
                engine.send(login(i * 1000L, dept, "user" + i, "198.51.100." + (i % 50 + 1)));
            }
        }
        out.addAll(engine.drainAlerts());
        return out;
    }

    /** Eight failures from one address in one department after the spray: the normal rule fires. */
    private static List<Alert> burst(DetectionEngine engine, long fromMillis) {
        for (int i = 0; i < 8; i++) {
            engine.send(login(fromMillis + i * 1000L, "so-a", "root", "203.0.113.66"));
        }
        engine.advanceTime(T0 + fromMillis + 10_000);
        return engine.drainAlerts();
    }

    private static List<Alert> ruleHealth(List<Alert> alerts) {
        return alerts.stream()
                .filter(a -> DetectionEngine.RULE_HEALTH_RULE_ID.equals(a.ruleId))
                .toList();
    }

    @Test
    void aNamedWindowOverItsRowsIsQuarantinedOverEveryDepartmentAndTheOthersRunOn()
            throws Exception {
        CompiledRule runaway =
                rule(
                        "runaway-rows",
                        1,
                        "limits: {max_rows: 100}",
                        "create window Seen#unique(user.name)#time(1 hour) as Auth;\n"
                                + "insert into Seen select * from Auth;\n"
                                + "select s.user.name as who from Auth(event.outcome = 'success')"
                                + " as a unidirectional, Seen as s where s.source.ip = a.source.ip");
        DetectionEngine engine = engine(runaway, normal());
        List<Alert> alerts = sprayUsers(engine);
        // 60 rows a department: each under the limit, together over it.
        engine.advanceTime(T0 + 61_000);
        alerts.addAll(engine.drainAlerts());

        assertThat(engine.ruleIds()).containsExactly("normal");
        RuleQuarantine q = engine.quarantined().get("runaway-rows");
        assertThat(q.limit()).isEqualTo(RuleQuarantine.ROWS);
        assertThat(q.measured()).isEqualTo(101); // counting stops past the limit
        assertThat(q.allowed()).isEqualTo(100);
        assertThat(engine.drainQuarantines()).containsExactly(q);
        assertThat(engine.drainQuarantines()).isEmpty();

        Alert health = ruleHealth(alerts).get(0);
        assertThat(ruleHealth(alerts)).hasSize(1);
        assertThat(health.meta).isTrue();
        assertThat(health.province).isTrue();
        assertThat(health.departmentId).isNull();
        assertThat(health.departments).containsExactly("so-a", "so-b");
        assertThat(health.tags).contains("rule_health");
        assertThat(health.entity).containsEntry("rule.id", "runaway-rows");
        assertThat(health.details)
                .containsEntry("quarantined_rule_id", "runaway-rows")
                .containsEntry("quarantined_rule", "budget rule runaway-rows")
                .containsEntry("quarantined_rule_version", "1")
                .containsEntry("limit", "max_rows")
                .containsEntry("reason", "max_rows exceeded: 101 > 100")
                .containsEntry(
                        "limits", "{max_groups: 50000, max_rows: 100, cpu_ms_per_minute: 10000}");
        assertThat(health.timestamp).isEqualTo(T0 + 61_000);
        // One alert per quarantined file, whichever subtask or replay raises it.
        assertThat(health.id)
                .isEqualTo(
                        DetectionEngine.ruleHealthAlert(q, RuleLimits.DEFAULTS, 0, List.of()).id);

        assertThat(burst(engine, 70_000))
                .filteredOn(a -> a.ruleId.equals("normal"))
                .singleElement()
                .satisfies(a -> assertThat(a.entity).containsEntry("source.ip", "203.0.113.66"));
    }

    @Test
    void groupsOverTheLimitQuarantineAndOnlyANewerFileDeploysAgain() throws Exception {
        String epl =
                "select user.name as who, count(*) as n from Auth#time(10 min)"
                        + " group by user.name having count(*) > 1000";
        CompiledRule runaway = rule("runaway-groups", 1, "limits: {max_groups: 50}", epl);
        DetectionEngine engine = engine(runaway, normal());
        sprayUsers(engine);
        engine.advanceTime(T0 + 61_000);
        List<Alert> alerts = engine.drainAlerts();
        assertThat(ruleHealth(alerts))
                .singleElement()
                .satisfies(
                        a ->
                                assertThat(a.details)
                                        .containsEntry("limit", "max_groups")
                                        .containsEntry("measured", "120")
                                        .containsEntry("allowed", "50"));
        assertThat(engine.ruleIds()).containsExactly("normal");

        // The same file again (a replay of soc.rules, a restore): it stays out.
        engine.deploy(runaway);
        assertThat(engine.ruleIds()).containsExactly("normal");
        // A newer version with a limit it fits in comes back.
        engine.deploy(rule("runaway-groups", 2, "limits: {max_groups: 5000}", epl));
        assertThat(engine.ruleIds()).containsExactlyInAnyOrder("normal", "runaway-groups");
        assertThat(engine.quarantined()).isEmpty();
        sprayUsers(engine);
        engine.advanceTime(T0 + 200_000);
        assertThat(ruleHealth(engine.drainAlerts())).isEmpty();
        assertThat(engine.ruleIds()).containsExactlyInAnyOrder("normal", "runaway-groups");
    }

    @Test
    void aRuleOverItsCpuBudgetIsQuarantinedAndTheCheapOneIsNot() throws Exception {
        // Every event walks a window of up to 4,000 events: far more than one millisecond of
        // CPU per minute on any machine, where the normal rule stays far under its default.
        CompiledRule runaway =
                rule(
                        "runaway-cpu",
                        1,
                        "limits: {cpu_ms_per_minute: 1}",
                        "select window(*).where(x => x.user.name like '%zz%').countOf() as n"
                                + " from Auth#length(4000) having count(*) < 0");
        DetectionEngine engine = engine(runaway, normal());
        List<Alert> alerts = new java.util.ArrayList<>();
        for (int minute = 0; minute < DetectionEngine.CPU_STRIKES; minute++) {
            // One minute over is a cold start or a busy machine, not yet a runaway rule.
            assertThat(ruleHealth(alerts)).isEmpty();
            for (int i = 0; i < 3000; i++) {
                engine.send(
                        login(
                                minute * 61_000L + i * 20L,
                                i % 2 == 0 ? "so-a" : "so-b",
                                "u" + i,
                                "198.51.100.7"));
            }
            engine.advanceTime(T0 + (minute + 1) * 61_000L);
            alerts.addAll(engine.drainAlerts());
        }
        assertThat(ruleHealth(alerts))
                .singleElement()
                .satisfies(
                        a ->
                                assertThat(a.details)
                                        .containsEntry("quarantined_rule_id", "runaway-cpu")
                                        .containsEntry("limit", "cpu_ms_per_minute")
                                        .containsEntry("allowed", "1"));
        assertThat(engine.quarantined()).containsOnlyKeys("runaway-cpu");
        assertThat(burst(engine, 400_000)).anyMatch(a -> a.ruleId.equals("normal"));
    }

    @Test
    void aRestoredQuarantineHoldsTheRuleOutOfAFreshEngine() throws Exception {
        CompiledRule runaway =
                rule(
                        "runaway-groups",
                        1,
                        "limits: {max_groups: 50}",
                        "select user.name as who, count(*) as n from Auth#time(10 min)"
                                + " group by user.name having count(*) > 1000");
        DetectionEngine first = engine(runaway, normal());
        sprayUsers(first);
        first.advanceTime(T0 + 61_000);
        RuleQuarantine q = first.quarantined().get("runaway-groups");

        DetectionEngine restored = engine(runaway, normal());
        restored.restoreQuarantine(q);
        assertThat(restored.ruleIds()).containsExactly("normal");
        restored.deploy(runaway);
        assertThat(restored.ruleIds()).containsExactly("normal");
        assertThat(restored.drainQuarantines()).isEmpty();
        assertThat(ruleHealth(restored.drainAlerts())).isEmpty();
    }
}
