package org.socengine.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.socengine.rules.RuleDefinition;

/** The bench's "rule cpu" line: the detectors' counters summed per library rule. */
class RuleCostsTest {

    private static final List<RuleDefinition> LIBRARY =
            RuleVariants.library(Path.of("..", "rules", "detections"));

    private static void count(MeterRegistry registry, String meter, String rule, double amount) {
        Counter.builder(meter).tag("rule", rule).register(registry).increment(amount);
    }

    @Test
    void variantsCountWithTheirRuleAndTheCostliestComeFirst() {
        List<RuleDefinition> defs =
                RuleVariants.generate(LIBRARY, LIBRARY.size() * 2, RuleVariants.Kind.THRESHOLDS);
        RuleDefinition first = defs.get(0);
        RuleDefinition firstVariant = defs.get(LIBRARY.size());
        RuleDefinition second = defs.get(1);
        assertThat(firstVariant.id()).isNotEqualTo(first.id());
        MeterRegistry registry = new SimpleMeterRegistry();
        count(registry, "soc.rule.cpu", first.id(), 2.0);
        count(registry, "soc.rule.cpu", firstVariant.id(), 1.0);
        count(registry, "soc.rule.cpu", second.id(), 1.0);
        count(registry, "soc.rule.evaluations", first.id(), 1_000_000);
        count(registry, "soc.rule.evaluations", firstVariant.id(), 500_000);
        count(registry, "soc.rule.evaluations", second.id(), 4_000_000);
        // Counted by another run's rules in the same registry: not this run's.
        count(registry, "soc.rule.cpu", "not-a-rule-of-this-run", 100.0);

        RuleCosts costs = RuleCosts.read(registry, defs);

        assertThat(costs.totalSeconds()).isEqualTo(4.0);
        assertThat(costs.costs().get(0))
                .isEqualTo(new RuleCosts.Cost(first.name(), 3.0, 1_500_000));
        assertThat(costs.costs().get(1))
                .isEqualTo(new RuleCosts.Cost(second.name(), 1.0, 4_000_000));
        assertThat(costs.describe(1))
                .isEqualTo(
                        "4.0 s in all; "
                                + first.name()
                                + " 3.0 s (75 %, 2.0 us per event evaluated)");
    }

    @Test
    void aRunWithoutCountersSaysSo() {
        assertThat(RuleCosts.read(new SimpleMeterRegistry(), LIBRARY).describe(5))
                .isEqualTo("not measured");
    }
}
