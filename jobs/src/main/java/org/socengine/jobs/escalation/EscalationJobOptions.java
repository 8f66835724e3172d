package org.socengine.jobs.escalation;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * How the escalation job runs, apart from its policy.
 *
 * @param parallelism of every operator but the policy validator and the control sources
 * @param alertDisorder how far out of order alerts may arrive and still be taken in time order
 * @param quietAdvance event time follows the wall clock this long after the last alert (0: never;
 *     see {@link AlertReader})
 * @param partitionIdleness after how long a {@code soc.alerts} partition without alerts stops
 *     holding the others' event time back
 * @param linkTemplate the console or Kibana URL of an incident, {@code {id}} standing for its id;
 *     null for none
 * @param departmentNames the departments file's ids and names: alerts of any other department are
 *     counted (and escalated by the default policy); empty to check nothing
 */
public record EscalationJobOptions(
        int parallelism,
        Duration alertDisorder,
        Duration quietAdvance,
        String linkTemplate,
        Map<String, String> departmentNames,
        Duration partitionIdleness)
        implements Serializable {

    public EscalationJobOptions {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1");
        }
        if (alertDisorder == null || alertDisorder.isNegative()) {
            throw new IllegalArgumentException("alertDisorder must be 0 or more");
        }
        if (quietAdvance == null || quietAdvance.isNegative()) {
            throw new IllegalArgumentException("quietAdvance must be 0 (off) or more");
        }
        departmentNames = departmentNames == null ? Map.of() : Map.copyOf(departmentNames);
        if (partitionIdleness == null
                || partitionIdleness.isNegative()
                || partitionIdleness.isZero()) {
            throw new IllegalArgumentException("partitionIdleness must be more than 0");
        }
    }

    /** Replays and tests: alerts alone drive time. */
    public static EscalationJobOptions defaults() {
        return new EscalationJobOptions(
                1, Duration.ofSeconds(30), Duration.ZERO, null, Map.of(), Duration.ofMinutes(1));
    }

    public EscalationJobOptions withParallelism(int p) {
        return new EscalationJobOptions(
                p, alertDisorder, quietAdvance, linkTemplate, departmentNames, partitionIdleness);
    }

    public EscalationJobOptions withQuietAdvance(Duration d) {
        return new EscalationJobOptions(
                parallelism, alertDisorder, d, linkTemplate, departmentNames, partitionIdleness);
    }

    public EscalationJobOptions withAlertDisorder(Duration d) {
        return new EscalationJobOptions(
                parallelism, d, quietAdvance, linkTemplate, departmentNames, partitionIdleness);
    }

    public EscalationJobOptions withLinkTemplate(String t) {
        return new EscalationJobOptions(
                parallelism, alertDisorder, quietAdvance, t, departmentNames, partitionIdleness);
    }

    public EscalationJobOptions withDepartmentNames(Map<String, String> names) {
        return new EscalationJobOptions(
                parallelism, alertDisorder, quietAdvance, linkTemplate, names, partitionIdleness);
    }

    public EscalationJobOptions withPartitionIdleness(Duration d) {
        return new EscalationJobOptions(
                parallelism, alertDisorder, quietAdvance, linkTemplate, departmentNames, d);
    }
}
