package org.socengine.jobs.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.jobs.detection.HarnessTime;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;
import org.socengine.model.SocTopics;

/**
 * Event time of {@code soc.alerts} per partition: a partition that is behind holds escalation back
 * instead of having its alerts come late, one that went quiet stops holding the others after the
 * idle timeout, and a restore knows the partitions from the checkpoint.
 */
class AlertReaderTest {

    static final long T0 = IncidentCorrelatorTest.T0;
    static final long MIN = IncidentCorrelatorTest.MIN;
    static final Duration DISORDER = Duration.ofSeconds(10);
    static final Duration IDLE = Duration.ofMinutes(1);

    static OneInputStreamOperatorTestHarness<RawRecord, Alert> harness(
            OperatorSubtaskState restore, Duration quietAdvance) throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        new AlertReader(DISORDER, IDLE, quietAdvance));
        h.getExecutionConfig().setAutoWatermarkInterval(200);
        h.setProcessingTime(0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static int seq;

    static RawRecord record(int partition, long t) {
        Alert a =
                IncidentCorrelatorTest.alert(
                        "so-yt", "host.name", "h" + partition, "r" + seq++, "high", 50, t);
        RawRecord r = new RawRecord();
        r.topic = SocTopics.ALERTS;
        r.partition = partition;
        r.offset = seq;
        r.kafkaTimestamp = t;
        r.value = AlertJson.toJson(a).getBytes(StandardCharsets.UTF_8);
        return r;
    }

    static List<Long> watermarks(OneInputStreamOperatorTestHarness<?, ?> h) {
        return h.getOutput().stream()
                .filter(o -> o instanceof Watermark)
                .map(o -> ((Watermark) o).getTimestamp())
                .collect(Collectors.toList());
    }

    static long last(OneInputStreamOperatorTestHarness<?, ?> h) {
        List<Long> w = watermarks(h);
        return w.isEmpty() ? Long.MIN_VALUE : w.get(w.size() - 1);
    }

    static long held(long t) {
        return t - DISORDER.toMillis() - 1;
    }

    @Test
    void aPartitionBehindHoldsTheWatermarkAndAQuietOneStopsHoldingIt() throws Exception {
        try (var h = harness(null, Duration.ZERO)) {
            h.processElement(record(0, T0), 0);
            h.processElement(record(1, T0), 0);
            assertThat(last(h)).isEqualTo(held(T0));
            // Partition 0 runs twenty minutes ahead, partition 1 (a detection subtask catching up)
            // is one minute in: escalation waits for it...
            h.processElement(record(0, T0 + 20 * MIN), 0);
            h.processElement(record(1, T0 + MIN), 0);
            assertThat(last(h)).isEqualTo(held(T0 + MIN));
            // ...so its next alert is in time, not late.
            h.processElement(record(1, T0 + 2 * MIN), 0);
            assertThat(h.extractOutputValues())
                    .last()
                    .satisfies(a -> assertThat(a.timestamp).isGreaterThan(last(h)));
            // Then partition 1 goes quiet: after the idle timeout it holds nothing back.
            HarnessTime.passTo(h, 30_000);
            h.processElement(record(0, T0 + 21 * MIN), 0);
            assertThat(last(h)).isEqualTo(held(T0 + 2 * MIN));
            HarnessTime.passTo(h, IDLE.toMillis() + 1_000);
            assertThat(last(h)).isEqualTo(held(T0 + 21 * MIN));
            // And when every partition is quiet the subtask says so instead of holding the time.
            HarnessTime.passTo(h, 3 * IDLE.toMillis());
            assertThat(h.getOutput()).contains(WatermarkStatus.IDLE);
        }
    }

    @Test
    void aRestoredReaderKnowsItsPartitionsBeforeTheyAnswer() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null, Duration.ZERO)) {
            h.processElement(record(0, T0), 0);
            h.processElement(record(1, T0 + 5 * MIN), 0);
            snapshot = h.snapshot(1, 0);
        }
        try (var h = harness(snapshot, Duration.ZERO)) {
            // Partition 1 answers first after the restore; partition 0 still holds the time.
            h.processElement(record(1, T0 + 30 * MIN), 0);
            assertThat(watermarks(h)).allMatch(w -> w <= held(T0));
            h.processElement(record(0, T0 + MIN), 0);
            assertThat(last(h)).isEqualTo(held(T0 + MIN));
        }
    }

    @Test
    void withoutAlertsEventTimeFollowsTheWallClockAfterTheQuietAdvance() throws Exception {
        try (var h = harness(null, Duration.ofMinutes(5))) {
            h.setProcessingTime(T0);
            h.processElement(record(0, T0), 0);
            assertThat(last(h)).isEqualTo(held(T0));
            h.setProcessingTime(T0 + 4 * MIN);
            assertThat(last(h)).isEqualTo(held(T0));
            h.setProcessingTime(T0 + 20 * MIN);
            assertThat(last(h)).isEqualTo(T0 + 15 * MIN);
        }
    }

    @Test
    void anUnreadableRecordIsDeadLetteredAndMovesNoTime() throws Exception {
        try (var h = harness(null, Duration.ZERO)) {
            RawRecord bad = new RawRecord();
            bad.topic = SocTopics.ALERTS;
            bad.partition = 3;
            bad.offset = 9;
            bad.value = "{oops".getBytes(StandardCharsets.UTF_8);
            h.processElement(bad, 0);
            assertThat(h.getSideOutput(AlertReader.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(
                            r ->
                                    assertThat(r.getValue().reasonCode)
                                            .isEqualTo(AlertReader.UNREADABLE));
            assertThat(watermarks(h)).isEmpty();
        }
    }
}
