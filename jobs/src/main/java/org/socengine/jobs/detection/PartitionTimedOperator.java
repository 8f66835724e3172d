package org.socengine.jobs.detection;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.util.PausableRelativeClock;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator that reads Kafka records and gives what it makes of them event time per partition
 * ({@link PartitionWatermarks}): the detection job's decode step and the escalation job's alert
 * reader. A subclass reports each record's event time with {@link #observe}; this class emits the
 * watermarks every auto-watermark interval, declares the subtask idle when all its partitions are,
 * keeps each partition's newest event time in the checkpoint, and passes on only the final
 * watermark of a bounded input.
 *
 * <p>Optionally ({@code quietAdvanceMillis} above 0) event time follows the wall clock that far
 * behind it once no record with an event time has come for that long: a job whose timers are
 * deadlines (escalation) must not wait for the next record to find that a deadline has passed.
 *
 * <p>An <em>event-driven</em> operator also emits the watermark as each record comes, with no
 * start-up hold, so that a bounded replay runs the same timers however fast it is read (escalation
 * deadlines fall due with the next alert). The price: on a first start, a partition read later may
 * find the others ahead, and its first records come late (a restore knows its partitions from the
 * checkpoint). The detection job's decode step holds instead: its late events lose window state.
 */
public abstract class PartitionTimedOperator<IN, OUT> extends AbstractStreamOperator<OUT>
        implements OneInputStreamOperator<IN, OUT>, ProcessingTimeCallback {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PartitionTimedOperator.class);

    private final long latenessMillis;
    private final long idleMillis;
    private final long maxSkewMillis;
    private final long quietAdvanceMillis;
    private final boolean eventDriven;
    private final long startupHoldMillis;

    private transient PartitionWatermarks watermarks;
    private transient long interval;
    private transient boolean idle;
    private transient long lastObservedAt;
    private transient long quietEmitted;

    /**
     * Processing time that stands still while the task is backpressured, as Flink's own idleness
     * uses: a partition whose records cannot be emitted is not idle. Without it, a subtask held up
     * behind a busy detector (a restore replaying its horizon) was declared idle, the other
     * subtask's end of input moved the watermark to the end, and the held-up events arrived late.
     */
    private transient PausableRelativeClock activity;

    /**
     * {@link #activity} and processing time as of the last watermark tick: fine enough for idleness
     * and clock skew, and cheaper than reading the clocks per record.
     */
    private transient long activityNow;

    private transient long tickNow;

    /** Each partition's newest event time, as of the last checkpoint. */
    private transient ListState<PartitionTime> partitionState;

    private transient List<PartitionTime> restoredPartitions;

    /** A partition's event time in a checkpoint. */
    public record PartitionTime(String topic, int partition, long maxTimestamp)
            implements java.io.Serializable {}

    /**
     * @param latenessMillis how far a partition's watermark trails its newest event
     * @param idleMillis after how long an idle or wrong-clock partition stops holding the others
     * @param maxSkewMillis how far an event's time may be from its Kafka timestamp before its
     *     partition counts as having a wrong clock; zero turns the check off
     * @param quietAdvanceMillis event time follows the wall clock this far behind after as long
     *     without an event; zero never
     * @param eventDriven emit as each record comes, with no start-up hold (see above)
     */
    protected PartitionTimedOperator(
            long latenessMillis,
            long idleMillis,
            long maxSkewMillis,
            long quietAdvanceMillis,
            boolean eventDriven) {
        this(
                latenessMillis,
                idleMillis,
                maxSkewMillis,
                quietAdvanceMillis,
                eventDriven,
                eventDriven ? 0 : PartitionWatermarks.STARTUP_HOLD_MILLIS);
    }

    /**
     * @param startupHoldMillis how long after the first event the watermark stays put while the
     *     partitions make themselves known (ignored when event-driven, which never holds)
     */
    protected PartitionTimedOperator(
            long latenessMillis,
            long idleMillis,
            long maxSkewMillis,
            long quietAdvanceMillis,
            boolean eventDriven,
            long startupHoldMillis) {
        this.latenessMillis = latenessMillis;
        this.idleMillis = idleMillis;
        this.maxSkewMillis = maxSkewMillis;
        this.quietAdvanceMillis = quietAdvanceMillis;
        this.eventDriven = eventDriven;
        this.startupHoldMillis = eventDriven ? 0 : startupHoldMillis;
    }

    /** How far an event's time may be from its Kafka timestamp; zero: no check. */
    protected final long maxSkewMillis() {
        return maxSkewMillis;
    }

    /**
     * A record of this partition has this event time.
     *
     * @param kafkaTimestamp the record's Kafka timestamp, or 0 or less when it has none
     */
    protected final void observe(String topic, int partition, long eventTime, long kafkaTimestamp) {
        watermarks.onEvent(topic, partition, eventTime, kafkaTimestamp, tickNow, activityNow);
        lastObservedAt = tickNow;
        if (eventDriven) {
            PartitionWatermarks.Progress p = watermarks.advance(tickNow, activityNow);
            if (p.moved() && p.watermark() > quietEmitted) {
                active();
                output.emitWatermark(new Watermark(p.watermark()));
            }
        }
    }

    /**
     * Whether a live partition that goes quiet follows the clock instead of holding event time at
     * its newest event until the idle timeout ({@link PartitionWatermarks}).
     */
    protected boolean followsLivePartitions() {
        return false;
    }

    /** The state's name in checkpoints; kept as it was when the operator was first released. */
    protected String partitionStateName() {
        return "partition-event-time";
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        // Split state: Kafka partitions stay with their subtask at an unchanged parallelism, and
        // after a rescale a partition this subtask no longer reads only holds it back until idle.
        partitionState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        partitionStateName(),
                                        TypeInformation.of(PartitionTime.class)));
        restoredPartitions = new ArrayList<>();
        if (context.isRestored()) {
            partitionState.get().forEach(restoredPartitions::add);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<PartitionTime> out = new ArrayList<>();
        for (PartitionWatermarks.Partition p : watermarks.partitions()) {
            if (p.maxTimestamp != Long.MIN_VALUE) {
                out.add(new PartitionTime(p.topic, p.partition, p.maxTimestamp));
            }
        }
        partitionState.update(out);
    }

    @Override
    public void open() throws Exception {
        super.open();
        activity = new PausableRelativeClock(getProcessingTimeService().getClock());
        ioMetrics().registerBackPressureListener(activity);
        activityNow = activity.relativeTimeMillis();
        tickNow = getProcessingTimeService().getCurrentProcessingTime();
        // Both jobs' first operator after the source runs in every slot a job has: through it
        // each TaskManager's reporter finds the job's engine meters (docs/metrics.md).
        org.socengine.jobs.internal.ExportedRegistry.register(getMetricGroup());
        lastObservedAt = tickNow;
        quietEmitted = Long.MIN_VALUE;
        watermarks =
                new PartitionWatermarks(
                        latenessMillis, idleMillis, maxSkewMillis, tickNow, startupHoldMillis);
        if (followsLivePartitions()) {
            watermarks.followLive();
        }
        for (PartitionTime p : restoredPartitions) {
            watermarks.restore(p.topic(), p.partition(), p.maxTimestamp(), activityNow);
        }
        getMetricGroup()
                .gauge(
                        "wrongClockPartitions",
                        () ->
                                watermarks.wrongClockPartitions(
                                        getProcessingTimeService().getCurrentProcessingTime(),
                                        activity.relativeTimeMillis()));
        getMetricGroup()
                .gauge(
                        "currentEventTimeWatermark",
                        () -> Math.max(watermarks.watermark(), quietEmitted));
        interval = getExecutionConfig().getAutoWatermarkInterval();
        if (interval > 0) {
            getProcessingTimeService()
                    .registerTimer(
                            getProcessingTimeService().getCurrentProcessingTime() + interval, this);
        }
    }

    @Override
    public void close() throws Exception {
        if (activity != null) {
            ioMetrics().unregisterBackPressureListener(activity);
        }
        super.close();
    }

    private org.apache.flink.runtime.metrics.groups.TaskIOMetricGroup ioMetrics() {
        return getContainingTask().getEnvironment().getMetricGroup().getIOMetricGroup();
    }

    @Override
    public void onProcessingTime(long time) {
        activityNow = activity.relativeTimeMillis();
        tickNow = getProcessingTimeService().getCurrentProcessingTime();
        emitWatermark(tickNow, activityNow);
        getProcessingTimeService().registerTimer(tickNow + interval, this);
    }

    private void emitWatermark(long now, long activeNow) {
        PartitionWatermarks.Progress p = watermarks.advance(now, activeNow);
        for (PartitionWatermarks.Partition w : watermarks.newlyWrongClock(now, activeNow)) {
            LOG.warn(
                    "{}/{}: event times {} s away from Kafka's for {} s; it no longer holds the"
                            + " watermark back and its events are evaluated as late. Check the"
                            + " device's clock and time zone.",
                    w.topic,
                    w.partition,
                    w.lastSkewMillis / 1000,
                    idleMillis / 1000);
        }
        if (quietAdvanceMillis > 0 && now - lastObservedAt >= quietAdvanceMillis) {
            long quiet = now - quietAdvanceMillis;
            if (quiet > Math.max(quietEmitted, p.watermark())) {
                quietEmitted = quiet;
                active();
                output.emitWatermark(new Watermark(quiet));
            }
            return;
        }
        if (p.idle()) {
            if (!idle) {
                idle = true;
                output.emitWatermarkStatus(WatermarkStatus.IDLE);
            }
            return;
        }
        active();
        if (p.moved() && p.watermark() > quietEmitted) {
            output.emitWatermark(new Watermark(p.watermark()));
        }
    }

    private void active() {
        if (idle) {
            idle = false;
            output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
        }
    }

    @Override
    public void processWatermark(Watermark mark) {
        // The end of a bounded input: everything is in, every window may close.
        if (mark.getTimestamp() == Long.MAX_VALUE) {
            // One last tick first: the input may end before the periodic timer has sent the
            // event time its last records reached, and a consumer that does not take the end of
            // input as event time (the escalation's tier deadlines) must still see that time.
            emitWatermark(
                    getProcessingTimeService().getCurrentProcessingTime(),
                    activity == null ? 0 : activity.relativeTimeMillis());
            active();
            output.emitWatermark(mark);
        }
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        // Idleness is decided here, per partition, not by the source.
    }
}
