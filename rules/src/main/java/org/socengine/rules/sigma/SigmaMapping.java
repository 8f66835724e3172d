package org.socengine.rules.sigma;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.socengine.model.EcsPaths;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleValidationException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The reviewed mapping of Sigma's log sources and field names onto the engine's streams and ECS
 * fields ({@code sigma/mapping.yml} on the class path, or a file given by configuration).
 */
public final class SigmaMapping {

    /** The built-in mapping file. */
    public static final String RESOURCE = "/sigma/mapping.yml";

    /** One log source: where its events are and what its fields are called. */
    public record LogSource(
            Map<String, String> match,
            String stream,
            String filter,
            List<String> reads,
            List<String> groupBy,
            String keywords,
            Map<String, String> fields,
            String defaultField) {

        boolean matches(String product, String category, String service) {
            for (Map.Entry<String, String> m : match.entrySet()) {
                String actual =
                        switch (m.getKey()) {
                            case "product" -> product;
                            case "category" -> category;
                            case "service" -> service;
                            default -> null;
                        };
                if (actual == null || !actual.equalsIgnoreCase(m.getValue())) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<LogSource> logSources;
    private final Map<String, String> fields;
    private final Map<String, List<String>> placeholders;

    private SigmaMapping(
            List<LogSource> logSources,
            Map<String, String> fields,
            Map<String, List<String>> placeholders) {
        this.logSources = logSources;
        this.fields = fields;
        this.placeholders = placeholders;
    }

    private static volatile SigmaMapping builtIn;

    /** The mapping that ships with the engine. */
    public static SigmaMapping builtIn() {
        SigmaMapping m = builtIn;
        if (m == null) {
            try (InputStream in = SigmaMapping.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                m = parse(RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuleValidationException e) {
                throw new IllegalStateException("the built-in Sigma mapping is broken: " + e, e);
            }
            builtIn = m;
        }
        return m;
    }

    public static SigmaMapping load(Path file) throws IOException, RuleValidationException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    public static SigmaMapping parse(String file, String yaml) throws RuleValidationException {
        Node root = RuleParser.compose(file, yaml);
        if (!(root instanceof MappingNode map)) {
            throw new IllegalArgumentException(file + ": the mapping must be a YAML mapping");
        }
        List<LogSource> sources = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, List<String>> placeholders = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = scalar(t.getKeyNode());
            Node v = t.getValueNode();
            switch (key == null ? "" : key) {
                case "fields" -> fields.putAll(stringMap(v));
                case "placeholders" -> {
                    if (v instanceof MappingNode pm) {
                        for (NodeTuple p : pm.getValue()) {
                            placeholders.put(scalar(p.getKeyNode()), strings(p.getValueNode()));
                        }
                    }
                }
                case "logsources" -> {
                    if (v instanceof SequenceNode seq) {
                        for (Node item : seq.getValue()) {
                            sources.add(logSource(file, item));
                        }
                    }
                }
                default ->
                        throw new IllegalArgumentException(
                                file
                                        + ":"
                                        + (t.getKeyNode().getStartMark().getLine() + 1)
                                        + ": unknown key '"
                                        + key
                                        + "'");
            }
        }
        return new SigmaMapping(List.copyOf(sources), fields, placeholders);
    }

    private static LogSource logSource(String file, Node item) {
        if (!(item instanceof MappingNode m)) {
            throw new IllegalArgumentException(file + ": each log source must be a mapping");
        }
        Map<String, String> match = Map.of();
        String stream = "Event";
        String filter = null;
        List<String> reads = List.of();
        List<String> groupBy = List.of();
        String keywords = null;
        Map<String, String> fields = Map.of();
        String defaultField = null;
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode());
            Node v = t.getValueNode();
            switch (key == null ? "" : key) {
                case "match" -> match = stringMap(v);
                case "stream" -> stream = scalar(v);
                case "filter" -> filter = scalar(v);
                case "reads" -> reads = strings(v);
                case "group_by" -> groupBy = strings(v);
                case "keywords" -> keywords = scalar(v);
                case "fields" -> fields = stringMap(v);
                case "default_field" -> defaultField = scalar(v);
                default ->
                        throw new IllegalArgumentException(
                                file
                                        + ":"
                                        + (t.getKeyNode().getStartMark().getLine() + 1)
                                        + ": unknown log source key '"
                                        + key
                                        + "'");
            }
        }
        return new LogSource(match, stream, filter, reads, groupBy, keywords, fields, defaultField);
    }

    /** The first log source entry that the rule's logsource meets, or null. */
    public LogSource logSource(String product, String category, String service) {
        for (LogSource s : logSources) {
            if (s.matches(product, category, service)) {
                return s;
            }
        }
        return null;
    }

    /**
     * The EPL property a Sigma field reads for a log source, or null when the mapping has none.
     *
     * @param service the rule's logsource service, for {@code {service}} in a default
     */
    public String field(LogSource source, String sigmaField, String service) {
        String f = source.fields().get(sigmaField);
        if (f == null) {
            f = fields.get(sigmaField);
        }
        if (f == null
                && sigmaField.indexOf('.') > 0
                && !sigmaField.startsWith("fields.")
                && sigmaField.equals(sigmaField.toLowerCase(Locale.ROOT))
                && EcsPaths.isKnown(sigmaField)) {
            // A rule written against the engine's own model (as pySigma's ECS pipelines write
            // them) names the ECS field itself.
            f = sigmaField;
        }
        if (f == null && source.defaultField() != null) {
            f =
                    source.defaultField()
                            .replace("{field}", sigmaField)
                            .replace("{service}", service == null ? "" : service);
        }
        return f;
    }

    /** The values of an {@code expand} placeholder ({@code %name%}), or null if unknown. */
    public List<String> placeholder(String name) {
        return placeholders.get(name);
    }

    /** The log source filter with {@code {service}} filled in. */
    static String filter(LogSource s, String service) {
        return s.filter() == null
                ? null
                : s.filter()
                        .replace(
                                "{service}",
                                service == null ? "" : service.toLowerCase(Locale.ROOT));
    }

    public List<LogSource> logSources() {
        return logSources;
    }

    static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    private static Map<String, String> stringMap(Node n) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                out.put(scalar(t.getKeyNode()), scalar(t.getValueNode()));
            }
        }
        return out;
    }

    private static List<String> strings(Node n) {
        List<String> out = new ArrayList<>();
        if (n instanceof SequenceNode seq) {
            for (Node i : seq.getValue()) {
                out.add(scalar(i));
            }
        } else if (scalar(n) != null) {
            out.add(scalar(n));
        }
        return out;
    }
}
