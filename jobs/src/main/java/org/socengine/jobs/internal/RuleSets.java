package org.socengine.jobs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleParser;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.RuleCompiler;

/**
 * Loads and compiles the rule files of a directory for a job, refusing the set if any rule is bad.
 */
public final class RuleSets {

    private RuleSets() {}

    /**
     * The rules folder: {@code SOC_RULES}, else {@code $SOC_HOME/rules/detections}, else {@code
     * ./rules/detections}.
     */
    public static Path defaultDirectory() {
        String explicit = System.getenv("SOC_RULES");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String home = System.getenv("SOC_HOME");
        return Path.of(home == null || home.isBlank() ? "." : home, "rules", "detections");
    }

    public static List<CompiledRule> compileAll(Path dir)
            throws IOException, RuleValidationException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("rules folder " + dir + " does not exist");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files =
                    walk.filter(
                                    p ->
                                            p.toString().endsWith(".yml")
                                                    || p.toString().endsWith(".yaml"))
                            .filter(p -> !p.toString().contains("/fixtures/"))
                            .sorted()
                            .toList();
        }
        RuleCompiler compiler = new RuleCompiler();
        List<CompiledRule> out = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        for (Path f : files) {
            try {
                RuleDefinition def = RuleParser.parse(f);
                out.add(compiler.compile(def));
            } catch (RuleValidationException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        return out;
    }
}
