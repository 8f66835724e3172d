package org.socengine.jobs.internal;

import java.util.List;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * A keyed broadcast operator whose event time is its keyed input's alone: the broadcast input
 * (control messages) is idle from the start and its watermarks and statuses are ignored.
 *
 * <p>Declaring the control stream idle upstream ({@link OutsideEventTimeOperator}) is not enough:
 * the declaration is a stream element of another task and can come after the keyed input has
 * already finished. Until it comes, the broadcast input holds the operator at the minimum
 * watermark, and a bounded keyed input that ends first makes event time jump from nothing to the
 * end of time: every deadline that fell between its events is then skipped (an escalation test lost
 * its second tier that way under load). Idle from {@code open()}, nothing waits for it.
 */
public final class KeyedInputTimedBroadcastOperator<K, IN1, IN2, OUT>
        extends CoBroadcastWithKeyedOperator<K, IN1, IN2, OUT> {

    private static final long serialVersionUID = 1L;

    /** The index of the broadcast input in the operator's combined watermark. */
    private static final int BROADCAST_INPUT = 1;

    public KeyedInputTimedBroadcastOperator(
            KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> function,
            List<MapStateDescriptor<?, ?>> broadcastStates) {
        super(function, broadcastStates);
    }

    @Override
    public void open() throws Exception {
        super.open();
        combinedWatermark.updateStatus(BROADCAST_INPUT, true);
    }

    @Override
    public void processWatermark2(Watermark mark) {
        // Control messages carry no event time.
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int inputIndex) throws Exception {
        if (inputIndex != BROADCAST_INPUT) {
            super.processWatermarkStatus(status, inputIndex);
        }
    }
}
