package org.socengine.jobs.escalation;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.socengine.model.Alert;

/**
 * Event time of the escalation job: the alerts' own timestamps, less the allowed disorder.
 *
 * <p>Why a wall-clock fallback ({@code quietAdvance}): escalation deadlines are event-time timers,
 * and a department under attack at 2 a.m. may raise one alert and then nothing. Without new alerts
 * the watermark would stand still and the next tier would never be told. After {@code quietAdvance}
 * without an alert, event time follows the wall clock, that much behind it. Zero turns it off
 * (replays and tests, where only the alerts say what time it is).
 */
public final class AlertWatermarks implements WatermarkGenerator<Alert> {

    private final long disorder;
    private final long quietAdvance;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastAlertWallClock = System.currentTimeMillis();
    private long emitted = Long.MIN_VALUE;

    AlertWatermarks(Duration disorder, Duration quietAdvance) {
        this.disorder = disorder.toMillis();
        this.quietAdvance = quietAdvance.toMillis();
    }

    public static WatermarkStrategy<Alert> strategy(Duration disorder, Duration quietAdvance) {
        return WatermarkStrategy.<Alert>forGenerator(
                        ctx -> new AlertWatermarks(disorder, quietAdvance))
                .withTimestampAssigner((a, ts) -> a.timestamp);
    }

    /**
     * Emits at once rather than only periodically: an alert's deadlines then fall due with the next
     * alert, and a bounded replay runs the same steps however fast it is read.
     */
    @Override
    public void onEvent(Alert a, long ts, WatermarkOutput out) {
        maxTimestamp = Math.max(maxTimestamp, ts);
        lastAlertWallClock = System.currentTimeMillis();
        long wm = maxTimestamp - disorder - 1;
        if (wm > emitted) {
            emitted = wm;
            out.emitWatermark(new Watermark(wm));
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput out) {
        long wm = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - disorder - 1;
        if (quietAdvance > 0) {
            long now = System.currentTimeMillis();
            if (now - lastAlertWallClock >= quietAdvance) {
                wm = Math.max(wm, now - quietAdvance);
            }
        }
        if (wm > emitted) {
            emitted = wm;
            out.emitWatermark(new Watermark(wm));
        }
    }
}
