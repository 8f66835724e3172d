package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.DecoderOptions;
import org.socengine.connectors.decode.RawRecord;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.enrich.DepartmentDirectory;

/** Event time per Kafka partition, assigned in the source. */
class SourceEventTimeTest {

    private static final RecordDecoder DECODER =
            new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults());

    /** What a partition's generator said, in order. */
    private static final class Recorded implements WatermarkOutput {
        final List<Object> said = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            said.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            said.add("idle");
        }

        @Override
        public void markActive() {
            said.add("active");
        }
    }

    private static RawRecord syslog(String line) {
        RawRecord r = new RawRecord();
        r.topic = "soc.raw.syslog";
        r.source = "syslog";
        r.value = line.getBytes(StandardCharsets.UTF_8);
        return r;
    }

    @Test
    void theSourceDecodesOnceAndTheDecodeStepReusesIt() {
        RawRecord r =
                syslog(
                        "<38>1 2026-11-24T08:00:05Z web01 sshd 811 - - Failed password for root"
                                + " from 203.0.113.9 port 50222 ssh2");
        long t = SourceEventTime.timestampOf(DECODER, r);
        assertThat(r.decoded).isNotNull();
        assertThat(r.decoded.event()).isNotNull();
        assertThat(t).isEqualTo(r.decoded.event().timestamp);
    }

    @Test
    void aRecordThatDoesNotDecodeHasNoEventTime() {
        RawRecord r = syslog("\u0000\u0001 not syslog at all");
        assertThat(SourceEventTime.timestampOf(DECODER, r)).isEqualTo(Long.MIN_VALUE);
        assertThat(r.decoded.event()).isNull();
    }

    @Test
    void recordsWithoutEventTimeNeitherMoveNorHoldThePartitionsWatermark() {
        AtomicLong now = new AtomicLong(1_000);
        SourceEventTime.Generator g = new SourceEventTime.Generator(5_000, 30_000, now::get);
        Recorded out = new Recorded();
        g.onEvent(null, 100_000, out);
        g.onEvent(null, Long.MIN_VALUE, out);
        g.onPeriodicEmit(out);
        assertThat(out.said).containsExactly(100_000L - 5_000 - 1);

        // Only undecodable records for longer than the idle timeout: the partition steps aside
        // instead of holding every other partition's events back.
        now.addAndGet(31_000);
        g.onEvent(null, Long.MIN_VALUE, out);
        g.onPeriodicEmit(out);
        assertThat(out.said).last().isEqualTo("idle");

        // An event with a time makes it count again.
        g.onEvent(null, 120_000, out);
        g.onPeriodicEmit(out);
        assertThat(out.said).last().isEqualTo(120_000L - 5_000 - 1);
    }

    @Test
    void aPartitionThatNeverHadAnEventGoesIdleAfterTheTimeout() {
        AtomicLong now = new AtomicLong(0);
        SourceEventTime.Generator g = new SourceEventTime.Generator(5_000, 30_000, now::get);
        Recorded out = new Recorded();
        g.onPeriodicEmit(out);
        assertThat(out.said).isEmpty();
        now.set(30_001);
        g.onPeriodicEmit(out);
        assertThat(out.said).containsExactly("idle");
    }
}
