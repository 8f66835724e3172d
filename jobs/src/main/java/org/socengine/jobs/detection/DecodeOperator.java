package org.socengine.jobs.detection;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.model.SecurityEvent;

/**
 * Decodes raw records into events and gives them event time, tracked per Kafka partition ({@link
 * PartitionWatermarks}). A record that cannot be decoded leaves on the dead-letter side output with
 * its reason and origin. Counts received, decoded, dead-lettered (by reason) and skipped records
 * per source, so that received = decoded + dead-lettered + skipped can be checked.
 *
 * <p>Event time is assigned here, where each record's partition is still known, rather than in a
 * watermark step after decoding that would see one stream ({@link PartitionTimedOperator}: emitted
 * every auto-watermark interval; an upstream watermark is ignored except the final one).
 */
public final class DecodeOperator extends PartitionTimedOperator<RawRecord, SecurityEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final RecordDecoder decoder;

    private transient DecodeStep step;
    private transient StreamRecord<SecurityEvent> reuse;

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
        this(
                decoder,
                allowedLateness,
                idleness,
                maxClockSkew,
                Duration.ofMillis(PartitionWatermarks.STARTUP_HOLD_MILLIS));
    }

    /**
     * @param startupHold how long after the first event the watermark stays put while the
     *     partitions make themselves known
     */
    public DecodeOperator(
            RecordDecoder decoder,
            Duration allowedLateness,
            Duration idleness,
            Duration maxClockSkew,
            Duration startupHold) {
        super(
                allowedLateness.toMillis(),
                idleness.toMillis(),
                maxClockSkew.toMillis(),
                0,
                false,
                startupHold.toMillis());
        this.decoder = decoder;
        // As the job's default: a quiet source read live must not hold every alert of the subtask
        // back until the idle timeout; on-time events reach Esper the allowed lateness after they
        // happen, not up to half a minute later.
        followLivePartitions(true);
    }

    public static DecodeOperator of(RecordDecoder decoder, DetectionJobOptions options) {
        return new DecodeOperator(decoder, PartitionClock.ofDecodeStep(options));
    }

    private DecodeOperator(RecordDecoder decoder, PartitionClock clock) {
        super(clock);
        this.decoder = decoder;
    }

    @Override
    public void open() throws Exception {
        super.open();
        step =
                new DecodeStep(
                        decoder,
                        maxSkewMillis(),
                        this::observe,
                        d -> output.collect(DEAD_LETTERS, new StreamRecord<>(d)),
                        getMetricGroup());
        step.open();
        reuse = new StreamRecord<>(null);
    }

    @Override
    public void close() throws Exception {
        if (step != null) {
            step.close();
        }
        super.close();
    }

    @Override
    public void processElement(StreamRecord<RawRecord> element) {
        SecurityEvent e =
                step.decode(
                        element.getValue(), getProcessingTimeService().getCurrentProcessingTime());
        if (e != null) {
            output.collect(reuse.replace(e, e.timestamp));
        }
    }

    /** The time an event's device gave it, when the event was re-timed (ISO-8601, UTC). */
    public static final String DEVICE_TIME = "soc.device_time";
}
