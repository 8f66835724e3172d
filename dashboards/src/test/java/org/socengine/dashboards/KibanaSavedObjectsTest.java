package org.socengine.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kibana saved objects of {@code dashboards/kibana/*.ndjson}, checked without a Kibana: every
 * line parses, with the JSON strings inside it; every reference resolves to an object of the files
 * and every reference a panel, layer, control or search names is declared; and every field a data
 * view, visualization, saved search, control or query uses is mapped by the index template behind
 * the data view's alias (the engine's own templates, loaded from the connectors), aggregatable
 * where it is bucketed or aggregated. A field renamed in a template, or a typo here, fails with the
 * object and the field named.
 */
class KibanaSavedObjectsTest {

    private static final Path KIBANA = Path.of("kibana").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Lens's stand-in for "count of documents": no field. */
    private static final String RECORDS = "___records___";

    /** Attributes Kibana stores as JSON text inside the JSON object. */
    private static final List<String> JSON_STRINGS =
            List.of(
                    "panelsJSON",
                    "optionsJSON",
                    "visState",
                    "uiStateJSON",
                    "fieldAttrs",
                    "fieldFormatMap",
                    "runtimeFieldMap",
                    "sourceFilters");

    private static final Pattern KQL_FIELD =
            Pattern.compile("(?<![\\w.@])([A-Za-z_@][\\w.@]*)\\s*:");

    /** One saved object and where it came from. */
    record SavedObject(String origin, ObjectNode node) {
        String type() {
            return node.path("type").asText();
        }

        String id() {
            return node.path("id").asText();
        }

        JsonNode attributes() {
            return node.path("attributes");
        }

        String name() {
            return origin + " " + type() + "/" + id();
        }

        /** The id of the reference of that name, or null. */
        String reference(String name) {
            for (JsonNode r : node.path("references")) {
                if (r.path("name").asText().equals(name)) {
                    return r.path("id").asText();
                }
            }
            return null;
        }
    }

    private static List<SavedObject> objects;
    private static List<String> parseProblems;
    private static Map<String, IndexFields> templates;

    @BeforeAll
    static void load() throws IOException {
        objects = new ArrayList<>();
        parseProblems = new ArrayList<>();
        try (Stream<Path> files = Files.list(KIBANA)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".ndjson")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String origin = f.getFileName() + ":" + (i + 1);
                    if (lines.get(i).isBlank()) {
                        continue;
                    }
                    try {
                        JsonNode n = JSON.readTree(lines.get(i));
                        if (!(n instanceof ObjectNode o)) {
                            parseProblems.add(origin + ": not a JSON object");
                            continue;
                        }
                        objects.add(new SavedObject(origin, o));
                    } catch (JsonProcessingException e) {
                        parseProblems.add(origin + ": " + e.getOriginalMessage());
                    }
                }
            }
        }
        templates = IndexFields.engineTemplates();
    }

    @Test
    void everySavedObjectParsesWithTheJsonInsideIt() {
        assertThat(parseProblems).as("lines that are not JSON objects").isEmpty();
        assertThat(objects).hasSizeGreaterThan(10);
        assertThat(shapeProblems(objects)).as("saved objects").isEmpty();
    }

    @Test
    void everyReferenceResolves() {
        assertThat(referenceProblems(objects)).as("references").isEmpty();
    }

    @Test
    void everyFieldIsMappedByTheIndexTemplateBehindItsDataView() {
        assertThat(fieldProblems(objects, templates)).as("fields").isEmpty();
    }

    @Test
    void theDataViewsAndDashboardsAnalystsOpenAreThere() {
        Map<String, String> views = new HashMap<>();
        Set<String> dashboards = new HashSet<>();
        for (SavedObject o : objects) {
            if (o.type().equals("index-pattern")) {
                views.put(o.id(), o.attributes().path("title").asText());
            } else if (o.type().equals("dashboard")) {
                dashboards.add(o.id());
            }
        }
        // One data view per alias the engine writes behind, titled with that alias.
        assertThat(views).containsEntry("soc-alerts", "soc-alerts");
        assertThat(views).containsEntry("soc-incidents", "soc-incidents");
        assertThat(templates.keySet()).containsAll(views.values());
        assertThat(dashboards).contains("soc-overview", "soc-department", "soc-incident-view");
    }

    /** The checks catch what they are there for, and name the object and the field. */
    @Test
    void aBrokenObjectIsReportedWithItsName() throws IOException {
        List<SavedObject> broken = new ArrayList<>();
        for (SavedObject o : objects) {
            String text = o.node().toString();
            if (o.id().equals("soc-alerts-over-time-by-severity")) {
                text = text.replace("\"rule.severity\"", "\"rule.severty\"");
            } else if (o.id().equals("soc-alerts-top-rules")) {
                // Text fields cannot be bucketed: a terms split on one fails in Kibana.
                text =
                        text.replace(
                                "\"sourceField\":\"rule.name\"",
                                "\"sourceField\":\"rule.name.text\"");
            } else if (o.id().equals("soc-overview")) {
                text =
                        text.replace(
                                "\"id\":\"soc-alerts-top-rules\"",
                                "\"id\":\"soc-alerts-top-rulez\"");
            }
            broken.add(new SavedObject(o.origin(), (ObjectNode) JSON.readTree(text)));
        }
        assertThat(fieldProblems(broken, templates))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .contains(
                                                "lens/soc-alerts-over-time-by-severity",
                                                "rule.severty",
                                                "not mapped"))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .contains(
                                                "lens/soc-alerts-top-rules",
                                                "rule.name.text",
                                                "not aggregatable"));
        assertThat(referenceProblems(broken))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .contains(
                                                "dashboard/soc-overview",
                                                "lens/soc-alerts-top-rulez"));
    }

    // ---------------------------------------------------------------------------------------------

    static List<String> shapeProblems(List<SavedObject> all) {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (SavedObject o : all) {
            if (o.type().isEmpty() || o.id().isEmpty() || !o.attributes().isObject()) {
                problems.add(o.name() + ": needs type, id and attributes");
                continue;
            }
            if (!seen.add(o.type() + "/" + o.id())) {
                problems.add(o.name() + ": the same type and id twice; an import keeps only one");
            }
            if (!o.node().has("coreMigrationVersion") || !o.node().has("typeMigrationVersion")) {
                problems.add(
                        o.name()
                                + ": no coreMigrationVersion/typeMigrationVersion: Kibana would run every migration on it");
            }
            if (o.attributes().path("title").asText().isBlank()) {
                problems.add(o.name() + ": no title");
            }
            for (String key : JSON_STRINGS) {
                parseInside(o, key, o.attributes().get(key), problems);
            }
            parseInside(
                    o,
                    "kibanaSavedObjectMeta.searchSourceJSON",
                    o.attributes().path("kibanaSavedObjectMeta").get("searchSourceJSON"),
                    problems);
            JsonNode controls = o.attributes().path("controlGroupInput");
            parseInside(o, "controlGroupInput.panelsJSON", controls.get("panelsJSON"), problems);
            parseInside(
                    o,
                    "controlGroupInput.ignoreParentSettingsJSON",
                    controls.get("ignoreParentSettingsJSON"),
                    problems);
        }
        return problems;
    }

    private static void parseInside(
            SavedObject o, String key, JsonNode value, List<String> problems) {
        if (value == null) {
            return;
        }
        if (!value.isTextual()) {
            problems.add(o.name() + ": " + key + " must be JSON text, is " + value.getNodeType());
            return;
        }
        try {
            JSON.readTree(value.asText());
        } catch (JsonProcessingException e) {
            problems.add(o.name() + ": " + key + " does not parse: " + e.getOriginalMessage());
        }
    }

    static List<String> referenceProblems(List<SavedObject> all) {
        Set<String> present = new HashSet<>();
        for (SavedObject o : all) {
            present.add(o.type() + "/" + o.id());
        }
        List<String> problems = new ArrayList<>();
        for (SavedObject o : all) {
            Set<String> names = new HashSet<>();
            for (JsonNode r : o.node().path("references")) {
                String target = r.path("type").asText() + "/" + r.path("id").asText();
                if (!present.contains(target)) {
                    problems.add(
                            o.name()
                                    + ": reference "
                                    + r.path("name").asText()
                                    + " -> "
                                    + target
                                    + " is in no file of "
                                    + KIBANA);
                }
                if (!names.add(r.path("name").asText())) {
                    problems.add(
                            o.name() + ": reference name " + r.path("name").asText() + " twice");
                }
            }
            for (String name : referenceNamesUsed(o)) {
                if (!names.contains(name)) {
                    problems.add(
                            o.name() + ": uses reference " + name + ", which it does not declare");
                }
            }
        }
        return problems;
    }

    /** The reference names an object's content points through. */
    private static List<String> referenceNamesUsed(SavedObject o) {
        List<String> used = new ArrayList<>();
        JsonNode a = o.attributes();
        switch (o.type()) {
            case "dashboard" -> {
                for (JsonNode p : parse(a.path("panelsJSON"))) {
                    if (p.has("panelRefName")) {
                        used.add(p.path("panelRefName").asText());
                    }
                }
                for (String control :
                        iterable(
                                parse(a.path("controlGroupInput").path("panelsJSON"))
                                        .fieldNames())) {
                    used.add("controlGroup_" + control + ":optionsListDataView");
                }
            }
            case "lens" -> {
                for (String layer : iterable(lensLayers(o).fieldNames())) {
                    used.add("indexpattern-datasource-layer-" + layer);
                }
            }
            case "search", "visualization" -> {
                JsonNode source = parse(a.path("kibanaSavedObjectMeta").path("searchSourceJSON"));
                if (source.has("indexRefName")) {
                    used.add(source.path("indexRefName").asText());
                }
            }
            default -> {}
        }
        return used;
    }

    /** One use of a field: by whom, through which data view, and whether it is aggregated. */
    private record FieldUse(
            SavedObject by,
            String where,
            String dataView,
            String field,
            boolean aggregated,
            String type) {}

    static List<String> fieldProblems(List<SavedObject> all, Map<String, IndexFields> templates) {
        Map<String, String> viewTitles = new LinkedHashMap<>();
        for (SavedObject o : all) {
            if (o.type().equals("index-pattern")) {
                viewTitles.put(o.id(), o.attributes().path("title").asText());
            }
        }
        List<FieldUse> uses = new ArrayList<>();
        for (SavedObject o : all) {
            collectFieldUses(o, uses);
        }
        List<String> problems = new ArrayList<>();
        for (FieldUse u : uses) {
            String title = viewTitles.get(u.dataView());
            if (title == null) {
                problems.add(
                        u.by().name()
                                + ": "
                                + u.where()
                                + " uses data view "
                                + u.dataView()
                                + ", which is in no file");
                continue;
            }
            IndexFields fields = templates.get(title);
            if (fields == null) {
                problems.add(
                        u.by().name()
                                + ": data view "
                                + u.dataView()
                                + " is over "
                                + title
                                + ", which no index template of the engine puts its indices behind ("
                                + templates.keySet()
                                + ")");
                continue;
            }
            String mapped = fields.types().get(u.field());
            if (mapped == null) {
                problems.add(
                        u.by().name()
                                + ": "
                                + u.where()
                                + " field "
                                + u.field()
                                + " is not mapped by the "
                                + title
                                + " index template");
            } else if (u.aggregated() && !fields.aggregatable(u.field())) {
                problems.add(
                        u.by().name()
                                + ": "
                                + u.where()
                                + " field "
                                + u.field()
                                + " ("
                                + mapped
                                + ") is not aggregatable");
            } else if (u.type() != null && !u.type().equals(mapped)) {
                problems.add(
                        u.by().name()
                                + ": "
                                + u.where()
                                + " field "
                                + u.field()
                                + " is "
                                + mapped
                                + ", needs "
                                + u.type());
            }
        }
        return problems;
    }

    private static void collectFieldUses(SavedObject o, List<FieldUse> uses) {
        JsonNode a = o.attributes();
        switch (o.type()) {
            case "index-pattern" -> {
                if (a.hasNonNull("timeFieldName")) {
                    uses.add(
                            new FieldUse(
                                    o,
                                    "time field",
                                    o.id(),
                                    a.path("timeFieldName").asText(),
                                    true,
                                    "date"));
                }
            }
            case "lens" -> {
                JsonNode layers = lensLayers(o);
                List<String> views = new ArrayList<>();
                for (String layer : iterable(layers.fieldNames())) {
                    String view = o.reference("indexpattern-datasource-layer-" + layer);
                    if (view == null) {
                        continue; // reported by the reference check
                    }
                    views.add(view);
                    Iterator<Map.Entry<String, JsonNode>> columns =
                            layers.path(layer).path("columns").fields();
                    while (columns.hasNext()) {
                        Map.Entry<String, JsonNode> c = columns.next();
                        JsonNode col = c.getValue();
                        String where =
                                "layer "
                                        + layer
                                        + " column "
                                        + c.getKey()
                                        + " ("
                                        + col.path("operationType").asText()
                                        + ")";
                        String field = col.path("sourceField").asText(null);
                        if (field != null && !field.equals(RECORDS)) {
                            String type =
                                    col.path("operationType").asText().equals("date_histogram")
                                            ? "date"
                                            : null;
                            uses.add(new FieldUse(o, where, view, field, true, type));
                        }
                        kqlFields(col.path("filter").path("query").asText(""))
                                .forEach(
                                        f ->
                                                uses.add(
                                                        new FieldUse(
                                                                o,
                                                                where + " filter",
                                                                view,
                                                                f,
                                                                false,
                                                                null)));
                    }
                }
                String query = a.path("state").path("query").path("query").asText("");
                for (String view : views) {
                    kqlFields(query)
                            .forEach(f -> uses.add(new FieldUse(o, "query", view, f, false, null)));
                }
            }
            case "search" -> {
                String view =
                        o.reference(
                                parse(a.path("kibanaSavedObjectMeta").path("searchSourceJSON"))
                                        .path("indexRefName")
                                        .asText());
                if (view == null) {
                    return;
                }
                for (JsonNode c : a.path("columns")) {
                    uses.add(new FieldUse(o, "column", view, c.asText(), false, null));
                }
                for (JsonNode s : a.path("sort")) {
                    uses.add(new FieldUse(o, "sort", view, s.path(0).asText(), true, null));
                }
                JsonNode source = parse(a.path("kibanaSavedObjectMeta").path("searchSourceJSON"));
                kqlFields(source.path("query").path("query").asText(""))
                        .forEach(f -> uses.add(new FieldUse(o, "query", view, f, false, null)));
            }
            case "dashboard" -> {
                JsonNode controls = parse(a.path("controlGroupInput").path("panelsJSON"));
                for (String id : iterable(controls.fieldNames())) {
                    String view = o.reference("controlGroup_" + id + ":optionsListDataView");
                    if (view != null) {
                        String field =
                                controls.path(id).path("explicitInput").path("fieldName").asText();
                        uses.add(new FieldUse(o, "control " + id, view, field, true, null));
                    }
                }
            }
            default -> {}
        }
    }

    private static JsonNode lensLayers(SavedObject o) {
        return o.attributes()
                .path("state")
                .path("datasourceStates")
                .path("formBased")
                .path("layers");
    }

    /** The field names a KQL query compares ({@code field : value}), quoted values left out. */
    static List<String> kqlFields(String kql) {
        String unquoted = kql.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        List<String> out = new ArrayList<>();
        Matcher m = KQL_FIELD.matcher(unquoted);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static JsonNode parse(JsonNode jsonText) {
        if (!jsonText.isTextual()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(jsonText.asText());
        } catch (IOException e) {
            return JSON.createObjectNode(); // reported by the shape check
        }
    }

    private static <T> Iterable<T> iterable(Iterator<T> it) {
        return () -> it;
    }
}
