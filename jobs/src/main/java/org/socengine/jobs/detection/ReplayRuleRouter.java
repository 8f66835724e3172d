package org.socengine.jobs.detection;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;
import org.socengine.model.SecurityEvent;

/**
 * The {@link RuleRouter} of a job whose rules never change and which is never restored (a bounded
 * replay without checkpoints, {@code ./soc detect}): events only, no control stream. A one-input
 * operator chains with the decoder, so an event reaches the router, and at parallelism 1 the
 * detector, as the object the decoder made. The running job's router takes the same path through
 * its decode step, which also passes the control messages on ({@link DecodeWithControlsOperator}).
 */
final class ReplayRuleRouter extends RichFlatMapFunction<SecurityEvent, Routed> {

    private final RuleRouter router;

    ReplayRuleRouter(RuleFamilies families) {
        this.router = new RuleRouter(families);
    }

    @Override
    public void open(OpenContext context) {
        router.openAt(getRuntimeContext().getTaskInfo());
    }

    @Override
    public void flatMap(SecurityEvent event, Collector<Routed> out) {
        router.route(event, out);
    }
}
