package org.socengine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An analyst's decision about one alert, as published on {@code soc.alert-status} (key: the alert
 * id): acknowledged, or closed with a disposition. The writer fills in what the alert document says
 * (rule, group key, department), so that the job can tell which key a false-positive close silences
 * without reading Elasticsearch.
 */
public class AlertStatusChange implements Serializable {

    public static final String OPEN = "open";
    public static final String ACKNOWLEDGED = "acknowledged";
    public static final String CLOSED = "closed";
    public static final Set<String> STATUSES = Set.of(OPEN, ACKNOWLEDGED, CLOSED);

    public static final String TRUE_POSITIVE = "true_positive";
    public static final String BENIGN = "benign";
    public static final String FALSE_POSITIVE = "false_positive";
    public static final List<String> DISPOSITIONS = List.of(TRUE_POSITIVE, BENIGN, FALSE_POSITIVE);

    public String alertId;
    public String status;
    public String disposition;
    public String by;
    public long at;
    public String comment;

    /** From the alert document, filled by {@link AlertStatusWriter}; may be null. */
    public String ruleId;

    public String groupKey;
    public String departmentId;

    public AlertStatusChange() {}

    public static AlertStatusChange acknowledge(String alertId, String by, long at) {
        return of(alertId, ACKNOWLEDGED, null, by, at, null);
    }

    public static AlertStatusChange close(
            String alertId, String disposition, String by, long at, String comment) {
        return of(alertId, CLOSED, disposition, by, at, comment);
    }

    public static AlertStatusChange of(
            String alertId, String status, String disposition, String by, long at, String comment) {
        AlertStatusChange c = new AlertStatusChange();
        c.alertId = alertId;
        c.status = status;
        c.disposition = disposition;
        c.by = by;
        c.at = at;
        c.comment = comment;
        return c;
    }

    /** Accepts {@code false-positive}, {@code FP}, {@code tp} ... as the canonical name. */
    public static String normalizeDisposition(String d) {
        if (d == null) {
            return null;
        }
        String s = d.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        return switch (s) {
            case "tp" -> TRUE_POSITIVE;
            case "fp" -> FALSE_POSITIVE;
            default -> s;
        };
    }

    /** What is wrong with the change on its own (without looking at the alert); empty if fine. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (alertId == null || alertId.isBlank()) {
            p.add("the alert id is missing");
        }
        if (status == null || !STATUSES.contains(status)) {
            p.add("status must be one of " + STATUSES + ", got " + status);
        }
        if (CLOSED.equals(status) && disposition == null) {
            p.add("closing an alert needs a disposition: " + String.join(", ", DISPOSITIONS));
        }
        if (disposition != null && !DISPOSITIONS.contains(disposition)) {
            p.add(
                    "disposition must be one of "
                            + String.join(", ", DISPOSITIONS)
                            + ", got "
                            + disposition);
        }
        if (disposition != null && !CLOSED.equals(status)) {
            p.add("a disposition is given only when closing");
        }
        if (by == null || by.isBlank()) {
            p.add("who made the change is missing");
        }
        if (at <= 0) {
            p.add("when the change was made is missing");
        }
        return p;
    }

    public ObjectNode toTree() {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("alert_id", alertId);
        n.put("status", status);
        if (disposition != null) {
            n.put("disposition", disposition);
        }
        n.put("by", by);
        n.put("at", Timestamps.format(at));
        if (comment != null) {
            n.put("comment", comment);
        }
        if (ruleId != null) {
            n.put("rule_id", ruleId);
        }
        if (groupKey != null) {
            n.put("group_key", groupKey);
        }
        if (departmentId != null) {
            n.put("department", departmentId);
        }
        return n;
    }

    public String toJson() {
        return toTree().toString();
    }

    public static AlertStatusChange fromJson(String json) throws IOException {
        return fromTree(Json.mapper().readTree(json));
    }

    public static AlertStatusChange fromTree(JsonNode n) throws IOException {
        if (n == null || !n.isObject()) {
            throw new IOException("an alert status change is a JSON object");
        }
        AlertStatusChange c = new AlertStatusChange();
        c.alertId = n.path("alert_id").asText(null);
        c.status = n.path("status").asText(null);
        c.disposition = n.path("disposition").asText(null);
        c.by = n.path("by").asText(null);
        String at = n.path("at").asText(null);
        if (at != null) {
            try {
                c.at = Timestamps.parse(at);
            } catch (RuntimeException e) {
                throw new IOException("bad time in alert status change: " + at, e);
            }
        }
        c.comment = n.path("comment").asText(null);
        c.ruleId = n.path("rule_id").asText(null);
        c.groupKey = n.path("group_key").asText(null);
        c.departmentId = n.path("department").asText(null);
        return c;
    }

    @Override
    public String toString() {
        return toJson();
    }
}
