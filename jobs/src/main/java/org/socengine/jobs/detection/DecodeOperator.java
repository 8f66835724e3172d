package org.socengine.jobs.detection;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
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
 * watermark step after decoding that would see one stream ({@link PartitionTimedOperator}: emitted
 * every auto-watermark interval; an upstream watermark is ignored except the final one).
 */
public final class DecodeOperator extends PartitionTimedOperator<RawRecord, SecurityEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final RecordDecoder decoder;
    private boolean followLive = true;

    private transient Map<String, SourceCounters> counters;
    private transient DecodeMetrics decodeMetrics;
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
    }

    public static DecodeOperator of(RecordDecoder decoder, DetectionJobOptions options) {
        DecodeOperator op =
                new DecodeOperator(
                        decoder,
                        options.allowedLateness(),
                        options.idleness(),
                        options.maxClockSkew(),
                        options.startupHold());
        op.followLive = options.followLivePartitions();
        return op;
    }

    @Override
    public void open() throws Exception {
        super.open();
        counters = new HashMap<>();
        decodeMetrics = DecodeMetrics.of(SocMetrics.registry());
        reuse = new StreamRecord<>(null);
        if (decoder.assets() != null) {
            // The inventory file is read again when it changes: an asset added or re-rated
            // counts from then on, without a restart (a broken edit keeps the previous one).
            decoder.assets().watch(ASSET_POLL_MILLIS);
        }
    }

    /**
     * A quiet source read live must not hold every alert of the subtask back until the idle
     * timeout: on-time events reach Esper the allowed lateness after they happen, not up to half a
     * minute later.
     */
    @Override
    protected boolean followsLivePartitions() {
        return followLive;
    }

    /** How often the asset inventory file is checked for changes. */
    static final long ASSET_POLL_MILLIS = 5_000;

    @Override
    public void close() throws Exception {
        if (decoder.assets() != null) {
            decoder.assets().stopWatching();
        }
        super.close();
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
            if (aheadOfItsRecord(e.timestamp, record.kafkaTimestamp)) {
                retime(e, record.kafkaTimestamp);
                c.retimed.inc();
            }
            observe(record.topic, record.partition, e.timestamp, record.kafkaTimestamp);
            output.collect(reuse.replace(e, e.timestamp));
        } else if (o.deadLetter() != null) {
            c.deadLettered.inc();
            c.reason(o.deadLetter().reasonCode).inc();
            output.collect(DEAD_LETTERS, new StreamRecord<>(o.deadLetter()));
        } else {
            c.skipped.inc();
        }
    }

    /**
     * Stamped further ahead of its own Kafka record than the clock skew allows: the device's clock
     * runs fast (or its time zone is missing). Nothing is logged after it was sent, so the time is
     * wrong, and the event would otherwise wait in the detector, in memory and in every checkpoint,
     * until event time reached it, hours or years later.
     */
    private boolean aheadOfItsRecord(long eventTime, long kafkaTimestamp) {
        long maxSkew = maxSkewMillis();
        // eventTime > kafkaTimestamp > 0 first: the difference then cannot wrap, whatever time
        // a decoder read (Long.MIN_VALUE minus a Kafka time would come out hugely positive).
        return maxSkew > 0
                && kafkaTimestamp > 0
                && eventTime > kafkaTimestamp
                && eventTime - kafkaTimestamp > maxSkew;
    }

    /**
     * The event takes its record's time, as a log indexer takes the index time for an event stamped
     * too far in the future; the device's own time stays in {@link #DEVICE_TIME}.
     */
    private static void retime(SecurityEvent e, long kafkaTimestamp) {
        e.field(DEVICE_TIME, org.socengine.model.Timestamps.format(e.timestamp));
        e.timestamp = kafkaTimestamp;
    }

    /** The time an event's device gave it, when the event was re-timed (ISO-8601, UTC). */
    public static final String DEVICE_TIME = "soc.device_time";

    /** Flink's counters of one source, looked up once: a record costs one lookup. */
    private final class SourceCounters {
        final org.apache.flink.metrics.MetricGroup group;
        final Counter received;
        final Counter decoded;
        final Counter deadLettered;
        final Counter skipped;
        final Counter retimed;
        final Map<String, Counter> reasons = new HashMap<>();

        SourceCounters(String source) {
            group = getMetricGroup().addGroup("source", source);
            received = group.counter("received");
            decoded = group.counter("decoded");
            deadLettered = group.counter("deadLettered");
            skipped = group.counter("skipped");
            retimed = group.counter("retimedAhead");
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
