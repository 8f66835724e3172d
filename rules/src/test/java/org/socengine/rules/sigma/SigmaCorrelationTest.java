package org.socengine.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.RuleCompiler;
import org.socengine.rules.library.RuleLinter;
import org.socengine.rules.library.RuleRepository;
import org.socengine.rules.library.RuleTestRunner;

/**
 * Sigma 2 correlations compiled to EPL windows and patterns, checked by the sandbox and Esper, and
 * run by the engine on event time.
 */
class SigmaCorrelationTest {

    private static final long T0 = 1_795_608_000_000L;
    private final SigmaCompiler sigma = new SigmaCompiler();
    private final RuleCompiler compiler = new RuleCompiler();

    private static final String FAILED =
            """
            title: Failed SSH login
            name: ssh_failed
            id: 7d3f0a4e-4a8b-4f39-9d3c-1b2a3c4d5e01
            logsource:
                product: linux
                service: sshd
            detection:
                selection:
                    event.action: ssh_login
                    event.outcome: failure
                condition: selection
            level: low
            """;

    private static final String SUCCESS =
            """
            title: Accepted SSH login
            name: ssh_success
            id: 7d3f0a4e-4a8b-4f39-9d3c-1b2a3c4d5e02
            logsource:
                product: linux
                service: sshd
            detection:
                selection:
                    event.action: ssh_login
                    event.outcome: success
                condition: selection
            level: low
            """;

    private static String correlation(String body) {
        return """
                title: Correlation under test
                id: 7d3f0a4e-4a8b-4f39-9d3c-1b2a3c4d5e00
                status: test
                tags:
                    - attack.credential_access
                    - attack.t1110.001
                correlation:
                """
                + body.indent(4)
                + "level: high\n";
    }

    private CompiledRule compile(String correlationBody, String... rules)
            throws RuleValidationException {
        StringBuilder yaml = new StringBuilder(correlation(correlationBody));
        for (String r : rules) {
            yaml.append("---\n").append(r);
        }
        return compiler.compile(sigma.compile("corr.yml", yaml.toString()));
    }

    private static SecurityEvent ssh(long at, String outcome, String ip, String user) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = T0 + at;
        SecurityEvent.Event ev = e.ensureEvent();
        ev.module = "syslog";
        ev.category = "authentication";
        ev.action = "ssh_login";
        ev.outcome = outcome;
        e.ensureSource().ip = ip;
        e.ensureUser().name = user;
        e.ensureProcess().name = "sshd";
        return e;
    }

    private static List<SecurityEvent> failures(int n, long every, String ip, String user) {
        List<SecurityEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(ssh(i * every, "failure", ip, user == null ? "user" + i : user));
        }
        return out;
    }

    @Test
    void eventCountIsAGroupedTimeWindowWithAHavingClause() throws Exception {
        CompiledRule rule =
                compile(
                        """
                        type: event_count
                        rules: [ssh_failed]
                        group-by: [source.ip]
                        timespan: 2m
                        condition: {gte: 5}
                        """,
                        FAILED);
        RuleDefinition def = rule.definition();
        assertThat(def.epl())
                .contains("#time(2 min)")
                .contains("group by source.ip")
                .contains("having count(*) >= 5");
        assertThat(def.groupBy()).containsExactly("source.ip");
        assertThat(def.reads()).containsExactly("syslog");
        assertThat(def.lines()).containsKey(SigmaCompiler.SIGMA_MARK);

        List<SecurityEvent> events = new ArrayList<>(failures(5, 10_000, "203.0.113.9", "root"));
        events.addAll(failures(4, 10_000, "198.51.100.1", "root"));
        List<Alert> alerts = RuleTestRunner.replay(rule, events);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).entity).containsEntry("source.ip", "203.0.113.9");
        assertThat(alerts.get(0).count).isEqualTo(5);
        // Five failures spread over five minutes never share a two-minute window.
        assertThat(RuleTestRunner.replay(rule, failures(5, 60_000, "203.0.113.9", "root")))
                .isEmpty();
    }

    @Test
    void conditionsCompileToEachComparison() throws Exception {
        String base =
                """
                type: event_count
                rules: [ssh_failed]
                group-by: [source.ip]
                timespan: 90s
                """;
        assertThat(compile(base + "condition: {gt: 3}\n", FAILED).definition().epl())
                .contains("having count(*) > 3")
                .contains("#time(90 sec)");
        assertThat(compile(base + "condition: {lte: 3}\n", FAILED).definition().epl())
                .contains("having count(*) <= 3");
        assertThat(compile(base + "condition: {lt: 3}\n", FAILED).definition().epl())
                .contains("having count(*) < 3");
        assertThat(compile(base + "condition: {eq: 3}\n", FAILED).definition().epl())
                .contains("having count(*) = 3");
        CompiledRule range = compile(base + "condition: {range: 3..4}\n", FAILED);
        assertThat(range.definition().epl()).contains("having count(*) between 3 and 4");
        assertThat(compile(base + "condition: {gte: 3, lte: 4}\n", FAILED).definition().epl())
                .contains("having count(*) >= 3 and count(*) <= 4");
        // The range holds at the third and the fourth failure only: one alert, folded.
        assertThat(RuleTestRunner.replay(range, failures(6, 1_000, "203.0.113.9", "root")))
                .hasSize(1);
    }

    @Test
    void valueCountCountsDistinctValuesOverSeveralRules() throws Exception {
        String invalid =
                FAILED.replace("ssh_failed", "ssh_invalid")
                        .replace("5e01", "5e03")
                        .replace("event.action: ssh_login", "event.action: ssh_invalid_user")
                        .replace("        event.outcome: failure\n", "");
        CompiledRule rule =
                compile(
                        """
                        type: value_count
                        rules: [ssh_failed, 7d3f0a4e-4a8b-4f39-9d3c-1b2a3c4d5e03]
                        group-by: [source.ip]
                        timespan: 10m
                        condition: {gte: 4, field: user.name}
                        """,
                        FAILED,
                        invalid);
        assertThat(rule.definition().epl())
                .contains("count(distinct user.name) >= 4")
                .contains("ssh_invalid_user");
        List<SecurityEvent> events = new ArrayList<>(failures(3, 1_000, "203.0.113.9", null));
        SecurityEvent unknown = ssh(5_000, null, "203.0.113.9", "nosuchuser");
        unknown.event.action = "ssh_invalid_user";
        events.add(unknown);
        assertThat(RuleTestRunner.replay(rule, events)).hasSize(1);
        // One user failing ten times is one value.
        assertThat(RuleTestRunner.replay(rule, failures(10, 1_000, "203.0.113.9", "root")))
                .isEmpty();
    }

    @Test
    void temporalNeedsEveryRuleInTheWindowInAnyOrder() throws Exception {
        CompiledRule rule =
                compile(
                        """
                        type: temporal
                        rules: [ssh_success, ssh_failed]
                        group-by: [source.ip]
                        timespan: 5m
                        """,
                        FAILED,
                        SUCCESS);
        assertThat(rule.definition().epl()).contains("max(case when");
        List<SecurityEvent> events = new ArrayList<>();
        events.add(ssh(0, "success", "203.0.113.9", "root"));
        events.add(ssh(60_000, "failure", "203.0.113.9", "root"));
        // Another source: only failures.
        events.add(ssh(0, "failure", "198.51.100.1", "root"));
        events.add(ssh(1_000, "failure", "198.51.100.1", "root"));
        List<Alert> alerts = RuleTestRunner.replay(rule, events);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).entity).containsEntry("source.ip", "203.0.113.9");
        // Ten minutes apart is outside the timespan.
        assertThat(
                        RuleTestRunner.replay(
                                rule,
                                List.of(
                                        ssh(0, "success", "203.0.113.9", "root"),
                                        ssh(600_000, "failure", "203.0.113.9", "root"))))
                .isEmpty();
    }

    @Test
    void temporalOrderedIsAPatternWithinTheTimespanAndAliasesJoinFields() throws Exception {
        CompiledRule rule =
                compile(
                        """
                        type: temporal_ordered
                        rules: [ssh_failed, ssh_success]
                        group-by: [attacker]
                        aliases:
                            attacker:
                                ssh_failed: source.ip
                                ssh_success: source.ip
                        timespan: 5m
                        """,
                        FAILED,
                        SUCCESS);
        assertThat(rule.definition().epl())
                .contains("from pattern [every e0=")
                .contains("source.ip = e0.source.ip")
                .contains("where timer:within(5 min)");
        assertThat(rule.definition().groupBy()).containsExactly("source.ip");
        List<Alert> alerts =
                RuleTestRunner.replay(
                        rule,
                        List.of(
                                ssh(0, "failure", "203.0.113.9", "root"),
                                ssh(30_000, "success", "203.0.113.9", "root")));
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).entity).containsEntry("source.ip", "203.0.113.9");
        assertThat(alerts.get(0).evidence).hasSize(2);
        // The wrong order, or another source's success, stays quiet.
        assertThat(
                        RuleTestRunner.replay(
                                rule,
                                List.of(
                                        ssh(0, "success", "203.0.113.9", "root"),
                                        ssh(30_000, "failure", "203.0.113.9", "root"),
                                        ssh(40_000, "success", "198.51.100.1", "root"))))
                .isEmpty();
    }

    @Test
    void whatCannotBeCompiledIsRefusedWithTheReason() {
        assertThatThrownBy(
                        () -> compile("type: burst\nrules: [ssh_failed]\ntimespan: 1m\n", FAILED))
                .hasMessageContaining("type 'burst' is not one of");
        assertThatThrownBy(
                        () ->
                                compile(
                                        "type: event_count\nrules: [nope]\ntimespan: 1m\n"
                                                + "condition: {gte: 2}\n",
                                        FAILED))
                .hasMessageContaining("rule 'nope' is neither in this file nor in the rule set");
        assertThatThrownBy(
                        () ->
                                compile(
                                        "type: event_count\nrules: [ssh_failed]\n"
                                                + "condition: {gte: 2}\n",
                                        FAILED))
                .hasMessageContaining("'timespan' is required");
        assertThatThrownBy(
                        () ->
                                compile(
                                        "type: value_count\nrules: [ssh_failed]\ntimespan: 1m\n"
                                                + "condition: {gte: 2}\n",
                                        FAILED))
                .hasMessageContaining("value_count needs condition.field");
        assertThatThrownBy(
                        () ->
                                compile(
                                        "type: event_count\nrules: [ssh_failed]\ntimespan: 1m\n"
                                                + "group-by: [NoSuchField]\n"
                                                + "condition: {gte: 2}\n",
                                        FAILED))
                .hasMessageContaining("group-by field 'NoSuchField' has no mapping");
        assertThatThrownBy(
                        () ->
                                compile(
                                        "type: event_count\nrules: [ssh_failed]\ntimespan: 1m\n"
                                                + "generate: true\ncondition: {gte: 2}\n",
                                        FAILED))
                .hasMessageContaining("lives in this file");
        assertThatThrownBy(
                        () ->
                                compile(
                                        "type: temporal_ordered\nrules: [ssh_failed]\n"
                                                + "timespan: 1m\ncondition: {gte: 2}\n",
                                        FAILED))
                .hasMessageContaining("temporal_ordered takes no condition");
        assertThatThrownBy(() -> sigma.compile("two.yml", FAILED + "---\n" + SUCCESS))
                .hasMessageContaining("several rules in one file");
    }

    @Test
    void rulesInOtherFilesOfTheSetAreFoundAndBundledForDeployment(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("ssh_failed.yml"), FAILED);
        String corr =
                correlation(
                        """
                        type: event_count
                        rules: [ssh_failed]
                        generate: true
                        group-by: [source.ip]
                        timespan: 2m
                        condition: {gte: 3}
                        """);
        Path corrFile = dir.resolve("ssh_burst.yml");
        Files.writeString(corrFile, corr);
        RuleRepository.Loaded loaded = RuleRepository.load(dir);
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.compiled()).hasSize(2);

        // Deployed, the correlation travels with the rule it names and compiles on its own.
        String bundle = SigmaRuleSet.bundle(corrFile, dir);
        assertThat(bundle).contains(SigmaDocument.FROM).contains("name: ssh_failed");
        RuleDefinition alone = RuleParser.parse("soc.rules/ssh_burst", bundle);
        assertThat(compiler.compile(alone).definition().epl()).contains("count(*) >= 3");

        // Without generate: true a rule of its own would alert twice over: refused.
        Files.writeString(corrFile, corr.replace("    generate: true\n", ""));
        List<RuleProblem> problems = new RuleLinter().lint(dir);
        assertThat(problems).anyMatch(p -> p.message().contains("say generate: true"));
    }

    @Test
    void lintReportsEveryBrokenSigmaRuleAtOnce(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("a.yml"),
                correlation(
                        "type: event_count\nrules: [gone]\ntimespan: 1m\ncondition: {gte: 2}\n"));
        Files.writeString(
                dir.resolve("b.yml"),
                correlation("type: sometimes\nrules: [x]\ntimespan: 1m\n")
                        .replace("7d3f0a4e-4a8b-4f39-9d3c-1b2a3c4d5e00", "not-a-uuid"));
        Files.writeString(dir.resolve("c.yml"), FAILED.replace("event.action", "NoSuchEcs.thing"));
        Files.writeString(
                dir.resolve("d.yml"),
                correlation(
                                "type: event_count\nrules: [ssh_failed]\ntimespan: 1m\n"
                                        + "condition: {gte: 2}\n")
                        .replace("level: high\n", "level: high\ntests:\n")
                        .concat(
                                "    - name: only positive\n"
                                        + "      events: fixtures/missing.ndjson\n"
                                        + "      expect: {alerts: 1}\n"
                                        + "---\n"
                                        + FAILED));
        List<RuleProblem> problems = new RuleLinter().lint(dir);
        assertThat(problems).anyMatch(p -> p.file().endsWith("a.yml"));
        assertThat(problems).anyMatch(p -> p.file().endsWith("b.yml"));
        assertThat(problems).anyMatch(p -> p.file().endsWith("c.yml"));
        assertThat(problems)
                .anyMatch(p -> p.file().endsWith("d.yml") && p.message().contains("negative"))
                .anyMatch(p -> p.file().endsWith("d.yml") && p.message().contains("not exist"));
    }
}
