package org.socengine.jobs.detection;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

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
        implements OneInputStreamOperator<IN, OUT> {

    private static final long serialVersionUID = 1L;

    private final PartitionClock clock;

    /** The partitions' event time in checkpoints, by default (the decode step's name). */
    static final String PARTITION_STATE = "partition-event-time";

    /**
     * A partition's event time in a checkpoint. Its name is in the checkpoints' serializer
     * snapshots: it stays here.
     */
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

    /** With a clock made elsewhere (the decode step's, from the job's options). */
    PartitionTimedOperator(PartitionClock clock) {
        this.clock = clock;
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
        this.clock =
                new PartitionClock(
                        latenessMillis,
                        idleMillis,
                        maxSkewMillis,
                        quietAdvanceMillis,
                        eventDriven,
                        startupHoldMillis);
    }

    /** How far an event's time may be from its Kafka timestamp; zero: no check. */
    protected final long maxSkewMillis() {
        return clock.maxSkewMillis();
    }

    /**
     * A record of this partition has this event time.
     *
     * @param kafkaTimestamp the record's Kafka timestamp, or 0 or less when it has none
     */
    protected final void observe(String topic, int partition, long eventTime, long kafkaTimestamp) {
        clock.observe(topic, partition, eventTime, kafkaTimestamp);
    }

    /**
     * Whether a live partition that goes quiet follows the clock instead of holding event time at
     * its newest event until the idle timeout ({@link PartitionWatermarks}); it holds unless told.
     */
    protected final void followLivePartitions(boolean follow) {
        clock.followLive(follow);
    }

    /** The state's name in checkpoints; kept as it was when the operator was first released. */
    protected String partitionStateName() {
        return PARTITION_STATE;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        clock.initializeState(
                context.getOperatorStateStore(), context.isRestored(), partitionStateName());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        clock.snapshotState();
    }

    @Override
    public void open() throws Exception {
        super.open();
        clock.open(
                output,
                getProcessingTimeService(),
                getContainingTask().getEnvironment().getMetricGroup().getIOMetricGroup(),
                getMetricGroup(),
                getExecutionConfig().getAutoWatermarkInterval());
    }

    @Override
    public void close() throws Exception {
        clock.close();
        super.close();
    }

    @Override
    public void processWatermark(Watermark mark) {
        clock.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        // Idleness is decided here, per partition, not by the source.
    }
}
