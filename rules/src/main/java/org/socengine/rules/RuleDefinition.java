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
 * @param limits the rule's own {@code limits:} (each null one: the engine's default)
 * @param scope {@code department} (the default: the rule sees one department's events at a time and
 *     its alerts belong to that department) or {@code province} (the rule sees every department's
 *     events together, for campaigns across departments)
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
        Map<String, Integer> lines,
        String scope,
        RuleLimits limits)
        implements Serializable {

    public static final String SCOPE_DEPARTMENT = "department";
    public static final String SCOPE_PROVINCE = "province";
    public static final List<String> SCOPES = List.of(SCOPE_DEPARTMENT, SCOPE_PROVINCE);
    public static final String DEPARTMENT_FIELD = "organization.id";

    public RuleDefinition {
        scope = scope == null ? SCOPE_DEPARTMENT : scope;
        limits = limits == null ? RuleLimits.NONE : limits;
    }

    /** A rule without a {@code limits:} block: the engine's defaults apply. */
    public RuleDefinition(
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
            Map<String, Integer> lines,
            String scope) {
        this(
                id,
                name,
                description,
                version,
                severity,
                riskScore,
                status,
                enabled,
                tags,
                reads,
                groupBy,
                suppressFor,
                epl,
                triage,
                falsePositives,
                references,
                tests,
                file,
                lines,
                scope,
                RuleLimits.NONE);
    }

    /** A department-scoped rule, as every rule was before {@code scope} existed. */
    public RuleDefinition(
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
            Map<String, Integer> lines) {
        this(
                id,
                name,
                description,
                version,
                severity,
                riskScore,
                status,
                enabled,
                tags,
                reads,
                groupBy,
                suppressFor,
                epl,
                triage,
                falsePositives,
                references,
                tests,
                file,
                lines,
                SCOPE_DEPARTMENT);
    }

    /** {@code scope: province}: one rule instance sees every department's events. */
    public boolean provinceScope() {
        return SCOPE_PROVINCE.equals(scope);
    }

    /**
     * The fields alerts of this rule are grouped by: {@code group_by}, and for a department rule
     * the department ({@code organization.id}) after them unless {@code group_by} names it, so that
     * two departments' events never make one alert.
     */
    public List<String> effectiveGroupBy() {
        if (provinceScope() || groupBy == null || groupBy.contains(DEPARTMENT_FIELD)) {
            return groupBy == null ? List.of() : groupBy;
        }
        List<String> out = new java.util.ArrayList<>(groupBy);
        out.add(DEPARTMENT_FIELD);
        return List.copyOf(out);
    }

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
