package org.socengine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.rules.library.RuleLinter;

class RuleLimitsTest {

    @TempDir Path dir;

    private static String rule(String limits) {
        return """
                id: 7d1c3a52-0c4e-4e0a-9d55-1f0c6c1d2b01
                name: Many failed logins from one address
                description: Eight or more failed SSH logins from one address within two minutes.
                version: 1
                severity: high
                risk_score: 73
                status: stable
                tags: [attack.credential_access, attack.t1110.001]
                reads: [syslog]
                group_by: [source.ip]
                %s
                suppress: {for: 10m}
                epl: |
                  select window(*) as evidence, count(*) as failures
                  from Auth(event.outcome = 'failure')#time(2 min)
                  group by source.ip having count(*) >= 8
                triage: |
                  Look at the source and the users; likely false positives are stale passwords; block it.
                tests:
                  - name: fires
                    events: fixtures/one.ndjson
                    expect: {alerts: 1}
                  - name: quiet
                    events: fixtures/one.ndjson
                    expect: {alerts: 0}
                """
                .formatted(limits);
    }

    @Test
    void aRuleWithoutLimitsTakesEveryDefault() throws Exception {
        RuleDefinition def = RuleParser.parse("mem/r.yml", rule(""));
        assertThat(def.limits()).isEqualTo(RuleLimits.NONE);
        assertThat(def.limits().orElse(RuleLimits.DEFAULTS)).isEqualTo(RuleLimits.DEFAULTS);
    }

    @Test
    void limitsTheFileSetsOverrideTheDefaultsOneByOne() throws Exception {
        RuleDefinition flow =
                RuleParser.parse("mem/r.yml", rule("limits: {max_groups: 500, max_rows: 2_000}"));
        assertThat(flow.limits()).isEqualTo(new RuleLimits(500, 2000, null));
        assertThat(flow.limits().orElse(RuleLimits.DEFAULTS))
                .isEqualTo(new RuleLimits(500, 2000, RuleLimits.DEFAULTS.cpuMsPerMinute()));

        RuleDefinition block =
                RuleParser.parse(
                        "mem/r.yml",
                        rule("limits:\n  cpu_ms_per_minute: 250\n").replace("\n  cpu", "\n  cpu"));
        assertThat(block.limits().cpuMsPerMinute()).isEqualTo(250);
    }

    @Test
    void eachBadLimitIsReportedAtItsOwnLine() {
        String yaml =
                rule(
                        "limits:\n"
                                + "  max_groups: 0\n"
                                + "  max_rows: lots\n"
                                + "  cpu_ms_per_minute: 600000\n"
                                + "  max_patterns: 3");
        // The block starts at line 11 of the file: its keys sit on lines 12 to 15.
        assertThatThrownBy(() -> RuleParser.parse("mem/r.yml", yaml))
                .isInstanceOf(RuleValidationException.class)
                .satisfies(
                        e -> {
                            List<String> problems =
                                    ((RuleValidationException) e)
                                            .problems().stream()
                                                    .map(RuleProblem::toString)
                                                    .toList();
                            assertThat(problems)
                                    .contains(
                                            "mem/r.yml:12: 'limits.max_groups' must be between 1"
                                                    + " and 100000, not 0",
                                            "mem/r.yml:13: 'limits.max_rows' must be a whole"
                                                    + " number, not 'lots'",
                                            "mem/r.yml:14: 'limits.cpu_ms_per_minute' must be"
                                                    + " between 1 and 60000, not 600000",
                                            "mem/r.yml:15: unknown key 'limits.max_patterns'"
                                                    + " (max_groups, max_rows, cpu_ms_per_minute)");
                        });
    }

    @Test
    void limitsMustBeAMapping() {
        assertThatThrownBy(() -> RuleParser.parse("mem/r.yml", rule("limits: 5000")))
                .isInstanceOf(RuleValidationException.class)
                .hasMessageContaining("mem/r.yml:11: 'limits' must be a mapping");
    }

    @Test
    void lintAcceptsGoodLimitsAndRefusesBadOnesWithFileAndLine() throws Exception {
        Path good = dir.resolve("syslog/credential_access_good_limits.yml");
        Files.createDirectories(good.getParent());
        Files.writeString(good, rule("limits: {max_groups: 500, cpu_ms_per_minute: 100}"));
        Files.createDirectories(good.getParent().resolve("fixtures"));
        Files.writeString(
                good.getParent().resolve("fixtures/one.ndjson"),
                "{\"@timestamp\":\"2026-11-24T08:00:00Z\",\"event\":{\"category\":\"authentication\","
                        + "\"action\":\"ssh_login\",\"outcome\":\"failure\",\"module\":\"syslog\"},"
                        + "\"source\":{\"ip\":\"203.0.113.5\"}}\n");
        List<RuleProblem> problems = new RuleLinter().lint(good);
        assertThat(problems).noneMatch(p -> p.toString().contains("limits"));

        Path bad = dir.resolve("syslog/credential_access_bad_limits.yml");
        Files.writeString(bad, rule("limits: {max_rows: -3}"));
        assertThat(new RuleLinter().lint(bad))
                .map(RuleProblem::toString)
                .anyMatch(p -> p.startsWith(bad + ":11:") && p.contains("max_rows"));
    }
}
