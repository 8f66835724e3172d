package org.socengine.rules.library;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.socengine.model.AttackTags;
import org.socengine.model.EventJson;
import org.socengine.rules.AttackCatalog;
import org.socengine.rules.Durations;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleSchema;
import org.socengine.rules.RuleSetRoot;
import org.socengine.rules.RuleTestCase;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.DetectionEngine;
import org.socengine.rules.engine.EplSandbox;
import org.socengine.rules.engine.RuleCompiler;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Checks a tree of rule files the way a reviewer would, and reports every problem of every file at
 * once, each with its file and line: the schema, unique ids and names, the file-name convention,
 * ATT&CK tags against the bundled catalog, severity against the risk-score band, the triage guide,
 * positive and negative tests with existing, readable fixtures, and that the EPL passes the sandbox
 * and compiles.
 */
public final class RuleLinter {

    /** Risk-score bands of each severity, as Elastic's detection rules use them. */
    public static final Map<String, int[]> RISK_BANDS =
            Map.of(
                    "low", new int[] {0, 21},
                    "medium", new int[] {22, 47},
                    "high", new int[] {48, 73},
                    "critical", new int[] {74, 100});

    private static final Pattern FILE_NAME = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)+\\.yml");
    private static final Pattern TECHNIQUE = Pattern.compile("t\\d{4}(\\.\\d{3})?");

    private final RuleCompiler compiler = new RuleCompiler();
    private final RuleSchema schema = RuleSchema.bundled();

    /** Lints every rule under a directory (or one file); the problems sorted by file and line. */
    public List<RuleProblem> lint(Path root) {
        try (RuleSetRoot.Scope scope =
                RuleSetRoot.enter(Files.isDirectory(root) ? root : root.getParent())) {
            return lintSet(root);
        }
    }

    private List<RuleProblem> lintSet(Path root) {
        Set<RuleProblem> problems = new LinkedHashSet<>();
        List<Path> files;
        try {
            files = RuleRepository.ruleFiles(root);
        } catch (IOException e) {
            return List.of(RuleProblem.of(root, 1, "cannot read: " + e));
        }
        if (files.isEmpty()) {
            problems.add(RuleProblem.of(root, 1, "no rule files (*.yml) found"));
        }
        Map<String, RuleDefinition> ids = new HashMap<>();
        Map<String, RuleDefinition> names = new HashMap<>();
        for (Path file : files) {
            RuleDefinition def = lintFile(file, problems);
            if (def == null) {
                continue;
            }
            if (def.id() != null) {
                RuleDefinition first = ids.putIfAbsent(def.id().toLowerCase(Locale.ROOT), def);
                if (first != null) {
                    problems.add(
                            def.problem(
                                    "id",
                                    "id " + def.id() + " is already used by " + first.file()));
                }
            }
            if (def.name() != null) {
                String key = def.name().strip().toLowerCase(Locale.ROOT);
                RuleDefinition first = names.putIfAbsent(key, def);
                if (first != null) {
                    problems.add(
                            def.problem(
                                    "name",
                                    "name '"
                                            + def.name()
                                            + "' is already used by "
                                            + first.file()));
                }
            }
        }
        List<RuleProblem> out = new ArrayList<>(problems);
        out.sort(Comparator.comparing(RuleProblem::file).thenComparingInt(RuleProblem::line));
        return out;
    }

    /** Lints one file; returns its definition when it parsed, for the cross-file checks. */
    RuleDefinition lintFile(Path file, Set<RuleProblem> problems) {
        String text;
        Node root;
        try {
            // The size on disk first: a huge file is refused unread, before any parsing.
            RuleParser.checkSize(file);
            text = Files.readString(file, StandardCharsets.UTF_8);
            if (RuleParser.formatOf(text) != null) {
                return lintOtherFormat(file, text, problems);
            }
            root = RuleParser.compose(file.toString(), text);
        } catch (IOException e) {
            problems.add(RuleProblem.of(file, 1, "cannot read: " + e));
            return null;
        } catch (RuleValidationException e) {
            problems.addAll(e.problems());
            return null;
        }
        Set<Integer> schemaLines = new java.util.HashSet<>();
        for (RuleProblem p : schema.validate(file.toString(), root)) {
            problems.add(p);
            schemaLines.add(p.line());
        }
        RuleDefinition def;
        List<RuleProblem> parseProblems = new ArrayList<>();
        try {
            def = RuleParser.parse(file.toString(), text, parseProblems);
        } catch (RuleValidationException e) {
            problems.addAll(e.problems());
            return null;
        }
        // The schema already said what is wrong on those lines, in its own words.
        parseProblems.stream().filter(p -> !schemaLines.contains(p.line())).forEach(problems::add);
        checkFileName(file, def, problems);
        checkAttack(def, root, problems);
        checkRisk(def, problems);
        checkSuppression(def, problems);
        checkScope(def, problems);
        checkTests(file, def, problems);
        if (def.epl() != null && !def.epl().isBlank()) {
            try {
                compiler.compile(def);
            } catch (RuleValidationException e) {
                e.problems().stream()
                        .filter(p -> !schemaLines.contains(p.line()))
                        .forEach(problems::add);
            }
        }
        return def;
    }

    /**
     * A rule in another format (Sigma): its compiler checks what it reads, the sandbox and Esper
     * what it makes. The native rule file's conventions (file name, tests, risk) are not asked of
     * it: it is the community's file, dropped in as it is.
     */
    private RuleDefinition lintOtherFormat(Path file, String text, Set<RuleProblem> problems) {
        RuleDefinition def;
        try {
            def = RuleParser.parse(file.toString(), text);
        } catch (RuleValidationException e) {
            problems.addAll(e.problems());
            return null;
        }
        try {
            compiler.compile(def);
        } catch (RuleValidationException e) {
            problems.addAll(e.problems());
        }
        if (!def.tests().isEmpty()) {
            // Tests are the engine's addition to a Sigma file: when it has them, they must hold
            // a positive and a negative case on readable fixtures, as a native rule's.
            checkFixtures(file, def, problems);
        }
        return def;
    }

    /**
     * A province rule that groups by the department is a department rule in disguise: its alerts
     * would each hold one department's events but land in the provincial index, out of that
     * department's sight.
     */
    private static void checkScope(RuleDefinition def, Set<RuleProblem> problems) {
        if (def.provinceScope() && def.groupBy().contains(RuleDefinition.DEPARTMENT_FIELD)) {
            problems.add(
                    def.problem(
                            "scope",
                            "scope: province with group_by "
                                    + RuleDefinition.DEPARTMENT_FIELD
                                    + " groups by department anyway: drop 'scope: province' so"
                                    + " the alerts reach the department"));
        }
    }

    private static void checkFileName(Path file, RuleDefinition def, Set<RuleProblem> problems) {
        String name = file.getFileName().toString();
        Path parent = file.toAbsolutePath().getParent();
        String source = parent == null ? "" : parent.getFileName().toString();
        if (!FILE_NAME.matcher(name).matches()) {
            problems.add(
                    new RuleProblem(
                            def.file(),
                            1,
                            "file name '"
                                    + name
                                    + "' does not follow <tactic>_<what_it_finds>.yml (lower case, underscores)"));
        }
        List<String> tactics = AttackTags.tactics(def.tags());
        if (!tactics.isEmpty() && !name.startsWith(tactics.get(0) + "_")) {
            problems.add(
                    new RuleProblem(
                            def.file(),
                            1,
                            "file name '"
                                    + name
                                    + "' must start with the first tactic tag: "
                                    + tactics.get(0)
                                    + "_..."));
        }
        if (!def.reads().isEmpty() && !def.reads().contains(source)) {
            problems.add(
                    def.problem(
                            "reads",
                            "the rule lives in rules/detections/"
                                    + source
                                    + "/ but does not read '"
                                    + source
                                    + "' (reads "
                                    + def.reads()
                                    + "): file it under the source it reads"));
        }
    }

    private static void checkAttack(RuleDefinition def, Node root, Set<RuleProblem> problems) {
        Map<String, Integer> tagLines = tagLines(root);
        List<String> tactics = new ArrayList<>();
        List<String> techniques = new ArrayList<>();
        for (String tag : def.tags()) {
            String lower = tag.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("attack.")) {
                continue;
            }
            String t = lower.substring("attack.".length());
            int line = tagLines.getOrDefault(tag, def.line("tags"));
            if (TECHNIQUE.matcher(t).matches()) {
                AttackCatalog.Technique technique = AttackCatalog.technique(t);
                if (technique == null) {
                    problems.add(
                            new RuleProblem(
                                    def.file(),
                                    line,
                                    "unknown ATT&CK technique '"
                                            + tag
                                            + "' (not in the bundled Enterprise list "
                                            + AttackCatalog.RESOURCE
                                            + ")"));
                } else {
                    techniques.add(t);
                }
            } else if (AttackTags.TACTICS.containsKey(t)) {
                tactics.add(t);
            } else {
                problems.add(
                        new RuleProblem(
                                def.file(),
                                line,
                                "unknown ATT&CK tactic '"
                                        + tag
                                        + "' (one of "
                                        + new java.util.TreeSet<>(AttackTags.TACTICS.keySet())
                                        + ")"));
            }
        }
        if (tactics.isEmpty()) {
            problems.add(
                    def.problem(
                            "tags", "tags need an ATT&CK tactic such as attack.credential_access"));
        }
        if (techniques.isEmpty()) {
            problems.add(
                    def.problem("tags", "tags need an ATT&CK technique such as attack.t1110.001"));
        }
        for (String t : techniques) {
            AttackCatalog.Technique technique = AttackCatalog.technique(t);
            if (!tactics.isEmpty() && technique.tactics().stream().noneMatch(tactics::contains)) {
                problems.add(
                        new RuleProblem(
                                def.file(),
                                tagLines.getOrDefault("attack." + t, def.line("tags")),
                                technique.id()
                                        + " ("
                                        + technique.name()
                                        + ") belongs to "
                                        + technique.tactics()
                                        + ", none of the rule's tactics "
                                        + tactics));
            }
        }
    }

    private static Map<String, Integer> tagLines(Node root) {
        Map<String, Integer> out = new HashMap<>();
        if (root instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k
                        && k.getValue().equals("tags")
                        && t.getValueNode() instanceof SequenceNode seq) {
                    for (Node item : seq.getValue()) {
                        if (item instanceof ScalarNode s) {
                            out.putIfAbsent(s.getValue(), item.getStartMark().getLine() + 1);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void checkRisk(RuleDefinition def, Set<RuleProblem> problems) {
        int[] band = def.severity() == null ? null : RISK_BANDS.get(def.severity());
        if (band == null || def.riskScore() < 0) {
            return;
        }
        if (def.riskScore() < band[0] || def.riskScore() > band[1]) {
            String fitting =
                    RISK_BANDS.entrySet().stream()
                            .filter(
                                    e ->
                                            def.riskScore() >= e.getValue()[0]
                                                    && def.riskScore() <= e.getValue()[1])
                            .map(Map.Entry::getKey)
                            .findFirst()
                            .orElse("none");
            problems.add(
                    def.problem(
                            "risk_score",
                            "risk_score "
                                    + def.riskScore()
                                    + " does not fit severity '"
                                    + def.severity()
                                    + "' ("
                                    + band[0]
                                    + "-"
                                    + band[1]
                                    + "); it is in the '"
                                    + fitting
                                    + "' band"));
        }
    }

    // A grouped aggregate re-evaluates its having clause when events leave the window, so with
    // a suppression shorter than the window the same burst alerts again at expiry.
    private static void checkSuppression(RuleDefinition def, Set<RuleProblem> problems) {
        if (def.epl() == null) {
            return;
        }
        long window = EplSandbox.longestWindowMillis(def.epl());
        java.time.Duration suppress =
                def.suppressFor() == null ? DetectionEngine.DEFAULT_SUPPRESSION : def.suppressFor();
        if (window > suppress.toMillis()) {
            problems.add(
                    def.problem(
                            def.lines().containsKey("suppress") ? "suppress" : "epl",
                            "suppress.for ("
                                    + Durations.format(suppress)
                                    + ") is shorter than the rule's window ("
                                    + Durations.format(java.time.Duration.ofMillis(window))
                                    + "): the same burst would alert again when its events leave the window"));
        }
    }

    private static void checkTests(Path file, RuleDefinition def, Set<RuleProblem> problems) {
        if (def.triage() == null || def.triage().isBlank()) {
            problems.add(
                    def.problem(
                            "triage",
                            "a triage guide is required: what to look at, likely false positives, what to do"));
        }
        checkFixtures(file, def, problems);
    }

    private static void checkFixtures(Path file, RuleDefinition def, Set<RuleProblem> problems) {
        boolean positive = def.tests().stream().anyMatch(t -> t.expectedAlerts() > 0);
        boolean negative = def.tests().stream().anyMatch(t -> t.expectedAlerts() == 0);
        if (!positive) {
            problems.add(
                    def.problem(
                            "tests", "needs at least one positive test (expect: {alerts: 1+})"));
        }
        if (!negative) {
            problems.add(
                    def.problem("tests", "needs at least one negative test (expect: {alerts: 0})"));
        }
        // Normalized: a folder given as ../rules/... must still contain its own fixtures.
        Path dir = file.toAbsolutePath().normalize().getParent();
        for (RuleTestCase test : def.tests()) {
            Path events =
                    file.getParent() == null
                            ? Path.of(test.events())
                            : file.getParent().resolve(test.events()).normalize();
            if (!dir.resolve(test.events()).normalize().startsWith(dir)) {
                problems.add(
                        new RuleProblem(
                                def.file(),
                                test.line(),
                                "fixture '" + test.events() + "' lies outside the rule's folder"));
                continue;
            }
            if (!Files.isRegularFile(events)) {
                problems.add(
                        new RuleProblem(
                                def.file(),
                                test.line(),
                                "fixture '"
                                        + test.events()
                                        + "' of test '"
                                        + test.name()
                                        + "' does not exist"));
                continue;
            }
            if (test.source() == null) {
                checkNdjson(events, problems);
            }
        }
    }

    private static void checkNdjson(Path events, Set<RuleProblem> problems) {
        List<String> lines;
        try {
            lines = Files.readAllLines(events, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(RuleProblem.of(events, 1, "cannot read fixture: " + e));
            return;
        }
        int n = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            n++;
            try {
                EventJson.fromJson(line);
            } catch (IOException | RuntimeException e) {
                problems.add(
                        RuleProblem.of(
                                events, i + 1, "not an ECS event: " + firstLine(e.getMessage())));
            }
        }
        if (n == 0) {
            problems.add(RuleProblem.of(events, 1, "fixture holds no events"));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
