package org.socengine.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.RuleCompiler;

/**
 * Every one of SigmaHQ's 1,536 rules for the sources the engine decodes is compiled to EPL and
 * through the same sandbox and Esper compiler as a hand-written rule. Target: 90 %. The report
 * ({@code target/sigma-compile-report.md}) lists the rate by log source and every refusal with its
 * reason.
 */
class SigmaCompileRateTest {

    @Test
    void atLeastNinetyPercentOfSigmaHqRulesCompileAndPassTheSandbox() throws IOException {
        Path rules = SigmaSamples.root().resolve("rules");
        List<Path> files = SigmaSamples.files(rules, ".yml");
        assertThat(files).hasSizeGreaterThanOrEqualTo(1500);
        SigmaCompiler sigma = new SigmaCompiler();
        RuleCompiler compiler = new RuleCompiler();
        Map<String, int[]> byFolder = new TreeMap<>();
        Map<String, Integer> reasons = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int ok = 0;
        for (Path f : files) {
            String folder = rules.relativize(f).getParent().toString();
            int[] counts = byFolder.computeIfAbsent(folder, k -> new int[2]);
            counts[1]++;
            String yaml = Files.readString(f, StandardCharsets.UTF_8);
            try {
                RuleDefinition def = sigma.compile(rules.relativize(f).toString(), yaml);
                compiler.compile(def);
                counts[0]++;
                ok++;
            } catch (RuleValidationException e) {
                for (RuleProblem p : e.problems()) {
                    failures.add(p.toString());
                    reasons.merge(reasonOf(p.message()), 1, Integer::sum);
                }
            }
        }
        double rate = 100.0 * ok / files.size();
        StringBuilder report = new StringBuilder("# Sigma compile rate\n\n");
        report.append(
                String.format(
                        "%d of %d rules compile and pass the sandbox: %.1f %%%n%n",
                        ok, files.size(), rate));
        report.append("| folder | compiled | rules | rate |\n| --- | ---: | ---: | ---: |\n");
        for (Map.Entry<String, int[]> e : byFolder.entrySet()) {
            int[] c = e.getValue();
            report.append(
                    String.format(
                            "| %s | %d | %d | %.1f %% |%n",
                            e.getKey(), c[0], c[1], 100.0 * c[0] / c[1]));
        }
        report.append("\n## Refusals by reason\n\n");
        reasons.entrySet().stream()
                .sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(
                        e ->
                                report.append("- ")
                                        .append(e.getValue())
                                        .append(" × ")
                                        .append(e.getKey())
                                        .append('\n'));
        report.append("\n## Every refusal\n\n");
        failures.forEach(x -> report.append("- ").append(x).append('\n'));
        Files.writeString(SigmaSamples.report("sigma-compile-report.md"), report);
        System.out.printf("sigma compile rate: %d/%d = %.1f %%%n", ok, files.size(), rate);
        assertThat(rate)
                .as("compile rate; see target/sigma-compile-report.md")
                .isGreaterThanOrEqualTo(90.0);
    }

    /** The kind of a refusal: its message without the values that differ from rule to rule. */
    static String reasonOf(String message) {
        String m = message.replaceAll("'[^']*'", "'…'");
        int colon = m.indexOf(": ", "sigma: ".length());
        return m.length() > 160 ? m.substring(0, 160) : m;
    }
}
