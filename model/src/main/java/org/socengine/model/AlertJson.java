package org.socengine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The alert document: ECS names where ECS has them ({@code rule.*}, {@code threat.*}, {@code
 * organization.*}, the grouped entity fields at their own ECS path), and {@code alert.*} for what
 * is the engine's own (window, count, status, evidence).
 */
public final class AlertJson {

    private AlertJson() {}

    public static ObjectNode toTree(Alert a) {
        ObjectNode doc = Json.mapper().createObjectNode();
        doc.put("@timestamp", Timestamps.format(a.timestamp));
        ObjectNode event = doc.putObject("event");
        event.put("kind", "alert");
        event.put("id", a.id);
        event.put("severity", a.riskScore);

        ObjectNode rule = doc.putObject("rule");
        rule.put("id", a.ruleId);
        rule.put("name", a.ruleName);
        rule.put("version", a.ruleVersion);
        rule.put("severity", a.severity);
        rule.put("risk_score", a.riskScore);
        if (a.ruleStatus != null) {
            rule.put("status", a.ruleStatus);
        }
        if (!a.tags.isEmpty()) {
            ArrayNode tags = rule.putArray("tags");
            a.tags.forEach(tags::add);
        }
        AttackTags.addThreat(doc, a.tags);

        if (a.departmentId != null) {
            ObjectNode org = doc.putObject("organization");
            org.put("id", a.departmentId);
            if (a.departmentName != null) {
                org.put("name", a.departmentName);
            }
        }
        for (Map.Entry<String, String> e : a.entity.entrySet()) {
            // An entity the evidence lacked stays out: an empty string is no valid ip or date.
            if (e.getValue() != null && !e.getValue().isEmpty()) {
                putPath(doc, e.getKey(), e.getValue());
            }
        }

        ObjectNode alert = doc.putObject("alert");
        alert.put("id", a.id);
        alert.put("status", a.status);
        alert.put("count", a.count);
        alert.put("suppressed_count", a.suppressedCount);
        alert.put("late", a.late);
        alert.put("shadow", a.shadow);
        alert.put("meta", a.meta);
        alert.put("scope", a.province ? "province" : "department");
        if (a.departments != null && !a.departments.isEmpty()) {
            ArrayNode departments = alert.putArray("departments");
            a.departments.forEach(departments::add);
        }
        alert.put("last_seen", Timestamps.format(a.lastSeen > 0 ? a.lastSeen : a.timestamp));
        if (a.disposition != null) {
            alert.put("disposition", a.disposition);
        }
        alert.put("group_key", a.groupKey());
        ObjectNode window = alert.putObject("window");
        window.put("start", Timestamps.format(a.windowStart));
        window.put("end", Timestamps.format(a.windowEnd));
        if (!a.details.isEmpty()) {
            ObjectNode details = alert.putObject("details");
            a.details.forEach(details::put);
        }
        ArrayNode evidence = alert.putArray("evidence");
        for (SecurityEvent e : a.evidence) {
            evidence.add(EventJson.toTree(e));
        }
        return doc;
    }

    public static String toJson(Alert a) {
        return toTree(a).toString();
    }

    /** Reads back what {@link #toTree} wrote (for the command line and the tests). */
    public static Alert fromTree(JsonNode doc) throws IOException {
        Alert a = new Alert();
        a.timestamp = Timestamps.parse(doc.path("@timestamp").asText());
        JsonNode rule = doc.path("rule");
        a.ruleId = rule.path("id").asText(null);
        a.ruleName = rule.path("name").asText(null);
        a.ruleVersion = rule.path("version").asInt();
        a.severity = rule.path("severity").asText(null);
        a.riskScore = rule.path("risk_score").asInt();
        a.ruleStatus = rule.path("status").asText(null);
        rule.path("tags").forEach(t -> a.tags.add(t.asText()));
        a.departmentId = doc.path("organization").path("id").asText(null);
        a.departmentName = doc.path("organization").path("name").asText(null);
        JsonNode alert = doc.path("alert");
        a.id = alert.path("id").asText(null);
        a.status = alert.path("status").asText(Alert.STATUS_OPEN);
        a.count = alert.path("count").asLong();
        a.suppressedCount = alert.path("suppressed_count").asLong();
        a.late = alert.path("late").asBoolean();
        a.shadow = alert.path("shadow").asBoolean();
        a.meta = alert.path("meta").asBoolean();
        a.province = "province".equals(alert.path("scope").asText());
        alert.path("departments").forEach(d -> a.departments.add(d.asText()));
        a.disposition = alert.path("disposition").asText(null);
        if (alert.hasNonNull("last_seen")) {
            a.lastSeen = Timestamps.parse(alert.path("last_seen").asText());
        }
        a.windowStart = Timestamps.parse(alert.path("window").path("start").asText());
        a.windowEnd = Timestamps.parse(alert.path("window").path("end").asText());
        Iterator<Map.Entry<String, JsonNode>> details = alert.path("details").fields();
        details.forEachRemaining(e -> a.details.put(e.getKey(), e.getValue().asText()));
        for (JsonNode e : alert.path("evidence")) {
            a.evidence.add(EventJson.fromTree(e));
        }
        return a;
    }

    private static void putPath(ObjectNode doc, String path, String value) {
        String[] parts = path.split("\\.");
        ObjectNode target = doc;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = target.get(parts[i]);
            if (child == null || !child.isObject()) {
                child = target.putObject(parts[i]);
            }
            target = (ObjectNode) child;
        }
        target.put(parts[parts.length - 1], value);
    }
}
