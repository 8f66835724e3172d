package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.socengine.model.Alert;
import org.socengine.model.AlertIds;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleParser;

/**
 * Alerts never mix departments: a department rule sees one department's events at a time, whatever
 * its EPL groups by; a province rule sees them all and says which departments it saw.
 */
class DepartmentIsolationTest {

    private static final AtomicInteger URIS = new AtomicInteger();
    private static final long T0 = 1_795_852_800_000L; // 2026-11-24T08:00:00Z
    private static final String ATTACKER = "203.0.113.66";

    private final List<DetectionEngine> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(DetectionEngine::close);
    }

    private DetectionEngine engine(CompiledRule... rules) {
        DetectionEngine e =
                new DetectionEngine("isolation-test-" + URIS.incrementAndGet(), List.of(rules));
        engines.add(e);
        return e;
    }

    /** Ten firewall drops from one address within a minute, grouped by the address alone. */
    private static CompiledRule drops(String id, String scope) throws Exception {
        String yaml =
                """
                id: %s
                name: test drops %s
                version: 1
                severity: low
                risk_score: 21
                group_by: [source.ip]
                %s
                suppress: {for: 30m}
                epl: |
                  select window(*) as evidence, count(*) as drops
                  from Network(event.action = 'connection_denied')#time(60 sec)
                  group by source.ip
                  having count(*) >= 10
                """
                        .formatted(id, id, scope == null ? "" : "scope: " + scope);
        return new RuleCompiler().compile(RuleParser.parse("mem/" + id + ".yml", yaml));
    }

    private static SecurityEvent drop(long second, String department, String ip) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = T0 + second * 1000;
        e.ensureEvent().category = "network";
        e.event.module = "syslog";
        e.event.action = "connection_denied";
        e.ensureSource().ip = ip;
        e.ensureDestination().ip = "10.12.0.5";
        e.ensureDestination().port = 22;
        if (department != null) {
            e.ensureOrganization().id = department;
            e.organization.name = "Department " + department;
        }
        return e;
    }

    /** Nine drops in each of two departments, interleaved, from one address. */
    private static List<SecurityEvent> nineAndNine() {
        List<SecurityEvent> out = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            out.add(drop(i * 2, "so-yt", ATTACKER));
            out.add(drop(i * 2 + 1, "so-tc", ATTACKER));
        }
        return out;
    }

    /** The drops rule tuned for one department, as a provincial SOC's per-department variants. */
    private static CompiledRule dropsOf(String id, String department) throws Exception {
        String yaml =
                """
                id: %s
                name: test drops %s
                version: 1
                severity: low
                risk_score: 21
                group_by: [source.ip]
                epl: |
                  select window(*) as evidence, count(*) as drops
                  from Network(organization.id = '%s' and event.action = 'connection_denied')#time(60 sec)
                  group by source.ip
                  having count(*) >= 10
                """
                        .formatted(id, id, department);
        return new RuleCompiler().compile(RuleParser.parse("mem/" + id + ".yml", yaml));
    }

    @Test
    void aRulePinnedToOneDepartmentRunsOnlyInThatDepartmentsRuntime() throws Exception {
        CompiledRule yt = dropsOf("yt-drops", "so-yt");
        CompiledRule tc = dropsOf("tc-drops", "so-tc");
        CompiledRule all = drops("all-drops", null);
        assertThat(yt.department()).isEqualTo("so-yt");
        assertThat(all.department()).isNull();
        DetectionEngine engine = engine(yt, tc, all);
        nineAndNine().forEach(engine::send);
        engine.send(drop(19, "so-yt", ATTACKER));
        engine.send(drop(20, null, ATTACKER));
        engine.advanceTime(T0 + 120_000);

        assertThat(engine.rulesIn("so-yt")).containsExactly("all-drops", "yt-drops");
        assertThat(engine.rulesIn("so-tc")).containsExactly("all-drops", "tc-drops");
        assertThat(engine.rulesIn("")).containsExactly("all-drops");
        // The same alerts as with every rule everywhere: so-yt's ten drops, once per rule.
        assertThat(engine.drainAlerts())
                .extracting(a -> a.ruleId + "/" + a.departmentId + "/" + a.count)
                .containsExactlyInAnyOrder("yt-drops/so-yt/10", "all-drops/so-yt/10");

        // A rule deployed later goes only where it can see events, a new version too.
        engine.deploy(dropsOf("yt-late", "so-yt"));
        assertThat(engine.rulesIn("so-yt")).contains("yt-late");
        assertThat(engine.rulesIn("so-tc")).doesNotContain("yt-late");
        engine.deploy(dropsOf("yt-late", "so-tc"));
        assertThat(engine.rulesIn("so-yt")).doesNotContain("yt-late");
        assertThat(engine.rulesIn("so-tc")).contains("yt-late");
    }

    /** Filters that do not all name the same one department leave a rule everywhere. */
    @Test
    void onlyAConstantDepartmentInEveryFilterPinsARule() {
        assertThat(EplSandbox.analyze("select * from Auth(organization.id = 'a')").department())
                .isEqualTo("a");
        assertThat(
                        EplSandbox.analyze(
                                        "select * from pattern [every a=Auth(organization.id = 'a'"
                                                + " and event.outcome = 'failure') -> Auth('a' ="
                                                + " organization.id)]")
                                .department())
                .isEqualTo("a");
        assertThat(
                        EplSandbox.analyze(
                                        "select * from Auth(organization.id = 'a' or"
                                                + " event.outcome = 'failure')")
                                .department())
                .isNull();
        assertThat(
                        EplSandbox.analyze(
                                        "select * from Auth(organization.id = 'a'),"
                                                + " Network(organization.id = 'b')")
                                .department())
                .isNull();
        assertThat(
                        EplSandbox.analyze(
                                        "select * from Auth(organization.id = 'a') as x"
                                                + " where exists (select * from Network#time(1 min))")
                                .department())
                .isNull();
        assertThat(EplSandbox.analyze("select * from Auth(organization.id != 'a')").department())
                .isNull();
    }

    @Test
    void nineDropsInEachOfTwoDepartmentsMakeNoAlert() throws Exception {
        DetectionEngine engine = engine(drops("mixing", null));
        nineAndNine().forEach(engine::send);
        engine.advanceTime(T0 + 120_000);

        assertThat(engine.drainAlerts()).isEmpty();
        assertThat(engine.departmentsSeen()).contains("so-yt", "so-tc");
    }

    @Test
    void tenInOneDepartmentMakeOneAlertOfThatDepartmentWithOnlyItsEvents() throws Exception {
        DetectionEngine engine = engine(drops("mixing", null));
        nineAndNine().forEach(engine::send);
        engine.send(drop(19, "so-yt", ATTACKER));
        engine.advanceTime(T0 + 120_000);

        List<Alert> alerts = engine.drainAlerts();
        assertThat(alerts).hasSize(1);
        Alert a = alerts.get(0);
        assertThat(a.departmentId).isEqualTo("so-yt");
        assertThat(a.departmentName).isEqualTo("Department so-yt");
        assertThat(a.departments).containsExactly("so-yt");
        assertThat(a.province).isFalse();
        assertThat(a.count).isEqualTo(10);
        assertThat(a.evidence).hasSize(10).allMatch(e -> "so-yt".equals(e.departmentId()));
        // The department joins the group key, after the rule's own fields.
        assertThat(a.entity)
                .containsExactly(
                        java.util.Map.entry("source.ip", ATTACKER),
                        java.util.Map.entry("organization.id", "so-yt"));
        assertThat(a.id).isEqualTo(AlertIds.of("mixing", 1, ATTACKER + "|so-yt", a.windowStart));
    }

    /**
     * The department comes from the group, not the first event: the first event of the window is
     * so-tc's, the alert is so-yt's.
     */
    @Test
    void theAlertsDepartmentIsItsGroupsNotItsFirstEvents() throws Exception {
        DetectionEngine engine = engine(drops("first-event", null));
        engine.send(drop(0, "so-tc", ATTACKER));
        for (int i = 1; i <= 10; i++) {
            engine.send(drop(i, "so-yt", ATTACKER));
        }
        List<Alert> alerts = engine.drainAlerts();
        assertThat(alerts).extracting(a -> a.departmentId).containsExactly("so-yt");
        assertThat(alerts.get(0).windowStart).isEqualTo(T0 + 1000);
    }

    @Test
    void aProvinceRuleSeesEveryDepartmentAndListsThem() throws Exception {
        DetectionEngine engine = engine(drops("campaign", "province"));
        nineAndNine().forEach(engine::send);
        engine.advanceTime(T0 + 120_000);

        // One alert at the tenth drop; the eight after it are repeats folded into it.
        List<Alert> alerts = Alert.latest(engine.drainAlerts());
        assertThat(alerts).hasSize(1);
        Alert a = alerts.get(0);
        assertThat(a.province).isTrue();
        assertThat(a.departmentId).isNull();
        assertThat(a.departments).containsExactly("so-tc", "so-yt");
        assertThat(a.count).isEqualTo(18);
        // A province rule's group key is its group_by alone: its ids are what they always were.
        assertThat(a.entity).containsOnlyKeys("source.ip");
        assertThat(a.id).isEqualTo(AlertIds.of("campaign", 1, ATTACKER, a.windowStart));

        // A third department reached within the suppression period joins the same alert.
        engine.send(drop(130, "so-gddt", ATTACKER));
        for (int i = 0; i < 9; i++) {
            engine.send(drop(131 + i, "so-yt", ATTACKER));
        }
        List<Alert> updates = engine.drainAlerts();
        assertThat(updates).isNotEmpty().allMatch(u -> u.update && u.id.equals(a.id));
        assertThat(updates.get(updates.size() - 1).departments)
                .containsExactly("so-gddt", "so-tc", "so-yt");
    }

    @Test
    void departmentAndProvinceRulesRunSideBySide() throws Exception {
        DetectionEngine engine =
                engine(drops("per-department", null), drops("campaign", "province"));
        nineAndNine().forEach(engine::send);
        engine.advanceTime(T0 + 120_000);

        assertThat(Alert.latest(engine.drainAlerts()))
                .singleElement()
                .satisfies(a -> assertThat(a.ruleId).isEqualTo("campaign"));
    }

    @Test
    void suppressionIsPerDepartment() throws Exception {
        DetectionEngine engine = engine(drops("suppressed", null));
        for (int i = 0; i < 15; i++) {
            engine.send(drop(i, "so-yt", ATTACKER));
        }
        List<Alert> first = engine.drainAlerts();
        assertThat(first.stream().filter(a -> !a.update)).hasSize(1);
        assertThat(engine.suppressedTotal()).isEqualTo(5);
        // The same address, the same rule, within so-yt's suppression period: so-tc's burst is
        // its own alert, not a repeat folded into so-yt's.
        for (int i = 0; i < 10; i++) {
            engine.send(drop(20 + i, "so-tc", ATTACKER));
        }
        List<Alert> second = engine.drainAlerts();
        assertThat(second).hasSize(1);
        assertThat(second.get(0).departmentId).isEqualTo("so-tc");
        assertThat(second.get(0).evidence).allMatch(e -> "so-tc".equals(e.departmentId()));
        assertThat(second.get(0).id).isNotEqualTo(first.get(0).id);
        assertThat(engine.suppressions()).hasSize(2);
    }

    @Test
    void eventsWithoutADepartmentAreEvaluatedAmongThemselves() throws Exception {
        DetectionEngine engine = engine(drops("unattributed", null));
        for (int i = 0; i < 9; i++) {
            engine.send(drop(i, null, ATTACKER));
            engine.send(drop(i, "so-yt", ATTACKER));
        }
        assertThat(engine.drainAlerts()).isEmpty();
        engine.send(drop(10, null, ATTACKER));

        List<Alert> alerts = engine.drainAlerts();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).departmentId).isNull();
        assertThat(alerts.get(0).departments).isEmpty();
        assertThat(alerts.get(0).evidence).allMatch(e -> e.organization == null);
        // As before departments were kept apart: the key of events without one is unchanged.
        assertThat(alerts.get(0).groupKey()).isEqualTo(ATTACKER);
    }

    /**
     * A rule that already grouped by organization.id keeps exactly the alert ids it had: the value
     * below was computed by the engine before departments had runtimes of their own.
     */
    @Test
    void idsOfRulesGroupedByTheDepartmentDoNotChange() throws Exception {
        String yaml =
                """
                id: golden-department
                name: golden department rule
                version: 3
                severity: low
                risk_score: 21
                group_by: [organization.id]
                epl: |
                  select window(*) as evidence, count(*) as drops
                  from Network(event.action = 'connection_denied')#time(60 sec)
                  group by organization.id
                  having count(*) >= 10
                """;
        DetectionEngine engine =
                engine(new RuleCompiler().compile(RuleParser.parse("mem/golden.yml", yaml)));
        for (int i = 0; i < 10; i++) {
            engine.send(drop(i, "so-yt", "198.51.100." + i));
        }
        List<Alert> alerts = engine.drainAlerts();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).windowStart).isEqualTo(T0);
        assertThat(alerts.get(0).entity)
                .containsExactly(java.util.Map.entry("organization.id", "so-yt"));
        assertThat(alerts.get(0).id).isEqualTo("07194ffd21b2044c5cbc96f6d7a0496c");
    }

    /** The library's iptables rule (18 drops in 45 s) on the scenario of the review. */
    @Test
    void theLibrarysIptablesRuleDoesNotMixDepartments() throws Exception {
        CompiledRule rule =
                new RuleCompiler()
                        .compile(
                                RuleParser.parse(
                                        Path.of(
                                                "detections/syslog/discovery_iptables_drop_burst.yml")));
        assertThat(rule.definition().provinceScope()).isFalse();
        DetectionEngine engine = engine(rule);
        for (int i = 0; i < 17; i++) {
            engine.send(drop(i, "so-yt", ATTACKER));
            engine.send(drop(i, "so-tttt", ATTACKER));
        }
        engine.advanceTime(T0 + 120_000);
        assertThat(engine.drainAlerts()).isEmpty();
    }

    /** A rule whose scope changes moves between the department runtimes and the province's. */
    @Test
    void aRuleThatChangesScopeMoves() throws Exception {
        DetectionEngine engine = engine(drops("moving", null));
        nineAndNine().forEach(engine::send);
        assertThat(engine.drainAlerts()).isEmpty();

        engine.deploy(drops("moving", "province"));
        for (int i = 0; i < 10; i++) {
            engine.send(drop(100 + i, i % 2 == 0 ? "so-yt" : "so-tc", ATTACKER));
        }
        assertThat(engine.drainAlerts())
                .singleElement()
                .satisfies(a -> assertThat(a.province).isTrue());

        engine.deploy(drops("moving", null));
        for (int i = 0; i < 10; i++) {
            engine.send(drop(200 + i, i % 2 == 0 ? "so-yt" : "so-tc", ATTACKER));
        }
        assertThat(engine.drainAlerts()).isEmpty();
        assertThat(engine.ruleIds()).containsExactly("moving");
    }

    /**
     * A department's runtime gets a rule at the first event of a stream the rule reads; a version
     * that reads other streams replaces it everywhere, never running beside it.
     */
    @Test
    void rulesReachADepartmentWithTheFirstEventOfTheirStreams() throws Exception {
        DetectionEngine engine = engine(drops("lazy", null));
        SecurityEvent login = new SecurityEvent();
        login.timestamp = T0;
        login.ensureEvent().category = "authentication";
        login.event.outcome = "failure";
        login.ensureOrganization().id = "so-yt";
        engine.send(login);
        for (int i = 0; i < 10; i++) {
            engine.send(drop(1 + i, "so-yt", ATTACKER));
        }
        assertThat(engine.drainAlerts()).hasSize(1);

        // Version 2 reads Auth instead of Network: the Network version must be gone from so-yt.
        String yaml =
                """
                id: lazy
                name: test drops lazy
                version: 2
                severity: low
                risk_score: 21
                group_by: [source.ip]
                epl: |
                  select window(*) as evidence, count(*) as n
                  from Auth(event.outcome = 'failure')#time(60 sec)
                  group by source.ip
                  having count(*) >= 10
                """;
        engine.deploy(new RuleCompiler().compile(RuleParser.parse("mem/lazy2.yml", yaml)));
        for (int i = 0; i < 30; i++) {
            engine.send(drop(100 + i, "so-yt", ATTACKER));
        }
        assertThat(engine.drainAlerts()).isEmpty();
        assertThat(engine.partitionDeployFailures()).isZero();
    }
}
