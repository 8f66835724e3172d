package org.socengine.jobs.internal;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/** Watermarks of the streams that carry no event time: rules, status changes, indicators. */
public final class ControlWatermarks {

    private ControlWatermarks() {}

    /** A watermark strategy that declares the stream irrelevant to event time. */
    public static <T> WatermarkStrategy<T> endOfTime() {
        return WatermarkStrategy.<T>forGenerator(
                        ctx ->
                                new WatermarkGenerator<T>() {
                                    @Override
                                    public void onEvent(T event, long ts, WatermarkOutput out) {}

                                    @Override
                                    public void onPeriodicEmit(WatermarkOutput out) {
                                        out.emitWatermark(new Watermark(Long.MAX_VALUE));
                                    }
                                })
                .withIdleness(Duration.ofSeconds(1));
    }
}
