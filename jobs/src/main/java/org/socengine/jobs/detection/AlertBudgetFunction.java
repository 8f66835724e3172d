package org.socengine.jobs.detection;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.socengine.model.Alert;
import org.socengine.rules.engine.AlertBudget;

/**
 * Caps the alerts of one rule for one department per hour of event time, across all detection
 * subtasks (keyed by rule and department): past the cap the rule is throttled for that department
 * until the hour ends, and exactly one meta-alert says so. Updates of an admitted alert pass;
 * updates of a throttled one are dropped with it, so a throttled alert never appears through its
 * updates.
 */
public final class AlertBudgetFunction extends KeyedProcessFunction<String, Alert, Alert> {

    private final int perHour;
    private transient ValueState<Long> hour;
    private transient ValueState<Long> used;
    private transient MapState<String, Boolean> admitted;
    private transient Counter throttled;

    public AlertBudgetFunction(int perHour) {
        if (perHour < 1) {
            throw new IllegalArgumentException(
                    "an alert budget must allow at least one alert an hour");
        }
        this.perHour = perHour;
    }

    /** Rule and department; the province's own budget for a province-scoped rule. */
    public static String keyOf(Alert a) {
        return a.ruleId + "|" + (a.province ? Alert.PROVINCE : "d:" + a.departmentId);
    }

    @Override
    public void open(OpenContext ctx) {
        hour = getRuntimeContext().getState(new ValueStateDescriptor<>("budget-hour", Types.LONG));
        used = getRuntimeContext().getState(new ValueStateDescriptor<>("budget-used", Types.LONG));
        MapStateDescriptor<String, Boolean> ids =
                new MapStateDescriptor<>("admitted-alerts", Types.STRING, Types.BOOLEAN);
        // Updates come within a rule's suppression period; a day covers every period rules may set.
        ids.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofDays(1)).build());
        admitted = getRuntimeContext().getMapState(ids);
        throttled = getRuntimeContext().getMetricGroup().counter("alertsThrottled");
    }

    @Override
    public void processElement(Alert alert, Context ctx, Collector<Alert> out) throws Exception {
        if (alert.meta) {
            out.collect(alert);
            return;
        }
        if (alert.update) {
            if (admitted.contains(alert.id)) {
                out.collect(alert);
            }
            return;
        }
        if (admitted.contains(alert.id)) {
            // The same alert again (a replay after a restore): it was admitted once, it stays so.
            out.collect(alert);
            return;
        }
        long h = AlertBudget.hourOf(alert.timestamp);
        Long current = hour.value();
        if (current == null || h > current) {
            hour.update(h);
            used.update(0L);
        } else if (h < current) {
            // A late alert of an hour already past: counted against the current hour's budget.
            h = current;
        }
        long n = used.value() + 1;
        used.update(n);
        if (n <= perHour) {
            admitted.put(alert.id, true);
            out.collect(alert);
        } else {
            throttled.inc();
            if (n == perHour + 1) {
                out.collect(AlertBudget.metaAlert(alert, h, perHour));
            }
        }
    }
}
