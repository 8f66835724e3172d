package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.engine.CompiledRule;

/**
 * Events waiting for the watermark when a checkpoint is taken are evaluated after a restore in the
 * order the detector that never stopped evaluates them, also when they share a timestamp. Syslog
 * and Windows times are whole seconds, so two events of one second are common; the chaos run's
 * counts one short (a login after failures, a password spray) came from a restored buffer that put
 * them the other way round.
 */
class RestoredPendingOrderTest {

    private static final long T0 = Instant.parse("2026-11-24T08:00:00Z").toEpochMilli();
    private static List<CompiledRule> rules;
    private static RuleFamilies families;

    @BeforeAll
    static void compileRules() throws Exception {
        rules = new ArrayList<>();
        for (CompiledRule r : RuleSets.compileAll(Path.of("..", "rules", "detections"))) {
            if (r.id().equals("c4d55b7f-28ba-554b-9420-888481183f6f")) {
                rules.add(r);
            }
        }
        assertThat(rules).as("SSH login succeeded after a brute force").hasSize(1);
        families = RuleFamilies.of(rules);
    }

    private static SecurityEvent login(long t, String outcome) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = t;
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "authentication";
        ev.action = "ssh_login";
        ev.outcome = outcome;
        ev.module = "syslog";
        e.ensureSource().ip = "198.51.100.23";
        e.ensureUser().name = "root";
        e.ensureOrganization().id = "so-yt";
        return e;
    }

    private static void send(OneInputStreamOperatorTestHarness<Routed, Alert> h, SecurityEvent e)
            throws Exception {
        RoutedInput.send(h, families, e);
    }

    private static OneInputStreamOperatorTestHarness<Routed, Alert> harness(
            OperatorSubtaskState restored) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new EsperDetectionOperator(rules, 0));
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    /** The login alerts' counts of failures, after the watermark passes every event. */
    private static List<Long> run(boolean restoreBeforeTheWatermark) throws Exception {
        // Arrival order: the fifth failure and the success of the same second first, then the
        // four failures before them (out of order, within the allowed lateness). Evaluated in
        // time order, the success at that second comes after its failure: five failures, an
        // alert. A priority queue's own iteration order puts the success first.
        long t = T0 + 60_000;
        List<SecurityEvent> arrivals = new ArrayList<>();
        arrivals.add(login(t, "failure"));
        arrivals.add(login(t, "success"));
        for (int i = 1; i <= 4; i++) {
            arrivals.add(login(T0 + i * 1_000, "failure"));
        }
        var h = harness(null);
        for (SecurityEvent e : arrivals) {
            send(h, e);
        }
        if (restoreBeforeTheWatermark) {
            OperatorSubtaskState snapshot = h.snapshot(1, t);
            h.close();
            h = harness(snapshot);
        }
        h.processWatermark(new Watermark(t + 1));
        List<Long> counts = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof Alert a && !a.update) {
                counts.add(a.count);
            }
        }
        h.close();
        return counts;
    }

    @Test
    void sameSecondEventsKeepTheirOrderThroughARestore() throws Exception {
        List<Long> uninterrupted = run(false);
        assertThat(uninterrupted).containsExactly(5L);
        assertThat(run(true)).isEqualTo(uninterrupted);
    }
}
