package org.socengine.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.socengine.jobs.detection.RoutedFixtures;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Json;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.library.RuleLinter;
import org.socengine.rules.library.RuleRepository;
import org.socengine.rules.library.RuleTestRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "rules",
        mixinStandardHelpOptions = true,
        description = "Lint, test and deploy detection rules.",
        subcommands = {
            RulesCommand.Lint.class,
            RulesCommand.Test.class,
            RulesDeployCommand.class,
            RulesSigmaCommand.class
        })
public final class RulesCommand implements Runnable {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static Path resolve(Path dir) {
        Path d = dir != null ? dir : RuleSets.defaultDirectory();
        if (!Files.exists(d)) {
            throw new CliFailure("no such rules folder or file: " + d);
        }
        return d;
    }

    @Command(
            name = "lint",
            mixinStandardHelpOptions = true,
            description = {
                "Check every rule file and report every problem as file:line: message.",
                "",
                "Checks every rule file: schema, unique ids and names, file names, ATT&CK ids,",
                "severity against risk score, triage guide, positive and negative tests, fixtures, and",
                "that the EPL compiles in the sandbox. Reports every problem as file:line: message."
            })
    static final class Lint implements Callable<Integer> {
        @Parameters(
                arity = "0..1",
                paramLabel = "DIR",
                description = "Rules folder (default: rules/detections).")
        Path dir;

        @Option(names = "--json", description = "One JSON object per problem.")
        boolean json;

        @Override
        public Integer call() {
            Path d = resolve(dir);
            List<RuleProblem> problems = new RuleLinter().lint(d);
            for (RuleProblem p : problems) {
                if (json) {
                    var n = Json.mapper().createObjectNode();
                    n.put("file", p.file());
                    n.put("line", p.line());
                    n.put("message", p.message());
                    System.out.println(n);
                } else {
                    System.out.println(p);
                }
            }
            int files;
            try {
                files = RuleRepository.ruleFiles(d).size();
            } catch (java.io.IOException e) {
                throw new CliFailure("cannot read " + d + ": " + e.getMessage());
            }
            System.err.println(files + " rule files, " + problems.size() + " problems");
            if (!problems.isEmpty()) {
                throw new CliFailure(problems.size() + " problem(s) in " + d);
            }
            return 0;
        }
    }

    @Command(
            name = "test",
            mixinStandardHelpOptions = true,
            description = {
                "Run every rule's fixtures through the engine and report each test.",
                "",
                "Runs every rule's fixtures through the same engine code as the job (event time,",
                "deterministic) and prints pass or fail per test."
            })
    static final class Test implements Callable<Integer> {
        @Parameters(
                arity = "0..1",
                paramLabel = "DIR|FILE",
                description = "Rules folder or one rule file (default: rules/detections).")
        Path dir;

        @Option(names = "--json", description = "One JSON object per test.")
        boolean json;

        @Override
        public Integer call() {
            Path d = resolve(dir);
            RuleRepository.Loaded loaded = RuleRepository.load(d);
            loaded.problems().forEach(p -> System.err.println(p));
            List<RuleTestRunner.TestResult> results =
                    RoutedFixtures.runner().runAll(loaded.compiled());
            int passed = 0;
            for (RuleTestRunner.TestResult r : results) {
                if (r.passed()) {
                    passed++;
                }
                if (json) {
                    var n = Json.mapper().createObjectNode();
                    n.put("rule_id", r.rule().id());
                    n.put("rule", r.rule().name());
                    n.put("file", r.rule().file());
                    n.put("line", r.test().line());
                    n.put("test", r.test().name());
                    n.put("passed", r.passed());
                    n.put("alerts", r.alerts());
                    n.put("expected_alerts", r.test().expectedAlerts());
                    n.put("message", r.message());
                    System.out.println(n);
                } else {
                    System.out.println(r);
                }
            }
            int failed = results.size() - passed;
            System.err.println(
                    passed
                            + " passed, "
                            + failed
                            + " failed"
                            + (loaded.problems().isEmpty()
                                    ? ""
                                    : ", " + loaded.problems().size() + " rule problems"));
            if (failed > 0 || !loaded.problems().isEmpty()) {
                throw new CliFailure(
                        failed
                                + " test(s) failed, "
                                + loaded.problems().size()
                                + " rule problem(s)");
            }
            return 0;
        }
    }
}
