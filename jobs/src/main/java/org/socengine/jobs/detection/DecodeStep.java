package org.socengine.jobs.detection;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.DecodeMetrics;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.jobs.internal.SocMetrics;
import org.socengine.model.SecurityEvent;

/**
 * The detection job's decode step, record by record: decodes, counts (received = decoded +
 * dead-lettered + skipped, per source), re-times an event stamped too far ahead of its Kafka record
 * and tells the partition clock each event's time. Shared by the one-input {@link DecodeOperator}
 * (replays) and the running job's {@link DecodeWithControlsOperator}, so both decode alike.
 */
final class DecodeStep {

    /** How often the asset inventory file is checked for changes. */
    static final long ASSET_POLL_MILLIS = 5_000;

    /** The partition clock's side of the step: a record of this partition has this event time. */
    interface Observer {
        void observe(String topic, int partition, long eventTime, long kafkaTimestamp);
    }

    private final RecordDecoder decoder;
    private final long maxSkewMillis;
    private final Observer observer;
    private final Consumer<DeadLetter> deadLetters;
    private final MetricGroup metrics;
    private final Map<String, SourceCounters> counters = new HashMap<>();
    private DecodeMetrics decodeMetrics;

    DecodeStep(
            RecordDecoder decoder,
            long maxSkewMillis,
            Observer observer,
            Consumer<DeadLetter> deadLetters,
            MetricGroup metrics) {
        this.decoder = decoder;
        this.maxSkewMillis = maxSkewMillis;
        this.observer = observer;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    void open() {
        decodeMetrics = DecodeMetrics.of(SocMetrics.registry());
        if (decoder.assets() != null) {
            // The inventory file is read again when it changes: an asset added or re-rated
            // counts from then on, without a restart (a broken edit keeps the previous one).
            decoder.assets().watch(ASSET_POLL_MILLIS);
        }
    }

    void close() {
        if (decoder.assets() != null) {
            decoder.assets().stopWatching();
        }
    }

    /**
     * The record's event, or null when it is dead-lettered (given to the dead-letter consumer) or
     * skipped.
     *
     * @param now processing time
     */
    SecurityEvent decode(RawRecord record, long now) {
        String source = record.source == null ? "unknown" : record.source;
        SourceCounters c = counters(source);
        c.received.inc();
        RecordDecoder.Outcome o = decoder.decode(record, now);
        decodeMetrics.record(record, o);
        if (o.event() != null) {
            c.decoded.inc();
            SecurityEvent e = o.event();
            e.ingested = record.kafkaTimestamp;
            if (aheadOfItsRecord(e.timestamp, record.kafkaTimestamp)) {
                retime(e, record.kafkaTimestamp);
                c.retimed.inc();
            }
            observer.observe(record.topic, record.partition, e.timestamp, record.kafkaTimestamp);
            return e;
        }
        if (o.deadLetter() != null) {
            c.deadLettered.inc();
            c.reason(o.deadLetter().reasonCode).inc();
            deadLetters.accept(o.deadLetter());
        } else {
            c.skipped.inc();
        }
        return null;
    }

    /**
     * Stamped further ahead of its own Kafka record than the clock skew allows: the device's clock
     * runs fast (or its time zone is missing). Nothing is logged after it was sent, so the time is
     * wrong, and the event would otherwise wait in the detector, in memory and in every checkpoint,
     * until event time reached it, hours or years later.
     */
    private boolean aheadOfItsRecord(long eventTime, long kafkaTimestamp) {
        // eventTime > kafkaTimestamp > 0 first: the difference then cannot wrap, whatever time
        // a decoder read (Long.MIN_VALUE minus a Kafka time would come out hugely positive).
        return maxSkewMillis > 0
                && kafkaTimestamp > 0
                && eventTime > kafkaTimestamp
                && eventTime - kafkaTimestamp > maxSkewMillis;
    }

    /**
     * The event takes its record's time, as a log indexer takes the index time for an event stamped
     * too far in the future; the device's own time stays in {@link DecodeOperator#DEVICE_TIME}.
     */
    private static void retime(SecurityEvent e, long kafkaTimestamp) {
        e.field(DecodeOperator.DEVICE_TIME, org.socengine.model.Timestamps.format(e.timestamp));
        e.timestamp = kafkaTimestamp;
    }

    /** Flink's counters of one source, looked up once: a record costs one lookup. */
    private final class SourceCounters {
        final MetricGroup group;
        final Counter received;
        final Counter decoded;
        final Counter deadLettered;
        final Counter skipped;
        final Counter retimed;
        final Map<String, Counter> reasons = new HashMap<>();

        SourceCounters(String source) {
            group = metrics.addGroup("source", source);
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
