package org.socengine.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Validates a rule file's YAML node graph against the JSON schema of the rule file ({@code
 * rules/schema/rule.schema.json}, bundled as a resource). Validating the node graph rather than a
 * JSON tree keeps the line of every value, so each problem points at the line to fix. Supports the
 * subset of JSON Schema the rule schema uses: type, required, properties, additionalProperties,
 * items, enum, pattern, minLength, maxLength, minItems, minimum, maximum.
 */
public final class RuleSchema {

    public static final String RESOURCE = "/org/socengine/rules/rule.schema.json";

    private static final RuleSchema BUNDLED = load();

    private final JsonNode schema;
    private final String subject;
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    private RuleSchema(JsonNode schema, String subject) {
        this.schema = schema;
        this.subject = subject;
    }

    /**
     * A validator of another YAML file against its own schema (the escalation policy's), with the
     * same {@code file:line: message} problems; {@code subject} names the document in messages
     * about its root ("the policy").
     */
    public static RuleSchema of(JsonNode schema, String subject) {
        return new RuleSchema(schema, subject);
    }

    public static RuleSchema bundled() {
        return BUNDLED;
    }

    public JsonNode json() {
        return schema;
    }

    private static RuleSchema load() {
        try (InputStream in = RuleSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new RuleSchema(new ObjectMapper().readTree(in), "the rule");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<RuleProblem> validate(String file, Node root) {
        List<RuleProblem> out = new ArrayList<>();
        if (root == null) {
            // An empty file or one of comments alone composes to no node (found by RuleFuzzTest).
            out.add(
                    new RuleProblem(
                            file, 1, subject + " file is empty: it must be a YAML mapping"));
            return out;
        }
        validate(file, root, schema, "", out);
        return out;
    }

    private void validate(String file, Node node, JsonNode s, String path, List<RuleProblem> out) {
        int line = node.getStartMark().getLine() + 1;
        String where = path.isEmpty() ? subject : "'" + path + "'";
        String type = s.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!(node instanceof MappingNode map)) {
                    out.add(new RuleProblem(file, line, where + " must be a mapping"));
                    return;
                }
                validateObject(file, map, s, path, out);
            }
            case "array" -> {
                if (!(node instanceof SequenceNode seq)) {
                    out.add(new RuleProblem(file, line, where + " must be a list"));
                    return;
                }
                int min = s.path("minItems").asInt(0);
                if (seq.getValue().size() < min) {
                    out.add(
                            new RuleProblem(
                                    file, line, where + " needs at least " + min + " item(s)"));
                }
                JsonNode items = s.get("items");
                if (items != null) {
                    int i = 0;
                    for (Node item : seq.getValue()) {
                        validate(file, item, items, path + "[" + i++ + "]", out);
                    }
                }
            }
            case "string", "integer", "boolean" -> validateScalar(file, node, s, type, where, out);
            default -> {}
        }
    }

    private void validateObject(
            String file, MappingNode map, JsonNode s, String path, List<RuleProblem> out) {
        int line = map.getStartMark().getLine() + 1;
        JsonNode props = s.path("properties");
        // additionalProperties: false closes the mapping; a schema there validates every key that
        // properties does not name (a mapping keyed by department id, say).
        JsonNode additional = s.get("additionalProperties");
        boolean closed = additional != null && additional.isBoolean() && !additional.asBoolean();
        JsonNode others = additional != null && additional.isObject() ? additional : null;
        List<String> present = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : null;
            int kline = t.getKeyNode().getStartMark().getLine() + 1;
            if (key == null) {
                out.add(new RuleProblem(file, kline, "keys must be plain strings"));
                continue;
            }
            present.add(key);
            String child = path.isEmpty() ? key : path + "." + key;
            if (props.has(key)) {
                validate(file, t.getValueNode(), props.get(key), child, out);
            } else if (others != null) {
                validate(file, t.getValueNode(), others, child, out);
            } else if (closed) {
                out.add(
                        new RuleProblem(
                                file,
                                kline,
                                "unknown key '" + child + "' (allowed: " + names(props) + ")"));
            }
        }
        for (JsonNode r : s.path("required")) {
            if (!present.contains(r.asText())) {
                String child = path.isEmpty() ? r.asText() : path + "." + r.asText();
                out.add(new RuleProblem(file, line, "missing required key '" + child + "'"));
            }
        }
    }

    private void validateScalar(
            String file, Node node, JsonNode s, String type, String where, List<RuleProblem> out) {
        int line = node.getStartMark().getLine() + 1;
        if (!(node instanceof ScalarNode scalar)) {
            out.add(new RuleProblem(file, line, where + " must be a " + type));
            return;
        }
        String value = scalar.getValue();
        switch (type) {
            case "integer" -> {
                if (!scalar.getTag().equals(Tag.INT)) {
                    out.add(
                            new RuleProblem(
                                    file,
                                    line,
                                    where + " must be an integer, not '" + value + "'"));
                    return;
                }
                long n;
                try {
                    n = Long.decode(value.replace("_", ""));
                } catch (NumberFormatException e) {
                    out.add(new RuleProblem(file, line, where + " must be an integer"));
                    return;
                }
                if (s.has("minimum") && n < s.get("minimum").asLong()) {
                    out.add(
                            new RuleProblem(
                                    file,
                                    line,
                                    where + " must be at least " + s.get("minimum").asLong()));
                }
                if (s.has("maximum") && n > s.get("maximum").asLong()) {
                    out.add(
                            new RuleProblem(
                                    file,
                                    line,
                                    where + " must be at most " + s.get("maximum").asLong()));
                }
            }
            case "boolean" -> {
                if (!scalar.getTag().equals(Tag.BOOL)) {
                    out.add(new RuleProblem(file, line, where + " must be true or false"));
                }
            }
            default -> {
                if (scalar.getTag().equals(Tag.NULL)) {
                    out.add(new RuleProblem(file, line, where + " must not be empty"));
                    return;
                }
                if (s.has("minLength") && value.strip().length() < s.get("minLength").asInt()) {
                    out.add(
                            new RuleProblem(
                                    file,
                                    line,
                                    where
                                            + " is too short (at least "
                                            + s.get("minLength").asInt()
                                            + " characters)"));
                }
                if (s.has("maxLength") && value.length() > s.get("maxLength").asInt()) {
                    out.add(
                            new RuleProblem(
                                    file,
                                    line,
                                    where
                                            + " is too long (at most "
                                            + s.get("maxLength").asInt()
                                            + " characters)"));
                }
                if (s.has("enum")) {
                    List<String> allowed = new ArrayList<>();
                    s.get("enum").forEach(e -> allowed.add(e.asText()));
                    if (!allowed.contains(value)) {
                        out.add(
                                new RuleProblem(
                                        file,
                                        line,
                                        where
                                                + " must be one of "
                                                + allowed
                                                + ", not '"
                                                + value
                                                + "'"));
                    }
                }
                if (s.has("pattern")) {
                    String regex = s.get("pattern").asText();
                    Pattern p = patterns.computeIfAbsent(regex, Pattern::compile);
                    if (!p.matcher(value).find()) {
                        out.add(
                                new RuleProblem(
                                        file,
                                        line,
                                        where + " '" + value + "' does not match " + regex));
                    }
                }
            }
        }
    }

    private static String names(JsonNode props) {
        List<String> out = new ArrayList<>();
        Iterator<String> it = props.fieldNames();
        it.forEachRemaining(out::add);
        return String.join(", ", out);
    }
}
