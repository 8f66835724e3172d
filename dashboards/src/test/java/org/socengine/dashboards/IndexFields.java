package org.socengine.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.socengine.connectors.elasticsearch.AlertIndices;
import org.socengine.connectors.elasticsearch.IncidentIndices;

/**
 * The fields an index template maps, by dotted path, with their Elasticsearch type: what a Kibana
 * data view over the template's alias can show, filter and aggregate.
 */
record IndexFields(String alias, Map<String, String> types) {

    /** An object mapped with {@code enabled: false}: kept in the source, never indexed. */
    static final String DISABLED = "disabled object";

    /**
     * The engine's alert and incident templates, read where the engine installs them from, by the
     * alias their indices are behind ({@code soc-alerts}, {@code soc-incidents}).
     */
    static Map<String, IndexFields> engineTemplates() throws IOException {
        Map<String, IndexFields> out = new LinkedHashMap<>();
        for (String json :
                new String[] {AlertIndices.templateJson(), IncidentIndices.templateJson()}) {
            JsonNode t = new ObjectMapper().readTree(json);
            Map<String, String> types = new TreeMap<>();
            flatten("", t.path("template").path("mappings").path("properties"), types);
            Iterator<String> aliases = t.path("template").path("aliases").fieldNames();
            while (aliases.hasNext()) {
                String alias = aliases.next();
                out.put(alias, new IndexFields(alias, types));
            }
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode properties, Map<String, String> into) {
        Iterator<Map.Entry<String, JsonNode>> it = properties.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix + e.getKey();
            JsonNode m = e.getValue();
            if (m.has("properties")) {
                into.put(path, "object");
                flatten(path + ".", m.path("properties"), into);
            } else if (!m.path("enabled").asBoolean(true)) {
                into.put(path, DISABLED);
            } else {
                into.put(path, m.path("type").asText("object"));
            }
            Iterator<Map.Entry<String, JsonNode>> multi = m.path("fields").fields();
            while (multi.hasNext()) {
                Map.Entry<String, JsonNode> f = multi.next();
                into.put(path + "." + f.getKey(), f.getValue().path("type").asText());
            }
        }
    }

    /** Whether the field can be bucketed or aggregated (terms, histograms, sums, counts). */
    boolean aggregatable(String field) {
        String type = types.get(field);
        return type != null
                && !type.equals("text")
                && !type.equals("object")
                && !type.equals(DISABLED);
    }
}
