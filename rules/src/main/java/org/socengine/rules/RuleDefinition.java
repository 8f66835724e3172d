package org.socengine.rules;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A detection rule as an admin wrote it in its YAML file (see DESIGN.md, "The rule file").
 *
 * @param file where the rule came from, for messages ({@code soc.rules} records use a virtual name)
 * @param lines the line of each top-level key, and of {@code epl.body} (the first EPL line)
 */
public record RuleDefinition(
        String id,
        String name,
        String description,
        int version,
        String severity,
        int riskScore,
        String status,
        boolean enabled,
        List<String> tags,
        List<String> reads,
        List<String> groupBy,
        Duration suppressFor,
        String epl,
        String triage,
        List<String> falsePositives,
        List<String> references,
        List<RuleTestCase> tests,
        String file,
        Map<String, Integer> lines)
        implements Serializable {

    public static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");
    public static final List<String> STATUSES =
            List.of("experimental", "test", "stable", "deprecated");

    /** Experimental rules run in shadow mode: their alerts are marked and never escalated. */
    public boolean shadow() {
        return "experimental".equals(status);
    }

    public int line(String key) {
        return lines.getOrDefault(key, 1);
    }

    public Path path() {
        return Path.of(file);
    }

    public RuleProblem problem(String key, String message) {
        return new RuleProblem(file, line(key), message);
    }
}
