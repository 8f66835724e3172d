package org.socengine.rules.engine;

import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.EventPropertyDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.socengine.model.Alert;
import org.socengine.model.AlertIds;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleDefinition;

/**
 * Turns one output row of a rule's statement into an {@link Alert}. The evidence is every event the
 * row carries ({@code select *}, {@code window(*) as evidence}, pattern tags), the entity is the
 * rule's {@code group_by} fields read from the evidence, and the window spans the evidence.
 *
 * <p>The department is the one the row was computed for (the engine runs a department rule on one
 * department's events at a time), never one read from an evidence event: a row built from two
 * departments' events must not be filed under whichever came first.
 */
public final class AlertFactory {

    public static final int DEFAULT_EVIDENCE_CAP = 20;

    private final int evidenceCap;

    public AlertFactory(int evidenceCap) {
        this.evidenceCap = evidenceCap;
    }

    public int evidenceCap() {
        return evidenceCap;
    }

    /**
     * @param department the department whose events the row was computed from ({@code ""} for
     *     events no department was attributed to), or null for a province-scoped rule
     */
    public Alert create(
            RuleDefinition rule, EventBean row, long now, boolean late, String department) {
        return raise(rule, row, now, late, department).alert();
    }

    /**
     * An alert and every event of its row, in time order: the alert's evidence is capped, the row's
     * events are not, and counting what a repeat adds needs all of them (two events of one second
     * beyond the cap look like one in the capped evidence).
     */
    public record Raised(Alert alert, List<SecurityEvent> events) {}

    /** As {@link #create}, with the row's events uncapped. */
    public Raised raise(
            RuleDefinition rule, EventBean row, long now, boolean late, String department) {
        List<SecurityEvent> evidence = new ArrayList<>();
        Alert alert = new Alert();
        Object underlying = row.getUnderlying();
        if (underlying instanceof SecurityEvent e) {
            evidence.add(e);
        } else {
            for (EventPropertyDescriptor d : row.getEventType().getPropertyDescriptors()) {
                Object value = row.get(d.getPropertyName());
                if (!collect(value, evidence) && value != null) {
                    alert.details.put(d.getPropertyName(), render(value));
                }
            }
        }
        evidence.sort((a, b) -> Long.compare(a.timestamp, b.timestamp));

        alert.ruleId = rule.id();
        alert.ruleName = rule.name();
        alert.ruleVersion = rule.version();
        alert.severity = rule.severity();
        alert.riskScore = withAssetCriticality(rule.riskScore(), evidence, alert.details);
        alert.ruleStatus = rule.status();
        alert.tags.addAll(rule.tags());
        if (rule.lines() != null && rule.lines().containsKey("sigma")) {
            // A Sigma rule's matches carry what the rule says about itself.
            if (!rule.references().isEmpty()) {
                alert.details.put("rule.reference", String.join("\n", rule.references()));
            }
            if (!rule.falsePositives().isEmpty()) {
                alert.details.put("rule.false_positives", String.join("\n", rule.falsePositives()));
            }
            alert.details.put("rule.source", "sigma");
        }
        alert.shadow = rule.shadow();
        alert.late = late;
        alert.timestamp = now;

        for (String path : rule.groupBy()) {
            if (department != null && path.equals(RuleDefinition.DEPARTMENT_FIELD)) {
                alert.entity.put(path, department);
                continue;
            }
            String value = null;
            for (SecurityEvent e : evidence) {
                Object v = e.get(path);
                if (v != null) {
                    value = v.toString();
                    break;
                }
            }
            if (value == null) {
                String alias = path.replace('.', '_');
                if (alert.details.containsKey(alias)) {
                    value = alert.details.get(alias);
                } else if (alert.details.containsKey(path)) {
                    value = alert.details.get(path);
                }
            }
            alert.entity.put(path, value == null ? "" : value);
        }
        if (department == null) {
            alert.province = true;
            java.util.TreeSet<String> involved = new java.util.TreeSet<>();
            for (SecurityEvent e : evidence) {
                if (e.organization != null && e.organization.id != null) {
                    involved.add(e.organization.id);
                }
            }
            alert.departments.addAll(involved);
        } else {
            if (!department.isEmpty()) {
                // Rules that already grouped by the department keep their group key, and so their
                // alert ids; the others gain the department at the end of it. Events without a
                // department keep the key they always had: no department's key can equal it.
                alert.entity.putIfAbsent(RuleDefinition.DEPARTMENT_FIELD, department);
                alert.departmentId = department;
                alert.departments.add(department);
                for (SecurityEvent e : evidence) {
                    if (e.organization != null
                            && department.equals(e.organization.id)
                            && e.organization.name != null) {
                        alert.departmentName = e.organization.name;
                        break;
                    }
                }
            }
        }
        alert.windowStart = evidence.isEmpty() ? now : evidence.get(0).timestamp;
        alert.windowEnd = evidence.isEmpty() ? now : evidence.get(evidence.size() - 1).timestamp;
        String count = alert.details.get("count");
        alert.count =
                count != null && count.matches("\\d+")
                        ? Long.parseLong(count)
                        : Math.max(1, evidence.size());
        if (evidence.size() > evidenceCap) {
            // The first events show how it started; the last one is what this row added.
            alert.evidence.addAll(evidence.subList(0, evidenceCap - 1));
            alert.evidence.add(evidence.get(evidence.size() - 1));
        } else {
            alert.evidence.addAll(evidence);
        }
        alert.id = AlertIds.of(rule.id(), rule.version(), alert.groupKey(), alert.windowStart);
        return new Raised(alert, evidence);
    }

    /**
     * The rule's risk score raised by the most critical asset among the evidence ({@code
     * asset.criticality} of the inventory): the same finding on the HIS database weighs more than
     * on a kiosk. Medium +5, high +15, critical +25, at most 100; the base score stays in the
     * details.
     */
    static int withAssetCriticality(
            int base, List<SecurityEvent> evidence, Map<String, String> details) {
        int raise = 0;
        String worst = null;
        for (SecurityEvent e : evidence) {
            String c = e.fields("asset.criticality");
            int r =
                    c == null
                            ? 0
                            : switch (c) {
                                case "critical" -> 25;
                                case "high" -> 15;
                                case "medium" -> 5;
                                default -> 0;
                            };
            if (r > raise) {
                raise = r;
                worst = c;
            }
        }
        if (raise == 0) {
            return base;
        }
        details.put("risk.base_score", Integer.toString(base));
        details.put("risk.asset_criticality", worst);
        return Math.min(100, base + raise);
    }

    private static boolean collect(Object value, List<SecurityEvent> out) {
        if (value instanceof SecurityEvent e) {
            out.add(e);
            return true;
        }
        if (value instanceof EventBean b && b.getUnderlying() instanceof SecurityEvent e) {
            out.add(e);
            return true;
        }
        if (value instanceof Object[] arr && arr.length > 0 && isEvent(arr[0])) {
            for (Object o : arr) {
                collect(o, out);
            }
            return true;
        }
        if (value instanceof Collection<?> c && !c.isEmpty() && isEvent(c.iterator().next())) {
            for (Object o : c) {
                collect(o, out);
            }
            return true;
        }
        return false;
    }

    private static boolean isEvent(Object o) {
        return o instanceof SecurityEvent
                || (o instanceof EventBean b && b.getUnderlying() instanceof SecurityEvent);
    }

    private static String render(Object value) {
        if (value instanceof Object[] arr) {
            return java.util.Arrays.toString(arr);
        }
        if (value instanceof Map<?, ?> m) {
            return m.toString();
        }
        return String.valueOf(value);
    }
}
