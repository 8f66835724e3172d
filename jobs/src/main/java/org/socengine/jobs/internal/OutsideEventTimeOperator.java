package org.socengine.jobs.internal;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Passes control messages (rules, policies, status changes) on and declares their stream idle for
 * ever, swallowing every watermark, the end of a finished input's included. An operator that joins
 * them with events then takes its event time from the events alone: a watermark strategy's {@code
 * markIdle()} is not enough, because the end-of-time watermark of a finished control source still
 * passes it, and with the events' input idle at that moment every window and deadline would close
 * at once.
 */
public final class OutsideEventTimeOperator<T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T> {

    private static final long serialVersionUID = 1L;

    @Override
    public void open() throws Exception {
        super.open();
        output.emitWatermarkStatus(WatermarkStatus.IDLE);
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        element.eraseTimestamp();
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) {
        // Never a watermark: control messages carry no event time.
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        // Idle for ever, whatever the source says.
    }
}
