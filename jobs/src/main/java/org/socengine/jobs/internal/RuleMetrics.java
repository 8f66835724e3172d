package org.socengine.jobs.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.socengine.model.Alert;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.DetectionEngine;

/**
 * Per rule: events evaluated, matches (rows its statements output), alerts raised (before the alert
 * budget), errors (a version that did not deploy, a quarantine) and CPU time. Meter names {@code
 * soc.rule.evaluations}, {@code soc.rule.matches}, {@code soc.rule.alerts}, {@code soc.rule.errors}
 * (tag {@code kind}), {@code soc.rule.cpu} (seconds); tag {@code rule}, the rule id, a set the rule
 * library bounds.
 *
 * <p>Evaluations, matches and CPU time are counted by the detection engines as plain longs on the
 * detection thread; {@link Tracker#update}, called by the detector once a second, adds what they
 * counted since, so that an event costs no meter update per rule.
 */
public final class RuleMetrics {

    public static final String DEPLOY_FAILED = "deploy_failed";
    public static final String QUARANTINED = "quarantined";

    private static final Map<MeterRegistry, RuleMetrics> SHARED = new ConcurrentHashMap<>();

    /** Rules beyond this many distinct ids are counted as {@code other}. */
    static final int MAX_RULES = 5000;

    private final MeterRegistry registry;
    private final Map<String, Meters> byRule = new ConcurrentHashMap<>();

    private RuleMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The instance of this registry, shared by the detection subtasks of the JVM. */
    public static RuleMetrics of(MeterRegistry registry) {
        return SHARED.computeIfAbsent(registry, RuleMetrics::new);
    }

    private final class Meters {
        final String rule;
        final Counter evaluations;
        final Counter matches;
        final Counter alerts;
        final Counter cpu;
        final Map<String, Counter> errors = new ConcurrentHashMap<>();

        Meters(String rule) {
            this.rule = rule;
            evaluations =
                    Counter.builder("soc.rule.evaluations")
                            .description("Events the rule evaluated")
                            .tag("rule", rule)
                            .register(registry);
            matches =
                    Counter.builder("soc.rule.matches")
                            .description("Rows the rule's statements output, before suppression")
                            .tag("rule", rule)
                            .register(registry);
            alerts =
                    Counter.builder("soc.rule.alerts")
                            .description("New alerts the rule raised, before the alert budget")
                            .tag("rule", rule)
                            .register(registry);
            cpu =
                    Counter.builder("soc.rule.cpu")
                            .description("CPU time of the rule's statements (sampled, scaled up)")
                            .baseUnit("seconds")
                            .tag("rule", rule)
                            .register(registry);
        }

        Counter error(String kind) {
            return errors.computeIfAbsent(
                    kind,
                    k ->
                            Counter.builder("soc.rule.errors")
                                    .description("Versions that did not deploy and quarantines")
                                    .tag("rule", rule)
                                    .tag("kind", k)
                                    .register(registry));
        }
    }

    private Meters meters(String ruleId) {
        String id = ruleId == null ? "unknown" : ruleId;
        Meters m = byRule.get(id);
        if (m == null) {
            if (byRule.size() >= MAX_RULES) {
                id = "other";
            }
            m = byRule.computeIfAbsent(id, Meters::new);
        }
        return m;
    }

    /** A new alert (not an update of one) left the detector. */
    public void alert(Alert a) {
        if (!a.update) {
            meters(a.ruleId).alerts.increment();
        }
    }

    public void error(String ruleId, String kind) {
        meters(ruleId).error(kind).increment();
    }

    public long alerts(String ruleId) {
        Meters m = byRule.get(ruleId);
        return m == null ? 0 : (long) m.alerts.count();
    }

    public Tracker tracker() {
        return new Tracker();
    }

    /** One detector's view: what its engines had counted at the last update, per rule. */
    public final class Tracker {
        private final Map<String, long[]> last = new HashMap<>();

        /**
         * Adds what the engines counted since the last update. On the detection thread: the
         * engines' counts are plain fields.
         */
        public void update(
                Map<String, CompiledRule> rules,
                Map<String, String> familyOfRule,
                Map<String, DetectionEngine> engines) {
            for (Map.Entry<String, String> f : familyOfRule.entrySet()) {
                CompiledRule rule = rules.get(f.getKey());
                DetectionEngine engine = engines.get(f.getValue());
                if (rule == null || engine == null) {
                    continue;
                }
                long[] was = last.computeIfAbsent(f.getKey(), k -> new long[3]);
                long evaluations = engine.evaluationsOf(rule);
                long matches = engine.matchesOf(rule.id());
                long cpu = engine.cpuNanosOf(rule.id());
                Meters m = meters(rule.id());
                m.evaluations.increment(delta(evaluations, was[0]));
                m.matches.increment(delta(matches, was[1]));
                m.cpu.increment(delta(cpu, was[2]) / 1e9);
                was[0] = evaluations;
                was[1] = matches;
                was[2] = cpu;
            }
        }

        /** Since the last reading; an engine started afresh (the rule moved) counts from zero. */
        private long delta(long now, long before) {
            return now >= before ? now - before : now;
        }
    }
}
