package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.jobs.internal.RuleMetrics;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.jobs.internal.SocMetrics;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleLimits;
import org.socengine.rules.engine.CompiledRule;

/** The detector's per-rule meters move with what the rule did. */
class RuleMetricsTest {

    private static final long T0 = Instant.parse("2026-11-24T08:00:00Z").toEpochMilli();
    private static RuleFamilies families;
    private static List<CompiledRule> rules;
    private static String ruleId;

    @BeforeAll
    static void compileRules() throws Exception {
        rules = new ArrayList<>();
        for (CompiledRule r : RuleSets.compileAll(Path.of("..", "rules", "detections"))) {
            if (r.definition().name().equals("SSH brute force from one source")) {
                rules.add(r);
            }
        }
        assertThat(rules).hasSize(1);
        ruleId = rules.get(0).id();
        families = RuleFamilies.of(rules);
    }

    @Test
    void evaluationsMatchesAlertsAndCpuTimeOfARuleAreCounted() throws Exception {
        MeterRegistry registry = SocMetrics.registry();
        double evaluations = count(registry, "soc.rule.evaluations");
        double matches = count(registry, "soc.rule.matches");
        double alerts = count(registry, "soc.rule.alerts");
        double cpu = count(registry, "soc.rule.cpu");
        // Every event timed, so that a few events show CPU time.
        try (var h =
                new OneInputStreamOperatorTestHarness<>(
                        new EsperDetectionOperator(rules, 0, RuleLimits.DEFAULTS, 1))) {
            h.open();
            for (int i = 0; i < 10; i++) {
                send(h, failure(T0 + i * 3_000, "203.0.113.9"));
            }
            // Past a minute of event time: the engine measures its rules' CPU time.
            h.processWatermark(new Watermark(T0 + 3 * 60_000));
            assertThat(h.getOutput())
                    .anyMatch(o -> o instanceof StreamRecord<?> r && r.getValue() instanceof Alert);
            // The detector hands its engines' counts to the meters once a second.
            h.setProcessingTime(h.getProcessingTime() + 1_000);
        }
        assertThat(count(registry, "soc.rule.evaluations") - evaluations).isEqualTo(10);
        assertThat(count(registry, "soc.rule.matches") - matches).isGreaterThanOrEqualTo(1);
        assertThat(count(registry, "soc.rule.alerts") - alerts).isEqualTo(1);
        assertThat(count(registry, "soc.rule.cpu") - cpu).isGreaterThan(0);
    }

    @Test
    void errorsAreCountedByKind() {
        MeterRegistry registry = SocMetrics.registry();
        RuleMetrics metrics = RuleMetrics.of(registry);
        metrics.error("rule-that-failed", RuleMetrics.DEPLOY_FAILED);
        metrics.error("rule-that-failed", RuleMetrics.QUARANTINED);
        metrics.error("rule-that-failed", RuleMetrics.QUARANTINED);
        assertThat(
                        registry.get("soc.rule.errors")
                                .tag("rule", "rule-that-failed")
                                .tag("kind", RuleMetrics.QUARANTINED)
                                .counter()
                                .count())
                .isEqualTo(2);
        assertThat(
                        registry.get("soc.rule.errors")
                                .tag("rule", "rule-that-failed")
                                .tag("kind", RuleMetrics.DEPLOY_FAILED)
                                .counter()
                                .count())
                .isEqualTo(1);
    }

    private static double count(MeterRegistry registry, String name) {
        Counter c = registry.find(name).tag("rule", ruleId).counter();
        return c == null ? 0 : c.count();
    }

    private static SecurityEvent failure(long t, String ip) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = t;
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "authentication";
        ev.action = "ssh_login";
        ev.outcome = "failure";
        ev.module = "syslog";
        e.ensureSource().ip = ip;
        e.ensureUser().name = "root";
        e.ensureOrganization().id = "so-yt";
        return e;
    }

    private static void send(OneInputStreamOperatorTestHarness<Routed, Alert> h, SecurityEvent e)
            throws Exception {
        RoutedInput.send(h, families, e);
    }
}
