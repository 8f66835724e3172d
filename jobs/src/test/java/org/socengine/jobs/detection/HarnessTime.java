package org.socengine.jobs.detection;

import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** Processing time of an operator test harness, moved on one watermark tick at a time. */
public final class HarnessTime {

    /** The auto-watermark interval the tests set. */
    public static final long TICK = 200;

    private HarnessTime() {}

    /**
     * Moves the harness's processing time to {@code to} a tick at a time, as a task whose thread
     * waits for records fires its timers. One jump fires one tick, late by the whole jump, which
     * the decode step's clock takes for its thread held up ({@link
     * PartitionClock#onProcessingTime}), not for time without records.
     */
    public static void passTo(AbstractStreamOperatorTestHarness<?> h, long to) throws Exception {
        for (long t = h.getProcessingTime() + TICK; t < to; t += TICK) {
            h.setProcessingTime(t);
        }
        h.setProcessingTime(to);
    }
}
