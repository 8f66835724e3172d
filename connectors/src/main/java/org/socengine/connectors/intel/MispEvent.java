package org.socengine.connectors.intel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Indicators of MISP events as MISP exports them ({@code {"Event": {...}}}, {@code {"response":
 * [{"Event": ...}]}}, or a list of events): every attribute, the objects' attributes included,
 * whose type names an address, domain, URL, hash or e-mail address and that is meant for detection
 * ({@code to_ids}). A deleted attribute deletes its value.
 *
 * <p>The source is the creating organisation ({@code Orgc.name}), else {@code misp}; the confidence
 * follows the event's threat level (high 90, medium 70, low and undefined 50); the description is
 * the event's {@code info}.
 */
public final class MispEvent {

    /** MISP attribute type → kind, and which part of a composite value ({@code a|b}) holds it. */
    private record Type(IndicatorKind kind, int part) {}

    private static final Map<String, Type> TYPES =
            Map.ofEntries(
                    Map.entry("ip-src", new Type(IndicatorKind.IP, 0)),
                    Map.entry("ip-dst", new Type(IndicatorKind.IP, 0)),
                    Map.entry("ip-src|port", new Type(IndicatorKind.IP, 0)),
                    Map.entry("ip-dst|port", new Type(IndicatorKind.IP, 0)),
                    Map.entry("domain", new Type(IndicatorKind.DOMAIN, 0)),
                    Map.entry("hostname", new Type(IndicatorKind.DOMAIN, 0)),
                    Map.entry("domain|ip", new Type(IndicatorKind.DOMAIN, 0)),
                    Map.entry("hostname|port", new Type(IndicatorKind.DOMAIN, 0)),
                    Map.entry("url", new Type(IndicatorKind.URL, 0)),
                    Map.entry("md5", new Type(IndicatorKind.MD5, 0)),
                    Map.entry("sha1", new Type(IndicatorKind.SHA1, 0)),
                    Map.entry("sha256", new Type(IndicatorKind.SHA256, 0)),
                    Map.entry("filename|md5", new Type(IndicatorKind.MD5, 1)),
                    Map.entry("filename|sha1", new Type(IndicatorKind.SHA1, 1)),
                    Map.entry("filename|sha256", new Type(IndicatorKind.SHA256, 1)),
                    Map.entry("email", new Type(IndicatorKind.EMAIL, 0)),
                    Map.entry("email-src", new Type(IndicatorKind.EMAIL, 0)),
                    Map.entry("email-dst", new Type(IndicatorKind.EMAIL, 0)),
                    Map.entry("email-reply-to", new Type(IndicatorKind.EMAIL, 0)));

    private MispEvent() {}

    /** True when the document looks like a MISP export. */
    public static boolean is(JsonNode root) {
        if (root.isArray()) {
            return root.size() > 0 && is(root.get(0));
        }
        return root.has("Event") || root.has("response") || root.has("Attribute");
    }

    public static void read(JsonNode root, String name, FeedLoad into) {
        if (root.isArray()) {
            for (JsonNode e : root) {
                read(e, name, into);
            }
            return;
        }
        if (root.has("response")) {
            read(root.path("response"), name, into);
            return;
        }
        JsonNode event = root.has("Event") ? root.path("Event") : root;
        String source = event.path("Orgc").path("name").asText(null);
        if (source == null || source.isBlank()) {
            source = "misp";
        }
        int confidence =
                switch (event.path("threat_level_id").asText("4")) {
                    case "1" -> 90;
                    case "2" -> 70;
                    default -> 50;
                };
        String info = event.path("info").asText(null);
        String where = name + ": event " + event.path("uuid").asText(event.path("id").asText("?"));
        attributes(event.path("Attribute"), where, source, confidence, info, into);
        for (JsonNode o : event.path("Object")) {
            attributes(o.path("Attribute"), where, source, confidence, info, into);
        }
    }

    private static void attributes(
            JsonNode attributes,
            String event,
            String source,
            int confidence,
            String info,
            FeedLoad into) {
        for (JsonNode a : attributes) {
            String type = a.path("type").asText("");
            String where = event + " attribute " + a.path("uuid").asText(a.path("id").asText("?"));
            Type t = TYPES.get(type);
            if (t == null) {
                into.skip("MISP type " + type);
                continue;
            }
            if (!a.path("to_ids").asBoolean(true) && !a.path("deleted").asBoolean(false)) {
                into.skip("to_ids false");
                continue;
            }
            String raw = a.path("value").asText(null);
            if (raw == null) {
                into.problem(where, "attribute has no value");
                continue;
            }
            List<String> parts = List.of(raw.split("\\|", -1));
            if (t.part() >= parts.size()) {
                into.problem(where, "'" + raw + "' is not a " + type + " value");
                continue;
            }
            Indicator i = new Indicator();
            i.kind = t.kind();
            try {
                i.value = Indicator.normalize(t.kind(), parts.get(t.part()));
                i.firstSeen = Indicator.time(a.path("first_seen").asText(null));
                i.lastSeen = Indicator.time(a.path("last_seen").asText(null));
                if (i.firstSeen == 0) {
                    i.firstSeen = Indicator.time(a.path("timestamp").asText(null));
                }
            } catch (IllegalArgumentException e) {
                into.problem(where, e.getMessage());
                continue;
            }
            i.source = source;
            i.confidence = confidence;
            String comment = a.path("comment").asText("");
            i.description = comment.isBlank() ? info : comment;
            if (a.path("deleted").asBoolean(false)) {
                into.delete(i.key());
            } else {
                into.add(i);
            }
            if (type.equals("domain|ip") && parts.size() > 1) {
                try {
                    Indicator ip = Indicator.of(IndicatorKind.IP, parts.get(1), source, confidence);
                    ip.firstSeen = i.firstSeen;
                    ip.lastSeen = i.lastSeen;
                    ip.description = i.description;
                    if (a.path("deleted").asBoolean(false)) {
                        into.delete(ip.key());
                    } else {
                        into.add(ip);
                    }
                } catch (IllegalArgumentException e) {
                    into.problem(where, e.getMessage());
                }
            }
        }
    }
}
