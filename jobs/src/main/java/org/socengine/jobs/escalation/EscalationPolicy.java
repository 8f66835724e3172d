package org.socengine.jobs.escalation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.socengine.connectors.notify.ChannelSpec;
import org.socengine.rules.Durations;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleSchema;
import org.socengine.rules.RuleValidationException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The escalation policy: how alerts group into incidents, how incidents are scored, and whom to
 * notify when, per department and severity. Read from one YAML file as strictly as rule files
 * (duplicate keys, anchors and unknown keys refused), checked against {@code
 * escalation-policy.schema.json} and then for what a schema cannot say (channel references,
 * durations, time zones, increasing bands); every problem is reported at once as {@code file:line:
 * message}.
 */
public final class EscalationPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

    static final String SCHEMA_RESOURCE = "escalation-policy.schema.json";
    static final String SAMPLE_RESOURCE = "escalation-policy.yml";

    private static final RuleSchema SCHEMA = loadSchema();

    /** One step of escalation: who is told, and how long they have to acknowledge. */
    public record Tier(String name, List<String> channels, Duration ackWithin)
            implements Serializable {}

    /** Local times [from, to) during which non-critical notifications wait. */
    public record QuietHours(LocalTime from, LocalTime to) implements Serializable {

        /**
         * When the quiet hours that hold {@code at} end, in epoch ms, or -1 when {@code at} is not
         * in quiet hours.
         */
        public long endAfter(long at, ZoneId zone) {
            ZonedDateTime t = Instant.ofEpochMilli(at).atZone(zone);
            LocalTime lt = t.toLocalTime();
            LocalDate day = t.toLocalDate();
            boolean overnight = from.isAfter(to);
            if (!overnight) {
                if (!lt.isBefore(from) && lt.isBefore(to)) {
                    return day.atTime(to).atZone(zone).toInstant().toEpochMilli();
                }
                return -1;
            }
            if (!lt.isBefore(from)) {
                return day.plusDays(1).atTime(to).atZone(zone).toInstant().toEpochMilli();
            }
            if (lt.isBefore(to)) {
                return day.atTime(to).atZone(zone).toInstant().toEpochMilli();
            }
            return -1;
        }
    }

    /** What applies to one department: its own settings where it has them, the defaults else. */
    public record DepartmentPolicy(
            ZoneId zone,
            QuietHours quietHours,
            Duration renotifyEvery,
            Map<String, List<Tier>> tiers)
            implements Serializable {

        public List<Tier> tiers(String severity) {
            return tiers.getOrDefault(severity, List.of());
        }
    }

    private final String source;
    private final String text;
    private final Duration window;
    private final Duration expireAfter;
    private final int ruleCap;
    private final int tacticBonus;
    private final int medium;
    private final int high;
    private final int critical;
    private final Map<String, ChannelSpec> channels;
    private final DepartmentPolicy defaults;
    private final Map<String, DepartmentPolicy> departments;

    private EscalationPolicy(Builder b) {
        this.source = b.source;
        this.text = b.text;
        this.window = b.window;
        this.expireAfter = b.expireAfter;
        this.ruleCap = b.ruleCap;
        this.tacticBonus = b.tacticBonus;
        this.medium = b.medium;
        this.high = b.high;
        this.critical = b.critical;
        this.channels = b.channels;
        this.defaults = b.defaults;
        this.departments = b.departments;
    }

    // ---- what the job asks ----

    /** Where the policy came from (a file name, or the topic and offset). */
    public String source() {
        return source;
    }

    /** The YAML the policy was read from, so that state and topic hold the admin's own text. */
    public String text() {
        return text;
    }

    public Duration window() {
        return window;
    }

    public Duration expireAfter() {
        return expireAfter;
    }

    public int ruleCap() {
        return ruleCap;
    }

    public int tacticBonus() {
        return tacticBonus;
    }

    public Map<String, ChannelSpec> channels() {
        return java.util.Collections.unmodifiableMap(channels);
    }

    public boolean hasDepartment(String department) {
        return departments.containsKey(department);
    }

    public Set<String> departmentIds() {
        return java.util.Collections.unmodifiableSet(departments.keySet());
    }

    /** The department's policy, or the defaults for a department the policy does not name. */
    public DepartmentPolicy forDepartment(String department) {
        DepartmentPolicy p = department == null ? null : departments.get(department);
        return p != null ? p : defaults;
    }

    /** The severity a risk reaches: the highest band at or below it. */
    public String severityOf(int risk) {
        if (risk >= critical) {
            return "critical";
        }
        if (risk >= high) {
            return "high";
        }
        if (risk >= medium) {
            return "medium";
        }
        return "low";
    }

    public static int rank(String severity) {
        int r = severity == null ? -1 : SEVERITIES.indexOf(severity);
        return Math.max(r, 0);
    }

    // ---- reading ----

    /** The sample policy shipped with the job ({@code config/escalation-policy.yml}). */
    public static EscalationPolicy bundled() {
        try (InputStream in = EscalationPolicy.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + SAMPLE_RESOURCE);
            }
            return parse(SAMPLE_RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuleValidationException e) {
            throw new IllegalStateException("the bundled policy is invalid: " + e.getMessage(), e);
        }
    }

    public static EscalationPolicy load(Path file) throws IOException, RuleValidationException {
        RuleParser.checkSize(file);
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Reads a policy, or throws with every problem found.
     *
     * @throws RuleValidationException listing each problem as {@code file:line: message}
     */
    public static EscalationPolicy parse(String file, String yaml) throws RuleValidationException {
        Node root = RuleParser.compose(file, yaml);
        List<RuleProblem> problems = new ArrayList<>(SCHEMA.validate(file, root));
        if (!(root instanceof MappingNode)) {
            throw new RuleValidationException(problems);
        }
        Builder b = new Reader(file, problems).read((MappingNode) root);
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        b.source = file;
        b.text = yaml;
        return new EscalationPolicy(b);
    }

    private static RuleSchema loadSchema() {
        try (InputStream in = EscalationPolicy.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + SCHEMA_RESOURCE);
            }
            JsonNode schema = new ObjectMapper().readTree(in);
            return RuleSchema.of(inline(schema, schema), "the policy");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces each local {@code $ref} by its definition (the validator knows no references). */
    static JsonNode inline(JsonNode node, JsonNode root) {
        if (node.isArray()) {
            var out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(inline(n, root)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            JsonNode target = root.at(ref.substring(1));
            if (target.isMissingNode()) {
                throw new IllegalStateException("schema reference not found: " + ref);
            }
            out.setAll((ObjectNode) inline(target, root));
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (!e.getKey().equals("$ref") && !e.getKey().equals("$defs")) {
                out.set(e.getKey(), inline(e.getValue(), root));
            }
        }
        return out;
    }

    private static final class Builder {
        String source;
        String text;
        Duration window = Duration.ofHours(1);
        Duration expireAfter = Duration.ofDays(7);
        int ruleCap = 60;
        int tacticBonus = 15;
        int medium = 40;
        int high = 80;
        int critical = 150;
        Map<String, ChannelSpec> channels = new LinkedHashMap<>();
        DepartmentPolicy defaults;
        Map<String, DepartmentPolicy> departments = new LinkedHashMap<>();
    }

    /**
     * Reads the node graph defensively: the schema has already reported shape problems, so a node
     * of the wrong kind is skipped here, not reported twice.
     */
    private static final class Reader {
        private final String file;
        private final List<RuleProblem> problems;

        Reader(String file, List<RuleProblem> problems) {
            this.file = file;
            this.problems = problems;
        }

        Builder read(MappingNode root) {
            Builder b = new Builder();
            MappingNode grouping = mapping(get(root, "grouping"));
            if (grouping != null) {
                b.window = duration(get(grouping, "window"), b.window, "grouping.window", false);
                Node expire = get(grouping, "expire_after");
                b.expireAfter = duration(expire, b.expireAfter, "grouping.expire_after", false);
                if (expire != null && b.expireAfter.compareTo(b.window) < 0) {
                    problem(
                            expire,
                            "grouping.expire_after ("
                                    + Durations.format(b.expireAfter)
                                    + ") must not be shorter than grouping.window ("
                                    + Durations.format(b.window)
                                    + ")");
                }
            }
            MappingNode risk = mapping(get(root, "risk"));
            if (risk != null) {
                b.ruleCap = integer(get(risk, "rule_cap"), b.ruleCap);
                b.tacticBonus = integer(get(risk, "tactic_bonus"), b.tacticBonus);
                MappingNode bands = mapping(get(risk, "bands"));
                if (bands != null) {
                    b.medium = integer(get(bands, "medium"), b.medium);
                    b.high = integer(get(bands, "high"), b.high);
                    b.critical = integer(get(bands, "critical"), b.critical);
                    if (!(b.medium < b.high && b.high < b.critical)) {
                        problem(
                                bands,
                                "risk.bands must increase: medium < high < critical, got "
                                        + b.medium
                                        + ", "
                                        + b.high
                                        + ", "
                                        + b.critical);
                    }
                }
            }
            readChannels(get(root, "channels"), b);
            MappingNode defaults = mapping(get(root, "defaults"));
            DepartmentPolicy base =
                    new DepartmentPolicy(
                            ZoneId.of("Asia/Ho_Chi_Minh"), null, Duration.ZERO, Map.of());
            b.defaults = defaults == null ? base : department(defaults, base, "defaults", b);
            MappingNode departments = mapping(get(root, "departments"));
            if (departments != null) {
                for (NodeTuple t : departments.getValue()) {
                    String id = scalar(t.getKeyNode());
                    if (id == null) {
                        continue;
                    }
                    if (!id.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
                        problem(
                                t.getKeyNode(),
                                "department id '"
                                        + id
                                        + "' must be 1-64 lower-case letters, digits, '-' or '_'"
                                        + " (as in the departments file)");
                    }
                    MappingNode d = mapping(t.getValueNode());
                    if (d != null) {
                        b.departments.put(id, department(d, b.defaults, "departments." + id, b));
                    }
                }
            }
            return b;
        }

        private void readChannels(Node node, Builder b) {
            if (!(node instanceof SequenceNode seq)) {
                return;
            }
            Map<String, Integer> lines = new LinkedHashMap<>();
            for (Node item : seq.getValue()) {
                MappingNode c = mapping(item);
                if (c == null) {
                    continue;
                }
                String name = scalar(get(c, "name"));
                String type = scalar(get(c, "type"));
                if (name == null || type == null) {
                    continue;
                }
                Integer first = lines.putIfAbsent(name, line(item));
                if (first != null) {
                    problem(
                            get(c, "name"),
                            "channel '"
                                    + name
                                    + "' is declared twice (first at line "
                                    + first
                                    + ")");
                    continue;
                }
                Map<String, String> settings = new LinkedHashMap<>();
                MappingNode s = mapping(get(c, "settings"));
                if (s != null) {
                    for (NodeTuple t : s.getValue()) {
                        String k = scalar(t.getKeyNode());
                        String v = scalar(t.getValueNode());
                        if (k != null && v != null) {
                            settings.put(k, v);
                        }
                    }
                }
                ChannelSpec spec = new ChannelSpec(name, type, settings);
                // A channel the dispatcher would refuse is refused here, with its line: a policy
                // that loads is one that can deliver.
                // An unknown type is the schema's problem, said once.
                if (ChannelSpec.isKnownType(type)) {
                    for (String p : spec.problems()) {
                        problem(item, p);
                    }
                }
                b.channels.put(name, spec);
            }
        }

        private DepartmentPolicy department(
                MappingNode d, DepartmentPolicy base, String where, Builder b) {
            ZoneId zone = base.zone();
            Node zoneNode = get(d, "time_zone");
            String z = scalar(zoneNode);
            if (z != null) {
                try {
                    zone = ZoneId.of(z);
                } catch (DateTimeException e) {
                    problem(
                            zoneNode,
                            where
                                    + ".time_zone: unknown time zone '"
                                    + z
                                    + "' (an IANA name such as Asia/Ho_Chi_Minh)");
                }
            }
            QuietHours quiet = base.quietHours();
            MappingNode q = mapping(get(d, "quiet_hours"));
            if (q != null) {
                LocalTime from = time(get(q, "from"));
                LocalTime to = time(get(q, "to"));
                if (from != null && to != null) {
                    if (from.equals(to)) {
                        problem(
                                q,
                                where
                                        + ".quiet_hours: from and to are both "
                                        + from
                                        + "; quiet hours need a start and a different end");
                    } else {
                        quiet = new QuietHours(from, to);
                    }
                }
            }
            Duration renotify =
                    duration(
                            get(d, "renotify_every"),
                            base.renotifyEvery(),
                            where + ".renotify_every",
                            true);
            if (!renotify.isZero() && renotify.compareTo(Duration.ofMinutes(1)) < 0) {
                problem(
                        get(d, "renotify_every"),
                        where + ".renotify_every must be 0 (none) or at least 1m");
            }
            Map<String, List<Tier>> tiers = new LinkedHashMap<>(base.tiers());
            MappingNode t = mapping(get(d, "tiers"));
            if (t != null) {
                for (NodeTuple e : t.getValue()) {
                    String severity = scalar(e.getKeyNode());
                    if (severity == null || !SEVERITIES.contains(severity)) {
                        continue;
                    }
                    tiers.put(
                            severity,
                            tiers(e.getValueNode(), where + ".tiers." + severity, b.channels));
                }
            }
            return new DepartmentPolicy(zone, quiet, renotify, tiers);
        }

        private List<Tier> tiers(Node node, String where, Map<String, ChannelSpec> channels) {
            List<Tier> out = new ArrayList<>();
            if (!(node instanceof SequenceNode seq)) {
                return out;
            }
            List<Node> items = seq.getValue();
            for (int i = 0; i < items.size(); i++) {
                MappingNode m = mapping(items.get(i));
                if (m == null) {
                    continue;
                }
                String name = scalar(get(m, "name"));
                String at = where + "[" + i + "]";
                List<String> names = new ArrayList<>();
                Set<String> seen = new HashSet<>();
                if (get(m, "channels") instanceof SequenceNode cs) {
                    for (Node c : cs.getValue()) {
                        String ref = scalar(c);
                        if (ref == null) {
                            continue;
                        }
                        if (!channels.containsKey(ref)) {
                            problem(
                                    c,
                                    at
                                            + ": unknown channel '"
                                            + ref
                                            + "' (declared: "
                                            + String.join(", ", channels.keySet())
                                            + ")");
                        } else if (!seen.add(ref)) {
                            problem(c, at + ": channel '" + ref + "' is listed twice");
                        } else {
                            names.add(ref);
                        }
                    }
                }
                Node ackNode = get(m, "ack_within");
                boolean last = i == items.size() - 1;
                Duration ack = duration(ackNode, null, at + ".ack_within", false);
                if (ackNode == null && !last) {
                    problem(
                            items.get(i),
                            at
                                    + " ('"
                                    + name
                                    + "') needs ack_within: how long before the next tier is"
                                    + " notified");
                }
                out.add(new Tier(name, List.copyOf(names), ack));
            }
            return List.copyOf(out);
        }

        // ---- node helpers ----

        private Duration duration(Node node, Duration fallback, String what, boolean zeroAllowed) {
            String s = scalar(node);
            if (s == null) {
                return fallback;
            }
            if (zeroAllowed && s.strip().equals("0")) {
                return Duration.ZERO;
            }
            try {
                Duration d = Durations.parse(s);
                if (d.isZero() && !zeroAllowed) {
                    problem(node, what + " must be longer than 0");
                    return fallback;
                }
                return d;
            } catch (IllegalArgumentException e) {
                problem(node, what + ": " + e.getMessage());
                return fallback;
            }
        }

        private LocalTime time(Node node) {
            String s = scalar(node);
            if (s == null) {
                return null;
            }
            try {
                return LocalTime.parse(s);
            } catch (DateTimeException e) {
                return null; // the schema's pattern reports it
            }
        }

        private int integer(Node node, int fallback) {
            String s = scalar(node);
            if (s == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(s.replace("_", ""));
            } catch (NumberFormatException e) {
                return fallback; // the schema reports it
            }
        }

        private void problem(Node node, String message) {
            problems.add(new RuleProblem(file, node == null ? 1 : line(node), message));
        }

        private static int line(Node node) {
            return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
        }

        private static Node get(MappingNode map, String key) {
            for (NodeTuple t : map.getValue()) {
                if (key.equals(scalar(t.getKeyNode()))) {
                    return t.getValueNode();
                }
            }
            return null;
        }

        private static MappingNode mapping(Node node) {
            return node instanceof MappingNode m ? m : null;
        }

        private static String scalar(Node node) {
            if (!(node instanceof ScalarNode s)
                    || s.getTag().equals(org.yaml.snakeyaml.nodes.Tag.NULL)) {
                return null;
            }
            return s.getValue();
        }
    }
}
