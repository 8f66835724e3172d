package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionWatermarksTest {

    private static final long LATENESS = 5_000;
    private static final long IDLE = 30_000;
    private static final long SKEW = 3_600_000;
    private static final long T0 = 1_795_600_000_000L;

    private static PartitionWatermarks tracker() {
        return new PartitionWatermarks(LATENESS, IDLE, SKEW, 0);
    }

    @Test
    void theWatermarkIsTheLeastOfThePartitionsNotTheNewestEvent() {
        PartitionWatermarks w = tracker();
        // A quiet topic read minutes ahead of a busy one, as in a backlog.
        w.onEvent("soc.raw.leef", 0, T0 + 600_000, 0, 0, 0);
        w.onEvent("soc.raw.asa", 0, T0 + 10_000, 0, 1, 1);
        PartitionWatermarks.Progress p = w.advance(IDLE, IDLE);
        assertThat(p.moved()).isTrue();
        assertThat(p.watermark()).isEqualTo(T0 + 10_000 - LATENESS - 1);
        w.onEvent("soc.raw.asa", 0, T0 + 20_000, 0, IDLE + 1, IDLE + 1);
        assertThat(w.advance(IDLE + 2, IDLE + 2).watermark()).isEqualTo(T0 + 20_000 - LATENESS - 1);
    }

    @Test
    void partitionsOfOneTopicAreTrackedApart() {
        PartitionWatermarks w = tracker();
        w.onEvent("soc.raw.asa", 0, T0 + 60_000, 0, 0, 0);
        w.onEvent("soc.raw.asa", 1, T0, 0, 0, 0);
        assertThat(w.advance(IDLE, IDLE).watermark()).isEqualTo(T0 - LATENESS - 1);
    }

    @Test
    void nothingMovesWhileThePartitionsMakeThemselvesKnown() {
        PartitionWatermarks w = tracker();
        long hold = PartitionWatermarks.STARTUP_HOLD_MILLIS;
        w.onEvent("soc.raw.asa", 0, T0 + 60_000, 0, 1_000, 1_000);
        assertThat(w.advance(1_000 + hold - 1, 1_000 + hold - 1).moved()).isFalse();
        w.onEvent("soc.raw.dns", 0, T0, 0, 1_000 + hold - 1, 1_000 + hold - 1);
        assertThat(w.advance(1_000 + hold, 1_000 + hold).watermark()).isEqualTo(T0 - LATENESS - 1);
    }

    @Test
    void aStallLengthensTheHoldByAsMuch() {
        PartitionWatermarks w = tracker();
        long hold = PartitionWatermarks.STARTUP_HOLD_MILLIS;
        w.onEvent("soc.raw.asa", 0, T0 + 60_000, 0, 1_000, 1_000);
        // The first events deploy a thousand rules: the step stands still for 8 s, the dns
        // partition's records waiting in its input.
        w.stalled(8_000);
        assertThat(w.holding(1_000 + hold + 8_000 - 1)).isTrue();
        assertThat(w.advance(1_000 + hold + 8_000 - 1, 9_000 + hold - 1).moved()).isFalse();
        w.onEvent("soc.raw.dns", 0, T0, 0, 9_500, 9_500);
        assertThat(w.holding(1_000 + hold + 8_000)).isFalse();
        assertThat(w.advance(1_000 + hold + 8_000, 9_000 + hold).watermark())
                .isEqualTo(T0 - LATENESS - 1);
    }

    @Test
    void aStallLongerThanTheIdleTimeoutIdlesNoPartition() {
        PartitionWatermarks w = tracker();
        long hold = PartitionWatermarks.STARTUP_HOLD_MILLIS;
        w.onEvent("soc.raw.asa", 0, T0 + 60_000, 0, 0, 0);
        w.onEvent("soc.raw.dns", 0, T0, 0, 0, 0);
        assertThat(w.advance(hold, hold).watermark()).isEqualTo(T0 - LATENESS - 1);
        // 40 s deploying rules at asa's next event; dns's next records wait in the input.
        w.stalled(40_000);
        w.onEvent("soc.raw.asa", 0, T0 + 70_000, 0, 41_000, 41_000);
        PartitionWatermarks.Progress p = w.advance(41_001, 41_001);
        assertThat(p.idle()).isFalse();
        assertThat(p.watermark()).isEqualTo(T0 - LATENESS - 1);
        // Without a record for the idle timeout of time that was not a stall, it is idle.
        w.onEvent("soc.raw.asa", 0, T0 + 80_000, 0, 70_000, 70_000);
        assertThat(w.advance(70_000, 70_000).watermark()).isEqualTo(T0 - LATENESS - 1);
        assertThat(w.advance(70_001, 70_001).watermark()).isEqualTo(T0 + 80_000 - LATENESS - 1);
    }

    @Test
    void aSubtaskWithoutPartitionsGoesIdleAfterTheTimeout() {
        PartitionWatermarks w = tracker();
        assertThat(w.advance(IDLE - 1, IDLE - 1).idle()).isFalse();
        assertThat(w.advance(IDLE, IDLE).idle()).isTrue();
    }

    @Test
    void anIdlePartitionStopsHoldingTheOthersBackAndNeverMovesTheWatermarkBack() {
        PartitionWatermarks w = tracker();
        w.onEvent("soc.raw.dns", 0, T0, 0, 0, 0);
        w.onEvent("soc.raw.asa", 0, T0 + 100_000, 0, 0, 0);
        assertThat(w.advance(IDLE, IDLE).watermark()).isEqualTo(T0 - LATENESS - 1);
        w.onEvent("soc.raw.asa", 0, T0 + 110_000, 0, IDLE + 5_000, IDLE + 5_000);
        PartitionWatermarks.Progress p = w.advance(IDLE + 10_000, IDLE + 10_000);
        assertThat(p.watermark()).isEqualTo(T0 + 110_000 - LATENESS - 1);
        // dns speaks again, far behind: its events are late, the watermark stays.
        w.onEvent("soc.raw.dns", 0, T0 + 1_000, 0, IDLE + 11_000, IDLE + 11_000);
        p = w.advance(IDLE + 12_000, IDLE + 12_000);
        assertThat(p.moved()).isFalse();
        assertThat(p.watermark()).isEqualTo(T0 + 110_000 - LATENESS - 1);
    }

    @Test
    void everythingIdleIsReportedIdle() {
        PartitionWatermarks w = tracker();
        w.onEvent("soc.raw.asa", 0, T0, 0, 0, 0);
        assertThat(w.advance(IDLE, IDLE).idle()).isFalse();
        assertThat(w.advance(IDLE + 1, IDLE + 1).idle()).isTrue();
        w.onEvent("soc.raw.asa", 0, T0 + 1, 0, IDLE + 2, IDLE + 2);
        assertThat(w.advance(IDLE + 3, IDLE + 3).idle()).isFalse();
    }

    @Test
    void aWrongClockPartitionHoldsUntilTheTimeoutThenStepsAside() {
        PartitionWatermarks w = tracker();
        long now = T0;
        // A district office's firewall logs in local time read as UTC: seven hours behind.
        long sevenHours = 7 * 3_600_000L;
        w.onEvent("soc.raw.asa", 0, now - sevenHours, now, 0, 0);
        w.onEvent("soc.raw.web", 0, now, now, 0, 0);
        assertThat(w.advance(IDLE, IDLE).watermark()).isEqualTo(now - sevenHours - LATENESS - 1);
        assertThat(w.newlyWrongClock(IDLE, IDLE)).isEmpty();
        w.onEvent("soc.raw.asa", 0, now - sevenHours + 31_000, now + 31_000, IDLE + 1, IDLE + 1);
        w.onEvent("soc.raw.web", 0, now + 31_000, now + 31_000, IDLE + 1, IDLE + 1);
        PartitionWatermarks.Progress p = w.advance(IDLE + 2, IDLE + 2);
        assertThat(p.watermark()).isEqualTo(now + 31_000 - LATENESS - 1);
        assertThat(w.newlyWrongClock(IDLE + 2, IDLE + 2))
                .extracting(q -> q.topic + "/" + q.partition)
                .containsExactly("soc.raw.asa/0");
        assertThat(w.newlyWrongClock(IDLE + 3, IDLE + 3)).as("reported once").isEmpty();
        assertThat(w.wrongClockPartitions(IDLE + 3, IDLE + 3)).isEqualTo(1);
        // The clock is fixed: one event within the bound and it holds again.
        w.onEvent("soc.raw.asa", 0, now + 40_000, now + 40_000, IDLE + 4, IDLE + 4);
        assertThat(w.wrongClockPartitions(IDLE + 5, IDLE + 5)).isZero();
    }

    @Test
    void aShipperCatchingUpWithinTheTimeoutIsEvaluatedInOrder() {
        PartitionWatermarks w = tracker();
        long now = T0;
        w.onEvent("soc.raw.web", 0, now, now, 0, 0);
        w.onEvent("soc.raw.asa", 0, now - 2 * 3_600_000L, now, 0, 0);
        assertThat(w.advance(IDLE, IDLE).watermark())
                .isEqualTo(now - 2 * 3_600_000L - LATENESS - 1);
        // Caught up before the timeout: never counted as a wrong clock.
        w.onEvent("soc.raw.asa", 0, now, now, IDLE - 1, IDLE - 1);
        assertThat(w.advance(IDLE + 1, IDLE + 1).watermark()).isEqualTo(now - LATENESS - 1);
        assertThat(w.newlyWrongClock(IDLE + 1, IDLE + 1)).isEmpty();
    }

    @Test
    void whenEveryPartitionIsOffByAsMuchTheyAllHold() {
        // Old records replayed into Kafka today: every partition is far from its Kafka time.
        PartitionWatermarks w = tracker();
        long kafka = T0 + 30L * 86_400_000L;
        w.onEvent("soc.raw.asa", 0, T0, kafka, 0, 0);
        w.onEvent("soc.raw.web", 0, T0 + 60_000, kafka, 0, 0);
        w.onEvent("soc.raw.asa", 0, T0 + 1_000, kafka, IDLE + 1, IDLE + 1);
        w.onEvent("soc.raw.web", 0, T0 + 61_000, kafka, IDLE + 1, IDLE + 1);
        assertThat(w.advance(IDLE + 2, IDLE + 2).watermark()).isEqualTo(T0 + 1_000 - LATENESS - 1);
        assertThat(w.newlyWrongClock(IDLE + 2, IDLE + 2)).as("nobody steps aside").isEmpty();
        assertThat(w.wrongClockPartitions(IDLE + 2, IDLE + 2)).isZero();
    }

    @Test
    void recordsWithoutKafkaTimeAndAZeroBoundNeverCountAsWrongClocks() {
        PartitionWatermarks off = new PartitionWatermarks(LATENESS, IDLE, 0, 0);
        off.onEvent("soc.raw.asa", 0, T0, T0 + 86_400_000L, 0, 0);
        off.onEvent("soc.raw.asa", 0, T0, T0 + 86_400_000L, IDLE + 1, IDLE + 1);
        assertThat(off.wrongClockPartitions(IDLE + 2, IDLE + 2)).isZero();
        PartitionWatermarks noKafkaTime = tracker();
        noKafkaTime.onEvent("soc.raw.asa", -1, T0, 0, 0, 0);
        noKafkaTime.onEvent("soc.raw.asa", -1, T0, 0, IDLE + 1, IDLE + 1);
        assertThat(noKafkaTime.wrongClockPartitions(IDLE + 2, IDLE + 2)).isZero();
    }

    @Test
    void aBackpressuredJobStartsMovingOnTimeAndItsPartitionsAreNotIdle() {
        PartitionWatermarks w = tracker();
        // Saturated from the start: the active clock (paused under backpressure) barely moves.
        w.onEvent("soc.raw.asa", 0, T0 + 60_000, 0, 0, 0);
        w.onEvent("soc.raw.dns", 0, T0, 0, 0, 0);
        PartitionWatermarks.Progress p = w.advance(PartitionWatermarks.STARTUP_HOLD_MILLIS, 50);
        assertThat(p.moved()).isTrue();
        assertThat(p.watermark()).isEqualTo(T0 - LATENESS - 1);
        // Minutes of processing time later, but only 100 ms of it unblocked: dns still holds.
        p = w.advance(300_000, 100);
        assertThat(p.idle()).isFalse();
        assertThat(p.watermark()).isEqualTo(T0 - LATENESS - 1);
    }

    /**
     * A firewall read live every second beside a district office's DNS server that logs every 20 s,
     * both on time: {@code wall} is processing time (T0 at the start), {@code active} the clock
     * that stands still under backpressure.
     */
    private static void liveTraffic(PartitionWatermarks w, int fromSecond, int toSecond) {
        traffic(w, fromSecond, toSecond, true);
    }

    /** The same traffic, with its records' Kafka time or, as a file replay has, none. */
    private static void traffic(
            PartitionWatermarks w, int fromSecond, int toSecond, boolean kafkaTime) {
        for (int t = fromSecond; t <= toSecond; t++) {
            long wall = T0 + t * 1_000L;
            long kafka = kafkaTime ? wall : 0;
            long active = t * 1_000L;
            w.onEvent("soc.raw.asa", 0, wall, kafka, wall, active);
            if (t % 20 == 0) {
                w.onEvent("soc.raw.dns", 0, wall, kafka, wall, active);
            }
        }
    }

    @Test
    void aQuietLivePartitionFollowsTheClockInsteadOfHoldingItsNewestEvent() {
        PartitionWatermarks following = tracker().followLive();
        PartitionWatermarks holding = tracker();
        liveTraffic(following, 0, 55);
        liveTraffic(holding, 0, 55);
        long dnsNewest = T0 + 40_000;
        // dns last spoke at 40 s; 15 s later, less the reader's margin, it cannot send older.
        long expected = dnsNewest + 15_000 - PartitionWatermarks.LIVE_SLACK_MILLIS;
        assertThat(following.advance(T0 + 55_000, 55_000).watermark())
                .isEqualTo(expected - LATENESS - 1);
        assertThat(holding.advance(T0 + 55_000, 55_000).watermark())
                .as("without it, the quiet partition holds every alert back")
                .isEqualTo(dnsNewest - LATENESS - 1);
        // dns speaks again on time: its event is not late.
        following.onEvent("soc.raw.dns", 0, T0 + 60_000, T0 + 60_000, T0 + 60_000, 60_000);
        assertThat(T0 + 60_000).isGreaterThan(following.watermark());
    }

    @Test
    void aPartitionReadLiveForLessThanTheIdleTimeoutStillHolds() {
        PartitionWatermarks w = tracker().followLive();
        liveTraffic(w, 0, 25);
        assertThat(w.advance(T0 + 25_000, 25_000).watermark())
                .isEqualTo(T0 + 20_000 - LATENESS - 1);
    }

    @Test
    void aPartitionWhoseEventsComeLaterThanTheLatenessHolds() {
        // A shipper that sends its lines in batches ten seconds after they happen.
        PartitionWatermarks w = tracker().followLive();
        for (int t = 0; t <= 55; t++) {
            long wall = T0 + t * 1_000L;
            w.onEvent("soc.raw.asa", 0, wall, wall, wall, t * 1_000L);
            if (t % 10 == 0 && t > 0) {
                for (int s = t - 10; s < t; s++) {
                    w.onEvent("soc.raw.dns", 0, T0 + s * 1_000L, wall, wall, t * 1_000L);
                }
            }
        }
        assertThat(w.advance(T0 + 59_000, 59_000).watermark())
                .isEqualTo(T0 + 49_000 - LATENESS - 1);
    }

    @Test
    void aTimeAtTheEndsOfTheRangeIsNotLive() {
        PartitionWatermarks w = tracker().followLive();
        liveTraffic(w, 0, 39);
        // One record whose decoded time is absurd, the one whose distance from now wraps
        // around (now - time overflows to Long.MIN_VALUE): its partition holds as before.
        long now = T0 + 39_500;
        w.onEvent("soc.raw.dns", 0, Long.MIN_VALUE + now, now, now, 39_500);
        liveTraffic(w, 41, 55);
        assertThat(w.advance(T0 + 55_000, 55_000).watermark())
                .isEqualTo(T0 + 20_000 - LATENESS - 1);
    }

    @Test
    void aBackpressuredReaderDoesNotCountItsUnreadRecordsAsQuiet() {
        PartitionWatermarks w = tracker().followLive();
        liveTraffic(w, 0, 45);
        long quiet = T0 + 44_000 - LATENESS - 1;
        assertThat(w.advance(T0 + 45_000, 45_000).watermark()).isEqualTo(quiet);
        // Five minutes of wall clock, all of it backpressured: the active clock stands at 45 s.
        assertThat(w.advance(T0 + 345_000, 45_000).watermark()).isEqualTo(quiet);
    }

    @Test
    void recordsWithoutKafkaTimeNeverFollowTheClock() {
        // A file replay: the same traffic, no Kafka time.
        PartitionWatermarks w = tracker().followLive();
        traffic(w, 0, 55, false);
        assertThat(w.advance(T0 + 55_000, 55_000).watermark())
                .isEqualTo(T0 + 40_000 - LATENESS - 1);
    }
}
