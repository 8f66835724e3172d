package org.socengine.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One detection: what a rule found for one group key in one window. Serialized by {@link AlertJson}
 * into the ECS-shaped document of the alert index.
 */
public class Alert implements java.io.Serializable {

    public static final String STATUS_OPEN = "open";

    /**
     * The reserved department id of province-scoped alerts: their index is {@code
     * soc-alerts-province-<yyyy.MM>} and no department may be called so.
     */
    public static final String PROVINCE = "province";

    /** Deterministic: see {@link AlertIds}. */
    public String id;

    /** When the detection happened, in event time (the last evidence event). */
    public long timestamp;

    public String ruleId;
    public String ruleName;
    public int ruleVersion;
    public String severity;
    public int riskScore;
    public String ruleStatus;
    public List<String> tags = new ArrayList<>();

    /**
     * The department the alert belongs to: the department of its group, never read from an evidence
     * event. Null for a province-scoped alert and for events no department was attributed to.
     */
    public String departmentId;

    public String departmentName;

    /** Raised by a rule with {@code scope: province}: it may hold events of several departments. */
    public boolean province;

    /**
     * Every department whose events the alert holds, sorted: the alert's own department for a
     * department alert, all those involved for a province alert.
     */
    public List<String> departments = new ArrayList<>();

    /** The fields the rule grouped by, in rule order: {@code source.ip -> 203.0.113.7}. */
    public Map<String, String> entity = new LinkedHashMap<>();

    /** What the rule's statement selected, for the analyst: counts, distinct users, ... */
    public Map<String, String> details = new LinkedHashMap<>();

    public long windowStart;
    public long windowEnd;
    public long count;

    /** The triggering events, capped. */
    public List<SecurityEvent> evidence = new ArrayList<>();

    public String status = STATUS_OPEN;
    public long suppressedCount;

    /** Raised by an event later than the allowed lateness. */
    public boolean late;

    /** Raised by an experimental rule: shown but never escalated. */
    public boolean shadow;

    /**
     * This record updates an alert already raised (same id): its count, suppressed repeats, window
     * end and last-seen time. Sinks apply it as a partial update, not as a new document.
     */
    public boolean update;

    /** Event time of the latest repeat folded into this alert. */
    public long lastSeen;

    /** How an analyst closed it: true_positive, benign, false_positive. */
    public String disposition;

    /** An alert about the engine's own alerting (a rule over its budget), not about an attack. */
    public boolean meta;

    public Alert() {}

    /**
     * The alerts as they stand once every update has been applied: one per id, in the order they
     * were first raised. Updates of an alert not in the list stand for it.
     */
    public static List<Alert> latest(List<Alert> alertsAndUpdates) {
        Map<String, Alert> byId = new LinkedHashMap<>();
        for (Alert a : alertsAndUpdates) {
            Alert previous = byId.get(a.id);
            if (a.update && previous != null) {
                previous.count = a.count;
                previous.suppressedCount = a.suppressedCount;
                previous.lastSeen = a.lastSeen;
                previous.windowEnd = a.windowEnd;
                previous.evidence = a.evidence;
                previous.departments = a.departments;
            } else {
                a.update = false;
                byId.put(a.id, a);
            }
        }
        return new ArrayList<>(byId.values());
    }

    /** A short human description of the entity: {@code source.ip=203.0.113.7}. */
    public String entityText() {
        StringBuilder sb = new StringBuilder();
        entity.forEach(
                (k, v) -> {
                    if (sb.length() > 0) {
                        sb.append(' ');
                    }
                    sb.append(k).append('=').append(v);
                });
        return sb.length() == 0 ? "-" : sb.toString();
    }

    /** The group key as the id hash sees it: entity values in rule order. */
    public String groupKey() {
        return String.join("|", entity.values());
    }
}
