package org.socengine.jobs.detection;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;
import org.socengine.model.SecurityEvent;

/**
 * Sends each event once to every key family whose rules read it. An event without the family's key
 * fields cannot match a rule grouped by them and is not sent there.
 */
public final class RuleRouter implements FlatMapFunction<SecurityEvent, Routed> {

    private final RuleFamilies families;

    public RuleRouter(RuleFamilies families) {
        this.families = families;
    }

    @Override
    public void flatMap(SecurityEvent event, Collector<Routed> out) {
        for (RuleFamilies.Family f : families.all()) {
            if (f.reads(event)) {
                String key = f.keyOf(event);
                if (key != null) {
                    out.collect(new Routed(f.id(), key, event));
                }
            }
        }
    }
}
