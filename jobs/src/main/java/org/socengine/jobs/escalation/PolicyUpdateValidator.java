package org.socengine.jobs.escalation;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleValidationException;

/**
 * Validates each policy published on {@code soc.escalation-policy} once, before it is broadcast: a
 * valid one goes to every correlator subtask, a bad one is refused (the running policy stays) and
 * the refusal, with every problem, goes to the status output.
 */
public class PolicyUpdateValidator extends ProcessFunction<PolicyRecord, EscalationControl> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PolicyUpdateValidator.class);

    public static final OutputTag<PolicyStatus> STATUS =
            new OutputTag<>("policy-status", TypeInformation.of(PolicyStatus.class));

    private transient Counter accepted;
    private transient Counter refused;

    @Override
    public void open(OpenContext openContext) {
        accepted = getRuntimeContext().getMetricGroup().counter("policiesAccepted");
        refused = getRuntimeContext().getMetricGroup().counter("policiesRefused");
    }

    @Override
    public void processElement(PolicyRecord r, Context ctx, Collector<EscalationControl> out) {
        if (r.text == null) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        try {
            EscalationPolicy policy = EscalationPolicy.parse(r.origin, r.text);
            out.collect(EscalationControl.policy(policy));
            accepted.inc();
            LOG.info("escalation policy from {} accepted", r.origin);
            ctx.output(STATUS, PolicyStatus.of(r.origin, PolicyStatus.ACCEPTED, List.of(), now));
        } catch (RuleValidationException e) {
            refused.inc();
            List<String> problems = e.problems().stream().map(RuleProblem::toString).toList();
            LOG.warn(
                    "escalation policy from {} refused, the running policy stays: {}",
                    r.origin,
                    String.join("; ", problems));
            ctx.output(STATUS, PolicyStatus.of(r.origin, PolicyStatus.REFUSED, problems, now));
        }
    }
}
