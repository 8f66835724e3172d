package org.socengine.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.socengine.rules.library.RuleLinter;

/**
 * Rule files as a rule admin (or an attacker with an admin's access) could write them: whatever the
 * bytes, the parser and the linter either accept the rule or refuse it with problems that name the
 * file and a line; nothing else escapes them.
 *
 * <p>In the test command these run over the kept corpus in {@code RuleFuzzTestInputs/} (the rule
 * library's and the hostile rules' shapes, and every input that once failed); {@code JAZZER_FUZZ=1}
 * fuzzes one of them (README, "Fuzzing").
 */
class RuleFuzzTest {

    private static final String FILE = "fuzz_rule.yml";

    /** One linter for all inputs, as {@code ./soc rules lint} uses one for a whole tree. */
    private static final RuleLinter LINTER = new RuleLinter();

    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("rule-fuzz");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of a rule file, parsed as {@code ./soc rules deploy} parses it. */
    @FuzzTest(maxDuration = "60s")
    void parse(byte[] bytes) {
        String yaml = new String(bytes, StandardCharsets.UTF_8);
        try {
            RuleDefinition def = RuleParser.parse(FILE, yaml);
            assertThat(def.file()).isEqualTo(FILE);
        } catch (RuleValidationException refused) {
            assertRefusal(refused.problems(), FILE);
        }
    }

    /**
     * The bytes of a rule file, linted as {@code ./soc rules lint} lints it: problems, never a
     * throw.
     */
    @FuzzTest(maxDuration = "60s")
    void lint(byte[] bytes) throws IOException {
        Path file = DIR.resolve(FILE);
        Files.write(file, bytes);
        List<RuleProblem> problems = LINTER.lint(file);
        for (RuleProblem p : problems) {
            assertThat(p.file()).isEqualTo(file.toString());
            assertProblem(p);
        }
    }

    /**
     * Any text as the EPL of an otherwise valid rule: the sandbox and the compiler refuse it with a
     * line inside the file, or it compiles. Reaches the statement checks that random YAML seldom
     * gets to.
     */
    @FuzzTest(maxDuration = "60s")
    void epl(byte[] bytes) throws IOException {
        String epl = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder body = new StringBuilder();
        for (String line : epl.split("\n", -1)) {
            body.append("  ").append(line).append('\n');
        }
        String yaml =
                "id: 6f1c2a8e-3b7d-4c1e-9a55-0d2b8e4f7a99\n"
                        + "name: Fuzzed statement\n"
                        + "description: a rule whose statement is fuzzed\n"
                        + "version: 1\n"
                        + "severity: low\n"
                        + "risk_score: 10\n"
                        + "tags: [attack.credential_access, attack.t1110.001]\n"
                        + "reads: [syslog]\n"
                        + "group_by: [source.ip]\n"
                        + "epl: |\n"
                        + body;
        Path file = DIR.resolve(FILE);
        Files.writeString(file, yaml);
        int lines = (int) yaml.chars().filter(c -> c == '\n').count() + 1;
        for (RuleProblem p : LINTER.lint(file)) {
            assertProblem(p);
            assertThat(p.line()).as("line of %s", p).isLessThanOrEqualTo(lines);
        }
        try {
            RuleParser.parse(FILE, yaml);
        } catch (RuleValidationException refused) {
            assertRefusal(refused.problems(), FILE);
        }
    }

    private static void assertRefusal(List<RuleProblem> problems, String file) {
        assertThat(problems).isNotEmpty();
        for (RuleProblem p : problems) {
            assertThat(p.file()).isEqualTo(file);
            assertProblem(p);
        }
    }

    private static void assertProblem(RuleProblem p) {
        assertThat(p.line()).as("line of %s", p).isPositive();
        assertThat(p.message()).as("message of a problem at line %d", p.line()).isNotBlank();
        assertThat(p.toString()).startsWith(p.file() + ":" + p.line() + ":");
    }
}
