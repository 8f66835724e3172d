package org.socengine.rules;

import java.io.Serializable;

/**
 * What one rule may cost the engine, from the rule file's optional {@code limits:} block; a limit
 * the file leaves out comes from the engine's configured defaults ({@link #DEFAULTS} unless the job
 * says otherwise). A rule over any of them is quarantined: undeployed, a {@code rule_health} alert
 * raised, the other rules untouched.
 *
 * @param maxGroups groups a rule's grouped statements may hold at once, summed over departments
 * @param maxRows rows its windows, named windows and tables may hold at once, summed over
 *     departments
 * @param cpuMsPerMinute evaluation time it may take per minute of event time, summed over
 *     departments
 */
public record RuleLimits(Integer maxGroups, Integer maxRows, Integer cpuMsPerMinute)
        implements Serializable {

    /** No limit of its own: every limit from the defaults. */
    public static final RuleLimits NONE = new RuleLimits(null, null, null);

    /** The engine's defaults when configuration names none. */
    public static final RuleLimits DEFAULTS = new RuleLimits(50_000, 100_000, 10_000);

    /** The largest {@code max_groups} and {@code max_rows} a rule file may ask for. */
    public static final int MAX_STATE = 100_000;

    /** The largest {@code cpu_ms_per_minute} a rule file may ask for: a whole core. */
    public static final int MAX_CPU_MS_PER_MINUTE = 60_000;

    /** This rule's limits, each missing one taken from {@code defaults}. */
    public RuleLimits orElse(RuleLimits defaults) {
        return new RuleLimits(
                maxGroups != null ? maxGroups : defaults.maxGroups,
                maxRows != null ? maxRows : defaults.maxRows,
                cpuMsPerMinute != null ? cpuMsPerMinute : defaults.cpuMsPerMinute);
    }

    /** The rule file's spelling, for messages and the {@code rule_health} alert. */
    @Override
    public String toString() {
        return "{max_groups: "
                + maxGroups
                + ", max_rows: "
                + maxRows
                + ", cpu_ms_per_minute: "
                + cpuMsPerMinute
                + "}";
    }
}
