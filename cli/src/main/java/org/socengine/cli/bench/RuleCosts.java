package org.socengine.cli.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.socengine.rules.RuleDefinition;

/**
 * Which rules a run's detection CPU went to: the detectors' {@code soc.rule.cpu} counters (one
 * event in 32 timed per statement, scaled up), summed per library rule with its variants, so that a
 * bench run says which rules are worth a look before anyone profiles the job.
 */
public final class RuleCosts {

    /** One library rule and its variants. */
    public record Cost(String rule, double cpuSeconds, long evaluations) {}

    private final List<Cost> costs;
    private final double totalSeconds;

    private RuleCosts(List<Cost> costs, double totalSeconds) {
        this.costs = costs;
        this.totalSeconds = totalSeconds;
    }

    /** Reads the counters of the rules in {@code defs} from the registry the detectors count in. */
    public static RuleCosts read(MeterRegistry registry, List<RuleDefinition> defs) {
        Map<String, String> nameOfId = new LinkedHashMap<>();
        for (RuleDefinition d : defs) {
            nameOfId.put(d.id(), RuleVariants.originalName(d.name()));
        }
        // Per library rule: [0] CPU seconds, [1] evaluations.
        Map<String, double[]> byRule = new LinkedHashMap<>();
        sum(registry, "soc.rule.cpu", nameOfId, byRule, 0);
        sum(registry, "soc.rule.evaluations", nameOfId, byRule, 1);
        List<Cost> costs = new ArrayList<>();
        double total = 0;
        for (Map.Entry<String, double[]> e : byRule.entrySet()) {
            costs.add(new Cost(e.getKey(), e.getValue()[0], (long) e.getValue()[1]));
            total += e.getValue()[0];
        }
        costs.sort(
                Comparator.comparingDouble(Cost::cpuSeconds).reversed().thenComparing(Cost::rule));
        return new RuleCosts(List.copyOf(costs), total);
    }

    /** Adds each counter of {@code meter} of this run's rules to its library rule's slot. */
    private static void sum(
            MeterRegistry registry,
            String meter,
            Map<String, String> nameOfId,
            Map<String, double[]> byRule,
            int slot) {
        for (Counter c : registry.find(meter).counters()) {
            String name = nameOfId.get(c.getId().getTag("rule"));
            if (name != null) {
                byRule.computeIfAbsent(name, k -> new double[2])[slot] += c.count();
            }
        }
    }

    public List<Cost> costs() {
        return costs;
    }

    public double totalSeconds() {
        return totalSeconds;
    }

    /**
     * The costliest {@code top} rules: CPU seconds, share of all rules' CPU and microseconds per
     * event the rule evaluated.
     */
    public String describe(int top) {
        if (costs.isEmpty() || totalSeconds <= 0) {
            return "not measured";
        }
        StringBuilder out =
                new StringBuilder(String.format(Locale.ROOT, "%.1f s in all", totalSeconds));
        for (Cost c : costs.subList(0, Math.min(top, costs.size()))) {
            out.append(
                    String.format(
                            Locale.ROOT,
                            "; %s %.1f s (%.0f %%, %.1f us per event evaluated)",
                            c.rule(),
                            c.cpuSeconds(),
                            100 * c.cpuSeconds() / totalSeconds,
                            c.evaluations() == 0 ? 0 : c.cpuSeconds() * 1e6 / c.evaluations()));
        }
        return out.toString();
    }
}
