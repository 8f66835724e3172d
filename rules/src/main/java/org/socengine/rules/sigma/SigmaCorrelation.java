package org.socengine.rules.sigma;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.rules.Durations;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleTestCase;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.DetectionEngine;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Compiles a Sigma 2 correlation rule to the engine's idioms for counting on event time: {@code
 * event_count}, {@code value_count} and {@code temporal} become a grouped time window with a {@code
 * having} clause (as the library's brute-force rules are written), {@code temporal_ordered} an
 * event pattern bounded by {@code timer:within}. The rules it names are looked up by {@code name}
 * or {@code id}, in its own file first, then in the rule set.
 */
final class SigmaCorrelation {

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
                    "correlation",
                    "falsepositives",
                    "level",
                    "license",
                    "related",
                    "taxonomy",
                    "tests",
                    // A custom attribute (Sigma lets a rule carry its own; other tools ignore it):
                    // how long the engine folds a group's further matches into its alert.
                    "suppress");

    static final Set<String> CORRELATION_KEYS =
            Set.of(
                    "type",
                    "rules",
                    "group-by",
                    "timespan",
                    "timeframe",
                    "condition",
                    "aliases",
                    "generate");

    static final Set<String> TYPES =
            Set.of("event_count", "value_count", "temporal", "temporal_ordered");

    private static final Pattern UUID =
            Pattern.compile(
                    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern RANGE = Pattern.compile("\\s*(\\d+)\\s*\\.\\.\\s*(\\d+)\\s*");
    private static final Pattern FIELDS_KEY = Pattern.compile("fields\\('([^'\\\\]*)'\\)");

    /**
     * A detection rule as a correlation uses it: the EPL filter of its events on its stream, and
     * where its log source keeps each Sigma field.
     */
    record Base(
            String file,
            String id,
            String name,
            String title,
            SigmaMapping.LogSource source,
            String service,
            String stream,
            String events,
            Function<String, String> fields) {}

    private final SigmaCompiler compiler;
    private final SigmaDocument doc;
    private final List<SigmaDocument> sameFile;
    private final SigmaRuleSet ruleSet;
    private final String file;
    private final List<RuleProblem> problems = new ArrayList<>();

    SigmaCorrelation(
            SigmaCompiler compiler,
            SigmaDocument doc,
            List<SigmaDocument> sameFile,
            SigmaRuleSet ruleSet) {
        this.compiler = compiler;
        this.doc = doc;
        this.sameFile = sameFile;
        this.ruleSet = ruleSet;
        this.file = doc.file();
    }

    private void problem(Node at, String message) {
        problems.add(
                new RuleProblem(
                        file,
                        at == null ? doc.line() : at.getStartMark().getLine() + 1,
                        "sigma: correlation: " + message));
    }

    RuleDefinition compile() throws RuleValidationException {
        for (NodeTuple t : doc.map().getValue()) {
            String key = SigmaMapping.scalar(t.getKeyNode());
            if (key == null || !KNOWN_KEYS.contains(key)) {
                problem(t.getKeyNode(), "unknown key '" + key + "'");
            }
        }
        String id = doc.scalar("id");
        String title = doc.scalar("title");
        if (id == null || !UUID.matcher(id).matches()) {
            problem(doc.value("id"), "id '" + id + "' is missing or not a UUID");
        }
        if (title == null) {
            problem(null, "missing required key 'title'");
        }
        String level = doc.scalar("level");
        if (!SigmaCompiler.knownLevel(level)) {
            problem(doc.value("level"), "level '" + level + "' is not a Sigma level");
        }
        Node c = doc.value("correlation");
        if (!(c instanceof MappingNode cm)) {
            problem(c, "'correlation' must be a mapping");
            throw new RuleValidationException(problems);
        }
        Map<String, Node> keys = new LinkedHashMap<>();
        for (NodeTuple t : cm.getValue()) {
            String key = SigmaMapping.scalar(t.getKeyNode());
            if (key == null || !CORRELATION_KEYS.contains(key)) {
                problem(t.getKeyNode(), "unknown key 'correlation." + key + "'");
                continue;
            }
            keys.put(key, t.getValueNode());
        }
        String type = SigmaMapping.scalar(keys.get("type"));
        if (type == null || !TYPES.contains(type)) {
            problem(
                    keys.getOrDefault("type", c),
                    "type '" + type + "' is not one of " + new java.util.TreeSet<>(TYPES));
            throw new RuleValidationException(problems);
        }
        boolean generate = "true".equalsIgnoreCase(SigmaMapping.scalar(keys.get("generate")));
        Duration timespan = timespan(keys.getOrDefault("timespan", keys.get("timeframe")), c);
        List<Base> bases = rules(keys.get("rules"), c, generate);
        Map<String, Map<String, String>> aliases = aliases(keys.get("aliases"));
        List<String> groupBy = strings(keys.get("group-by"));
        Map<String, String> condition = condition(keys.get("condition"), type);
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }

        // Each group-by field: its EPL per rule, and the ECS path the alert's entity reads.
        List<String> groupExprs = new ArrayList<>();
        List<String> entity = new ArrayList<>();
        for (String g : groupBy) {
            List<String> perRule = new ArrayList<>();
            for (Base b : bases) {
                String field = g;
                Map<String, String> alias = aliases.get(g);
                if (alias != null) {
                    field = alias.get(b.name());
                    if (field == null && b.id() != null) {
                        field = alias.get(b.id());
                    }
                    if (field == null) {
                        problem(
                                keys.get("aliases"),
                                "alias '" + g + "' names no field for rule '" + ref(b) + "'");
                        continue;
                    }
                }
                String expr = b.fields().apply(field);
                if (expr == null) {
                    problem(
                            keys.get("group-by"),
                            "group-by field '"
                                    + field
                                    + "' has no mapping for the log source of rule '"
                                    + ref(b)
                                    + "' in sigma/mapping.yml");
                    continue;
                }
                perRule.add(expr);
            }
            if (perRule.size() != bases.size()) {
                continue;
            }
            groupExprs.add(perRule.stream().distinct().count() == 1 ? perRule.get(0) : null);
            // An alias that reads different fields per rule (address, else workstation) names
            // each of them in the alert's entity, as a native rule grouped by both does.
            for (String expr : perRule) {
                if (!entity.contains(entityPath(expr))) {
                    entity.add(entityPath(expr));
                }
            }
            if (groupExprs.get(groupExprs.size() - 1) == null) {
                // Aliased fields that differ by rule: read each event's own.
                StringBuilder caseOf = new StringBuilder("case");
                for (int i = 0; i < bases.size(); i++) {
                    caseOf.append(" when ")
                            .append(bases.get(i).events())
                            .append(" then ")
                            .append(perRule.get(i));
                }
                groupExprs.set(groupExprs.size() - 1, caseOf.append(" end").toString());
            }
            groupPerRule.add(perRule);
        }
        String valueExpr = null;
        if (type.equals("value_count")) {
            String field = condition.remove("field");
            List<String> perRule = new ArrayList<>();
            for (Base b : bases) {
                String expr = b.fields().apply(field);
                if (expr == null) {
                    problem(
                            keys.get("condition"),
                            "value_count field '"
                                    + field
                                    + "' has no mapping for the log source of rule '"
                                    + ref(b)
                                    + "'");
                } else {
                    perRule.add(expr);
                }
            }
            if (perRule.size() == bases.size()) {
                if (perRule.stream().distinct().count() == 1) {
                    valueExpr = perRule.get(0);
                } else {
                    StringBuilder caseOf = new StringBuilder("case");
                    for (int i = 0; i < bases.size(); i++) {
                        caseOf.append(" when ")
                                .append(bases.get(i).events())
                                .append(" then ")
                                .append(perRule.get(i));
                    }
                    valueExpr = caseOf.append(" end").toString();
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        String epl =
                type.equals("temporal_ordered")
                        ? ordered(bases, timespan)
                        : window(type, bases, timespan, groupExprs, valueExpr, condition);
        return definition(id, title, level, bases, entity, timespan, epl);
    }

    private final List<List<String>> groupPerRule = new ArrayList<>();

    private String window(
            String type,
            List<Base> bases,
            Duration timespan,
            List<String> groupExprs,
            String valueExpr,
            Map<String, String> condition) {
        String stream = commonStream(bases);
        StringBuilder epl = new StringBuilder("select window(*) as evidence, count(*) as count");
        if (valueExpr != null) {
            epl.append(", count(distinct ").append(valueExpr).append(") as value_count");
        }
        epl.append("\nfrom ").append(stream).append("(").append(anyOf(bases)).append(")");
        epl.append("#time(").append(eplDuration(timespan)).append(")\n");
        if (!groupExprs.isEmpty()) {
            epl.append("group by ").append(String.join(", ", groupExprs)).append('\n');
        }
        String measure =
                switch (type) {
                    case "event_count" -> "count(*)";
                    case "value_count" -> "count(distinct " + valueExpr + ")";
                    default -> {
                        List<String> seen = new ArrayList<>();
                        for (Base b : bases) {
                            seen.add("max(case when " + b.events() + " then 1 else 0 end)");
                        }
                        yield "(" + String.join(" + ", seen) + ")";
                    }
                };
        if (type.equals("temporal") && condition.isEmpty()) {
            condition.put("gte", String.valueOf(bases.size()));
        }
        List<String> having = new ArrayList<>();
        for (Map.Entry<String, String> e : condition.entrySet()) {
            String op =
                    switch (e.getKey()) {
                        case "gt" -> " > ";
                        case "gte" -> " >= ";
                        case "lt" -> " < ";
                        case "lte" -> " <= ";
                        case "eq" -> " = ";
                        case "neq" -> " != ";
                        default -> null;
                    };
            if (op != null) {
                having.add(measure + op + e.getValue());
            } else {
                Matcher m = RANGE.matcher(e.getValue());
                m.matches();
                having.add(measure + " between " + m.group(1) + " and " + m.group(2));
            }
        }
        epl.append("having ").append(String.join(" and ", having)).append('\n');
        return epl.toString();
    }

    /** Every rule's events in the order given, each within the timespan of the first. */
    private String ordered(List<Base> bases, Duration timespan) {
        StringBuilder select = new StringBuilder("select ");
        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < bases.size(); i++) {
            Base b = bases.get(i);
            select.append(i == 0 ? "" : ", ").append("e").append(i).append(" as rule").append(i);
            StringBuilder filter = new StringBuilder(b.events());
            for (List<String> perRule : groupPerRule) {
                if (i > 0) {
                    filter.append(" and ")
                            .append(perRule.get(i))
                            .append(" = ")
                            .append(tagged("e0", perRule.get(0)));
                }
            }
            String tag = "e" + i + "=" + b.stream() + "(" + filter + ")";
            if (i == 0) {
                pattern.append("every ").append(tag);
            } else if (i == 1) {
                pattern.append("\n  -> (").append(tag);
            } else {
                pattern.append("\n      -> ").append(tag);
            }
        }
        if (bases.size() > 1) {
            pattern.append(") where timer:within(").append(eplDuration(timespan)).append(")");
        }
        return select + "\nfrom pattern [" + pattern + "]\n";
    }

    /** A field of an earlier pattern event: {@code e0.source.ip}, {@code e0.fields('X')}. */
    private static String tagged(String tag, String expr) {
        return tag + "." + expr;
    }

    private RuleDefinition definition(
            String id,
            String title,
            String level,
            List<Base> bases,
            List<String> entity,
            Duration timespan,
            String epl)
            throws RuleValidationException {
        StringBuilder description = new StringBuilder();
        String d = doc.scalar("description");
        description.append(d == null ? title : d.strip());
        String author = doc.scalar("author");
        String license = doc.scalar("license");
        description
                .append("\n\nSigma correlation rule ")
                .append(id)
                .append(author == null ? "" : " by " + author)
                .append(", ")
                .append(license == null ? "Detection Rule License (DRL) 1.1" : license)
                .append(". Counts: ");
        for (int i = 0; i < bases.size(); i++) {
            description.append(i == 0 ? "" : "; ").append(bases.get(i).title());
        }
        description.append('.');
        Set<String> reads = new LinkedHashSet<>();
        bases.forEach(b -> reads.addAll(b.source().reads()));
        // A grouped window alerts again when its events leave it: the suppression covers it.
        Duration suppress =
                timespan.compareTo(DetectionEngine.DEFAULT_SUPPRESSION) > 0
                        ? timespan
                        : DetectionEngine.DEFAULT_SUPPRESSION;
        String suppressText = doc.scalar("suppress");
        if (doc.has("suppress")) {
            try {
                Duration given =
                        suppressText == null ? null : Durations.parse(suppressText.strip());
                if (given == null
                        || given.compareTo(timespan) < 0
                        || given.compareTo(Duration.ofDays(7)) > 0) {
                    problem(
                            doc.value("suppress"),
                            "suppress '"
                                    + suppressText
                                    + "' must be a duration from the timespan up to 7d");
                } else {
                    suppress = given;
                }
            } catch (IllegalArgumentException e) {
                problem(doc.value("suppress"), "suppress: " + e.getMessage());
            }
        }
        Map<String, Integer> lines = new HashMap<>();
        lines.put("id", doc.line("id"));
        lines.put("name", doc.line("title"));
        lines.put("severity", doc.line("level"));
        lines.put("status", doc.line("status"));
        lines.put("tags", doc.line("tags"));
        lines.put("epl", doc.line("correlation"));
        lines.put("epl.body", doc.line("correlation"));
        lines.put("group_by", doc.line("correlation"));
        lines.put("suppress", doc.has("suppress") ? doc.line("suppress") : doc.line("correlation"));
        lines.put("tests", doc.line("tests"));
        lines.put(SigmaCompiler.SIGMA_MARK, doc.line("id"));
        List<RuleTestCase> tests = RuleParser.tests(file, doc.value("tests"), problems);
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        return new RuleDefinition(
                id,
                title,
                description.toString(),
                1,
                SigmaCompiler.severity(level),
                SigmaCompiler.risk(level),
                SigmaCompiler.status(doc.scalar("status")),
                true,
                strings(doc.value("tags")),
                List.copyOf(reads),
                entity,
                suppress,
                epl,
                null,
                strings(doc.value("falsepositives")),
                strings(doc.value("references")),
                tests,
                file,
                lines,
                null);
    }

    private List<Base> rules(Node node, Node at, boolean generate) {
        List<String> refs = strings(node);
        List<Base> out = new ArrayList<>();
        if (refs.isEmpty()) {
            problem(node == null ? at : node, "'rules' names no rule");
            return out;
        }
        for (String ref : refs) {
            SigmaDocument found = null;
            for (SigmaDocument d : sameFile) {
                if (ref.equals(d.scalar("name")) || ref.equalsIgnoreCase(d.scalar("id"))) {
                    found = d;
                    break;
                }
            }
            if (found != null && found.file().equals(file) && generate) {
                problem(
                        node,
                        "generate: true, but rule '"
                                + ref
                                + "' lives in this file, where it can only feed the correlation:"
                                + " put it in a file of its own to have it alert by itself");
                continue;
            }
            if (found == null) {
                SigmaRuleSet.Found other;
                try {
                    other = ruleSet.find(ref, file);
                } catch (RuleValidationException e) {
                    problems.addAll(e.problems());
                    continue;
                }
                if (other == null) {
                    problem(
                            node,
                            "rule '"
                                    + ref
                                    + "' is neither in this file nor in the rule set ("
                                    + ruleSet.describe()
                                    + ")");
                    continue;
                }
                found = other.doc();
            }
            if (!found.file().equals(file) && !generate) {
                problem(
                        node,
                        "rule '"
                                + ref
                                + "' lives in "
                                + found.file()
                                + ", a rule of its own that alerts by itself: say generate:"
                                + " true, or move it into this file");
                continue;
            }
            if (found.has("correlation")) {
                problem(
                        node,
                        "rule '"
                                + ref
                                + "' is a correlation: correlations of correlations are not compiled");
                continue;
            }
            try {
                out.add(compiler.base(found));
            } catch (RuleValidationException e) {
                problem(node, "rule '" + ref + "' does not compile (below)");
                problems.addAll(e.problems());
            }
        }
        return out;
    }

    private Duration timespan(Node node, Node at) {
        String text = SigmaMapping.scalar(node);
        if (text == null) {
            problem(at, "'timespan' is required (e.g. 5m)");
            return Duration.ofMinutes(5);
        }
        try {
            Duration d = Durations.parse(text.strip());
            if (d.isZero() || d.isNegative() || d.compareTo(Duration.ofDays(7)) > 0) {
                problem(node, "timespan '" + text + "' must be more than 0 and at most 7d");
            }
            return d;
        } catch (IllegalArgumentException e) {
            problem(node, "timespan: " + e.getMessage());
            return Duration.ofMinutes(5);
        }
    }

    private Map<String, Map<String, String>> aliases(Node node) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof MappingNode m)) {
            problem(node, "'aliases' must map each alias to {rule: field}");
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            String alias = SigmaMapping.scalar(t.getKeyNode());
            if (!(t.getValueNode() instanceof MappingNode fields)) {
                problem(t.getValueNode(), "alias '" + alias + "' must map rules to fields");
                continue;
            }
            Map<String, String> perRule = new LinkedHashMap<>();
            for (NodeTuple f : fields.getValue()) {
                perRule.put(
                        SigmaMapping.scalar(f.getKeyNode()), SigmaMapping.scalar(f.getValueNode()));
            }
            out.put(alias, perRule);
        }
        return out;
    }

    private Map<String, String> condition(Node node, String type) {
        Map<String, String> out = new LinkedHashMap<>();
        boolean temporal = type.startsWith("temporal");
        if (node == null) {
            if (!temporal) {
                problem(doc.value("correlation"), type + " needs a 'condition' (e.g. gte: 10)");
            }
            return out;
        }
        if (type.equals("temporal_ordered")) {
            problem(node, "temporal_ordered takes no condition: every rule must match, in order");
            return out;
        }
        if (!(node instanceof MappingNode m)) {
            problem(node, "'condition' must be a mapping such as {gte: 10}");
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            String op = SigmaMapping.scalar(t.getKeyNode());
            String v = SigmaMapping.scalar(t.getValueNode());
            String opKey = op == null ? "" : op.toLowerCase(Locale.ROOT);
            switch (opKey) {
                case "gt", "gte", "lt", "lte", "eq", "neq" -> {
                    if (v == null || !v.strip().matches("\\d{1,9}")) {
                        problem(t.getValueNode(), op + " takes a whole number, not '" + v + "'");
                    } else {
                        out.put(opKey, v.strip());
                    }
                }
                case "range" -> {
                    Matcher r = v == null ? null : RANGE.matcher(v);
                    if (r == null || !r.matches()) {
                        problem(t.getValueNode(), "range takes 'low..high', not '" + v + "'");
                    } else {
                        out.put(opKey, v);
                    }
                }
                case "field" -> {
                    if (!type.equals("value_count")) {
                        problem(t.getKeyNode(), "condition.field belongs to value_count");
                    } else {
                        out.put(opKey, v);
                    }
                }
                default ->
                        problem(
                                t.getKeyNode(),
                                "condition '"
                                        + op
                                        + "' is not one of gt, gte, lt, lte, eq, neq, range");
            }
        }
        if (type.equals("value_count") && !out.containsKey("field")) {
            problem(node, "value_count needs condition.field: the field whose values are counted");
        }
        if (out.keySet().stream().noneMatch(k -> !k.equals("field"))) {
            problem(node, "the condition has no comparison (gt, gte, lt, lte, eq, neq, range)");
        }
        return out;
    }

    private static String commonStream(List<Base> bases) {
        String s = bases.get(0).stream();
        for (Base b : bases) {
            if (!b.stream().equals(s)) {
                return "Event";
            }
        }
        return s;
    }

    private static String anyOf(List<Base> bases) {
        if (bases.size() == 1) {
            return bases.get(0).events();
        }
        List<String> parts = new ArrayList<>();
        for (Base b : bases) {
            parts.add("(" + b.events() + ")");
        }
        return String.join("\n   or ", parts);
    }

    /** The path an alert's entity is read from, for a group-by expression. */
    private String entityPath(String expr) {
        Matcher m = FIELDS_KEY.matcher(expr);
        return m.matches() ? "fields." + m.group(1) : expr;
    }

    private static String eplDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0) {
            return (ms / 60_000) + " min";
        }
        if (ms % 1000 == 0) {
            return (ms / 1000) + " sec";
        }
        return ms + " msec";
    }

    private static String ref(Base b) {
        return b.name() != null ? b.name() : b.id();
    }

    private static List<String> strings(Node n) {
        List<String> out = new ArrayList<>();
        if (n instanceof SequenceNode seq) {
            for (Node i : seq.getValue()) {
                if (i instanceof ScalarNode s) {
                    out.add(s.getValue());
                }
            }
        } else if (n instanceof ScalarNode s) {
            out.add(s.getValue());
        }
        return out;
    }
}
