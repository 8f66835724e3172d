package org.socengine.rules.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleParser;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.RuleCompiler;

class RuleTestRunnerTest {

    @TempDir Path dir;

    private static final String RULE =
            """
            id: 11111111-2222-3333-4444-555555555555
            name: SSH failures from one source
            description: Three failed SSH logins from one address within two minutes.
            version: 1
            severity: high
            risk_score: 60
            tags: [attack.credential_access, attack.t1110.001]
            reads: [syslog]
            group_by: [source.ip]
            epl: |
              select window(*) as evidence, count(*) as failures
              from Auth(event.outcome = 'failure')#time(2 min)
              group by source.ip having count(*) >= 3
            triage: Look at the source; stale passwords are false positives; block it.
            tests:
              - name: three failures out of order in the file fire once
                events: fixtures/three.ndjson
                expect: {alerts: 1, entity: {source.ip: 203.0.113.5}}
              - name: a wrong expectation fails with the actual count
                events: fixtures/three.ndjson
                expect: {alerts: 0}
              - name: raw lines go through the caller's decoder
                events: fixtures/raw.log
                source: syslog
                expect: {alerts: 1, entity: {source.ip: 198.51.100.7}}
              - name: a wrong entity fails
                events: fixtures/three.ndjson
                expect: {alerts: 1, entity: {source.ip: 10.0.0.1}}
            """;

    private static String failure(String time, String ip) {
        return "{\"@timestamp\":\"2026-11-24T08:00:%sZ\",\"event.category\":\"authentication\",\"event.outcome\":\"failure\",\"source.ip\":\"%s\"}\n"
                .formatted(time, ip);
    }

    private CompiledRule setUp() throws Exception {
        Files.createDirectories(dir.resolve("syslog/fixtures"));
        Files.writeString(
                dir.resolve("syslog/fixtures/three.ndjson"),
                failure("30", "203.0.113.5")
                        + failure("10", "203.0.113.5")
                        + failure("20", "203.0.113.5"));
        Files.writeString(
                dir.resolve("syslog/fixtures/raw.log"),
                "Failed password for root from 198.51.100.7\n"
                        + "Failed password for admin from 198.51.100.7\n\n"
                        + "Failed password for oracle from 198.51.100.7\n");
        Path file = dir.resolve("syslog/credential_access_ssh_failures.yml");
        Files.writeString(file, RULE);
        return new RuleCompiler().compile(RuleParser.parse(file));
    }

    // Stands in for the connectors' syslog decoder, which the rules module must not depend on.
    private static final BiFunction<String, List<String>, List<SecurityEvent>> DECODER =
            (source, lines) -> {
                List<SecurityEvent> out = new ArrayList<>();
                long t = 1_795_852_800_000L;
                for (String line : lines) {
                    SecurityEvent e = new SecurityEvent();
                    e.timestamp = t += 1000;
                    e.ensureEvent().category = "authentication";
                    e.event.outcome = "failure";
                    e.event.module = source;
                    e.ensureSource().ip = line.substring(line.lastIndexOf(' ') + 1);
                    out.add(e);
                }
                return out;
            };

    @Test
    void reportsPassAndFailWithActualCountsAndEntities() throws Exception {
        CompiledRule rule = setUp();
        List<RuleTestRunner.TestResult> results = new RuleTestRunner(DECODER).run(rule);
        assertThat(results).hasSize(4);

        assertThat(results.get(0).passed()).isTrue();
        assertThat(results.get(0).alerts()).isEqualTo(1);
        assertThat(results.get(0).entities())
                .containsExactly(java.util.Map.of("source.ip", "203.0.113.5"));

        assertThat(results.get(1).passed()).isFalse();
        assertThat(results.get(1).message())
                .contains("expected 0 alert(s), got 1")
                .contains("203.0.113.5");
        assertThat(results.get(1).toString()).startsWith("FAIL ").contains(":19 ");

        assertThat(results.get(2).passed()).as(results.get(2).toString()).isTrue();

        assertThat(results.get(3).passed()).isFalse();
        assertThat(results.get(3).message()).contains("source.ip=203.0.113.5, expected 10.0.0.1");
    }

    @Test
    void rawTestsWithoutADecoderFailClearly() throws Exception {
        CompiledRule rule = setUp();
        RuleTestRunner.TestResult raw = new RuleTestRunner().run(rule).get(2);
        assertThat(raw.passed()).isFalse();
        assertThat(raw.message()).contains("has no decoders");
    }

    @Test
    void theRepositoryLoadsEveryRuleAndCollectsProblems() throws Exception {
        setUp();
        Files.writeString(
                dir.resolve("syslog/credential_access_broken.yml"), "id: x\nseverity: nope\n");
        RuleRepository.Loaded loaded = RuleRepository.load(dir);
        assertThat(loaded.entries()).hasSize(2);
        assertThat(loaded.compiled()).hasSize(1);
        assertThat(loaded.problems())
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.file()).endsWith("credential_access_broken.yml"));
    }
}
