package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleLimits;
import org.socengine.rules.engine.CompiledRule;

/**
 * A restore keeps the last event of each source of a department for the log-source-silence rule,
 * not 24 hours of every event: a source silent since before the restore is still found silent after
 * it, as by the detector that never stopped, while the horizon holds only what the department's
 * other rule (account lockouts, 15 minutes) needs of every event.
 */
class KeyedHorizonRestoreTest {

    private static final long T0 = Instant.parse("2026-11-24T08:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final String DEPARTMENT = "ubnd-h-quangxuong";
    private static List<CompiledRule> rules;
    private static RuleFamilies families;

    @BeforeAll
    static void compileRules() throws Exception {
        rules = new ArrayList<>();
        for (CompiledRule r : RuleSets.compileAll(Path.of("..", "rules", "detections"))) {
            String name = r.definition().name();
            if (name.equals("Log source of a department went silent")
                    || name.equals("Several accounts of a department locked out")) {
                rules.add(r);
            }
        }
        assertThat(rules).hasSize(2);
        families = RuleFamilies.of(rules);
    }

    private static SecurityEvent event(long t, String module, String code, String target) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = t;
        SecurityEvent.Event ev = e.ensureEvent();
        ev.kind = "event";
        ev.module = module;
        ev.code = code;
        e.ensureOrganization().id = DEPARTMENT;
        e.ensureHost().name = DEPARTMENT + "-" + module;
        if (target != null) {
            e.ensureUser().ensureTarget().name = target;
        }
        return e;
    }

    /**
     * The district office's syslog sends once at 08:00 and then stops; its Windows logs go on every
     * minute for four hours, with three lockouts around 11:00, but for a quiet spell from 08:20 to
     * 08:40 (other departments' traffic moves the watermark on meanwhile).
     */
    private static List<SecurityEvent> stream() {
        List<SecurityEvent> out = new ArrayList<>();
        out.add(event(T0, "syslog", null, null));
        for (long m = 1; m <= 240; m++) {
            if (m > 20 && m < 40) {
                continue;
            }
            out.add(event(T0 + m * MINUTE, "winlog", "4624", null));
            if (m >= 180 && m <= 182) {
                out.add(event(T0 + m * MINUTE + 1_000, "winlog", "4740", "ketoan" + m));
            }
        }
        return out;
    }

    private static OneInputStreamOperatorTestHarness<Routed, Alert> harness(
            OperatorSubtaskState restored) throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        new EsperDetectionOperator(rules, 0, RuleLimits.DEFAULTS, 0));
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    /** The alerts' final versions (id, rule, key and time to count), restoring before each cut. */
    private static Map<String, Long> run(List<Long> cuts, List<int[]> kept) throws Exception {
        List<Alert> alerts = new ArrayList<>();
        var h = harness(null);
        int next = 0;
        for (SecurityEvent e : stream()) {
            if (next < cuts.size() && e.timestamp >= cuts.get(next)) {
                next++;
                OperatorSubtaskState snapshot = h.snapshot(next, next);
                collect(h, alerts);
                h.close();
                h = harness(snapshot);
                EsperDetectionOperator op = (EsperDetectionOperator) h.getOperator();
                kept.add(new int[] {op.horizonEvents(), op.keyedEvents()});
            }
            if (e.timestamp == T0 + 40 * MINUTE) {
                // The quiet spell's watermark: the horizon's events of 08:20 and before are past
                // the lockout rule's quarter of an hour.
                h.processWatermark(new Watermark(e.timestamp - 5_000));
            }
            RoutedInput.send(h, families, e);
            h.processWatermark(new Watermark(e.timestamp - 5_000));
        }
        // Twenty minutes on: past the lockout rule's quarter of an hour, inside the silence
        // rule's 24 hours.
        h.processWatermark(new Watermark(T0 + 260 * MINUTE));
        EsperDetectionOperator op = (EsperDetectionOperator) h.getOperator();
        kept.add(new int[] {op.horizonEvents(), op.keyedEvents()});
        // The metrics count them once a second, on the detector's own thread.
        h.setProcessingTime(h.getProcessingTime() + 1_000);
        var registry = org.socengine.jobs.internal.SocMetrics.registry();
        assertThat(registry.find("soc.horizon.keyed_events").gauge().value())
                .isEqualTo(op.keyedEvents());
        assertThat(registry.find("soc.horizon.events").gauge().value())
                .isEqualTo(op.horizonEvents());
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        kept.add(new int[] {op.horizonEvents(), op.keyedEvents()});
        collect(h, alerts);
        h.close();
        Map<String, Long> out = new TreeMap<>();
        for (Alert a : Alert.latest(alerts)) {
            out.put(
                    a.ruleName
                            + " "
                            + a.groupKey()
                            + " "
                            + Instant.ofEpochMilli(a.timestamp)
                            + " "
                            + a.details.get("silent_minutes")
                            + " "
                            + a.id,
                    a.count);
        }
        return out;
    }

    private static void collect(
            OneInputStreamOperatorTestHarness<Routed, Alert> h, List<Alert> into) {
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof Alert a) {
                into.add(a);
            }
        }
        h.getOutput().clear();
    }

    @Test
    void aSourceSilentSinceBeforeARestoreIsFoundAsByTheDetectorThatNeverStopped() throws Exception {
        Map<String, Long> reference = run(List.of(), new ArrayList<>());
        // Silent from the quiet spell's end (08:40, 40 minutes); its newest version once the two
        // hours of suppression are over (10:40, 160 minutes). And the lockouts.
        assertThat(reference.keySet())
                .anyMatch(
                        k ->
                                k.startsWith("Log source of a department went silent")
                                        && k.contains("T10:40:00Z 160.0 "))
                .anyMatch(k -> k.startsWith("Several accounts of a department locked out"));

        List<int[]> kept = new ArrayList<>();
        // One restore an hour after the syslog's last event, one between the lockouts.
        Map<String, Long> restored =
                run(List.of(T0 + 60 * MINUTE, T0 + 181 * MINUTE + 30_000), kept);
        assertThat(restored).isEqualTo(reference);

        // After each restore, the syslog event and the newest Windows event, one per source.
        assertThat(kept.get(0)[1]).isEqualTo(2);
        assertThat(kept.get(1)[1]).isEqualTo(2);
        // Past the lockout rule's horizon, every event but those two is let go: the silence
        // rule's 24 hours no longer hold every event of the department.
        assertThat(kept.get(2)).containsExactly(0, 2);
        assertThat(kept.get(3)).containsExactly(0, 0);
    }
}
