package org.socengine.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.RuleCompiler;
import org.socengine.rules.engine.RuleFunctions;

/** The curated functions Sigma rules compile to: exact, null-safe, bounded, and sandboxed. */
class SigmaFunctionsTest {

    @Test
    void wildcardMatching() {
        assertThat(RuleFunctions.sigmaMatch("C:\\Windows\\CMD.exe", "*\\\\cmd.exe")).isTrue();
        assertThat(RuleFunctions.sigmaMatch("abc", "a?c", "zzz")).isTrue();
        assertThat(RuleFunctions.sigmaMatch("a*c", "a\\*c")).isTrue();
        assertThat(RuleFunctions.sigmaMatch("abc", "a\\*c")).isFalse();
        assertThat(RuleFunctions.sigmaMatch(4624, "4624")).isTrue();
        assertThat(RuleFunctions.sigmaMatch(null, "*")).isFalse();
        assertThat(RuleFunctions.sigmaMatch("", "")).isTrue();
        assertThat(RuleFunctions.sigmaMatch("x", "")).isFalse();
        assertThat(RuleFunctions.sigmaMatchCased("ABC", "abc")).isFalse();
        assertThat(RuleFunctions.sigmaMatch("ab-cd-ef", "*b-c*d-e*")).isTrue();
        assertThat(RuleFunctions.sigmaCompare("0x10", "gte", 16)).isTrue();
        assertThat(RuleFunctions.sigmaCompare("n/a", "lt", 16)).isFalse();
        assertThat(RuleFunctions.sigmaFieldRef("C:\\A.exe", "c:\\a.EXE", "equals")).isTrue();
        assertThat(RuleFunctions.sigmaNull(null)).isTrue();
    }

    @Test
    void aHostileValueAndPatternStayFast() {
        String value = "a".repeat(1_000_000);
        String pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
        long start = System.nanoTime();
        assertThat(RuleFunctions.sigmaMatch(value, pattern)).isFalse();
        // Input is cut at 64 KiB and the glob backtracks once per star: far below a second.
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void theSandboxWantsConstantPatterns() throws Exception {
        String yaml =
                """
                id: 6f1c7c43-58b4-4c2b-9d6e-3a1a2f6f0e09
                name: Computed pattern
                version: 1
                severity: low
                risk_score: 10
                status: test
                reads: [winlog]
                epl: |
                  select * from Process(sigma_match(process.command_line, process.executable))
                """;
        assertThatThrownBy(() -> new RuleCompiler().compile(RuleParser.parse("x.yml", yaml)))
                .isInstanceOf(RuleValidationException.class)
                .hasMessageContaining("takes constant patterns");
        String ok = yaml.replace("process.executable))", "'*whoami*', '*net user*'))");
        assertThat(new RuleCompiler().compile(RuleParser.parse("x.yml", ok))).isNotNull();
    }
}
