package org.socengine.jobs.detection;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskIOMetricGroup;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.operators.util.PausableRelativeClock;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.jobs.detection.PartitionTimedOperator.PartitionTime;

/**
 * Event time per Kafka partition for the operator that reads the partitions' records: the work of
 * {@link PartitionTimedOperator}, kept apart from Flink's operator classes so that an operator of
 * several inputs (the detection job's decode step, which also takes the control messages) runs the
 * same clock as the one-input operators. The operator reports each record's event time with {@link
 * #observe}, calls {@link #tick} from a processing-time timer every auto-watermark interval and
 * hands the clock its upstream watermarks ({@link #processWatermark}); see {@link
 * PartitionTimedOperator} for what the watermarks are.
 */
public final class PartitionClock implements java.io.Serializable, ProcessingTimeCallback {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(PartitionClock.class);

    /**
     * A watermark tick this much later than due is a stall of the task's thread (the rules'
     * deployments at a stream's first events, a thousand rules' windows at a watermark, a
     * checkpoint of the detector chained behind), not the steady work of events, which delays a
     * tick by one event's time (microseconds to a millisecond).
     */
    static final long STALL_MILLIS = 20;

    private final long latenessMillis;
    private final long idleMillis;
    private final long maxSkewMillis;
    private final long quietAdvanceMillis;
    private final boolean eventDriven;
    private final long startupHoldMillis;
    private boolean followLive;

    private transient PartitionWatermarks watermarks;
    private transient Output<?> output;
    private transient ProcessingTimeService time;
    private transient TaskIOMetricGroup io;
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

    /** See {@link PartitionTimedOperator}'s constructor for the parameters. */
    PartitionClock(
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

    /** The detection job's decode step's clock, as the job's options set it. */
    static PartitionClock ofDecodeStep(DetectionJobOptions options) {
        PartitionClock clock =
                new PartitionClock(
                        options.allowedLateness().toMillis(),
                        options.idleness().toMillis(),
                        options.maxClockSkew().toMillis(),
                        0,
                        false,
                        options.startupHold().toMillis());
        clock.followLive(options.followLivePartitions());
        return clock;
    }

    /**
     * Whether a live partition that goes quiet follows the clock instead of holding event time at
     * its newest event until the idle timeout ({@link PartitionWatermarks}); set before {@link
     * #open}.
     */
    void followLive(boolean follow) {
        this.followLive = follow;
    }

    long maxSkewMillis() {
        return maxSkewMillis;
    }

    /** Restores each partition's newest event time from the state named {@code stateName}. */
    void initializeState(OperatorStateStore store, boolean restored, String stateName)
            throws Exception {
        // Split state: Kafka partitions stay with their subtask at an unchanged parallelism, and
        // after a rescale a partition this subtask no longer reads only holds it back until idle.
        partitionState =
                store.getListState(
                        new ListStateDescriptor<>(
                                stateName, TypeInformation.of(PartitionTime.class)));
        restoredPartitions = new ArrayList<>();
        if (restored) {
            partitionState.get().forEach(restoredPartitions::add);
        }
    }

    void snapshotState() throws Exception {
        List<PartitionTime> out = new ArrayList<>();
        for (PartitionWatermarks.Partition p : watermarks.partitions()) {
            if (p.maxTimestamp != Long.MIN_VALUE) {
                out.add(new PartitionTime(p.topic, p.partition, p.maxTimestamp));
            }
        }
        partitionState.update(out);
    }

    /**
     * Starts the clock, which then ticks every {@code autoWatermarkInterval} of processing time.
     *
     * @param output where the watermarks and watermark statuses go
     * @param io the task's metrics, whose back-pressure notices pause the activity clock
     */
    void open(
            Output<?> output,
            ProcessingTimeService time,
            TaskIOMetricGroup io,
            MetricGroup metrics,
            long autoWatermarkInterval) {
        // Both jobs' first operator after the source runs in every slot a job has: through it
        // each TaskManager's reporter finds the job's engine meters (docs/metrics.md).
        org.socengine.jobs.internal.ExportedRegistry.register(metrics);
        this.output = output;
        this.time = time;
        this.io = io;
        activity = new PausableRelativeClock(time.getClock());
        io.registerBackPressureListener(activity);
        activityNow = activity.relativeTimeMillis();
        tickNow = time.getCurrentProcessingTime();
        lastObservedAt = tickNow;
        quietEmitted = Long.MIN_VALUE;
        watermarks =
                new PartitionWatermarks(
                        latenessMillis, idleMillis, maxSkewMillis, tickNow, startupHoldMillis);
        if (followLive) {
            watermarks.followLive();
        }
        for (PartitionTime p :
                restoredPartitions == null ? List.<PartitionTime>of() : restoredPartitions) {
            watermarks.restore(p.topic(), p.partition(), p.maxTimestamp(), activityNow);
        }
        metrics.gauge(
                "wrongClockPartitions",
                () ->
                        watermarks.wrongClockPartitions(
                                time.getCurrentProcessingTime(), activity.relativeTimeMillis()));
        metrics.gauge(
                "currentEventTimeWatermark", () -> Math.max(watermarks.watermark(), quietEmitted));
        interval = autoWatermarkInterval;
        if (interval > 0) {
            time.registerTimer(time.getCurrentProcessingTime() + interval, this);
        }
    }

    void close() {
        if (activity != null) {
            io.unregisterBackPressureListener(activity);
        }
    }

    /**
     * A record of this partition has this event time.
     *
     * @param kafkaTimestamp the record's Kafka timestamp, or 0 or less when it has none
     */
    void observe(String topic, int partition, long eventTime, long kafkaTimestamp) {
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
     * The periodic tick: reads the clocks and emits what the partitions allow.
     *
     * <p>A tick that comes a stall's time later than due, on the clock that stands still under
     * backpressure, found the task's thread held up: since the decode step chains with the
     * detector, a busy detector no longer backpressures it but keeps it from reading. The time is
     * no partition's idle time and lengthens the start-up hold ({@link
     * PartitionWatermarks#stalled}). A thread that waits for records fires its ticks on time, and
     * one that keeps up with them late by an event's work at most. (Tests of the clock's idle times
     * advance processing time a tick at a time for this reason.)
     */
    @Override
    public void onProcessingTime(long timestamp) {
        long active = activity.relativeTimeMillis();
        // activityNow is still the last tick's reading.
        long late = active - activityNow - interval;
        if (late >= STALL_MILLIS) {
            watermarks.stalled(late);
        }
        activityNow = active;
        tickNow = time.getCurrentProcessingTime();
        emitWatermark(tickNow, activityNow);
        time.registerTimer(tickNow + interval, this);
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

    /** An upstream watermark: only the end of a bounded input passes. */
    void processWatermark(Watermark mark) {
        // The end of a bounded input: everything is in, every window may close.
        if (mark.getTimestamp() == Long.MAX_VALUE) {
            // One last tick first: the input may end before the periodic timer has sent the
            // event time its last records reached, and a consumer that does not take the end of
            // input as event time (the escalation's tier deadlines) must still see that time.
            emitWatermark(
                    time.getCurrentProcessingTime(),
                    activity == null ? 0 : activity.relativeTimeMillis());
            active();
            output.emitWatermark(mark);
        }
    }
}
