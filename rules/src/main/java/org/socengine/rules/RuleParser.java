package org.socengine.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a rule file into a {@link RuleDefinition}, keeping the line of every key so that every
 * problem can be reported as {@code file:line: message}. Uses SnakeYAML's node graph (compose),
 * which builds no Java objects from the document: a rule file cannot instantiate classes.
 */
public final class RuleParser {

    static final Set<String> KNOWN_KEYS =
            Set.of(
                    "id",
                    "name",
                    "description",
                    "version",
                    "severity",
                    "risk_score",
                    "status",
                    "enabled",
                    "tags",
                    "reads",
                    "group_by",
                    "scope",
                    "limits",
                    "suppress",
                    "epl",
                    "triage",
                    "false_positives",
                    "references",
                    "tests",
                    "author",
                    "created",
                    "modified");

    /** Formats besides the native one, by class name: the Sigma compiler builds on this class. */
    private static final List<RuleFormat> FORMATS =
            formats("org.socengine.rules.sigma.SigmaRuleFormat");

    private static List<RuleFormat> formats(String... classNames) {
        List<RuleFormat> out = new ArrayList<>();
        for (String name : classNames) {
            try {
                out.add(
                        (RuleFormat)
                                Class.forName(name, true, RuleParser.class.getClassLoader())
                                        .getDeclaredConstructor()
                                        .newInstance());
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalStateException("rule format " + name + " is missing", e);
            }
        }
        return List.copyOf(out);
    }

    /** The format other than the native one that the text is written in, or null. */
    public static RuleFormat formatOf(String yaml) {
        for (RuleFormat f : FORMATS) {
            if (f.accepts(yaml)) {
                return f;
            }
        }
        return null;
    }

    /** Largest rule file; checked on the bytes, before any YAML parsing. */
    public static final int MAX_RULE_BYTES = 256 * 1024;

    private RuleParser() {}

    public static RuleDefinition parse(Path file) throws RuleValidationException {
        try {
            checkSize(file);
            byte[] bytes = Files.readAllBytes(file);
            return parse(file.toString(), new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RuleValidationException(RuleProblem.of(file, 1, "cannot read: " + e));
        }
    }

    /** Refuses a file larger than {@link #MAX_RULE_BYTES} from its size on disk, unread. */
    public static void checkSize(Path file) throws IOException, RuleValidationException {
        long size = Files.size(file);
        if (size > MAX_RULE_BYTES) {
            throw new RuleValidationException(
                    RuleProblem.of(
                            file,
                            1,
                            "rule file of " + size + " bytes is larger than " + MAX_RULE_BYTES));
        }
    }

    /**
     * Composes a rule document strictly: one document, at most {@link #MAX_RULE_BYTES}, no
     * duplicate keys and no anchors or aliases (a reviewer must see exactly what runs).
     */
    public static Node compose(String file, String yaml) throws RuleValidationException {
        if (yaml.length() > MAX_RULE_BYTES) {
            throw new RuleValidationException(
                    new RuleProblem(file, 1, "rule file larger than " + MAX_RULE_BYTES + " bytes"));
        }
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            options.setAllowRecursiveKeys(false);
            options.setNestingDepthLimit(20);
            options.setCodePointLimit(MAX_RULE_BYTES);
            root = new Yaml(options).compose(new java.io.StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            throw new RuleValidationException(
                    new RuleProblem(file, line, "invalid YAML: " + e.getProblem()));
        } catch (RuntimeException e) {
            throw new RuleValidationException(
                    new RuleProblem(file, 1, "invalid YAML: " + e.getMessage()));
        }
        List<RuleProblem> problems = new ArrayList<>();
        strict(
                file,
                root,
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()),
                problems);
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        return root;
    }

    // SnakeYAML checks duplicate keys only when it constructs objects; compose() builds the node
    // graph alone, so the check is ours. An alias shows as a node reached twice.
    private static void strict(String file, Node node, Set<Node> seen, List<RuleProblem> problems) {
        if (node == null) {
            return;
        }
        int line = node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
        if (!seen.add(node)) {
            problems.add(
                    new RuleProblem(
                            file, line, "YAML anchors and aliases are not allowed in rule files"));
            return;
        }
        if (node instanceof MappingNode map) {
            Map<String, Integer> keys = new HashMap<>();
            for (NodeTuple t : map.getValue()) {
                String key = scalar(t.getKeyNode());
                int keyLine = t.getKeyNode().getStartMark().getLine() + 1;
                if (key != null) {
                    Integer first = keys.putIfAbsent(key, keyLine);
                    if (first != null) {
                        problems.add(
                                new RuleProblem(
                                        file,
                                        keyLine,
                                        "duplicate key '"
                                                + key
                                                + "' (first at line "
                                                + first
                                                + "): a rule file must say each thing once"));
                    }
                }
                strict(file, t.getKeyNode(), seen, problems);
                strict(file, t.getValueNode(), seen, problems);
            }
        } else if (node instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                strict(file, item, seen, problems);
            }
        }
    }

    public static RuleDefinition parse(String file, String yaml) throws RuleValidationException {
        List<RuleProblem> problems = new ArrayList<>();
        RuleDefinition def = parse(file, yaml, problems);
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        return def;
    }

    /**
     * Parses as far as the document allows, adding every problem to {@code problems}: the linter
     * uses the partial definition to go on checking the rest of a rule that has, say, one unknown
     * key. Throws only when the document is not a YAML mapping at all.
     */
    public static RuleDefinition parse(String file, String yaml, List<RuleProblem> problems)
            throws RuleValidationException {
        RuleFormat format = formatOf(yaml);
        if (format != null) {
            // Another format compiles whole or not at all: there is no partial definition.
            return format.parse(file, yaml);
        }
        Node root = compose(file, yaml);
        if (!(root instanceof MappingNode map)) {
            throw new RuleValidationException(
                    new RuleProblem(file, 1, "a rule file must be a YAML mapping"));
        }
        Map<String, Node> nodes = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = scalar(t.getKeyNode());
            int line = t.getKeyNode().getStartMark().getLine() + 1;
            if (key == null) {
                problems.add(new RuleProblem(file, line, "keys must be plain strings"));
                continue;
            }
            if (!KNOWN_KEYS.contains(key)) {
                problems.add(new RuleProblem(file, line, "unknown key '" + key + "'"));
            }
            nodes.put(key, t.getValueNode());
            lines.put(key, line);
        }
        Fields f = new Fields(file, nodes, lines, problems);

        String id = f.string("id", true);
        String name = f.string("name", true);
        String description = f.string("description", false);
        int version = f.integer("version", 1);
        String severity = f.string("severity", true);
        int riskScore = f.integer("risk_score", -1);
        if (riskScore == -1) {
            f.problem("risk_score", "missing required key 'risk_score'");
        }
        String status = f.string("status", false);
        boolean enabled = f.bool("enabled", true);
        List<String> tags = f.strings("tags");
        List<String> reads = f.strings("reads");
        List<String> groupBy = f.strings("group_by");
        String scope = f.string("scope", false);
        if (scope != null && !RuleDefinition.SCOPES.contains(scope)) {
            f.problem("scope", "'scope' must be one of " + RuleDefinition.SCOPES);
        }
        Duration suppressFor = null;
        Node suppress = nodes.get("suppress");
        if (suppress instanceof MappingNode sm) {
            for (NodeTuple t : sm.getValue()) {
                if ("for".equals(scalar(t.getKeyNode()))) {
                    String text = scalar(t.getValueNode());
                    try {
                        suppressFor = Durations.parse(text);
                    } catch (IllegalArgumentException e) {
                        f.problem("suppress", e.getMessage());
                    }
                } else {
                    f.problem(
                            "suppress",
                            "unknown key 'suppress." + scalar(t.getKeyNode()) + "' (only 'for')");
                }
            }
        } else if (suppress != null) {
            f.problem("suppress", "'suppress' must be a mapping such as {for: 10m}");
        }
        RuleLimits limits = parseLimits(f, nodes.get("limits"));
        String epl = f.string("epl", true);
        Node eplNode = nodes.get("epl");
        if (eplNode != null) {
            // A block scalar (epl: |) starts on the line after the key.
            int first = eplNode.getStartMark().getLine() + 1;
            if (eplNode instanceof ScalarNode sn && sn.getScalarStyle().getChar() != null) {
                char style = sn.getScalarStyle().getChar();
                if (style == '|' || style == '>') {
                    first++;
                }
            }
            lines.put("epl.body", first);
        }
        String triage = f.string("triage", false);
        List<String> falsePositives = f.strings("false_positives");
        List<String> references = f.strings("references");
        List<RuleTestCase> tests = parseTests(f, nodes.get("tests"));
        return new RuleDefinition(
                id,
                name,
                description,
                version,
                severity,
                riskScore,
                status == null ? "stable" : status,
                enabled,
                tags,
                reads,
                groupBy,
                suppressFor,
                epl,
                triage,
                falsePositives,
                references,
                tests,
                file,
                lines,
                scope,
                limits);
    }

    private static final Map<String, Integer> LIMIT_CAPS =
            Map.of(
                    "max_groups", RuleLimits.MAX_STATE,
                    "max_rows", RuleLimits.MAX_STATE,
                    "cpu_ms_per_minute", RuleLimits.MAX_CPU_MS_PER_MINUTE);

    /**
     * The optional {@code limits:} block: positive whole numbers no larger than the engine allows
     * any rule, each reported at its own line.
     */
    private static RuleLimits parseLimits(Fields f, Node node) {
        if (node == null) {
            return RuleLimits.NONE;
        }
        if (!(node instanceof MappingNode m)) {
            f.problem(
                    "limits",
                    "'limits' must be a mapping such as {max_groups: 10000, max_rows: 50000,"
                            + " cpu_ms_per_minute: 2000}");
            return RuleLimits.NONE;
        }
        Map<String, Integer> values = new HashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode());
            int line = t.getKeyNode().getStartMark().getLine() + 1;
            Integer cap = key == null ? null : LIMIT_CAPS.get(key);
            if (cap == null) {
                f.problems.add(
                        new RuleProblem(
                                f.file,
                                line,
                                "unknown key 'limits."
                                        + key
                                        + "' (max_groups, max_rows, cpu_ms_per_minute)"));
                continue;
            }
            String text = scalar(t.getValueNode());
            long v;
            try {
                v = Long.parseLong(text == null ? "" : text.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                f.problems.add(
                        new RuleProblem(
                                f.file,
                                line,
                                "'limits." + key + "' must be a whole number, not '" + text + "'"));
                continue;
            }
            if (v < 1 || v > cap) {
                f.problems.add(
                        new RuleProblem(
                                f.file,
                                line,
                                "'limits."
                                        + key
                                        + "' must be between 1 and "
                                        + cap
                                        + ", not "
                                        + v));
                continue;
            }
            values.put(key, (int) v);
        }
        return new RuleLimits(
                values.get("max_groups"), values.get("max_rows"), values.get("cpu_ms_per_minute"));
    }

    /**
     * The fixture tests of a rule written in another format (Sigma), in the native {@code tests:}
     * form; problems are added to {@code problems}.
     */
    public static List<RuleTestCase> tests(String file, Node node, List<RuleProblem> problems) {
        Map<String, Integer> lines = new HashMap<>();
        if (node != null) {
            lines.put("tests", node.getStartMark().getLine());
        }
        return parseTests(new Fields(file, Map.of(), lines, problems), node);
    }

    private static List<RuleTestCase> parseTests(Fields f, Node node) {
        List<RuleTestCase> tests = new ArrayList<>();
        if (node == null) {
            return tests;
        }
        if (!(node instanceof SequenceNode seq)) {
            f.problem("tests", "'tests' must be a list");
            return tests;
        }
        for (Node item : seq.getValue()) {
            int line = item.getStartMark().getLine() + 1;
            if (!(item instanceof MappingNode m)) {
                f.problems.add(new RuleProblem(f.file, line, "each test must be a mapping"));
                continue;
            }
            String name = null;
            String events = null;
            String source = null;
            Integer alerts = null;
            Map<String, String> entity = null;
            for (NodeTuple t : m.getValue()) {
                String key = scalar(t.getKeyNode());
                int kline = t.getKeyNode().getStartMark().getLine() + 1;
                switch (key == null ? "" : key) {
                    case "name" -> name = scalar(t.getValueNode());
                    case "events" -> events = scalar(t.getValueNode());
                    case "source" -> source = scalar(t.getValueNode());
                    case "expect" -> {
                        if (t.getValueNode() instanceof MappingNode em) {
                            for (NodeTuple et : em.getValue()) {
                                String ek = scalar(et.getKeyNode());
                                if ("alerts".equals(ek)) {
                                    try {
                                        alerts = Integer.parseInt(scalar(et.getValueNode()));
                                    } catch (RuntimeException e) {
                                        f.problems.add(
                                                new RuleProblem(
                                                        f.file,
                                                        kline,
                                                        "expect.alerts must be a number"));
                                    }
                                } else if ("entity".equals(ek)
                                        && et.getValueNode() instanceof MappingNode entMap) {
                                    entity = new LinkedHashMap<>();
                                    for (NodeTuple x : entMap.getValue()) {
                                        entity.put(
                                                scalar(x.getKeyNode()), scalar(x.getValueNode()));
                                    }
                                } else {
                                    f.problems.add(
                                            new RuleProblem(
                                                    f.file,
                                                    kline,
                                                    "unknown key 'expect." + ek + "'"));
                                }
                            }
                        } else {
                            f.problems.add(
                                    new RuleProblem(f.file, kline, "'expect' must be a mapping"));
                        }
                    }
                    default ->
                            f.problems.add(
                                    new RuleProblem(
                                            f.file, kline, "unknown key in test: '" + key + "'"));
                }
            }
            if (name == null || events == null || alerts == null) {
                f.problems.add(
                        new RuleProblem(
                                f.file, line, "a test needs 'name', 'events' and 'expect.alerts'"));
                continue;
            }
            tests.add(new RuleTestCase(name, events, source, alerts, entity, line));
        }
        return tests;
    }

    static String scalar(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }

    /** Typed access to the top-level keys, collecting problems instead of stopping at one. */
    private static final class Fields {
        final String file;
        final Map<String, Node> nodes;
        final Map<String, Integer> lines;
        final List<RuleProblem> problems;

        Fields(
                String file,
                Map<String, Node> nodes,
                Map<String, Integer> lines,
                List<RuleProblem> problems) {
            this.file = file;
            this.nodes = nodes;
            this.lines = lines;
            this.problems = problems;
        }

        void problem(String key, String message) {
            problems.add(new RuleProblem(file, lines.getOrDefault(key, 1), message));
        }

        String string(String key, boolean required) {
            Node n = nodes.get(key);
            if (n == null) {
                if (required) {
                    problem(key, "missing required key '" + key + "'");
                }
                return null;
            }
            String s = scalar(n);
            if (s == null) {
                problem(key, "'" + key + "' must be a string");
            } else if (required && s.isBlank()) {
                problem(key, "'" + key + "' must not be empty");
            }
            return s;
        }

        int integer(String key, int dflt) {
            String s = string(key, false);
            if (s == null) {
                return dflt;
            }
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                problem(key, "'" + key + "' must be an integer, not '" + s + "'");
                return dflt;
            }
        }

        boolean bool(String key, boolean dflt) {
            String s = string(key, false);
            if (s == null) {
                return dflt;
            }
            if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
            }
            problem(key, "'" + key + "' must be true or false");
            return dflt;
        }

        List<String> strings(String key) {
            Node n = nodes.get(key);
            List<String> out = new ArrayList<>();
            if (n == null) {
                return out;
            }
            if (n instanceof SequenceNode seq) {
                for (Node item : seq.getValue()) {
                    String s = scalar(item);
                    if (s == null) {
                        problem(key, "'" + key + "' must be a list of strings");
                    } else {
                        out.add(s);
                    }
                }
            } else if (scalar(n) != null) {
                out.add(scalar(n));
            } else {
                problem(key, "'" + key + "' must be a list of strings");
            }
            return out;
        }
    }
}
