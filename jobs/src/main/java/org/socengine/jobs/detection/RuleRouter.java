package org.socengine.jobs.detection;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.CoFlatMapFunction;
import org.apache.flink.util.Collector;
import org.socengine.model.SecurityEvent;

/**
 * Sends each event once to every key family whose rules read it. An event without the family's key
 * fields cannot match a rule grouped by them and is not sent there. Follows rule deployments, so a
 * rule with a new {@code group_by} gets its events from the moment it is deployed.
 */
public final class RuleRouter
        implements CoFlatMapFunction<SecurityEvent, Control, Routed>, CheckpointedFunction {

    private final RuleFamilies initial;
    private transient RuleFamilies families;
    private transient ListState<String> shapesState;

    public RuleRouter(RuleFamilies initial) {
        this.initial = initial;
    }

    /** For tests and callers outside a Flink job. */
    public void open() {
        if (families == null) {
            families = copy(initial);
        }
    }

    @Override
    public void flatMap1(SecurityEvent event, Collector<Routed> out) {
        for (RuleFamilies.Family f : families.all()) {
            if (f.reads(event)) {
                String key = f.keyOf(event);
                if (key != null) {
                    out.collect(new Routed(f.name(), key, event));
                }
            }
        }
    }

    @Override
    public void flatMap2(Control control, Collector<Routed> out) {
        if (Control.DEPLOY.equals(control.kind)) {
            var rule = control.rule();
            if (rule.definition().enabled()) {
                families.put(RuleFamilies.RuleShape.of(rule));
            } else {
                families.remove(rule.id());
            }
        } else if (Control.REMOVE.equals(control.kind)) {
            families.remove(control.ruleId);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<String> rows = new ArrayList<>();
        for (RuleFamilies.RuleShape s : families.shapes()) {
            rows.add(
                    s.ruleId()
                            + "\t"
                            + String.join(",", s.keyFields())
                            + "\t"
                            + String.join(",", s.streams()));
        }
        shapesState.update(rows);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        shapesState =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>("rule-shapes", Types.STRING));
        families = copy(initial);
        if (context.isRestored()) {
            RuleFamilies restored = new RuleFamilies();
            for (String row : shapesState.get()) {
                String[] c = row.split("\t", -1);
                restored.put(
                        new RuleFamilies.RuleShape(
                                c[0],
                                c[1].isEmpty() ? List.of() : List.of(c[1].split(",")),
                                new java.util.LinkedHashSet<>(
                                        c[2].isEmpty() ? List.of() : List.of(c[2].split(",")))));
            }
            families = restored;
        }
    }

    private static RuleFamilies copy(RuleFamilies f) {
        RuleFamilies c = new RuleFamilies();
        f.shapes().forEach(c::put);
        return c;
    }
}
