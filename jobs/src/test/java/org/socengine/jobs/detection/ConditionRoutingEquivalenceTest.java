package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.socengine.model.Json;
import org.socengine.model.SecurityEvent;
import org.socengine.model.SecurityEventCodec;
import org.socengine.rules.RuleLimits;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.library.RuleTestRunner;

/**
 * Routing by the rules' constant filter conditions never loses an alert: every fixture of the rule
 * library and of the Sigma set, each rule alone and all rules together on all fixtures' events at
 * once, gives the same alerts (ids, times, entities, evidence) through the router and the detection
 * operator whether the router reads the conditions or only the streams. And the conditions do keep
 * events away from families.
 */
class ConditionRoutingEquivalenceTest {

    private static final ObjectMapper JSON = Json.mapper();

    /** What the router delivered and the alerts as they end. */
    record Run(long deliveries, List<String> alerts) {}

    static Run run(List<CompiledRule> rules, RuleFamilies families, List<SecurityEvent> events) {
        List<SecurityEvent> sorted = new ArrayList<>();
        for (SecurityEvent e : events) {
            // Each run its own copies: nothing one run does to an event can reach the other.
            sorted.add(SecurityEventCodec.fromBytes(SecurityEventCodec.toBytes(e)));
        }
        sorted.sort(Comparator.comparingLong(e -> e.timestamp));
        RuleRouter router = new RuleRouter(families);
        router.open();
        List<Routed> routed = new ArrayList<>();
        Collector<Routed> out = new ListCollector<>(routed);
        long deliveries = 0;
        try (OneInputStreamOperatorTestHarness<Routed, Alert> h =
                new OneInputStreamOperatorTestHarness<>(
                        new EsperDetectionOperator(rules, 0, RuleLimits.DEFAULTS, 0))) {
            h.open();
            for (SecurityEvent e : sorted) {
                routed.clear();
                router.route(e, out);
                for (Routed r : routed) {
                    deliveries += r.families.length;
                    h.processElement(new StreamRecord<>(r, e.timestamp));
                }
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            List<String> alerts = new ArrayList<>();
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> r && r.getValue() instanceof Alert a) {
                    alerts.add(JSON.writeValueAsString(a));
                }
            }
            alerts.sort(null);
            return new Run(deliveries, alerts);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sameAlertsEitherWay(Path folder) throws Exception {
        List<CompiledRule> rules = RuleSets.compileAll(folder);
        List<SecurityEvent> everyFixture = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        List<RuleTestRunner.TestResult> results =
                new RuleTestRunner(
                                RuleSets.fixtureDecoder(),
                                (rule, events) -> {
                                    everyFixture.addAll(events);
                                    RuleFamilies families = RuleFamilies.of(List.of(rule));
                                    Run byConditions = run(List.of(rule), families, events);
                                    Run byStreams =
                                            run(
                                                    List.of(rule),
                                                    families.withoutConditions(),
                                                    events);
                                    if (!byConditions.alerts().equals(byStreams.alerts())) {
                                        differences.add(
                                                rule.definition().name()
                                                        + ": "
                                                        + byConditions.alerts()
                                                        + " against "
                                                        + byStreams.alerts());
                                    }
                                    return LibraryFixturesOnTheJobPathTest.replayOnTheJobPath(
                                            rule, events);
                                })
                        .runAll(rules);
        assertThat(results).hasSizeGreaterThan(rules.size());
        assertThat(differences).as("rules whose fixtures alert differently").isEmpty();

        RuleFamilies families = RuleFamilies.of(rules);
        Run byConditions = run(rules, families, everyFixture);
        Run byStreams = run(rules, families.withoutConditions(), everyFixture);
        assertThat(byConditions.alerts()).isNotEmpty();
        assertThat(byConditions.alerts()).isEqualTo(byStreams.alerts());
        assertThat(byConditions.deliveries())
                .as("events the conditions kept away from families")
                .isLessThan(byStreams.deliveries());
    }

    @Test
    void theLibrarysFixturesAlertTheSameRoutedByConditions() throws Exception {
        sameAlertsEitherWay(Path.of("..", "rules", "detections"));
    }

    @Test
    void theSigmaSetsFixturesAlertTheSameRoutedByConditions() throws Exception {
        sameAlertsEitherWay(Path.of("..", "rules", "sigma"));
    }
}
