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

    public Alert create(RuleDefinition rule, EventBean row, long now, boolean late) {
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
        alert.riskScore = rule.riskScore();
        alert.ruleStatus = rule.status();
        alert.tags.addAll(rule.tags());
        alert.shadow = rule.shadow();
        alert.late = late;
        alert.timestamp = now;

        for (String path : rule.groupBy()) {
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
        for (SecurityEvent e : evidence) {
            if (e.organization != null && e.organization.id != null) {
                alert.departmentId = e.organization.id;
                alert.departmentName = e.organization.name;
                break;
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
        return alert;
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
