package org.socengine.cli;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.socengine.jobs.detection.SerializerTypeInfo;
import org.socengine.model.Alert;

/**
 * Each alert once, as it stands when nothing can change it any more: the detector folds repeats
 * into an alert as updates for as long as the alert's suppression lasts, so an alert is final once
 * event time has passed its suppression period. Keyed by alert id; emitted by an event-time timer,
 * so a replay prints its alerts while it reads, and holds only the alerts of the last suppression
 * period, not every alert of the input.
 */
final class FinalAlerts extends KeyedProcessFunction<String, Alert, Alert> {

    private static final long serialVersionUID = 1L;

    private final long holdMillis;
    private transient ValueState<Alert> latest;

    /**
     * @param holdMillis how long after its time an alert may still be updated: the longest
     *     suppression period of the rules
     */
    FinalAlerts(long holdMillis) {
        this.holdMillis = holdMillis;
    }

    @Override
    public void open(OpenContext context) {
        latest =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("alert", SerializerTypeInfo.alerts()));
    }

    @Override
    public void processElement(Alert a, Context ctx, Collector<Alert> out) throws Exception {
        Alert previous = latest.value();
        if (previous == null) {
            long due = Math.max(a.timestamp, a.windowEnd);
            ctx.timerService()
                    .registerEventTimeTimer(
                            due > Long.MAX_VALUE - holdMillis - 1
                                    ? Long.MAX_VALUE
                                    : due + holdMillis + 1);
            latest.update(Alert.latest(List.of(a)).get(0));
        } else {
            latest.update(Alert.latest(List.of(previous, a)).get(0));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Alert a = latest.value();
        if (a != null) {
            out.collect(a);
            latest.clear();
        }
    }
}
