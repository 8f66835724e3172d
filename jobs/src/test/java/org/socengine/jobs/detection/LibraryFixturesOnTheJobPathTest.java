package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleLimits;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.library.RuleTestRunner;

/**
 * Every fixture of the rule library, run where the rules really run: the job's router (which sends
 * an event only to the families whose key it has) and the detection operator on watermarks. The
 * fixture runner feeds one engine directly, so a routing that hides events from a rule passes its
 * fixtures and misses in the job: the Windows burst rule grouped by address else workstation once
 * did exactly that. Reports every offender at once.
 */
class LibraryFixturesOnTheJobPathTest {

    /** The rule's events, in time order, through router and operator; the alerts as they end. */
    static List<Alert> replayOnTheJobPath(CompiledRule rule, List<SecurityEvent> events) {
        List<SecurityEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(e -> e.timestamp));
        RuleRouter router = new RuleRouter(RuleFamilies.of(List.of(rule)));
        router.open();
        List<Routed> routed = new ArrayList<>();
        Collector<Routed> out = new ListCollector<>(routed);
        try (OneInputStreamOperatorTestHarness<Routed, Alert> h =
                new OneInputStreamOperatorTestHarness<>(
                        new EsperDetectionOperator(List.of(rule), 0, RuleLimits.DEFAULTS, 0))) {
            h.open();
            for (SecurityEvent e : sorted) {
                routed.clear();
                router.route(e, out);
                for (Routed r : routed) {
                    h.processElement(new StreamRecord<>(r, e.timestamp));
                }
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            List<Alert> alerts = new ArrayList<>();
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> r && r.getValue() instanceof Alert a) {
                    alerts.add(a);
                }
            }
            return Alert.latest(alerts);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixtures of a rule folder that fail on the job's path, each as the runner reports it. */
    private static List<String> failuresOnTheJobPath(List<CompiledRule> rules) {
        List<RuleTestRunner.TestResult> results =
                new RuleTestRunner(
                                RuleSets.fixtureDecoder(),
                                LibraryFixturesOnTheJobPathTest::replayOnTheJobPath)
                        .runAll(rules);
        assertThat(results).hasSizeGreaterThan(rules.size());
        return results.stream().filter(r -> !r.passed()).map(Object::toString).toList();
    }

    @Test
    void everyFixtureHoldsOnTheJobsRoutingAndOperator() throws Exception {
        List<CompiledRule> rules = RuleSets.compileAll(Path.of("..", "rules", "detections"));
        assertThat(failuresOnTheJobPath(rules))
                .as("fixtures that fail on the job's path")
                .isEmpty();
    }

    /**
     * The Sigma rule set ({@code rules/sigma}) too: its Windows correlations group by an alias that
     * reads the address for one rule and the workstation for the other, so their alerts name {@code
     * [source.ip, source.domain]} as the native rules do, and must be routed the same way.
     */
    @Test
    void everySigmaFixtureHoldsOnTheJobsRoutingAndOperator() throws Exception {
        List<CompiledRule> rules = RuleSets.compileAll(Path.of("..", "rules", "sigma"));
        assertThat(rules)
                .anyMatch(
                        r ->
                                r.definition()
                                        .groupBy()
                                        .equals(List.of("source.ip", "source.domain")));
        assertThat(failuresOnTheJobPath(rules))
                .as("Sigma fixtures that fail on the job's path")
                .isEmpty();
    }
}
