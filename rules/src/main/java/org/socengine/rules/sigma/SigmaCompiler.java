package org.socengine.rules.sigma;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleTestCase;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.RuleFunctions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Compiles a Sigma detection rule to the engine's own rule form: an EPL filter on the stream of its
 * log source, with Sigma's id, title, level, tags, references and false positives as the rule's.
 * The YAML is read as strictly as a native rule (one document, no duplicate keys, no anchors). A
 * construct that cannot be compiled is refused with the construct, its line and the reason; a rule
 * is never half-compiled.
 */
public final class SigmaCompiler {

    static final Set<String> KNOWN_KEYS =
            Set.of(
                    "title",
                    "id",
                    "name",
                    "status",
                    "description",
                    "references",
                    "author",
                    "date",
                    "modified",
                    "tags",
                    "logsource",
                    "detection",
                    "falsepositives",
                    "level",
                    "fields",
                    "related",
                    "license",
                    "taxonomy",
                    "scope",
                    "simulation",
                    "regression_tests_path",
                    "tests");

    static final Set<String> MODIFIERS =
            Set.of(
                    "contains",
                    "startswith",
                    "endswith",
                    "all",
                    "windash",
                    "base64",
                    "base64offset",
                    "utf16le",
                    "utf16be",
                    "utf16",
                    "wide",
                    "re",
                    "i",
                    "m",
                    "s",
                    "ignorecase",
                    "multiline",
                    "dotall",
                    "cidr",
                    "exists",
                    "expand",
                    "fieldref",
                    "lt",
                    "lte",
                    "gt",
                    "gte",
                    "cased");

    /** Key in {@link RuleDefinition#lines()} that marks a rule compiled from Sigma. */
    public static final String SIGMA_MARK = "sigma";

    /** Most variants one value may expand to (windash over many flags multiplies). */
    static final int MAX_VARIANTS = 256;

    private static final Pattern UUID =
            Pattern.compile(
                    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** pySigma's windash: a dash or slash that starts a word after a non-word character. */
    private static final Pattern WINDASH = Pattern.compile("\\B[-/]\\b");

    private static final String[] DASHES = {"-", "/", "\u2013", "\u2014", "\u2015"};

    private static final Pattern PLACEHOLDER = Pattern.compile("%([A-Za-z0-9_]+)%");

    private final SigmaMapping mapping;

    public SigmaCompiler() {
        this(SigmaMapping.builtIn());
    }

    public SigmaCompiler(SigmaMapping mapping) {
        this.mapping = mapping;
    }

    /**
     * True when a rule file's text is a Sigma rule (it has {@code detection:} or a {@code
     * correlation:} at the top).
     */
    public static boolean isSigma(String yaml) {
        for (String line : yaml.split("\n", 400)) {
            if (line.startsWith("detection:")
                    || line.startsWith("correlation:")
                    || line.startsWith("logsource:")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Compiles the Sigma rule in {@code yaml}; {@code file} names it in problems. Rules that a
     * correlation names and that are not in its file are looked for in the rest of the rule set
     * ({@link SigmaRuleSet#around}).
     */
    public RuleDefinition compile(String file, String yaml) throws RuleValidationException {
        return compile(file, yaml, SigmaRuleSet.around(file));
    }

    /** Compiles the Sigma rule in {@code yaml}, looking up references in {@code ruleSet}. */
    public RuleDefinition compile(String file, String yaml, SigmaRuleSet ruleSet)
            throws RuleValidationException {
        List<SigmaDocument> docs = SigmaDocument.split(file, yaml);
        List<RuleProblem> problems = new ArrayList<>();
        List<SigmaDocument> correlations = new ArrayList<>();
        for (SigmaDocument d : docs) {
            if (d.has("action")) {
                problems.add(
                        new RuleProblem(
                                file,
                                d.line("action"),
                                "sigma: rule collections (action: global) are not supported:"
                                        + " write each rule out whole"));
            }
            if (d.has("correlation")) {
                correlations.add(d);
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        if (correlations.isEmpty()) {
            if (docs.size() > 1) {
                throw new RuleValidationException(
                        new RuleProblem(
                                file,
                                docs.get(1).line(),
                                "sigma: several rules in one file: one rule per file, or one"
                                        + " correlation with the rules it names"));
            }
            return new Unit(file, docs.get(0).map()).compile();
        }
        if (correlations.size() > 1) {
            throw new RuleValidationException(
                    new RuleProblem(
                            file,
                            correlations.get(1).line(),
                            "sigma: one correlation per file (a correlation of correlations is"
                                    + " not compiled)"));
        }
        List<SigmaDocument> rules = new ArrayList<>(docs);
        rules.remove(correlations.get(0));
        return new SigmaCorrelation(this, correlations.get(0), rules, ruleSet).compile();
    }

    /** The filter of a detection rule's events: what a correlation counts. */
    SigmaCorrelation.Base base(SigmaDocument doc) throws RuleValidationException {
        return new Unit(doc.file(), doc.map()).base();
    }

    SigmaMapping mapping() {
        return mapping;
    }

    static String severity(String level) {
        return switch (level == null ? "medium" : level.toLowerCase(Locale.ROOT)) {
            case "informational", "low" -> "low";
            case "high" -> "high";
            case "critical" -> "critical";
            default -> "medium";
        };
    }

    static int risk(String level) {
        return switch (level == null ? "medium" : level.toLowerCase(Locale.ROOT)) {
            case "informational" -> 11;
            case "low" -> 21;
            case "high" -> 73;
            case "critical" -> 99;
            default -> 47;
        };
    }

    static boolean knownLevel(String level) {
        return level == null
                || Set.of("informational", "low", "medium", "high", "critical")
                        .contains(level.toLowerCase(Locale.ROOT));
    }

    static String status(String status) {
        return switch (status == null ? "experimental" : status.toLowerCase(Locale.ROOT)) {
            case "stable" -> "stable";
            case "test" -> "test";
            case "deprecated", "unsupported" -> "deprecated";
            default -> "experimental";
        };
    }

    /** The compilation of one rule: its nodes, its problems. */
    private final class Unit {
        final String file;
        final Map<String, Node> top = new LinkedHashMap<>();
        final Map<String, Integer> lines = new HashMap<>();
        final List<RuleProblem> problems = new ArrayList<>();
        SigmaMapping.LogSource source;
        String product;
        String category;
        String service;
        final Map<String, Node> searches = new LinkedHashMap<>();
        final Map<String, String> compiled = new HashMap<>();

        Unit(String file, MappingNode map) {
            this.file = file;
            for (NodeTuple t : map.getValue()) {
                String key = scalar(t.getKeyNode());
                int line = line(t.getKeyNode());
                if (key == null) {
                    problems.add(new RuleProblem(file, line, "sigma: keys must be plain strings"));
                    continue;
                }
                if (!KNOWN_KEYS.contains(key)) {
                    problems.add(new RuleProblem(file, line, "sigma: unknown key '" + key + "'"));
                }
                top.put(key, t.getValueNode());
                lines.put(key, line);
            }
        }

        void problem(Node at, String message) {
            problems.add(new RuleProblem(file, at == null ? 1 : line(at), "sigma: " + message));
        }

        RuleDefinition compile() throws RuleValidationException {
            String id = text("id", true);
            String title = text("title", true);
            if (id != null && !UUID.matcher(id).matches()) {
                problem(top.get("id"), "id '" + id + "' is not a UUID");
            }
            String level = text("level", false);
            if (!knownLevel(level)) {
                problem(top.get("level"), "level '" + level + "' is not a Sigma level");
            }
            String severity = severity(level);
            int risk = risk(level);
            String engineStatus = status(text("status", false));
            logSource();
            String detection = detection();
            if (!problems.isEmpty()) {
                throw new RuleValidationException(problems);
            }
            StringBuilder epl = new StringBuilder();
            epl.append("select * from ").append(source.stream()).append("(");
            String filter = SigmaMapping.filter(source, service);
            if (filter != null) {
                epl.append(filter).append("\n  and ");
            }
            epl.append(detection).append(")\n");
            StringBuilder description = new StringBuilder();
            String d = text("description", false);
            description.append(d == null ? title : d.strip());
            String author = text("author", false);
            String license = text("license", false);
            description
                    .append("\n\nSigma rule ")
                    .append(id)
                    .append(author == null ? "" : " by " + author)
                    .append(", ")
                    .append(license == null ? "Detection Rule License (DRL) 1.1" : license)
                    .append(".");
            Map<String, Integer> ruleLines = new HashMap<>();
            ruleLines.put("id", lines.getOrDefault("id", 1));
            ruleLines.put("name", lines.getOrDefault("title", 1));
            ruleLines.put("severity", lines.getOrDefault("level", 1));
            ruleLines.put("status", lines.getOrDefault("status", 1));
            ruleLines.put("tags", lines.getOrDefault("tags", 1));
            ruleLines.put("epl", lines.getOrDefault("detection", 1));
            ruleLines.put("epl.body", lines.getOrDefault("detection", 1));
            ruleLines.put("group_by", lines.getOrDefault("logsource", 1));
            ruleLines.put("tests", lines.getOrDefault("tests", 1));
            // Marks the rule as compiled from Sigma: its alerts carry references and false
            // positives, as a Sigma rule's matches do in every Sigma tool.
            ruleLines.put(SIGMA_MARK, lines.getOrDefault("id", 1));
            List<String> tags = strings("tags");
            List<String> fps = strings("falsepositives");
            List<String> refs = strings("references");
            List<RuleTestCase> tests = RuleParser.tests(file, top.get("tests"), problems);
            if (!problems.isEmpty()) {
                throw new RuleValidationException(problems);
            }
            return new RuleDefinition(
                    id,
                    title,
                    description.toString(),
                    1,
                    severity,
                    risk,
                    engineStatus,
                    true,
                    tags,
                    source.reads(),
                    source.groupBy(),
                    null,
                    epl.toString(),
                    null,
                    fps,
                    refs,
                    tests,
                    file,
                    ruleLines,
                    null);
        }

        SigmaCorrelation.Base base() throws RuleValidationException {
            String id = text("id", false);
            String name = text("name", false);
            String title = text("title", true);
            logSource();
            String detection = detection();
            if (!problems.isEmpty()) {
                throw new RuleValidationException(problems);
            }
            String filter = SigmaMapping.filter(source, service);
            String events = filter == null ? detection : "(" + filter + ") and " + detection;
            return new SigmaCorrelation.Base(
                    file, id, name, title, source, service, source.stream(), events, this::field);
        }

        /** The EPL property of a Sigma field in this rule's log source, or null. */
        String field(String sigmaField) {
            String path = mapping.field(source, sigmaField, service);
            return path == null || typeOf(path) == null ? null : path;
        }

        private void logSource() {
            Node ls = top.get("logsource");
            if (!(ls instanceof MappingNode m)) {
                problem(ls, "missing or malformed 'logsource'");
                return;
            }
            for (NodeTuple t : m.getValue()) {
                String k = scalar(t.getKeyNode());
                String v = scalar(t.getValueNode());
                switch (k == null ? "" : k) {
                    case "product" -> product = v;
                    case "category" -> category = v;
                    case "service" -> service = v;
                    case "definition" -> {}
                    default -> problem(t.getKeyNode(), "unknown logsource key '" + k + "'");
                }
            }
            source = mapping.logSource(product, category, service);
            if (source == null) {
                problem(
                        ls,
                        "logsource {product: "
                                + product
                                + ", category: "
                                + category
                                + ", service: "
                                + service
                                + "} has no stream in sigma/mapping.yml: the engine decodes no"
                                + " such events");
            }
        }

        private String detection() {
            Node det = top.get("detection");
            if (!(det instanceof MappingNode m)) {
                problem(det, "missing or malformed 'detection'");
                return null;
            }
            Node condition = null;
            for (NodeTuple t : m.getValue()) {
                String k = scalar(t.getKeyNode());
                if ("condition".equals(k)) {
                    condition = t.getValueNode();
                } else if ("timeframe".equals(k)) {
                    problem(
                            t.getKeyNode(),
                            "'timeframe' belongs to Sigma 1 aggregations: write a correlation"
                                    + " rule instead");
                } else {
                    searches.put(k, t.getValueNode());
                }
            }
            if (condition == null) {
                problem(det, "detection has no 'condition'");
                return null;
            }
            if (source == null) {
                return null;
            }
            List<String> texts = new ArrayList<>();
            if (condition instanceof SequenceNode seq) {
                for (Node c : seq.getValue()) {
                    texts.add(scalar(c));
                }
            } else {
                texts.add(scalar(condition));
            }
            List<String> out = new ArrayList<>();
            for (String text : texts) {
                if (text == null) {
                    problem(condition, "condition must be a string or a list of strings");
                    return null;
                }
                SigmaCondition c;
                try {
                    c = SigmaCondition.parse(text);
                } catch (SigmaCondition.ConditionException e) {
                    problem(condition, "condition '" + text + "': " + e.getMessage());
                    return null;
                }
                String epl = condition(c, false, condition);
                if (epl == null) {
                    return null;
                }
                out.add(epl);
            }
            return out.size() == 1 ? out.get(0) : "(" + String.join(" or ", out) + ")";
        }

        /** The EPL of a condition; {@code safe} under a 'not', where null must read as false. */
        private String condition(SigmaCondition c, boolean safe, Node at) {
            if (c instanceof SigmaCondition.And a) {
                return join(a.items(), " and ", safe, at);
            }
            if (c instanceof SigmaCondition.Or o) {
                return join(o.items(), " or ", safe, at);
            }
            if (c instanceof SigmaCondition.Not n) {
                String inner = condition(n.item(), true, at);
                return inner == null ? null : "not (" + inner + ")";
            }
            if (c instanceof SigmaCondition.Search s) {
                if (!searches.containsKey(s.name())) {
                    problem(at, "condition names '" + s.name() + "', which is not a search");
                    return null;
                }
                return search(s.name(), safe);
            }
            SigmaCondition.Of of = (SigmaCondition.Of) c;
            List<String> names = new ArrayList<>();
            for (String name : searches.keySet()) {
                boolean hit =
                        of.pattern() == null ? !name.startsWith("_") : globName(of.pattern(), name);
                if (hit) {
                    names.add(name);
                }
            }
            if (names.isEmpty()) {
                problem(
                        at,
                        "'"
                                + (of.count() == 0 ? "all" : of.count())
                                + " of "
                                + (of.pattern() == null ? "them" : of.pattern())
                                + "' names no search");
                return null;
            }
            List<String> parts = new ArrayList<>();
            for (String name : names) {
                String e = search(name, safe || of.count() > 1);
                if (e == null) {
                    return null;
                }
                parts.add(e);
            }
            if (of.count() == 0) {
                return parts.size() == 1 ? parts.get(0) : "(" + String.join(" and ", parts) + ")";
            }
            if (of.count() == 1) {
                return parts.size() == 1 ? parts.get(0) : "(" + String.join(" or ", parts) + ")";
            }
            if (of.count() > parts.size()) {
                problem(at, "'" + of.count() + " of' asks for more searches than there are");
                return null;
            }
            StringBuilder sum = new StringBuilder("(");
            for (int i = 0; i < parts.size(); i++) {
                sum.append(i == 0 ? "" : " + ")
                        .append("(case when ")
                        .append(parts.get(i))
                        .append(" then 1 else 0 end)");
            }
            return sum.append(" >= ").append(of.count()).append(")").toString();
        }

        private String join(List<SigmaCondition> items, String op, boolean safe, Node at) {
            List<String> parts = new ArrayList<>();
            for (SigmaCondition i : items) {
                String e = condition(i, safe, at);
                if (e == null) {
                    return null;
                }
                parts.add(e);
            }
            return "(" + String.join(op, parts) + ")";
        }

        private String search(String name, boolean safe) {
            String key = name + (safe ? "#safe" : "");
            if (compiled.containsKey(key)) {
                return compiled.get(key);
            }
            int before = problems.size();
            String e = searchNode(searches.get(name), safe);
            if (problems.size() > before) {
                e = null;
            }
            compiled.put(key, e);
            return e;
        }

        private String searchNode(Node n, boolean safe) {
            if (n instanceof MappingNode m) {
                if (m.getValue().isEmpty()) {
                    problem(n, "an empty search matches nothing");
                    return null;
                }
                List<String> parts = new ArrayList<>();
                for (NodeTuple t : m.getValue()) {
                    String key = scalar(t.getKeyNode());
                    if (key == null) {
                        problem(t.getKeyNode(), "a field name must be a string");
                        return null;
                    }
                    String e = item(key, t.getKeyNode(), t.getValueNode(), safe);
                    if (e == null) {
                        return null;
                    }
                    parts.add(e);
                }
                return parts.size() == 1 ? parts.get(0) : "(" + String.join(" and ", parts) + ")";
            }
            if (n instanceof SequenceNode seq) {
                if (seq.getValue().isEmpty()) {
                    problem(n, "an empty search matches nothing");
                    return null;
                }
                boolean maps = seq.getValue().stream().allMatch(x -> x instanceof MappingNode);
                if (maps) {
                    List<String> parts = new ArrayList<>();
                    for (Node x : seq.getValue()) {
                        String e = searchNode(x, safe);
                        if (e == null) {
                            return null;
                        }
                        parts.add(e);
                    }
                    return parts.size() == 1
                            ? parts.get(0)
                            : "(" + String.join(" or ", parts) + ")";
                }
                if (seq.getValue().stream().allMatch(x -> x instanceof ScalarNode)) {
                    return item("", n, n, safe);
                }
                problem(n, "a search list mixes field maps and keywords");
                return null;
            }
            if (n instanceof ScalarNode) {
                return item("", n, n, safe);
            }
            problem(n, "malformed search");
            return null;
        }

        /** One {@code field|modifiers: value(s)} item, or keywords when the field is empty. */
        private String item(String key, Node keyNode, Node valueNode, boolean safe) {
            String[] parts = key.split("\\|", -1);
            String field = parts[0];
            List<String> mods = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                String mod = parts[i].toLowerCase(Locale.ROOT);
                if (!MODIFIERS.contains(mod)) {
                    problem(
                            keyNode,
                            "modifier '" + parts[i] + "' in '" + key + "' is not supported");
                    return null;
                }
                mods.add(mod);
            }
            String path;
            if (field.isEmpty()) {
                path = source.keywords();
                if (path == null) {
                    problem(
                            keyNode,
                            "keyword search: the log source has no full-text field (keywords: in"
                                    + " sigma/mapping.yml)");
                    return null;
                }
                if (mods.isEmpty()) {
                    // A keyword is found anywhere in the text.
                    mods.add("contains");
                }
            } else {
                path = mapping.field(source, field, service);
                if (path == null) {
                    problem(
                            keyNode,
                            "field '"
                                    + field
                                    + "' has no mapping for this log source in sigma/mapping.yml");
                    return null;
                }
            }
            Class<?> type = typeOf(path);
            if (type == null) {
                problem(
                        keyNode,
                        "field '" + field + "' maps to '" + path + "', not an event field");
                return null;
            }
            List<Node> values = new ArrayList<>();
            if (valueNode instanceof SequenceNode seq) {
                values.addAll(seq.getValue());
            } else {
                values.add(valueNode);
            }
            if (values.isEmpty()) {
                problem(valueNode, "'" + key + "' has an empty list of values");
                return null;
            }
            boolean all = mods.contains("all");
            List<String> terms = new ArrayList<>();
            // Plain equalities by their left side (the field, or the field with its case folded):
            // one '=' or 'in' each, which Esper's filter index serves across rules.
            Map<String, List<String>> equalities = new LinkedHashMap<>();
            for (Node v : values) {
                if (!(v instanceof ScalarNode s)) {
                    problem(v, "the values of '" + key + "' must be scalars");
                    return null;
                }
                boolean isNull = s.getTag().equals(Tag.NULL);
                String value = isNull ? null : s.getValue();
                List<String[]> eq = new ArrayList<>();
                String e = value(key, path, type, mods, value, s, safe, eq);
                if (e == null) {
                    return null;
                }
                if (!all && eq.size() == 1) {
                    equalities
                            .computeIfAbsent(eq.get(0)[0], k -> new ArrayList<>())
                            .add(eq.get(0)[1]);
                } else {
                    terms.add(e);
                }
            }
            for (Map.Entry<String, List<String>> eq : equalities.entrySet()) {
                List<String> constants = eq.getValue().stream().distinct().toList();
                terms.add(
                        constants.size() == 1
                                ? eq.getKey() + " = " + constants.get(0)
                                : eq.getKey() + " in (" + String.join(", ", constants) + ")");
            }
            if (!all) {
                terms = mergeMatches(path, terms);
            }
            String op = all ? " and " : " or ";
            return terms.size() == 1 ? terms.get(0) : "(" + String.join(op, terms) + ")";
        }

        /**
         * The EPL of one value of an item. When it is a plain equality that Esper's filter index
         * can use, its left side and constant are also put into {@code equality}.
         */
        private String value(
                String key,
                String path,
                Class<?> type,
                List<String> mods,
                String value,
                Node at,
                boolean safe,
                List<String[]> equality) {
            if (mods.contains("exists")) {
                if (!"true".equalsIgnoreCase(value) && !"false".equalsIgnoreCase(value)) {
                    problem(at, "'" + key + "' takes true or false");
                    return null;
                }
                return nullCheck(path, !Boolean.parseBoolean(value), safe);
            }
            if (value == null) {
                if (mods.stream().anyMatch(m -> !m.equals("all"))) {
                    problem(at, "'" + key + "': a null value takes no modifier");
                    return null;
                }
                return nullCheck(path, true, safe);
            }
            if (mods.contains("re")) {
                return regex(key, path, type, mods, value, at);
            }
            if (mods.contains("cidr")) {
                if (type != String.class) {
                    problem(at, "'" + key + "': cidr on a field that is not an address");
                    return null;
                }
                if (!value.matches("[0-9a-fA-F:.]+/[0-9]{1,3}")) {
                    problem(at, "'" + key + "': '" + value + "' is not a CIDR block");
                    return null;
                }
                return "cidrmatch(" + path + ", " + literal(value) + ")";
            }
            if (mods.contains("fieldref")) {
                String other = mapping.field(source, value, service);
                if (other == null || typeOf(other) == null) {
                    problem(at, "'" + key + "': field '" + value + "' has no mapping");
                    return null;
                }
                String mode =
                        mods.contains("contains")
                                ? "contains"
                                : mods.contains("startswith")
                                        ? "startswith"
                                        : mods.contains("endswith") ? "endswith" : "equals";
                return "sigma_fieldref(" + path + ", " + other + ", '" + mode + "')";
            }
            for (String op : List.of("lt", "lte", "gt", "gte")) {
                if (mods.contains(op)) {
                    double bound;
                    try {
                        bound = Double.parseDouble(value);
                    } catch (NumberFormatException e) {
                        problem(at, "'" + key + "': '" + value + "' is not a number");
                        return null;
                    }
                    return "sigma_compare(" + path + ", '" + op + "', " + bound + ")";
                }
            }
            for (String m : mods) {
                if (Set.of("i", "m", "s", "ignorecase", "multiline", "dotall").contains(m)) {
                    problem(at, "'" + key + "': modifier '" + m + "' needs 're' before it");
                    return null;
                }
            }
            boolean cased = mods.contains("cased");
            List<Object> vals = new ArrayList<>();
            if (mods.contains("expand")) {
                List<String> expanded = expand(key, value, at);
                if (expanded == null) {
                    return null;
                }
                for (String x : expanded) {
                    vals.add(SigmaString.parse(x));
                }
            } else {
                vals.add(SigmaString.parse(value));
            }
            int before = problems.size();
            for (String m : mods) {
                List<Object> next = new ArrayList<>();
                for (Object v : vals) {
                    switch (m) {
                        case "contains" -> {
                            SigmaString x = str(v, key, m, at);
                            next.add(x == null ? null : x.withLeadingStar().withTrailingStar());
                        }
                        case "startswith" -> {
                            SigmaString x = str(v, key, m, at);
                            next.add(x == null ? null : x.withTrailingStar());
                        }
                        case "endswith" -> {
                            SigmaString x = str(v, key, m, at);
                            next.add(x == null ? null : x.withLeadingStar());
                        }
                        case "windash" -> next.addAll(windash(str(v, key, m, at)));
                        case "wide", "utf16le" ->
                                next.add(
                                        plainText(v, key, m, at)
                                                .getBytes(StandardCharsets.UTF_16LE));
                        case "utf16be" ->
                                next.add(
                                        plainText(v, key, m, at)
                                                .getBytes(StandardCharsets.UTF_16BE));
                        case "utf16" -> {
                            byte[] le =
                                    plainText(v, key, m, at).getBytes(StandardCharsets.UTF_16LE);
                            byte[] bom = new byte[le.length + 2];
                            bom[0] = (byte) 0xFF;
                            bom[1] = (byte) 0xFE;
                            System.arraycopy(le, 0, bom, 2, le.length);
                            next.add(bom);
                        }
                        case "base64" ->
                                next.add(
                                        SigmaString.literal(
                                                Base64.getEncoder()
                                                        .encodeToString(bytes(v, key, m, at))));
                        case "base64offset" -> {
                            for (String x : base64offset(bytes(v, key, m, at))) {
                                next.add(SigmaString.literal(x));
                            }
                        }
                        default -> next.add(v);
                    }
                }
                vals = next;
                if (vals.contains(null) || problems.size() > before) {
                    return null;
                }
                if (vals.size() > MAX_VARIANTS) {
                    problem(
                            at,
                            "'"
                                    + key
                                    + "': value '"
                                    + value
                                    + "' expands to more than "
                                    + MAX_VARIANTS
                                    + " variants");
                    return null;
                }
            }
            List<String> terms = new ArrayList<>();
            for (Object v : vals) {
                if (!(v instanceof SigmaString s)) {
                    problem(
                            at,
                            "'"
                                    + key
                                    + "': "
                                    + "a UTF-16 value must be base64-encoded after (wide|base64offset)");
                    return null;
                }
                boolean plain = !s.hasWildcards();
                if (plain && !safe && vals.size() == 1) {
                    String text = s.text();
                    if (type == String.class && (cased || s.caseless())) {
                        equality.add(new String[] {path, literal(text)});
                        return path + " = " + literal(text);
                    }
                    if (type == String.class) {
                        // Without case: the field folded once per event, the constant folded
                        // here, compared with '=' (not a per-rule wildcard match).
                        String folded = "sigma_fold(" + path + ")";
                        String constant = literal(RuleFunctions.foldCase(text));
                        equality.add(new String[] {folded, constant});
                        return folded + " = " + constant;
                    }
                    if ((type == Integer.class || type == Long.class)
                            && text.matches("-?[0-9]{1,15}")) {
                        equality.add(new String[] {path, text});
                        return path + " = " + text;
                    }
                }
                String base = s.windowsBasename();
                if (base != null && !cased && !safe && vals.size() == 1 && type == String.class) {
                    // '\\whoami.exe' at the end of a path is its last segment being whoami.exe: an
                    // equality on the folded last segment, which Esper's filter index serves
                    // across rules, where a thousand endswith matches would each run per event.
                    String last = "sigma_basename(" + path + ")";
                    String constant = literal(RuleFunctions.foldCase(base));
                    equality.add(new String[] {last, constant});
                    return last + " = " + constant;
                }
                terms.add(literal(s.pattern()));
            }
            return (cased ? "sigma_match_cased(" : "sigma_match(")
                    + path
                    + ", "
                    + String.join(", ", terms)
                    + ")";
        }

        private String nullCheck(String path, boolean isNull, boolean safe) {
            if (safe) {
                return (isNull ? "" : "not ") + "sigma_null(" + path + ")";
            }
            return "(" + path + (isNull ? " is null)" : " is not null)");
        }

        private String regex(
                String key, String path, Class<?> type, List<String> mods, String value, Node at) {
            StringBuilder flags = new StringBuilder();
            for (String m : mods) {
                switch (m) {
                    case "re" -> {}
                    case "i", "ignorecase" -> flags.append('i');
                    case "m", "multiline" -> flags.append('m');
                    case "s", "dotall" -> flags.append('s');
                    case "all" -> {}
                    default -> {
                        problem(at, "'" + key + "': modifier '" + m + "' does not go with 're'");
                        return null;
                    }
                }
            }
            if (type != String.class) {
                problem(at, "'" + key + "': 're' on a field that is not text");
                return null;
            }
            // Sigma's regular expressions search; re_match matches the whole value.
            String pattern =
                    "(?s:.*)(?" + (flags.length() == 0 ? "" : flags) + ":" + value + ")(?s:.*)";
            if (flags.length() == 0) {
                pattern = "(?s:.*)(?:" + value + ")(?s:.*)";
            }
            try {
                com.google.re2j.Pattern.compile(pattern);
            } catch (com.google.re2j.PatternSyntaxException e) {
                problem(
                        at,
                        "'"
                                + key
                                + "': regular expression '"
                                + value
                                + "' is not RE2 syntax (no lookaround or backreferences): "
                                + e.getMessage());
                return null;
            }
            if (pattern.length() > 2048) {
                problem(at, "'" + key + "': regular expression longer than 2048 characters");
                return null;
            }
            return "re_match(" + path + ", " + literal(pattern) + ")";
        }

        private List<String> expand(String key, String value, Node at) {
            Matcher m = PLACEHOLDER.matcher(value);
            List<String> out = new ArrayList<>(List.of(value));
            while (m.find()) {
                List<String> values = mapping.placeholder(m.group(1));
                if (values == null || values.isEmpty()) {
                    problem(
                            at,
                            "'"
                                    + key
                                    + "': placeholder %"
                                    + m.group(1)
                                    + "% has no values (placeholders: in sigma/mapping.yml)");
                    return null;
                }
                List<String> next = new ArrayList<>();
                for (String o : out) {
                    for (String v : values) {
                        next.add(o.replace(m.group(), v));
                    }
                }
                out = next;
            }
            return out;
        }

        private SigmaString str(Object v, String key, String mod, Node at) {
            if (v instanceof SigmaString s) {
                return s;
            }
            problem(at, "'" + key + "': '" + mod + "' cannot follow an encoding to bytes");
            return null;
        }

        private String plainText(Object v, String key, String mod, Node at) {
            SigmaString s = str(v, key, mod, at);
            if (s == null) {
                return "";
            }
            if (s.hasWildcards()) {
                problem(at, "'" + key + "': '" + mod + "' of a value with wildcards");
                return "";
            }
            return s.text();
        }

        private byte[] bytes(Object v, String key, String mod, Node at) {
            if (v instanceof byte[] b) {
                return b;
            }
            return plainText(v, key, mod, at).getBytes(StandardCharsets.UTF_8);
        }

        private String text(String key, boolean required) {
            Node n = top.get(key);
            if (n == null) {
                if (required) {
                    problems.add(
                            new RuleProblem(file, 1, "sigma: missing required key '" + key + "'"));
                }
                return null;
            }
            String s = scalar(n);
            if (s == null) {
                problem(n, "'" + key + "' must be a string");
            }
            return s;
        }

        private List<String> strings(String key) {
            Node n = top.get(key);
            List<String> out = new ArrayList<>();
            if (n instanceof SequenceNode seq) {
                for (Node i : seq.getValue()) {
                    if (scalar(i) != null) {
                        out.add(scalar(i));
                    }
                }
            } else if (scalar(n) != null) {
                out.add(scalar(n));
            }
            return out;
        }
    }

    /**
     * Alternatives {@code sigma_match(path, 'a') or sigma_match(path, 'b')} as one call {@code
     * sigma_match(path, 'a', 'b')}: shorter EPL, one call per event.
     */
    static List<String> mergeMatches(String path, List<String> terms) {
        for (String fn : List.of("sigma_match(", "sigma_match_cased(")) {
            String prefix = fn + path + ", ";
            List<String> patterns = new ArrayList<>();
            List<String> rest = new ArrayList<>();
            for (String t : terms) {
                if (t.startsWith(prefix) && t.endsWith(")") && !t.contains(") or ")) {
                    patterns.add(t.substring(prefix.length(), t.length() - 1));
                } else {
                    rest.add(t);
                }
            }
            if (patterns.size() > 1) {
                rest.add(fn + path + ", " + String.join(", ", patterns) + ")");
                terms = rest;
            }
        }
        return terms;
    }

    /** pySigma's windash: every dash or slash that starts a flag, as each of the five dashes. */
    static List<SigmaString> windash(SigmaString s) {
        if (s == null) {
            return java.util.Collections.singletonList(null);
        }
        List<SigmaString> out = new ArrayList<>();
        out.add(s);
        // Each literal is expanded on its own; the combinations multiply across flags.
        for (int i = 0; i < s.parts.size(); i++) {
            final int part = i;
            if (!(s.parts.get(i) instanceof String lit)) {
                continue;
            }
            List<Integer> at = new ArrayList<>();
            Matcher m = WINDASH.matcher(lit);
            while (m.find()) {
                at.add(m.start());
            }
            for (int pos : at) {
                List<SigmaString> next = new ArrayList<>();
                for (SigmaString x : out) {
                    for (String dash : DASHES) {
                        next.add(replaceAt(x, part, pos, dash));
                    }
                }
                out = next;
                if (out.size() > MAX_VARIANTS) {
                    return out;
                }
            }
        }
        return out;
    }

    private static SigmaString replaceAt(SigmaString s, int part, int pos, String with) {
        int[] index = {0};
        return s.mapLiterals(
                lit -> {
                    int i = index[0]++;
                    return i == literalIndex(s, part)
                            ? lit.substring(0, pos) + with + lit.substring(pos + 1)
                            : lit;
                });
    }

    private static int literalIndex(SigmaString s, int part) {
        int n = 0;
        for (int i = 0; i < part; i++) {
            if (s.parts.get(i) instanceof String) {
                n++;
            }
        }
        return n;
    }

    /**
     * pySigma's base64offset: the value at each of the three byte offsets, cut to the stable part.
     */
    static List<String> base64offset(byte[] value) {
        int[] start = {0, 2, 3};
        int[] endCut = {0, 3, 2};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] padded = new byte[i + value.length];
            for (int k = 0; k < i; k++) {
                padded[k] = ' ';
            }
            System.arraycopy(value, 0, padded, i, value.length);
            String b64 = Base64.getEncoder().encodeToString(padded);
            int cut = endCut[(value.length + i) % 3];
            int end = b64.length() - cut;
            out.add(b64.substring(Math.min(start[i], end), end));
        }
        return out;
    }

    /** True when a search name matches a {@code 1 of x*} pattern. */
    static boolean globName(String pattern, String name) {
        String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
        return name.matches(regex);
    }

    /** An EPL string constant. */
    static String literal(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append("\\'");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('\'').toString();
    }

    private static final Pattern FIELDS_KEY = Pattern.compile("fields\\('([^'\\\\]*)'\\)");

    /** The Java type of an EPL property of the event, or null when it names none. */
    static Class<?> typeOf(String path) {
        if (FIELDS_KEY.matcher(path).matches()) {
            return String.class;
        }
        Class<?> type = SecurityEvent.class;
        for (String seg : path.split("\\.")) {
            try {
                java.lang.reflect.Field f = type.getField(seg);
                type = f.getType();
            } catch (NoSuchFieldException e) {
                return null;
            }
        }
        return type.getPackageName().equals(SecurityEvent.class.getPackageName()) && !type.isEnum()
                ? null
                : type;
    }

    static int line(Node n) {
        return n.getStartMark() == null ? 1 : n.getStartMark().getLine() + 1;
    }

    static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }
}
