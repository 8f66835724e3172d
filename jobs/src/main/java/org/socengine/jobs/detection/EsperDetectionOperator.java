package org.socengine.jobs.detection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.engine.DetectionEngine;

/**
 * Runs the rules in Esper on event time. Events wait in a buffer until the watermark passes them,
 * then enter Esper in timestamp order and Esper's clock moves to the watermark: a two-minute window
 * means two minutes of the events' own time, and a replay gives the same alerts as live traffic.
 * The clock moves once per watermark, not per event, and no Flink timer is registered per event.
 *
 * <p>An event that arrives behind the watermark is still evaluated, at once, and its alerts are
 * marked late. Nothing is dropped.
 *
 * <p>Esper's windows are not in Flink's checkpoints, so the operator keeps the events of the rules'
 * horizon (their longest window) in its state and, after a restore, replays them into fresh
 * runtimes with their alerts discarded (they were emitted before the checkpoint); the restored
 * suppression state and the deterministic alert ids keep any alert from appearing twice.
 */
public final class EsperDetectionOperator extends AbstractStreamOperator<Alert>
        implements OneInputStreamOperator<Routed, Alert> {

    private static final Logger LOG = LoggerFactory.getLogger(EsperDetectionOperator.class);

    private final RuleFamilies families;

    private transient Map<Integer, DetectionEngine> engines;
    private transient PriorityQueue<Pending> buffer;
    private transient Map<Integer, ArrayDeque<SecurityEvent>> history;
    private transient long sequence;
    private transient long watermark;
    private transient ListState<Routed> bufferState;
    private transient ListState<Routed> historyState;
    private transient ListState<SuppressionEntry> suppressionState;
    private transient ListState<Long> clockState;
    private transient Counter eventsEvaluated;
    private transient Counter lateEvents;
    private transient Counter alertsRaised;

    private record Pending(long seq, Routed routed) {}

    public EsperDetectionOperator(RuleFamilies families) {
        this.families = families;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        engines = new HashMap<>();
        buffer =
                new PriorityQueue<>(
                        Comparator.comparingLong((Pending p) -> p.routed().event.timestamp)
                                .thenComparingLong(Pending::seq));
        history = new HashMap<>();
        watermark = Long.MIN_VALUE;
        String uri = "soc-" + UUID.randomUUID();
        for (RuleFamilies.Family f : families.all()) {
            engines.put(f.id(), new DetectionEngine(uri + "-" + f.id(), f.rules()));
            history.put(f.id(), new ArrayDeque<>());
        }
        TypeInformation<Routed> routedType = TypeInformation.of(Routed.class);
        var store = context.getOperatorStateStore();
        bufferState = store.getListState(new ListStateDescriptor<>("pending-events", routedType));
        historyState =
                store.getListState(new ListStateDescriptor<>("rule-horizon-events", routedType));
        suppressionState =
                store.getListState(
                        new ListStateDescriptor<>(
                                "suppressions", TypeInformation.of(SuppressionEntry.class)));
        clockState = store.getListState(new ListStateDescriptor<>("event-clock", Types.LONG));
        if (context.isRestored()) {
            restore();
        }
    }

    private void restore() throws Exception {
        long clock = Long.MIN_VALUE;
        for (Long t : clockState.get()) {
            clock = Math.max(clock, t);
        }
        List<Routed> replay = new ArrayList<>();
        historyState.get().forEach(replay::add);
        replay.sort(Comparator.comparingLong(r -> r.event.timestamp));
        int replayed = 0;
        for (Routed r : replay) {
            DetectionEngine engine = engines.get(r.family);
            if (engine == null) {
                continue;
            }
            engine.send(r.event);
            history.get(r.family).addLast(r.event);
            replayed++;
        }
        Map<Integer, Map<String, DetectionEngine.Suppression>> sup = new HashMap<>();
        for (SuppressionEntry s : suppressionState.get()) {
            sup.computeIfAbsent(s.family, k -> new HashMap<>())
                    .put(s.key, new DetectionEngine.Suppression(s.until, s.repeats, s.alertId));
        }
        for (Map.Entry<Integer, DetectionEngine> e : engines.entrySet()) {
            if (clock != Long.MIN_VALUE) {
                e.getValue().advanceTime(clock);
            }
            // Alerts of the replayed events were emitted before the checkpoint.
            e.getValue().drainAlerts();
            e.getValue().restoreSuppressions(sup.getOrDefault(e.getKey(), Map.of()));
        }
        watermark = clock;
        for (Routed r : bufferState.get()) {
            buffer.add(new Pending(sequence++, r));
        }
        LOG.info(
                "restored rule state: {} horizon events replayed, {} events pending, clock {}",
                replayed,
                buffer.size(),
                clock);
    }

    @Override
    public void open() throws Exception {
        super.open();
        eventsEvaluated = getMetricGroup().counter("eventsEvaluated");
        lateEvents = getMetricGroup().counter("lateEvents");
        alertsRaised = getMetricGroup().counter("alertsRaised");
    }

    @Override
    public void processElement(StreamRecord<Routed> element) {
        Routed r = element.getValue();
        if (r.event.timestamp <= watermark) {
            // Behind the watermark: its window may be gone, but it is still evaluated.
            lateEvents.inc();
            evaluate(r);
            emitAlerts();
            return;
        }
        buffer.add(new Pending(sequence++, r));
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long w = mark.getTimestamp();
        if (w > watermark) {
            watermark = w;
            while (!buffer.isEmpty() && buffer.peek().routed().event.timestamp <= w) {
                evaluate(buffer.poll().routed());
            }
            for (RuleFamilies.Family f : families.all()) {
                DetectionEngine engine = engines.get(f.id());
                // The end-of-input watermark closes every window; a real clock never gets there.
                engine.advanceTime(
                        w == Long.MAX_VALUE
                                ? engine.currentTime() + engine.horizonMillis() + 1
                                : w);
                prune(f.id(), engine);
            }
            emitAlerts();
        }
        super.processWatermark(mark);
    }

    private void evaluate(Routed r) {
        DetectionEngine engine = engines.get(r.family);
        if (engine == null) {
            return;
        }
        engine.send(r.event);
        eventsEvaluated.inc();
        if (engine.horizonMillis() > 0) {
            history.get(r.family).addLast(r.event);
        }
    }

    private void prune(int family, DetectionEngine engine) {
        ArrayDeque<SecurityEvent> h = history.get(family);
        long oldest = engine.currentTime() - engine.horizonMillis();
        while (!h.isEmpty() && h.peekFirst().timestamp < oldest) {
            h.pollFirst();
        }
        // Expired suppressions would otherwise stay in every checkpoint forever.
        long now = engine.currentTime();
        engine.suppressions().values().removeIf(s -> s.until <= now);
    }

    /** Events waiting for the watermark, for tests. */
    int pendingEvents() {
        return buffer.size();
    }

    /** Events kept to rebuild windows after a restore, for tests. */
    int horizonEvents() {
        return history.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /** Live suppression entries, for tests. */
    int suppressionEntries() {
        return engines.values().stream().mapToInt(e -> e.suppressions().size()).sum();
    }

    private void emitAlerts() {
        for (DetectionEngine engine : engines.values()) {
            for (Alert a : engine.drainAlerts()) {
                alertsRaised.inc();
                output.collect(new StreamRecord<>(a, a.timestamp));
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<Routed> pending = new ArrayList<>(buffer.size());
        buffer.forEach(p -> pending.add(p.routed()));
        bufferState.update(pending);
        List<Routed> horizon = new ArrayList<>();
        history.forEach(
                (family, events) -> events.forEach(e -> horizon.add(new Routed(family, "", e))));
        historyState.update(horizon);
        List<SuppressionEntry> sup = new ArrayList<>();
        engines.forEach(
                (family, engine) ->
                        engine.suppressions()
                                .forEach(
                                        (key, s) -> {
                                            SuppressionEntry e = new SuppressionEntry();
                                            e.family = family;
                                            e.key = key;
                                            e.until = s.until;
                                            e.repeats = s.repeats;
                                            e.alertId = s.alertId;
                                            sup.add(e);
                                        }));
        suppressionState.update(sup);
        clockState.update(List.of(watermark));
    }

    @Override
    public void close() throws Exception {
        if (engines != null) {
            engines.values().forEach(DetectionEngine::close);
            engines.clear();
        }
        super.close();
    }
}
