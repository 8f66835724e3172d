package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.cli.bench.TrafficMix;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleLimits;
import org.socengine.rules.engine.CompiledRule;

/**
 * The detector restored from a checkpoint at any point of a stream raises exactly the alerts, with
 * exactly the counts, of the detector that never stopped: the benchmark's traffic mix with its
 * attacks, the whole rule library, watermarks per source as the decode step makes them, and a
 * snapshot and restore into a fresh operator every few thousand events. What the chaos benchmark
 * checks with Kafka, Elasticsearch and real kills, here without processing time in the way.
 */
class DetectorRestoreEquivalenceTest {

    private static final long START = Instant.parse("2026-02-02T00:00:00Z").toEpochMilli();
    private static final int EVENTS = 120_000;
    private static final long LATENESS = 5_000;

    private static List<CompiledRule> rules;
    private static List<Routed> stream;

    @BeforeAll
    static void traffic() throws Exception {
        rules = RuleSets.compileAll(Path.of("..", "rules", "detections"));
        RuleRouter router = new RuleRouter(RuleFamilies.of(rules));
        router.open();
        RecordDecoder decoder = RuleSets.defaultDecoder();
        TrafficMix mix = new TrafficMix(7, START, 2_000, EVENTS, DepartmentDirectory.defaults());
        stream = new ArrayList<>();
        Collector<Routed> out =
                new Collector<>() {
                    @Override
                    public void collect(Routed r) {
                        stream.add(r);
                    }

                    @Override
                    public void close() {}
                };
        while (mix.hasNext()) {
            TrafficMix.Line line = mix.next();
            RawRecord raw = RawRecord.of(line.source(), line.text());
            raw.key = line.department();
            raw.topic = "soc.raw." + line.source();
            raw.kafkaTimestamp = line.timestamp();
            SecurityEvent e = decoder.decode(raw, line.timestamp()).event();
            if (e != null) {
                router.route(e, out);
            }
        }
    }

    private static OneInputStreamOperatorTestHarness<Routed, Alert> harness(
            OperatorSubtaskState restored) throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        // No CPU limit: CPU time is the one measure that is not the events'.
                        new EsperDetectionOperator(rules, 0, RuleLimits.DEFAULTS, 0));
        h.setCheckpointStorage(
                new org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage(
                        256 * 1024 * 1024));
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    /**
     * Runs the stream, snapshotting and restoring at the given positions; the alerts' final
     * versions, id to count.
     */
    private static Map<String, Long> run(List<Integer> cuts) throws Exception {
        List<Alert> alerts = new ArrayList<>();
        Map<String, Long> newestPerSource = new HashMap<>();
        long watermark = Long.MIN_VALUE;
        var h = harness(null);
        int next = 0;
        for (int i = 0; i < stream.size(); i++) {
            if (next < cuts.size() && i == cuts.get(next)) {
                next++;
                OperatorSubtaskState snapshot = h.snapshot(i, i);
                RoutedInput.drainAlerts(h, alerts);
                h.close();
                h = harness(snapshot);
            }
            Routed r = stream.get(i);
            h.processElement(new StreamRecord<>(r, r.event.timestamp));
            newestPerSource.merge(r.event.event.module, r.event.timestamp, Math::max);
            if (i % 500 == 499) {
                long w =
                        newestPerSource.values().stream().mapToLong(Long::longValue).min().orElse(0)
                                - LATENESS
                                - 1;
                if (w > watermark) {
                    watermark = w;
                    h.processWatermark(new Watermark(w));
                }
            }
        }
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        RoutedInput.drainAlerts(h, alerts);
        h.close();
        Map<String, Long> out = new TreeMap<>();
        for (Alert a : Alert.latest(alerts)) {
            out.put(a.id + " " + a.ruleName + " " + a.groupKey(), a.count);
        }
        return out;
    }

    @Test
    void restoringAnywhereRaisesTheAlertsOfTheRunThatNeverStopped() throws Exception {
        Map<String, Long> reference = run(List.of());
        assertThat(reference).hasSizeGreaterThan(5);
        List<Integer> cuts = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(20261203);
        while (cuts.size() < 12) {
            int c = 1 + rnd.nextInt(stream.size() - 1);
            if (!cuts.contains(c)) {
                cuts.add(c);
            }
        }
        java.util.Collections.sort(cuts);
        assertThat(run(cuts)).isEqualTo(reference);
    }
}
