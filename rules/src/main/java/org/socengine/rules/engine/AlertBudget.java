package org.socengine.rules.engine;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.socengine.model.Alert;
import org.socengine.model.AlertIds;

/**
 * Caps how many alerts one rule may raise for one department in one hour of event time. Past the
 * cap the rule is throttled for that department until the hour ends, and exactly one meta-alert
 * says so: a noisy rule costs one line in the analysts' queue, not a thousand.
 */
public final class AlertBudget implements Serializable {

    public static final String META_RULE_ID = "soc-engine-alert-budget";
    public static final int DEFAULT_PER_HOUR = 200;
    private static final long HOUR = 3_600_000L;

    private final int perHour;
    private final Map<String, long[]> used = new HashMap<>();
    private long throttled;

    public AlertBudget(int perHour) {
        if (perHour < 1) {
            throw new IllegalArgumentException(
                    "an alert budget must allow at least one alert an hour");
        }
        this.perHour = perHour;
    }

    /**
     * Decides on a new alert. Returns the alert itself when within budget, a meta-alert when this
     * alert is the first one over it, or null when the rule is already throttled.
     */
    public Alert admit(Alert alert) {
        long hour = alert.timestamp - Math.floorMod(alert.timestamp, HOUR);
        String key = alert.ruleId + '\u0000' + budgetDepartment(alert) + '\u0000' + hour;
        long[] n = used.computeIfAbsent(key, k -> new long[1]);
        n[0]++;
        if (n[0] <= perHour) {
            return alert;
        }
        throttled++;
        return n[0] == perHour + 1 ? metaAlert(alert, hour, perHour) : null;
    }

    /**
     * Whose budget an alert spends: its department's, or the province's for a province-scoped rule,
     * so one department's flood never throttles the rule for another.
     */
    static String budgetDepartment(Alert alert) {
        if (alert.province) {
            return org.socengine.model.Alert.PROVINCE;
        }
        return alert.departmentId == null ? "" : "d:" + alert.departmentId;
    }

    /**
     * This budget and another subtask's together: what both spent in each hour, and both their
     * throttled alerts.
     */
    public AlertBudget plus(AlertBudget other) {
        AlertBudget sum = new AlertBudget(Math.max(perHour, other.perHour));
        for (AlertBudget b : new AlertBudget[] {this, other}) {
            for (Map.Entry<String, long[]> e : b.used.entrySet()) {
                sum.used.computeIfAbsent(e.getKey(), k -> new long[1])[0] += e.getValue()[0];
            }
            sum.throttled += b.throttled;
        }
        return sum;
    }

    /** Forgets hours that have passed. */
    public void expire(long now) {
        long currentHour = now - Math.floorMod(now, HOUR);
        Iterator<String> it = used.keySet().iterator();
        while (it.hasNext()) {
            String key = it.next();
            long hour = Long.parseLong(key.substring(key.lastIndexOf('\u0000') + 1));
            if (hour < currentHour) {
                it.remove();
            }
        }
    }

    /** The start of the hour of event time a timestamp falls in. */
    public static long hourOf(long timestamp) {
        return timestamp - Math.floorMod(timestamp, HOUR);
    }

    public long throttled() {
        return throttled;
    }

    public int size() {
        return used.size();
    }

    /** The meta-alert that says a rule went over its budget for a department in an hour. */
    public static Alert metaAlert(Alert over, long hour, int perHour) {
        Alert m = new Alert();
        m.meta = true;
        m.ruleId = META_RULE_ID;
        m.ruleName = "Alert budget exceeded: " + over.ruleName;
        m.ruleVersion = 1;
        m.severity = "medium";
        m.riskScore = 30;
        m.ruleStatus = "stable";
        m.timestamp = over.timestamp;
        m.lastSeen = over.timestamp;
        m.departmentId = over.departmentId;
        m.departmentName = over.departmentName;
        m.province = over.province;
        m.departments =
                over.departments == null ? null : new java.util.ArrayList<>(over.departments);
        // Keyed by department: the throttled rule is named in the details, not in rule.*, which
        // describes the meta-alert itself.
        m.entity.put("organization.id", over.departmentId == null ? "" : over.departmentId);
        m.details.put("throttled_rule_id", over.ruleId);
        m.details.put("throttled_rule", over.ruleName);
        m.details.put("budget_per_hour", Integer.toString(perHour));
        m.details.put("hour_start", org.socengine.model.Timestamps.format(hour));
        m.windowStart = hour;
        m.windowEnd = hour + HOUR;
        m.count = perHour + 1L;
        m.id = AlertIds.of(META_RULE_ID, 1, over.ruleId + "|" + over.departmentId, hour);
        return m;
    }
}
