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
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
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
        List<String> names =
                List.of(
                        "Log source of a department went silent",
                        "Several accounts of a department locked out");
        rules =
                RuleSets.compileAll(Path.of("..", "rules", "detections")).stream()
                        .filter(r -> names.contains(r.definition().name()))
                        .toList();
        assertThat(rules).hasSize(2);
        families = RuleFamilies.of(rules);
    }

    private static SecurityEvent event(long t, String module, String code, String target) {
        return event(DEPARTMENT, t, module, code, target);
    }

    private static SecurityEvent event(
            String department, long t, String module, String code, String target) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = t;
        SecurityEvent.Event ev = e.ensureEvent();
        ev.kind = "event";
        ev.module = module;
        ev.code = code;
        e.ensureOrganization().id = department;
        e.ensureHost().name = department + "-" + module;
        if (target != null) {
            e.ensureUser().ensureTarget().name = target;
        }
        return e;
    }

    /**
     * The district office's syslog sends once at 08:00 and then stops; its Windows logs go on every
     * minute for four hours, with three lockouts around 11:00 and three more at 11:25, but for
     * quiet spells from 08:20 to 08:40 and from 11:03 to 11:20 (other departments' traffic moves
     * the watermark on meanwhile: {@link #quietSpellEnds}).
     */
    private static List<SecurityEvent> stream() {
        return stream(DEPARTMENT, 0);
    }

    private static List<SecurityEvent> stream(String department, long offset) {
        List<SecurityEvent> out = new ArrayList<>();
        out.add(event(department, T0 + offset, "syslog", null, null));
        for (long m = 1; m <= 240; m++) {
            if ((m > 20 && m < 40) || (m > 182 && m < 200)) {
                continue;
            }
            out.add(event(department, T0 + offset + m * MINUTE, "winlog", "4624", null));
            if ((m >= 180 && m <= 182) || (m >= 205 && m <= 207)) {
                out.add(
                        event(
                                department,
                                T0 + offset + m * MINUTE + 1_000,
                                "winlog",
                                "4740",
                                "ketoan" + m));
            }
        }
        return out;
    }

    private static OneInputStreamOperatorTestHarness<Routed, Alert> harness(
            OperatorSubtaskState restored) throws Exception {
        return harness(restored, 1, 0);
    }

    private static final int MAX_PARALLELISM = 128;

    private static OneInputStreamOperatorTestHarness<Routed, Alert> harness(
            OperatorSubtaskState restored, int parallelism, int subtask) throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        new EsperDetectionOperator(rules, 0, RuleLimits.DEFAULTS, 0),
                        MAX_PARALLELISM,
                        parallelism,
                        subtask);
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    /** The alerts' final versions (id, rule, key and time to count), restoring before each cut. */
    private static Map<String, Long> run(List<Long> cuts, List<int[]> kept) throws Exception {
        return run(stream(), cuts, kept);
    }

    private static Map<String, Long> run(
            List<SecurityEvent> events, List<Long> cuts, List<int[]> kept) throws Exception {
        List<Alert> alerts = new ArrayList<>();
        var h = harness(null);
        int next = 0;
        long previous = Long.MIN_VALUE;
        for (SecurityEvent e : events) {
            if (next < cuts.size() && e.timestamp >= cuts.get(next)) {
                next++;
                OperatorSubtaskState snapshot = h.snapshot(next, next);
                RoutedInput.drainAlerts(h, alerts);
                h.close();
                h = harness(snapshot);
                EsperDetectionOperator op = (EsperDetectionOperator) h.getOperator();
                kept.add(new int[] {op.horizonEvents(), op.keyedEvents()});
            }
            if (quietSpellEnds(previous, e)) {
                h.processWatermark(new Watermark(e.timestamp - 5_000));
            }
            previous = e.timestamp;
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
        RoutedInput.drainAlerts(h, alerts);
        h.close();
        return latest(alerts);
    }

    /**
     * Whether the event ends a quiet spell of its department: the watermark the rest of the
     * province's traffic moved on meanwhile comes first, so the horizon's events of before the
     * spell are past the lockout rule's quarter of an hour when the department sends again.
     */
    private static boolean quietSpellEnds(long previous, SecurityEvent e) {
        return previous != Long.MIN_VALUE && e.timestamp - previous > 2 * MINUTE;
    }

    private static Map<String, Long> latest(List<Alert> alerts) {
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

    /**
     * Two district offices on the two subtasks of a parallelism-2 detector, restored as one subtask
     * and the other way round: each subtask numbered its own events from zero and kept its own
     * suppressions; after the restore each department's last events, horizon and suppressions are
     * where its events now go, neither lost nor taken for the other's, and the alerts are those of
     * the detector that never stopped.
     */
    @Test
    void aRestoreAtAnotherParallelismKeepsEachDepartmentsLastEventsAndSuppressions()
            throws Exception {
        String other = null;
        for (String d :
                List.of("so-yt", "so-tttt", "ubnd-h-hoanghoa", "ubnd-h-nongcong", "so-gtvt")) {
            if (other == null && subtaskOf(d) != subtaskOf(DEPARTMENT)) {
                other = d;
            }
        }
        assertThat(other).isNotNull();
        List<SecurityEvent> events = new ArrayList<>(stream());
        events.addAll(stream(other, 10_000));
        events.sort(java.util.Comparator.comparingLong(e -> e.timestamp));
        Map<String, Long> reference = run(events, List.of(), new ArrayList<>());
        assertThat(reference.keySet())
                .filteredOn(k -> k.startsWith("Log source of a department went silent"))
                .hasSize(2);

        // The second lockouts (11:25) fold into the alert of the first (11:02, suppressed 30
        // minutes) as an update: the suppression must reach the subtask of the department.
        assertThat(reference.entrySet())
                .filteredOn(
                        e -> e.getKey().startsWith("Several accounts of a department locked out"))
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.getValue()).isEqualTo(6));

        for (long cut : new long[] {T0 + 60 * MINUTE, T0 + 201 * MINUTE}) {
            assertThat(rescaled(events, 2, 1, cut)).isEqualTo(reference);
            assertThat(rescaled(events, 1, 2, cut)).isEqualTo(reference);
        }
    }

    /** The alerts of a run at parallelism {@code before}, restored at {@code after} at the cut. */
    private static Map<String, Long> rescaled(
            List<SecurityEvent> events, int before, int after, long cut) throws Exception {
        List<Alert> alerts = new ArrayList<>();
        List<OneInputStreamOperatorTestHarness<Routed, Alert>> subtasks = new ArrayList<>();
        for (int s = 0; s < before; s++) {
            subtasks.add(harness(null, before, s));
        }
        int parallelism = before;
        long previous = Long.MIN_VALUE;
        for (SecurityEvent e : events) {
            if (quietSpellEnds(previous, e)) {
                for (var h : subtasks) {
                    h.processWatermark(new Watermark(e.timestamp - 5_000));
                }
            }
            previous = e.timestamp;
            if (parallelism == before && e.timestamp >= cut) {
                OperatorSubtaskState[] snapshots = new OperatorSubtaskState[before];
                int suppressions = 0;
                for (int s = 0; s < before; s++) {
                    suppressions +=
                            ((EsperDetectionOperator) subtasks.get(s).getOperator())
                                    .suppressionEntries();
                    snapshots[s] = subtasks.get(s).snapshot(1, 1);
                    RoutedInput.drainAlerts(subtasks.get(s), alerts);
                    subtasks.get(s).close();
                }
                OperatorSubtaskState all =
                        AbstractStreamOperatorTestHarness.repackageState(snapshots);
                subtasks.clear();
                int keyed = 0;
                for (int s = 0; s < after; s++) {
                    subtasks.add(
                            harness(
                                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                            all, MAX_PARALLELISM, before, after, s),
                                    after,
                                    s));
                    keyed += ((EsperDetectionOperator) subtasks.get(s).getOperator()).keyedEvents();
                }
                // Each department's syslog event and newest Windows event, once.
                assertThat(keyed).isEqualTo(4);
                int restoredSuppressions = 0;
                for (var h : subtasks) {
                    restoredSuppressions +=
                            ((EsperDetectionOperator) h.getOperator()).suppressionEntries();
                }
                // Each group's suppression on the subtask that holds the group, once.
                assertThat(restoredSuppressions).isEqualTo(suppressions).isPositive();
                parallelism = after;
            }
            for (Routed r : routed(e)) {
                int[] owners = r.subtasks(MAX_PARALLELISM, parallelism);
                for (int s = 0; s < parallelism; s++) {
                    Routed mine = r.narrowedTo(s, owners);
                    if (mine != null) {
                        subtasks.get(s).processElement(new StreamRecord<>(mine, e.timestamp));
                    }
                }
            }
            for (var h : subtasks) {
                h.processWatermark(new Watermark(e.timestamp - 5_000));
            }
        }
        for (var h : subtasks) {
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            RoutedInput.drainAlerts(h, alerts);
            h.close();
        }
        return latest(alerts);
    }

    private static List<Routed> routed(SecurityEvent e) {
        RuleRouter router = new RuleRouter(families);
        router.open();
        List<Routed> out = new ArrayList<>();
        router.route(e, new org.apache.flink.api.common.functions.util.ListCollector<>(out));
        return out;
    }

    private static int subtaskOf(String department) {
        int[] s =
                routed(event(department, T0, "syslog", null, null))
                        .get(0)
                        .subtasks(MAX_PARALLELISM, 2);
        return s[0];
    }
}
