package org.socengine.jobs.detection;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.socengine.connectors.decode.RawRecord;
import org.socengine.connectors.decode.RecordDecoder;

/**
 * Event time assigned in the Kafka source, per partition: the record is decoded there (the decode
 * step after the source reuses the outcome) and each partition gets its own bounded-out-of-order
 * watermark; the source's watermark is the least of its partitions'.
 *
 * <p>Why: with one watermark after decoding, a reader that is ahead on one topic (a backlog after a
 * restart, a replay, a benchmark: a fetch of a quiet topic spans minutes of its event time) pushed
 * the watermark past the other topics' events, which then arrived late and could miss their
 * windows. Three identical benchmark runs raised 2,811 to 2,901 alerts that way.
 *
 * <p>A record without event time (dead-lettered, skipped) does not move its partition's watermark,
 * and a partition that has had no event with a time for the idle timeout stops holding the others
 * back, even if it keeps receiving records that do not decode.
 */
public final class SourceEventTime {

    private SourceEventTime() {}

    public static WatermarkStrategy<RawRecord> strategy(
            RecordDecoder decoder, Duration allowedLateness, Duration idleness) {
        long lateness = allowedLateness.toMillis();
        long idleMillis = idleness.toMillis();
        return new WatermarkStrategy<>() {
            @Override
            public WatermarkGenerator<RawRecord> createWatermarkGenerator(
                    WatermarkGeneratorSupplier.Context context) {
                return new Generator(lateness, idleMillis, System::currentTimeMillis);
            }

            @Override
            public TimestampAssigner<RawRecord> createTimestampAssigner(
                    TimestampAssignerSupplier.Context context) {
                return (record, kafkaTimestamp) -> timestampOf(decoder, record);
            }
        };
    }

    /** Decodes the record (once) and returns its event time, or Long.MIN_VALUE when it has none. */
    static long timestampOf(RecordDecoder decoder, RawRecord record) {
        RecordDecoder.Outcome o = decoder.decode(record, System.currentTimeMillis());
        record.decoded = o;
        return o.event() != null ? o.event().timestamp : Long.MIN_VALUE;
    }

    /** Bounded out-of-orderness over the records that have an event time, with idleness. */
    static final class Generator implements WatermarkGenerator<RawRecord> {
        private final long lateness;
        private final long idleMillis;
        private final LongSupplier clock;
        private long maxTimestamp = Long.MIN_VALUE;
        private long lastTimedAt = Long.MIN_VALUE;

        Generator(long lateness, long idleMillis, LongSupplier clock) {
            this.lateness = lateness;
            this.idleMillis = idleMillis;
            this.clock = clock;
        }

        @Override
        public void onEvent(RawRecord record, long timestamp, WatermarkOutput output) {
            if (timestamp != Long.MIN_VALUE) {
                maxTimestamp = Math.max(maxTimestamp, timestamp);
                lastTimedAt = clock.getAsLong();
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            long now = clock.getAsLong();
            if (lastTimedAt == Long.MIN_VALUE || now - lastTimedAt > idleMillis) {
                if (lastTimedAt == Long.MIN_VALUE) {
                    lastTimedAt = now;
                } else {
                    output.markIdle();
                    return;
                }
            }
            if (maxTimestamp != Long.MIN_VALUE) {
                output.emitWatermark(new Watermark(maxTimestamp - lateness - 1));
            }
        }
    }
}
