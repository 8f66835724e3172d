package org.socengine.jobs.detection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.util.PausableRelativeClock;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.DecodeMetrics;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.jobs.internal.SocMetrics;
import org.socengine.model.SecurityEvent;

/**
 * Decodes raw records into events and gives them event time, tracked per Kafka partition ({@link
 * PartitionWatermarks}). A record that cannot be decoded leaves on the dead-letter side output with
 * its reason and origin. Counts received, decoded, dead-lettered (by reason) and skipped records
 * per source, so that received = decoded + dead-lettered + skipped can be checked.
 *
 * <p>Event time is assigned here, where each record's partition is still known, rather than in a
 * watermark step after decoding that would see one stream. Watermarks are emitted every
 * auto-watermark interval; an upstream watermark is ignored except the final one (end of input).
 */
public final class DecodeOperator extends AbstractStreamOperator<SecurityEvent>
        implements OneInputStreamOperator<RawRecord, SecurityEvent>, ProcessingTimeCallback {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DecodeOperator.class);

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final RecordDecoder decoder;
    private final long latenessMillis;
    private final long idleMillis;
    private final long maxSkewMillis;

    private transient Map<String, SourceCounters> counters;
    private transient DecodeMetrics decodeMetrics;
    private transient PartitionWatermarks watermarks;
    private transient StreamRecord<SecurityEvent> reuse;
    private transient long interval;
    private transient boolean idle;

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
     * @param allowedLateness how far a partition's watermark trails its newest event
     * @param idleness after how long an idle or wrong-clock partition stops holding the others
     * @param maxClockSkew how far an event's time may be from its Kafka timestamp before its
     *     partition counts as having a wrong clock; zero turns the check off
     */
    public DecodeOperator(
            RecordDecoder decoder,
            Duration allowedLateness,
            Duration idleness,
            Duration maxClockSkew) {
        this.decoder = decoder;
        this.latenessMillis = allowedLateness.toMillis();
        this.idleMillis = idleness.toMillis();
        this.maxSkewMillis = maxClockSkew.toMillis();
    }

    public static DecodeOperator of(RecordDecoder decoder, DetectionJobOptions options) {
        return new DecodeOperator(
                decoder, options.allowedLateness(), options.idleness(), options.maxClockSkew());
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
                                        "partition-event-time",
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
        counters = new HashMap<>();
        decodeMetrics = DecodeMetrics.of(SocMetrics.registry());
        reuse = new StreamRecord<>(null);
        activity = new PausableRelativeClock(getProcessingTimeService().getClock());
        ioMetrics().registerBackPressureListener(activity);
        activityNow = activity.relativeTimeMillis();
        tickNow = getProcessingTimeService().getCurrentProcessingTime();
        watermarks = new PartitionWatermarks(latenessMillis, idleMillis, maxSkewMillis, tickNow);
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
        getMetricGroup().gauge("currentEventTimeWatermark", () -> watermarks.watermark());
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
    public void processElement(StreamRecord<RawRecord> element) {
        RawRecord record = element.getValue();
        String source = record.source == null ? "unknown" : record.source;
        SourceCounters c = counters(source);
        c.received.inc();
        RecordDecoder.Outcome o =
                decoder.decode(record, getProcessingTimeService().getCurrentProcessingTime());
        decodeMetrics.record(record, o);
        if (o.event() != null) {
            c.decoded.inc();
            SecurityEvent e = o.event();
            e.ingested = record.kafkaTimestamp;
            watermarks.onEvent(
                    record.topic,
                    record.partition,
                    e.timestamp,
                    record.kafkaTimestamp,
                    tickNow,
                    activityNow);
            output.collect(reuse.replace(e, e.timestamp));
        } else if (o.deadLetter() != null) {
            c.deadLettered.inc();
            c.reason(o.deadLetter().reasonCode).inc();
            output.collect(DEAD_LETTERS, new StreamRecord<>(o.deadLetter()));
        } else {
            c.skipped.inc();
        }
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
        if (p.idle()) {
            if (!idle) {
                idle = true;
                output.emitWatermarkStatus(WatermarkStatus.IDLE);
            }
            return;
        }
        if (idle) {
            idle = false;
            output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
        }
        if (p.moved()) {
            output.emitWatermark(new Watermark(p.watermark()));
        }
    }

    @Override
    public void processWatermark(Watermark mark) {
        // The end of a bounded input: everything is in, every window may close.
        if (mark.getTimestamp() == Long.MAX_VALUE) {
            if (idle) {
                idle = false;
                output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
            }
            output.emitWatermark(mark);
        }
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        // Idleness is decided here, per partition, not by the source.
    }

    /** Flink's counters of one source, looked up once: a record costs one lookup. */
    private final class SourceCounters {
        final org.apache.flink.metrics.MetricGroup group;
        final Counter received;
        final Counter decoded;
        final Counter deadLettered;
        final Counter skipped;
        final Map<String, Counter> reasons = new HashMap<>();

        SourceCounters(String source) {
            group = getMetricGroup().addGroup("source", source);
            received = group.counter("received");
            decoded = group.counter("decoded");
            deadLettered = group.counter("deadLettered");
            skipped = group.counter("skipped");
        }

        Counter reason(String code) {
            return reasons.computeIfAbsent(code, r -> group.counter("deadLettered." + r));
        }
    }

    private SourceCounters counters(String source) {
        SourceCounters c = counters.get(source);
        if (c == null) {
            c = new SourceCounters(source);
            counters.put(source, c);
        }
        return c;
    }
}
