package org.socengine.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.socengine.rules.library.RuleLinter;
import org.socengine.rules.library.RuleRepository;
import org.socengine.rules.library.RuleTestRunner;

/**
 * The engine's own Sigma rule set ({@code rules/sigma}) passes lint and its fixture tests, as
 * {@code ./soc rules lint rules/sigma} and {@code ./soc rules test rules/sigma} run them.
 */
class SigmaRuleSetTest {

    static final Path SIGMA = Path.of("sigma");

    @Test
    void lintsClean() {
        assertThat(new RuleLinter().lint(SIGMA)).isEmpty();
        // The same folder named from elsewhere (./soc run from cli/): its fixtures are still its
        // own.
        assertThat(new RuleLinter().lint(Path.of("..", "rules", "sigma"))).isEmpty();
    }

    @Test
    void everyRuleCompilesAndPassesItsPositiveAndNegativeFixtures() {
        RuleRepository.Loaded loaded = RuleRepository.load(SIGMA);
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.compiled()).hasSizeGreaterThanOrEqualTo(5);
        List<RuleTestRunner.TestResult> results = new RuleTestRunner().runAll(loaded.compiled());
        assertThat(results).allMatch(RuleTestRunner.TestResult::passed, "all pass: " + results);
        assertThat(results).anyMatch(r -> r.test().expectedAlerts() == 0);
        assertThat(results.size()).isGreaterThanOrEqualTo(2 * loaded.compiled().size());
    }
}
