package org.socengine.jobs.detection;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.util.Collector;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.engine.EventCondition;

/**
 * Sends each event to the key families whose rules read it: once per detection subtask that holds
 * one of its groups, with the list of those families and the event's key in each. An event without
 * a family's key fields cannot match a rule grouped by them and is not sent there, nor is one that
 * none of the family's stream filters can accept (their constant conditions, {@link
 * EventCondition}): a Windows rule never sees a syslog line. Follows rule deployments, so a rule
 * with a new {@code group_by} gets its events from the moment it is deployed, and passes every
 * control message on to the detection subtask of its own index, so each detection subtask gets each
 * message exactly once.
 *
 * <p>Takes the decode step's output ({@link DecodeWithControlsOperator}): events not yet routed and
 * control messages in one stream, so that it chains with the decode step and, at parallelism 1,
 * with the detector. Before, it was a two-input operator (events, control messages), which Flink
 * does not chain: every decoded event was serialized on the decode thread and read back on the
 * detector's. Its state is the same in both forms.
 *
 * <p>Runs at the parallelism (and maximum parallelism) of the detection operator: a group's subtask
 * is computed here with Flink's key-group assignment of {@code family|key}, which is also how a
 * detector decides what it owns after a restore at another parallelism.
 */
public final class RuleRouter extends RichFlatMapFunction<Routed, Routed>
        implements CheckpointedFunction {

    private final RuleFamilies initial;
    private transient RuleFamilies families;
    private transient BroadcastState<String, String> shapesState;
    private transient int parallelism;
    private transient int maxParallelism;
    private transient int subtask;

    public RuleRouter(RuleFamilies initial) {
        this.initial = initial;
    }

    /** For tests and callers outside a Flink job: one detection subtask. */
    public void open() {
        if (families == null) {
            families = copy(initial);
        }
        parallelism = 1;
        maxParallelism = KeyGroupRangeAssignment.DEFAULT_LOWER_BOUND_MAX_PARALLELISM;
        subtask = 0;
    }

    @Override
    public void open(OpenContext context) {
        openAt(getRuntimeContext().getTaskInfo());
    }

    /** Opens this router as the subtask of a job that never changes its rules nor restores. */
    void openAt(TaskInfo info) {
        if (families == null) {
            families = copy(initial);
        }
        parallelism = info.getNumberOfParallelSubtasks();
        maxParallelism = info.getMaxNumberOfParallelSubtasks();
        subtask = info.getIndexOfThisSubtask();
    }

    /** An event not yet routed ({@code families} empty or null), or a control message. */
    @Override
    public void flatMap(Routed in, Collector<Routed> out) {
        if (in.control != null) {
            control(in.control, out);
        } else {
            route(in.event, out);
        }
    }

    /** Sends the event to the families that read it. */
    public void route(SecurityEvent event, Collector<Routed> out) {
        List<RuleFamilies.Family> all = families.all();
        String[] names = new String[all.size()];
        String[] keys = new String[all.size()];
        int n = 0;
        for (RuleFamilies.Family f : all) {
            String key = f.routedKeyOf(event);
            if (key != null) {
                names[n] = f.name();
                keys[n] = key;
                n++;
            }
        }
        if (n == 0) {
            return;
        }
        Routed routed = Routed.event(0, event, trim(names, n), trim(keys, n));
        if (parallelism == 1) {
            out.collect(routed);
            return;
        }
        int[] subtasks = routed.subtasks(maxParallelism, parallelism);
        boolean[] sent = new boolean[parallelism];
        for (int s : subtasks) {
            if (!sent[s]) {
                sent[s] = true;
                out.collect(routed.narrowedTo(s, subtasks));
            }
        }
    }

    private static String[] trim(String[] a, int n) {
        return n == a.length ? a : Arrays.copyOf(a, n);
    }

    /** Follows a rule deployment or removal and passes the message on to its detection subtask. */
    public void control(Control control, Collector<Routed> out) {
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
        out.collect(Routed.control(subtask, control));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        shapesState.clear();
        for (RuleFamilies.RuleShape s : families.shapes()) {
            shapesState.put(
                    s.ruleId(),
                    String.join(",", s.keyFields())
                            + "\t"
                            + String.join(",", s.streams())
                            + "\t"
                            + EventCondition.toJson(s.conditions()));
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Broadcast state, not union list state: every subtask holds the same shapes, and a
        // bounded replay whose first subtask finishes early can still take checkpoints (Flink
        // refuses them for a vertex with union list state once part of it has finished).
        shapesState =
                context.getOperatorStateStore()
                        .getBroadcastState(
                                new MapStateDescriptor<>(
                                        "rule-shapes-by-id", Types.STRING, Types.STRING));
        families = copy(initial);
        if (context.isRestored()) {
            RuleFamilies restored = new RuleFamilies();
            for (Map.Entry<String, String> row : shapesState.entries()) {
                // Key fields, streams and, since routing reads filters, the conditions per stream:
                // a rule kept by a version without them reads every event of its streams.
                String[] c = row.getValue().split("\t", 3);
                Map<String, EventCondition> conditions =
                        c.length > 2 ? EventCondition.parseByStream(c[2]) : null;
                restored.put(
                        new RuleFamilies.RuleShape(
                                row.getKey(),
                                c[0].isEmpty() ? List.of() : List.of(c[0].split(",")),
                                new java.util.LinkedHashSet<>(
                                        c[1].isEmpty() ? List.of() : List.of(c[1].split(","))),
                                conditions == null ? Map.of() : conditions));
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
