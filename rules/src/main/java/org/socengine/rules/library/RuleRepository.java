package org.socengine.rules.library;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleSetRoot;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.RuleCompiler;

/**
 * Loads a tree of rule files: finds every rule, parses and compiles it, and collects the problems
 * of all of them instead of stopping at the first broken rule.
 */
public final class RuleRepository {

    /** One rule file: its definition when it parsed, its compiled form when it also compiled. */
    public record Entry(Path file, RuleDefinition definition, CompiledRule compiled) {
        public boolean ok() {
            return compiled != null;
        }
    }

    /** What a load found: every rule file and every problem. */
    public record Loaded(List<Entry> entries, List<RuleProblem> problems) {
        public List<CompiledRule> compiled() {
            return entries.stream().filter(Entry::ok).map(Entry::compiled).toList();
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private RuleRepository() {}

    /**
     * The rule files under a directory (or the file itself), in path order. Fixture folders are
     * skipped: they hold events, not rules.
     */
    public static List<Path> ruleFiles(Path root) throws IOException {
        if (Files.isRegularFile(root)) {
            return List.of(root);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(RuleRepository::isRuleFile)
                    .filter(p -> !inFixtures(root.relativize(p)))
                    .sorted()
                    .toList();
        }
    }

    static boolean isRuleFile(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yml") || name.endsWith(".yaml");
    }

    private static boolean inFixtures(Path relative) {
        for (Path part : relative) {
            if (part.toString().equals("fixtures")) {
                return true;
            }
        }
        return false;
    }

    public static Loaded load(Path root) {
        return load(root, new RuleCompiler());
    }

    public static Loaded load(Path root, RuleCompiler compiler) {
        try (RuleSetRoot.Scope scope =
                RuleSetRoot.enter(Files.isDirectory(root) ? root : root.getParent())) {
            return loadSet(root, compiler);
        }
    }

    private static Loaded loadSet(Path root, RuleCompiler compiler) {
        List<Entry> entries = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        List<Path> files;
        try {
            files = ruleFiles(root);
        } catch (IOException e) {
            problems.add(RuleProblem.of(root, 1, "cannot read the rule directory: " + e));
            return new Loaded(entries, problems);
        }
        for (Path file : files) {
            RuleDefinition def;
            try {
                def = RuleParser.parse(file);
            } catch (RuleValidationException e) {
                problems.addAll(e.problems());
                entries.add(new Entry(file, null, null));
                continue;
            }
            try {
                entries.add(new Entry(file, def, compiler.compile(def)));
            } catch (RuleValidationException e) {
                problems.addAll(e.problems());
                entries.add(new Entry(file, def, null));
            }
        }
        return new Loaded(entries, problems);
    }
}
