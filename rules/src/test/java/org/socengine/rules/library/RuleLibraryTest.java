package org.socengine.rules.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleSchema;

/** The shipped rule library: every rule lints clean and every fixture gives what its test says. */
class RuleLibraryTest {

    static final Path DETECTIONS = Path.of("detections");

    static RuleRepository.Loaded loaded;

    @BeforeAll
    static void load() {
        loaded = RuleRepository.load(DETECTIONS);
    }

    @Test
    void theWholeLibraryLintsClean() {
        List<RuleProblem> problems = new RuleLinter().lint(DETECTIONS);
        assertThat(problems)
                .as(
                        "lint problems:\n"
                                + problems.stream()
                                        .map(RuleProblem::toString)
                                        .collect(Collectors.joining("\n")))
                .isEmpty();
    }

    @Test
    void everyFixturePasses() {
        assertThat(loaded.problems()).as("rules that do not load").isEmpty();
        List<RuleTestRunner.TestResult> results = new RuleTestRunner().runAll(loaded.compiled());
        List<String> failures =
                results.stream().filter(r -> !r.passed()).map(Object::toString).toList();
        assertThat(failures).as("failed tests:\n" + String.join("\n", failures)).isEmpty();
        assertThat(results).hasSizeGreaterThanOrEqualTo(2 * loaded.compiled().size());
    }

    @Test
    void theLibraryHasAtLeastFortyRulesAcrossTheSources() throws Exception {
        Map<String, Long> bySource =
                RuleRepository.ruleFiles(DETECTIONS).stream()
                        .collect(
                                Collectors.groupingBy(
                                        p -> p.getParent().getFileName().toString(),
                                        TreeMap::new,
                                        Collectors.counting()));
        assertThat(bySource.values().stream().mapToLong(Long::longValue).sum())
                .as("rules by source: " + bySource)
                .isGreaterThanOrEqualTo(40);
        assertThat(Files.isDirectory(DETECTIONS)).isTrue();
    }

    @Test
    void theSchemaInTheRepositoryIsTheBundledOne() throws Exception {
        String repo = Files.readString(Path.of("schema/rule.schema.json"));
        String bundled =
                new String(
                        RuleSchema.class.getResourceAsStream(RuleSchema.RESOURCE).readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
        assertThat(bundled).isEqualTo(repo);
    }
}
