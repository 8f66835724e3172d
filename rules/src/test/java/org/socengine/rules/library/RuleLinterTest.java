package org.socengine.rules.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;

class RuleLinterTest {

    @TempDir Path dir;

    private static final String GOOD_EVENTS =
            "{\"@timestamp\":\"2026-11-24T08:00:00Z\",\"event\":{\"category\":\"authentication\",\"action\":\"ssh_login\",\"outcome\":\"failure\",\"module\":\"syslog\"},\"source\":{\"ip\":\"203.0.113.5\"}}\n";

    private Path write(String relative, String text) throws Exception {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static String good(String id, String name) {
        return """
                id: %s
                name: %s
                description: Eight or more failed SSH logins from one address within two minutes.
                version: 1
                severity: high
                risk_score: 73
                status: stable
                tags: [attack.credential_access, attack.t1110.001]
                reads: [syslog]
                group_by: [source.ip]
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
                .formatted(id, name);
    }

    private static String render(List<RuleProblem> problems) {
        return problems.stream().map(RuleProblem::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void aCleanRulePasses() throws Exception {
        write("syslog/fixtures/one.ndjson", GOOD_EVENTS);
        write(
                "syslog/credential_access_ssh_failures.yml",
                good("11111111-2222-3333-4444-555555555555", "SSH failures from one source"));
        assertThat(new RuleLinter().lint(dir)).isEmpty();
    }

    @Test
    void reportsEveryProblemOfEveryFileWithItsLine() throws Exception {
        write("syslog/fixtures/one.ndjson", GOOD_EVENTS + "{not json}\n");
        write(
                "syslog/credential_access_ssh_failures.yml",
                good("11111111-2222-3333-4444-555555555555", "SSH failures from one source"));
        // Same id and name as the first file.
        write(
                "syslog/credential_access_ssh_failures_copy.yml",
                good("11111111-2222-3333-4444-555555555555", "SSH failures from one source"));
        Path bad =
                write(
                        "syslog/BruteForce.yml",
                        """
                        id: not-a-uuid
                        name: Bad rule with many problems
                        description: Shows that every problem is reported at once.
                        version: 1
                        severity: low
                        risk_score: 80
                        status: stable
                        tags:
                          - attack.credential_acces
                          - attack.t1110.099
                          - attack.t1046
                        reads: [web]
                        group_by: [source.ip]
                        colour: blue
                        epl: |
                          select window(*) as evidence
                          from Auth#time(12 hours)
                          where source.ip.getClass() is not null
                        triage: ""
                        tests:
                          - name: only a positive test
                            events: fixtures/missing.ndjson
                            expect: {alerts: 1}
                        """);
        List<RuleProblem> problems = new RuleLinter().lint(dir);
        String all = render(problems);
        String f = bad.toString();

        assertThat(all)
                .contains(f + ":14: unknown key 'colour'")
                .contains(f + ":15: suppress.for (10m) is shorter than the rule's window (12h)")
                .contains(f + ":1: 'id' 'not-a-uuid' does not match")
                .contains(f + ":1: file name 'BruteForce.yml' does not follow")
                .contains(f + ":9: unknown ATT&CK tactic 'attack.credential_acces'")
                .contains(f + ":10: unknown ATT&CK technique 'attack.t1110.099'")
                .contains(f + ":8: tags need an ATT&CK tactic")
                .contains(f + ":6: risk_score 80 does not fit severity 'low' (0-21)")
                .contains(
                        f
                                + ":12: the rule lives in rules/detections/syslog/ but does not read 'syslog'")
                .contains(f + ":19: 'triage' is too short")
                .contains(f + ":20: needs at least one negative test")
                .contains(
                        f
                                + ":21: fixture 'fixtures/missing.ndjson' of test 'only a positive test' does not exist")
                .contains(f + ":18: method call '.getClass(...)' is not allowed");
        Path copy = dir.resolve("syslog/credential_access_ssh_failures_copy.yml");
        assertThat(all)
                .contains(copy + ":1: id 11111111-2222-3333-4444-555555555555 is already used by")
                .contains(copy + ":2: name 'SSH failures from one source' is already used by")
                .contains(dir.resolve("syslog/fixtures/one.ndjson") + ":2: not an ECS event");
    }

    @Test
    void techniqueMustBelongToOneOfTheTacticsAndFileNameToTheFirstTactic() throws Exception {
        write("syslog/fixtures/one.ndjson", GOOD_EVENTS);
        Path p =
                write(
                        "syslog/discovery_ssh_failures.yml",
                        good("11111111-2222-3333-4444-555555555556", "SSH failures from one source")
                                .replace(
                                        "[attack.credential_access, attack.t1110.001]",
                                        "[attack.credential_access, attack.t1046]"));
        String all = render(new RuleLinter().lint(dir));
        assertThat(all)
                .contains(p + ":8: T1046 (Network Service Discovery) belongs to [discovery]")
                .contains(
                        p
                                + ":1: file name 'discovery_ssh_failures.yml' must start with the first tactic tag: credential_access_");
    }

    @Test
    void suppressionShorterThanTheWindowIsReported() throws Exception {
        write("syslog/fixtures/one.ndjson", GOOD_EVENTS);
        Path p =
                write(
                        "syslog/credential_access_ssh_failures.yml",
                        good("11111111-2222-3333-4444-555555555557", "SSH failures from one source")
                                .replace("#time(2 min)", "#time(30 min)"));
        assertThat(render(new RuleLinter().lint(dir)))
                .contains(p + ":11: suppress.for (10m) is shorter than the rule's window (30m)");
    }

    @Test
    void invalidYamlIsOneProblemWithItsLine() throws Exception {
        Path p = write("syslog/credential_access_broken.yml", "id: x\nname: [unclosed\n");
        List<RuleProblem> problems = new RuleLinter().lint(dir);
        assertThat(problems).isNotEmpty();
        assertThat(problems.get(0).file()).isEqualTo(p.toString());
        assertThat(problems.get(0).message()).startsWith("invalid YAML");
    }

    @Test
    void scopeIsDepartmentOrProvinceAndAProvinceRuleMayNotGroupByTheDepartment() throws Exception {
        String id1 = "0b5e2d9e-0000-4000-8000-000000000001";
        String id2 = "0b5e2d9e-0000-4000-8000-000000000002";
        String id3 = "0b5e2d9e-0000-4000-8000-000000000003";
        write("syslog/fixtures/one.ndjson", GOOD_EVENTS);
        Path province =
                write(
                        "syslog/credential_access_ssh_province.yml",
                        good(id1, "SSH failures across the province")
                                .replace(
                                        "group_by: [source.ip]",
                                        "group_by: [source.ip]\nscope: province"));
        Path bad =
                write(
                        "syslog/credential_access_ssh_bad_scope.yml",
                        good(id2, "SSH failures in a bad scope")
                                .replace(
                                        "group_by: [source.ip]",
                                        "group_by: [source.ip]\nscope: city"));
        Path disguised =
                write(
                        "syslog/credential_access_ssh_disguised.yml",
                        good(id3, "SSH failures of a department in disguise")
                                .replace(
                                        "group_by: [source.ip]",
                                        "group_by: [organization.id, source.ip]\nscope: province"));

        String out = render(new RuleLinter().lint(dir));

        assertThat(out).doesNotContain(province.toString());
        assertThat(out).contains(bad.toString() + ":11:").contains("scope");
        assertThat(out)
                .contains(disguised.toString() + ":11:")
                .contains("groups by department anyway");
        assertThat(RuleParser.parse(province).provinceScope()).isTrue();
        assertThat(RuleParser.parse(province).effectiveGroupBy()).containsExactly("source.ip");
        RuleDefinition department =
                RuleParser.parse(write("x/a.yml", good(id1, "a department rule")));
        assertThat(department.scope()).isEqualTo("department");
        assertThat(department.effectiveGroupBy()).containsExactly("source.ip", "organization.id");
    }
}
