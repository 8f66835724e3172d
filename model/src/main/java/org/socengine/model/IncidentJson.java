package org.socengine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * The incident document: ECS names where ECS has them ({@code event.*}, {@code organization.*},
 * {@code threat.*}, the entity at its own ECS path such as {@code host.name}), and {@code
 * incident.*} for what is the engine's own (status, risk, alerts, tiers, notifications). {@link
 * #fromTree} reads back every field {@link #toTree} writes, so the document is also the incident's
 * exchange form on {@code soc.incidents}.
 */
public final class IncidentJson {

    private IncidentJson() {}

    public static ObjectNode toTree(Incident i) {
        ObjectNode doc = Json.mapper().createObjectNode();
        doc.put("@timestamp", Timestamps.format(i.firstSeen));
        ObjectNode event = doc.putObject("event");
        event.put("kind", "alert");
        event.putArray("category").add("intrusion_detection");
        event.put("id", i.id);
        event.put("severity", i.risk);
        event.put("start", Timestamps.format(i.firstSeen));
        event.put("end", Timestamps.format(i.lastSeen));

        if (i.departmentId != null) {
            ObjectNode org = doc.putObject("organization");
            org.put("id", i.departmentId);
            if (i.departmentName != null) {
                org.put("name", i.departmentName);
            }
        }
        if (i.entityKind != null
                && i.entityValue != null
                && !i.entityValue.isEmpty()
                && i.entityKind.matches("[a-z_]+(\\.[a-z_]+)+")) {
            putPath(doc, i.entityKind, i.entityValue);
        }
        AttackTags.addThreat(doc, i.tactics.stream().map(t -> "attack." + t).toList());

        ObjectNode n = doc.putObject("incident");
        n.put("id", i.id);
        n.put("status", i.status);
        if (i.disposition != null) {
            n.put("disposition", i.disposition);
        }
        if (i.statusBy != null) {
            n.put("status_by", i.statusBy);
        }
        if (i.statusAt > 0) {
            n.put("status_changed_at", Timestamps.format(i.statusAt));
        }
        if (i.statusComment != null) {
            n.put("status_comment", i.statusComment);
        }
        n.put("severity", i.severity);
        n.put("risk", i.risk);
        n.put("scope", Alert.PROVINCE.equals(i.departmentId) ? "province" : "department");
        strings(n, "departments", i.departments);
        ObjectNode entity = n.putObject("entity");
        entity.put("kind", i.entityKind);
        entity.put("value", i.entityValue);
        ObjectNode window = n.putObject("window");
        window.put("start", Timestamps.format(i.windowStart));
        window.put("end", Timestamps.format(i.windowEnd));
        n.put("first_seen", Timestamps.format(i.firstSeen));
        n.put("last_seen", Timestamps.format(i.lastSeen));
        n.put("alert_count", i.alertCount);
        strings(n, "alert_ids", i.alertIds());
        strings(n, "rules", i.rules);
        strings(n, "tactics", i.tactics);
        ObjectNode ruleRisk = n.putObject("rule_risk");
        i.ruleRisk.forEach(ruleRisk::put);
        ArrayNode alerts = n.putArray("alerts");
        for (Incident.Member m : i.alerts) {
            ObjectNode a = alerts.addObject();
            a.put("id", m.id);
            a.put("rule_id", m.ruleId);
            if (m.ruleName != null) {
                a.put("rule_name", m.ruleName);
            }
            if (m.severity != null) {
                a.put("severity", m.severity);
            }
            a.put("risk_score", m.riskScore);
            a.put("at", Timestamps.format(m.timestamp));
            a.put("status", m.status);
        }
        n.put("tier_reached", i.tierReached);
        if (i.tierName != null) {
            n.put("tier_name", i.tierName);
        }
        ArrayNode sent = n.putArray("notifications");
        for (Incident.Sent s : i.notifications) {
            ObjectNode o = sent.addObject();
            o.put("tier", s.tier);
            o.put("channel", s.channel);
            if (s.kind != null) {
                o.put("kind", s.kind);
            }
            o.put("at", Timestamps.format(s.at));
            if (s.key != null) {
                o.put("key", s.key);
            }
            if (s.ok != null) {
                o.put("ok", s.ok);
                o.put("outcome", s.ok ? "sent" : "failed");
                o.put("attempts", s.attempts);
                if (s.outcomeAt > 0) {
                    o.put("outcome_at", Timestamps.format(s.outcomeAt));
                }
            }
            if (s.error != null) {
                o.put("error", s.error);
            }
            if (s.fallbackFor != null) {
                o.put("fallback_for", s.fallbackFor);
            }
        }
        n.put("revision", i.revision);
        if (i.outcomeUpdates > 0) {
            n.put("outcome_updates", i.outcomeUpdates);
        }
        return doc;
    }

    public static String toJson(Incident i) {
        return toTree(i).toString();
    }

    public static Incident fromJson(String json) throws IOException {
        return fromTree(Json.mapper().readTree(json));
    }

    /** Reads back what {@link #toTree} wrote. */
    public static Incident fromTree(JsonNode doc) throws IOException {
        if (doc == null || !doc.isObject() || !doc.path("incident").isObject()) {
            throw new IOException("an incident is a JSON object with an 'incident' object");
        }
        try {
            Incident i = new Incident();
            JsonNode n = doc.path("incident");
            i.id = n.path("id").asText(null);
            i.departmentId = doc.path("organization").path("id").asText(null);
            i.departmentName = doc.path("organization").path("name").asText(null);
            i.status = n.path("status").asText(Incident.OPEN);
            i.disposition = n.path("disposition").asText(null);
            i.statusBy = n.path("status_by").asText(null);
            i.statusAt = time(n, "status_changed_at");
            i.statusComment = n.path("status_comment").asText(null);
            i.severity = n.path("severity").asText(null);
            i.risk = n.path("risk").asInt();
            n.path("departments").forEach(d -> i.departments.add(d.asText()));
            i.entityKind = n.path("entity").path("kind").asText(null);
            i.entityValue = n.path("entity").path("value").asText(null);
            i.windowStart = time(n.path("window"), "start");
            i.windowEnd = time(n.path("window"), "end");
            i.firstSeen = time(n, "first_seen");
            i.lastSeen = time(n, "last_seen");
            i.alertCount = n.path("alert_count").asLong();
            n.path("rules").forEach(r -> i.rules.add(r.asText()));
            n.path("tactics").forEach(t -> i.tactics.add(t.asText()));
            n.path("rule_risk")
                    .fields()
                    .forEachRemaining(e -> i.ruleRisk.put(e.getKey(), e.getValue().asInt()));
            for (JsonNode a : n.path("alerts")) {
                Incident.Member m = new Incident.Member();
                m.id = a.path("id").asText(null);
                m.ruleId = a.path("rule_id").asText(null);
                m.ruleName = a.path("rule_name").asText(null);
                m.severity = a.path("severity").asText(null);
                m.riskScore = a.path("risk_score").asInt();
                m.timestamp = time(a, "at");
                m.status = a.path("status").asText(Incident.OPEN);
                i.alerts.add(m);
            }
            i.tierReached = n.path("tier_reached").asInt(-1);
            i.tierName = n.path("tier_name").asText(null);
            for (JsonNode o : n.path("notifications")) {
                Incident.Sent s = new Incident.Sent();
                s.tier = o.path("tier").asInt();
                s.channel = o.path("channel").asText(null);
                s.kind = o.path("kind").asText(null);
                s.at = time(o, "at");
                s.key = o.path("key").asText(null);
                s.ok = o.hasNonNull("ok") ? o.path("ok").asBoolean() : null;
                s.attempts = o.path("attempts").asInt();
                s.outcomeAt = o.hasNonNull("outcome_at") ? time(o, "outcome_at") : 0;
                s.error = o.path("error").asText(null);
                s.fallbackFor = o.path("fallback_for").asText(null);
                i.notifications.add(s);
            }
            i.revision = n.path("revision").asLong();
            i.outcomeUpdates = n.path("outcome_updates").asInt();
            return i;
        } catch (IllegalArgumentException e) {
            throw new IOException("bad incident: " + e.getMessage(), e);
        }
    }

    static Incident copy(Incident i) {
        try {
            return fromTree(toTree(i));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy incident " + i.id, e);
        }
    }

    private static long time(JsonNode n, String field) {
        String s = n.path(field).asText(null);
        return s == null ? 0 : Timestamps.parse(s);
    }

    private static void strings(ObjectNode n, String field, List<String> values) {
        ArrayNode a = n.putArray(field);
        values.forEach(a::add);
    }

    private static void putPath(ObjectNode doc, String path, String value) {
        String[] parts = path.split("\\.");
        ObjectNode target = doc;
        for (int k = 0; k < parts.length - 1; k++) {
            JsonNode child = target.get(parts[k]);
            if (child == null || !child.isObject()) {
                child = target.putObject(parts[k]);
            }
            target = (ObjectNode) child;
        }
        target.put(parts[parts.length - 1], value);
    }
}
