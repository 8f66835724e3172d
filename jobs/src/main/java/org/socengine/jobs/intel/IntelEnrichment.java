package org.socengine.jobs.intel;

import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.intel.Indicator;
import org.socengine.connectors.intel.IndicatorIndex;
import org.socengine.jobs.internal.IntelMetrics;
import org.socengine.model.SecurityEvent;
import org.socengine.model.SocTopics;

/**
 * The threat-intelligence enrichment of the detection job, before the rules: every event that
 * matches an indicator of {@code soc.intel} gains ECS {@code threat.enrichments} (the matched field
 * and value, the indicator, its source and confidence) and {@code threat.indicator}, the strongest
 * match, which the IOC rule reads. An indicator expired at the event's time no longer matches.
 *
 * <p>The indicators are Flink broadcast state (each subtask holds all of them and checkpoints
 * them); the match structures ({@link IndicatorIndex}: hash maps, prefix tries) are built from it
 * on the first event after a start or restore, and kept up to date with every update after.
 * Indicators given at construction ({@code ./soc detect --intel}) are in effect from the first
 * event.
 *
 * <p>One input: the updates of {@code soc.intel} arrive broadcast into the decode step and reach
 * this step in the same stream as the events ({@link UpdateOf}), and it keeps them. Why: Flink
 * chains an operator to its predecessor only when it has one input. As a two-input step (events,
 * updates) it ran apart from the decode step, and every event crossed a thread boundary, serialized
 * on one side and read back on the other, to be marked. Its state is the same in both forms: the
 * broadcast state {@code intel-indicators}.
 */
public final class IntelEnrichment<T> extends ProcessFunction<T, T>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** The indicators by {@code kind:value}. */
    public static final MapStateDescriptor<String, Indicator> INDICATORS =
            new MapStateDescriptor<>(
                    "intel-indicators",
                    BasicTypeInfo.STRING_TYPE_INFO,
                    TypeInformation.of(Indicator.class));

    /** Records of {@code soc.intel} that are not indicators, with the reason. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("intel-dead-letters", TypeInformation.of(DeadLetter.class));

    /** The event a record carries, or null for one that passes untouched (a control message). */
    public interface EventOf<T> extends java.io.Serializable {
        SecurityEvent eventOf(T record);
    }

    /** The indicator update a record carries, or null for one to mark or pass on. */
    public interface UpdateOf<T> extends java.io.Serializable {
        IntelUpdate updateOf(T record);
    }

    private final List<Indicator> initial;
    private final EventOf<T> eventOf;
    private final UpdateOf<T> updateOf;

    private transient BroadcastState<String, Indicator> state;
    private transient IndicatorIndex index;
    private transient boolean initialApplied;
    private transient Counter matched;
    private transient Counter refused;
    private transient IntelMetrics metrics;

    /**
     * @param initial indicators in effect before any update arrives (backtests); may be empty
     */
    public IntelEnrichment(List<Indicator> initial, EventOf<T> eventOf, UpdateOf<T> updateOf) {
        this.initial = List.copyOf(initial);
        this.eventOf = eventOf;
        this.updateOf = updateOf;
    }

    /** The enrichment of a stream of events, with the indicators given and no update. */
    public static IntelEnrichment<SecurityEvent> ofEvents(List<Indicator> initial) {
        return new IntelEnrichment<>(initial, e -> e, e -> null);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Every subtask receives every update, so each holds the same indicators: broadcast
        // state, which a restore at another parallelism gives every new subtask whole.
        state = context.getOperatorStateStore().getBroadcastState(INDICATORS);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // The broadcast state is written by Flink; nothing else is kept.
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
        matched = getRuntimeContext().getMetricGroup().counter("intelMatchedEvents");
        refused = getRuntimeContext().getMetricGroup().counter("intelRefusedRecords");
        metrics = IntelMetrics.of(org.socengine.jobs.internal.SocMetrics.registry());
        org.socengine.jobs.internal.ExportedRegistry.register(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(T record, Context ctx, Collector<T> out) throws Exception {
        IntelUpdate u = updateOf.updateOf(record);
        if (u != null) {
            update(u, ctx);
            return;
        }
        SecurityEvent e = eventOf.eventOf(record);
        IndicatorIndex idx = index();
        if (e != null && idx.size() > 0) {
            int n = idx.enrich(e);
            if (n > 0) {
                matched.inc();
                metrics.matched(e.threat.indicator.type);
            }
        }
        out.collect(record);
    }

    private void update(IntelUpdate u, Context ctx) throws Exception {
        if (u.error != null) {
            // Every subtask gets each record; one of them reports it.
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                refused.inc();
                ctx.output(DEAD_LETTERS, deadLetter(u));
            }
            return;
        }
        applyInitial();
        IndicatorIndex idx = index();
        if (u.indicator == null) {
            state.remove(u.key);
            idx.remove(u.key);
        } else {
            Indicator old = state.get(u.key);
            if (old != null && !old.key().equals(u.indicator.key())) {
                idx.remove(old.key());
            }
            state.put(u.key, u.indicator);
            idx.put(u.indicator);
        }
        metrics.indicators(idx.size());
    }

    static DeadLetter deadLetter(IntelUpdate u) {
        RawRecord r = new RawRecord();
        r.source = "intel";
        r.topic = SocTopics.INTEL;
        r.partition = u.partition;
        r.offset = u.offset;
        r.kafkaTimestamp = u.kafkaTimestamp;
        r.key = u.key;
        r.value = u.raw;
        return DeadLetter.of(
                r,
                "IntelStreams",
                new DecodeException(DecodeException.Reason.MALFORMED, u.error),
                System.currentTimeMillis());
    }

    private void applyInitial() throws Exception {
        if (initialApplied) {
            return;
        }
        initialApplied = true;
        for (Indicator i : initial) {
            if (!state.contains(i.key())) {
                state.put(i.key(), i);
            }
        }
    }

    /** The match structures; built from the broadcast state the first time (start, restore). */
    private IndicatorIndex index() throws Exception {
        if (index == null) {
            IndicatorIndex idx = new IndicatorIndex();
            for (Indicator i : initial) {
                idx.put(i);
            }
            for (Map.Entry<String, Indicator> x : state.immutableEntries()) {
                idx.put(x.getValue());
            }
            index = idx;
            metrics.indicators(idx.size());
        }
        return index;
    }
}
