package org.socengine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/** Turns {@code {"source.ip": "x"}} into {@code {"source": {"ip": "x"}}}, recursively. */
public final class DottedKeys {

    private DottedKeys() {}

    public static JsonNode expand(JsonNode node) {
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = Json.mapper().createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.equals("fields")) {
                // Source field names keep their own dots: Windows and Zeek use them.
                out.set(key, e.getValue());
                continue;
            }
            JsonNode value = expand(e.getValue());
            if (key.startsWith("@") || !key.contains(".")) {
                merge(out, key, value);
                continue;
            }
            String[] parts = key.split("\\.");
            ObjectNode target = out;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode child = target.get(parts[i]);
                if (child == null || !child.isObject()) {
                    child = target.putObject(parts[i]);
                }
                target = (ObjectNode) child;
            }
            merge(target, parts[parts.length - 1], value);
        }
        return out;
    }

    private static void merge(ObjectNode target, String key, JsonNode value) {
        JsonNode existing = target.get(key);
        if (existing != null && existing.isObject() && value.isObject()) {
            ((ObjectNode) existing).setAll((ObjectNode) value);
        } else {
            target.set(key, value);
        }
    }
}
