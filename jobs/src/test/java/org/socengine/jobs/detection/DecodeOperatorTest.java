package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SecurityEvent;

class DecodeOperatorTest {

    private static final long T0 = Instant.parse("2026-11-25T08:00:00Z").toEpochMilli();

    private static OneInputStreamOperatorTestHarness<RawRecord, SecurityEvent> harness()
            throws Exception {
        return harness(null);
    }

    private static OneInputStreamOperatorTestHarness<RawRecord, SecurityEvent> harness(
            org.apache.flink.runtime.checkpoint.OperatorSubtaskState restored) throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        new DecodeOperator(
                                new RecordDecoder(
                                        DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(30),
                                Duration.ofHours(1)));
        h.getExecutionConfig().setAutoWatermarkInterval(200);
        h.setProcessingTime(0);
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    /** An sshd failure from the Department of Health's portal, at t0 + the given seconds. */
    private static RawRecord line(String topic, int partition, long seconds) {
        String ts = Instant.ofEpochMilli(T0 + seconds * 1000).toString();
        RawRecord r =
                RawRecord.of(
                        "syslog",
                        "<38>1 "
                                + ts
                                + " yt-portal-01 sshd 42 - - Failed password for root from"
                                + " 203.0.113.5 port 40001 ssh2");
        r.topic = topic;
        r.partition = partition;
        r.kafkaTimestamp = T0 + seconds * 1000;
        r.key = "so-y-te";
        return r;
    }

    private static List<Long> watermarks(OneInputStreamOperatorTestHarness<?, ?> h) {
        return h.getOutput().stream()
                .filter(o -> o instanceof Watermark)
                .map(o -> ((Watermark) o).getTimestamp())
                .collect(Collectors.toList());
    }

    @Test
    void eventsCarryTheirEventTimeAndBadRecordsLeaveAsDeadLetters() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(line("soc.raw.syslog", 0, 1)));
            h.processElement(new StreamRecord<>(RawRecord.of("syslog", "not syslog at all")));
            List<StreamRecord<? extends SecurityEvent>> events = h.extractOutputStreamRecords();
            assertThat(events).hasSize(1);
            assertThat(events.get(0).getTimestamp()).isEqualTo(T0 + 1000);
            assertThat(events.get(0).getValue().timestamp).isEqualTo(T0 + 1000);
            assertThat(h.getSideOutput(DecodeOperator.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(d -> assertThat(d.getValue().reason).isNotBlank());
        }
    }

    /**
     * A device whose clock runs hours ahead (or that logs local time, UTC+7, without a zone): an
     * event stamped more than the clock skew (1 h) after its own Kafka record was appended takes
     * the record's time and keeps the device's in {@code soc.device_time}, so it does not wait in
     * the detector for hours. Within the skew, behind its record, or without a Kafka time (a file
     * replay) an event keeps its own time.
     */
    @Test
    void anEventStampedHoursAheadOfItsRecordTakesTheRecordsTime() throws Exception {
        try (var h = harness()) {
            RawRecord ahead = line("soc.raw.syslog", 0, 7 * 3600);
            ahead.kafkaTimestamp = T0;
            RawRecord withinSkew = line("soc.raw.syslog", 0, 3000);
            withinSkew.kafkaTimestamp = T0;
            RawRecord behind = line("soc.raw.syslog", 0, 0);
            behind.kafkaTimestamp = T0 + 7 * 3600 * 1000L;
            RawRecord fromAFile = line("soc.raw.syslog", 0, 7 * 3600);
            fromAFile.kafkaTimestamp = 0;
            for (RawRecord r : List.of(ahead, withinSkew, behind, fromAFile)) {
                h.processElement(new StreamRecord<>(r));
            }
            List<StreamRecord<? extends SecurityEvent>> events = h.extractOutputStreamRecords();
            assertThat(events).hasSize(4);
            SecurityEvent retimed = events.get(0).getValue();
            assertThat(retimed.timestamp).isEqualTo(T0);
            assertThat(events.get(0).getTimestamp()).isEqualTo(T0);
            assertThat(retimed.fields)
                    .containsEntry(DecodeOperator.DEVICE_TIME, "2026-11-25T15:00:00Z");
            assertThat(events.get(1).getValue().timestamp).isEqualTo(T0 + 3000 * 1000L);
            assertThat(events.get(2).getValue().timestamp).isEqualTo(T0);
            assertThat(events.get(3).getValue().timestamp).isEqualTo(T0 + 7 * 3600 * 1000L);
            for (int i = 1; i < 4; i++) {
                var f = events.get(i).getValue().fields;
                assertThat(f == null ? java.util.Map.of() : f)
                        .doesNotContainKey(DecodeOperator.DEVICE_TIME);
            }
        }
    }

    /**
     * A replay's input is one partition known from its first record ({@code ./soc detect} sets no
     * hold): its watermark follows from the first tick, where a Kafka job's waits two seconds for
     * partitions that have not answered yet.
     */
    @Test
    void withoutAStartUpHoldTheFirstTickEmitsTheWatermark() throws Exception {
        var held = harness();
        var replay =
                new OneInputStreamOperatorTestHarness<>(
                        DecodeOperator.of(
                                new RecordDecoder(
                                        DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                                DetectionJobOptions.defaults().withStartupHold(Duration.ZERO)));
        replay.getExecutionConfig().setAutoWatermarkInterval(200);
        replay.setProcessingTime(0);
        replay.open();
        try (held;
                replay) {
            for (var h : List.of(held, replay)) {
                h.processElement(new StreamRecord<>(line("soc.raw.syslog", 0, 10)));
                HarnessTime.passTo(h, 200);
            }
            assertThat(watermarks(held)).isEmpty();
            assertThat(watermarks(replay)).containsExactly(T0 + 10_000 - 5_000 - 1);
            HarnessTime.passTo(held, 2_200);
            assertThat(watermarks(held)).containsExactly(T0 + 10_000 - 5_000 - 1);
        }
    }

    /**
     * A tick that comes 25 s late found the thread held up by something other than reading (a
     * thousand rules' windows at a watermark, a checkpoint of the chained detector): no partition
     * was idle meanwhile. Idle time is what the thread could have read in.
     */
    @Test
    void aTickThatComesLateIsNoPartitionsIdleTime() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(line("soc.raw.syslog.so-yt", 0, 600)));
            h.processElement(new StreamRecord<>(line("soc.raw.syslog.so-tc", 0, 10)));
            HarnessTime.passTo(h, 20_000);
            h.processElement(new StreamRecord<>(line("soc.raw.syslog.so-yt", 0, 700)));
            // 25 s without a tick: so-tc's 30 s of silence would be up, but the thread was held.
            h.setProcessingTime(45_000);
            assertThat(watermarks(h)).containsExactly(T0 + 10_000 - 5_000 - 1);
            HarnessTime.passTo(h, 60_000);
            assertThat(watermarks(h))
                    .containsExactly(T0 + 10_000 - 5_000 - 1, T0 + 700_000 - 5_000 - 1);
        }
    }

    @Test
    void theWatermarkWaitsForTheSlowestPartition() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(line("soc.raw.syslog.so-yt", 0, 600)));
            h.processElement(new StreamRecord<>(line("soc.raw.syslog.so-tc", 0, 10)));
            HarnessTime.passTo(h, 30_000);
            assertThat(watermarks(h)).containsExactly(T0 + 10_000 - 5_000 - 1);
            h.processElement(new StreamRecord<>(line("soc.raw.syslog.so-tc", 0, 700)));
            h.processElement(new StreamRecord<>(line("soc.raw.syslog.so-yt", 0, 610)));
            HarnessTime.passTo(h, 30_200);
            assertThat(watermarks(h)).last().isEqualTo(T0 + 610_000 - 5_000 - 1);
        }
    }

    @Test
    void aRestoredSubtaskHoldsTheWatermarkForThePartitionsItHadBeforeTheyAnswer() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(line("soc.raw.syslog.so-yt", 0, 600)));
            h.processElement(new StreamRecord<>(line("soc.raw.syslog.so-tc", 0, 10)));
            HarnessTime.passTo(h, 30_000);
            assertThat(watermarks(h)).containsExactly(T0 + 10_000 - 5_000 - 1);
            snapshot = h.snapshot(1, 30_000);
        }
        try (var h = harness(snapshot)) {
            // The busy partition answers first after the restore; the quiet one's replayed records
            // are still to come, so the watermark stays where the quiet one left it.
            h.processElement(new StreamRecord<>(line("soc.raw.syslog.so-yt", 0, 620)));
            HarnessTime.passTo(h, 10_000);
            assertThat(watermarks(h)).allMatch(w -> w <= T0 + 10_000 - 5_000 - 1);
            h.processElement(new StreamRecord<>(line("soc.raw.syslog.so-tc", 0, 12)));
            HarnessTime.passTo(h, 10_200);
            assertThat(h.extractOutputStreamRecords()).hasSize(2);
            assertThat(watermarks(h)).last().isEqualTo(T0 + 12_000 - 5_000 - 1);
        }
    }

    @Test
    void idleWhenNoPartitionHasEventsAndActiveAgainOnTheNext() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(line("soc.raw.syslog", 0, 1)));
            HarnessTime.passTo(h, 30_000);
            HarnessTime.passTo(h, 60_200);
            assertThat(h.getOutput()).contains(WatermarkStatus.IDLE);
            h.processElement(new StreamRecord<>(line("soc.raw.syslog", 0, 100)));
            HarnessTime.passTo(h, 60_400);
            assertThat(h.getOutput()).contains(WatermarkStatus.ACTIVE);
            assertThat(watermarks(h)).last().isEqualTo(T0 + 100_000 - 5_000 - 1);
        }
    }

    @Test
    void theEndOfABoundedInputIsPassedOnAndOtherUpstreamWatermarksAreNot() throws Exception {
        try (var h = harness()) {
            h.processWatermark(new Watermark(T0));
            assertThat(watermarks(h)).isEmpty();
            h.processWatermark(Watermark.MAX_WATERMARK);
            assertThat(watermarks(h)).containsExactly(Long.MAX_VALUE);
        }
    }
}
