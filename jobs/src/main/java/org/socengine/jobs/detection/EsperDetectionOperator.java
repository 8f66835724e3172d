package org.socengine.jobs.detection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.state.CheckpointStreamFactory;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFutures;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.jobs.internal.RuleMetrics;
import org.socengine.jobs.internal.SocMetrics;
import org.socengine.model.Alert;
import org.socengine.rules.RuleLimits;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.DetectionEngine;
import org.socengine.rules.engine.RuleQuarantine;

/**
 * Runs the rules in Esper on event time. Events wait in a buffer until the watermark passes them,
 * then enter Esper in timestamp order and Esper's clock moves to the watermark: a two-minute window
 * means two minutes of the events' own time, and a replay gives the same alerts as live traffic.
 * The clock moves once per watermark, not per event, and no Flink timer is registered per event. An
 * event that arrives behind the watermark is still evaluated, at once, and its alerts are marked
 * late. Nothing is dropped.
 *
 * <p>The router's records carry, besides events, {@link Control} messages for this subtask: rules
 * deployed, changed or removed while the job runs (a rule that fails to deploy leaves its previous
 * version running), and analysts' false-positive closes, which keep a key quiet for a suppression
 * period. One input, so at parallelism 1 the operator runs in the router's chain and no event is
 * serialized between decoding and detection.
 *
 * <p>Esper's windows are not in Flink's checkpoints, so the operator keeps the events of the rules'
 * horizon (the longest window of the families that read them) in its state and, after a restore,
 * replays them into fresh runtimes with their alerts discarded (they were emitted before the
 * checkpoint). The restored suppression state and the deterministic alert ids keep any alert from
 * appearing twice. Horizon events are held serialized, once per event whatever the number of
 * families reading it: the bytes are what a checkpoint writes, and a fraction of the event's size
 * in objects. Buffered and horizon events are union state filtered by key group on restore, so a
 * restore at another parallelism still gives every key its own history. With a file-system
 * checkpoint storage the horizon's sealed segments are written once to task-owned files and the
 * union state names them ({@link HorizonFiles}); savepoints hold them whole.
 */
public final class EsperDetectionOperator extends AbstractStreamOperator<Alert>
        implements OneInputStreamOperator<Routed, Alert> {

    private static final Logger LOG = LoggerFactory.getLogger(EsperDetectionOperator.class);

    /** Rules this operator quarantined, for {@code soc.rules.status}. */
    public static final OutputTag<RuleStatus> RULE_STATUS =
            new OutputTag<>("detector-rule-status", TypeInformation.of(RuleStatus.class));

    private final List<CompiledRule> initialRules;
    private final int alertBudgetPerHour;
    private final RuleLimits ruleLimits;
    private final int cpuSampleEvery;
    private final long idleAdvanceMillis;
    private boolean keepHorizon = true;
    private int retainedCheckpoints = 1;

    private transient String runtimeUri;
    private transient Map<String, CompiledRule> rules;
    private transient Map<String, String> familyOfRule;
    private transient Map<String, DetectionEngine> engines;
    private transient RestoreHorizon history;

    /** The last event of each key of the rules' keyed windows; null without a horizon. */
    private transient KeyedHorizon keyed;

    private transient HorizonFiles files;
    private transient boolean snapshotIsSavepoint;
    private transient PendingEvents buffer;
    private transient long watermark;
    private transient ListState<byte[]> rulesState;
    private transient ListState<byte[]> bufferState;
    private transient ListState<byte[]> historyState;
    private transient ListState<byte[]> engineState;

    /** The engine state of checkpoints written before it was union state: read, then emptied. */
    private transient ListState<byte[]> splitEngineState;

    private transient ListState<Long> clockState;
    private transient ListState<byte[]> quarantineState;
    private transient Map<String, RuleQuarantine> quarantines;
    private transient List<Alert> restoredRuleHealth;
    private transient Counter rulesQuarantined;
    private transient Counter eventsEvaluated;
    private transient Counter lateEvents;
    private transient io.micrometer.core.instrument.Counter lateEventsTotal;
    private transient Counter alertsRaised;
    private transient Counter ruleDeployFailures;
    private transient RuleMetrics ruleMetrics;
    private transient RuleMetrics.Tracker ruleCounts;

    /**
     * Processing time at which every input went idle (Long.MIN_VALUE while one is active), and the
     * event time then: the start of a quiet spell for {@link #advanceWhileIdle}.
     */
    private transient long idleSince;

    private transient long idleFrom;

    public EsperDetectionOperator(Collection<CompiledRule> initialRules, int alertBudgetPerHour) {
        this(
                initialRules,
                alertBudgetPerHour,
                RuleLimits.DEFAULTS,
                DetectionEngine.DEFAULT_CPU_SAMPLE_EVERY);
    }

    /**
     * @param alertBudgetPerHour alerts a rule may raise per department and hour in the engine; 0
     *     for none (the job's budget is {@link AlertBudgetFunction}, after the detector)
     * @param ruleLimits the limits of rules whose file sets none
     * @param cpuSampleEvery one event in so many is timed per rule (1: every event)
     */
    public EsperDetectionOperator(
            Collection<CompiledRule> initialRules,
            int alertBudgetPerHour,
            RuleLimits ruleLimits,
            int cpuSampleEvery) {
        this(initialRules, alertBudgetPerHour, ruleLimits, cpuSampleEvery, 0);
    }

    /**
     * @param idleAdvanceMillis while every input is idle, event time follows the wall clock from
     *     where it stood, at most this far per quiet spell; 0: never
     */
    public EsperDetectionOperator(
            Collection<CompiledRule> initialRules,
            int alertBudgetPerHour,
            RuleLimits ruleLimits,
            int cpuSampleEvery,
            long idleAdvanceMillis) {
        this.initialRules = List.copyOf(initialRules);
        this.alertBudgetPerHour = alertBudgetPerHour;
        this.ruleLimits = ruleLimits;
        this.cpuSampleEvery = cpuSampleEvery;
        this.idleAdvanceMillis = idleAdvanceMillis;
    }

    /**
     * For a job that never checkpoints (a file replay): no event is kept for a restore that cannot
     * happen. The horizon is the longest window of the families an event reaches, 24 hours for the
     * log-source-silence rule, so a replay kept nearly its whole input there: a million sshd lines
     * needed more than 128 MB of heap for it alone.
     */
    public EsperDetectionOperator withoutRestoreHorizon() {
        keepHorizon = false;
        return this;
    }

    /**
     * How many completed checkpoints Flink keeps ({@code state.checkpoints.num-retained}): a
     * horizon file one of them may name is not deleted. The job's and task manager's configuration
     * count too, whichever is larger.
     */
    public EsperDetectionOperator withRetainedCheckpoints(int retained) {
        retainedCheckpoints = Math.max(1, retained);
        return this;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        runtimeUri = "soc-" + UUID.randomUUID();
        rules = new LinkedHashMap<>();
        familyOfRule = new HashMap<>();
        engines = new LinkedHashMap<>();
        history = new RestoreHorizon();
        keyed = keepHorizon ? new KeyedHorizon() : null;
        var env = getContainingTask().getEnvironment();
        int retained = retainedCheckpoints;
        for (var conf :
                List.of(env.getJobConfiguration(), env.getTaskManagerInfo().getConfiguration())) {
            retained =
                    Math.max(
                            retained,
                            conf.getOptional(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)
                                    .orElse(1));
        }
        files =
                new HorizonFiles(
                        getContainingTask().getCheckpointStorage(),
                        env.getJobID().toString(),
                        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                        retained);
        buffer = new PendingEvents();
        watermark = Long.MIN_VALUE;
        var store = context.getOperatorStateStore();
        rulesState =
                store.getUnionListState(
                        new ListStateDescriptor<>(
                                "deployed-rules",
                                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        bufferState =
                store.getUnionListState(
                        new ListStateDescriptor<>(
                                "pending-event-segments", new ImmutableBytesSerializer()));
        historyState =
                store.getUnionListState(
                        new ListStateDescriptor<>(
                                "rule-horizon-segments", new ImmutableBytesSerializer()));
        // Union, merged per family on restore: split state gave each subtask of a rescaled job
        // the suppressions and budgets of only some families (and of one old subtask each), and
        // an attack going on across the rescale alerted again under a new id.
        engineState =
                store.getUnionListState(
                        new ListStateDescriptor<>(
                                "engine-states",
                                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        splitEngineState =
                store.getListState(
                        new ListStateDescriptor<>(
                                "engine-state",
                                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        clockState = store.getUnionListState(new ListStateDescriptor<>("event-clock", Types.LONG));
        // Union: a rule one subtask quarantined is held out by every subtask after a restore.
        quarantineState =
                store.getUnionListState(
                        new ListStateDescriptor<>(
                                "quarantined-rules",
                                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        quarantines = new LinkedHashMap<>();
        restoredRuleHealth = new ArrayList<>();
        if (context.isRestored()) {
            for (byte[] b : quarantineState.get()) {
                RuleQuarantine q = JavaSerialization.read(b, RuleQuarantine.class);
                RuleQuarantine other = quarantines.get(q.ruleId());
                if (other == null || q.version() > other.version()) {
                    quarantines.put(q.ruleId(), q);
                }
            }
        }

        List<CompiledRule> start = new ArrayList<>();
        if (context.isRestored()) {
            Map<String, CompiledRule> restored = new LinkedHashMap<>();
            for (byte[] b : rulesState.get()) {
                CompiledRule r = Control.deserialize(b);
                restored.put(r.id(), r);
            }
            start.addAll(restored.values());
        } else {
            start.addAll(initialRules);
        }
        for (CompiledRule r : start) {
            RuleQuarantine q = quarantines.get(r.id());
            if (q == null || q.releasedBy(r.definition())) {
                deploy(r);
            }
        }
        if (context.isRestored()) {
            restore();
        }
    }

    /**
     * After a restore at another parallelism every subtask has merged all old subtasks'
     * suppressions; it keeps those of the groups it now holds, found from the first evidence event
     * of each suppressed alert as the router finds an event's subtask. The others would never match
     * here (no event of their groups comes) and only held memory until they expired. A suppression
     * without its alert (state of older versions) or whose evidence has no key is kept.
     */
    private void keepOwnSuppressions(Map<String, DetectionEngine.State> states) {
        var info = getRuntimeContext().getTaskInfo();
        if (info.getNumberOfParallelSubtasks() == 1) {
            return;
        }
        for (RuleFamilies.Family f : RuleFamilies.of(rules.values()).all()) {
            DetectionEngine.State st = states.get(f.name());
            if (st == null) {
                continue;
            }
            st.suppressions
                    .values()
                    .removeIf(
                            s -> {
                                if (s.alert == null || s.alert.evidence.isEmpty()) {
                                    return false;
                                }
                                String key = f.keyOf(s.alert.evidence.get(0));
                                return key != null
                                        && Routed.subtaskOf(
                                                        f.name(),
                                                        key,
                                                        info.getMaxNumberOfParallelSubtasks(),
                                                        info.getNumberOfParallelSubtasks())
                                                != info.getIndexOfThisSubtask();
                            });
        }
    }

    /** The part of a record whose groups this subtask holds, or null when it holds none. */
    private Routed owned(Routed r) {
        var info = getRuntimeContext().getTaskInfo();
        if (info.getNumberOfParallelSubtasks() == 1) {
            return r;
        }
        return r.narrowedTo(
                info.getIndexOfThisSubtask(),
                r.subtasks(
                        info.getMaxNumberOfParallelSubtasks(), info.getNumberOfParallelSubtasks()));
    }

    /** The records of checkpointed segments, each cut to the groups this subtask holds. */
    private void forEachOwned(
            ListState<byte[]> segments, java.util.function.Consumer<Routed> action)
            throws Exception {
        for (byte[] segment : segments.get()) {
            history.forEachIn(
                    segment,
                    routed -> {
                        Routed mine = owned(routed);
                        if (mine != null) {
                            action.accept(mine);
                        }
                    });
        }
    }

    private void restore() throws Exception {
        long clock = Long.MIN_VALUE;
        for (Long t : clockState.get()) {
            clock = Math.max(clock, t);
        }
        List<RestoreHorizon.Kept> replay = new ArrayList<>();
        java.util.function.Consumer<byte[]> keep =
                segment ->
                        history.forEachKept(
                                segment,
                                k -> {
                                    Routed mine = owned(k.routed());
                                    if (mine != null) {
                                        replay.add(
                                                new RestoreHorizon.Kept(
                                                        k.sequence(), k.evaluatedAt(), mine));
                                    }
                                });
        List<HorizonFileRef> inFiles = new ArrayList<>();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        for (byte[] entry : historyState.get()) {
            if (HorizonFileRef.isRef(entry)) {
                HorizonFileRef ref = HorizonFileRef.decode(entry);
                inFiles.add(ref);
                // The replay puts the events into a fresh horizon, which the next checkpoint
                // writes anew: the restored files are needed only while the checkpoint they came
                // from is kept.
                files.restored(ref, parallelism);
            } else {
                keep.accept(entry);
            }
        }
        HorizonFiles.read(inFiles, keep);
        // The order of evaluation; a checkpoint without it, the events' own times.
        replay.sort(
                Comparator.comparingLong(RestoreHorizon.Kept::sequence)
                        .thenComparingLong(k -> k.routed().event.timestamp));
        for (RestoreHorizon.Kept k : replay) {
            send(k.routed(), clock, k.evaluatedAt());
        }
        Map<String, DetectionEngine.State> states = new HashMap<>();
        for (ListState<byte[]> stored : List.of(engineState, splitEngineState)) {
            for (byte[] b : stored.get()) {
                DataInputDeserializer in = new DataInputDeserializer(b);
                String family = in.readUTF();
                DetectionEngine.State st = DetectionEngine.State.readFrom(in);
                DetectionEngine.State before = states.putIfAbsent(family, st);
                if (before != null) {
                    before.mergeFrom(st);
                }
            }
        }
        keepOwnSuppressions(states);
        for (Map.Entry<String, DetectionEngine> e : engines.entrySet()) {
            if (clock != Long.MIN_VALUE) {
                // A checkpoint taken after the end-of-time watermark: the engines close their
                // windows as they did then, and their clocks stay real times.
                e.getValue()
                        .advanceTime(clock == Long.MAX_VALUE ? pastHorizon(e.getValue()) : clock);
            }
            // Alerts of the replayed events were emitted before the checkpoint; a quarantine the
            // replay caused afresh was not.
            for (Alert a : e.getValue().drainAlerts()) {
                if (DetectionEngine.RULE_HEALTH_RULE_ID.equals(a.ruleId)) {
                    restoredRuleHealth.add(a);
                }
            }
            DetectionEngine.State st = states.get(e.getKey());
            if (st != null) {
                e.getValue().importState(st);
            }
        }
        watermark = clock;
        forEachOwned(bufferState, buffer::add);
        LOG.info(
                "restored {} rules, {} horizon events replayed, {} events pending, clock {}",
                rules.size(),
                replay.size(),
                buffer.size(),
                clock);
    }

    @Override
    public void open() throws Exception {
        super.open();
        eventsEvaluated = getMetricGroup().counter("eventsEvaluated");
        lateEvents = getMetricGroup().counter("lateEvents");
        lateEventsTotal = lateEventsCounter(SocMetrics.registry());
        alertsRaised = getMetricGroup().counter("alertsRaised");
        ruleDeployFailures = getMetricGroup().counter("ruleDeployFailures");
        rulesQuarantined = getMetricGroup().counter("rulesQuarantined");
        idleSince = Long.MIN_VALUE;
        idleFrom = Long.MIN_VALUE;
        ruleMetrics = RuleMetrics.of(SocMetrics.registry());
        org.socengine.jobs.internal.ExportedRegistry.register(getMetricGroup());
        ruleCounts = ruleMetrics.tracker();
        org.socengine.jobs.internal.HorizonMetrics.register(SocMetrics.registry());
        getProcessingTimeService()
                .registerTimer(
                        getProcessingTimeService().getCurrentProcessingTime() + 1000,
                        t -> updateRuleMetrics());
        getMetricGroup().gauge("rulesInQuarantine", () -> quarantines.size());
        getMetricGroup().gauge("rulesDeployed", () -> rules.size());
    }

    /** Events that came behind the watermark, for the whole process (docs/metrics.md). */
    public static io.micrometer.core.instrument.Counter lateEventsCounter(
            io.micrometer.core.instrument.MeterRegistry registry) {
        return io.micrometer.core.instrument.Counter.builder("soc.detection.late_events")
                .description(
                        "Events that reached the detector behind the watermark: evaluated on"
                                + " arrival, their alerts marked late, unseen by windows that"
                                + " had already closed")
                .register(registry);
    }

    @Override
    public void processElement(StreamRecord<Routed> element) {
        Routed r = element.getValue();
        if (r.control != null) {
            apply(r.control);
            return;
        }
        if (r.event.timestamp <= watermark) {
            // Behind the watermark: its window may be gone, but it is still evaluated.
            lateEvents.inc();
            lateEventsTotal.increment();
            evaluate(r);
            emitAlerts();
            return;
        }
        buffer.add(r);
    }

    private void apply(Control c) {
        switch (c.kind) {
            case Control.DEPLOY -> {
                CompiledRule r = c.rule();
                RuleQuarantine q = quarantines.get(r.id());
                if (q != null && !q.releasedBy(r.definition())) {
                    // The file that was quarantined, again: only a newer one deploys.
                    LOG.info(
                            "rule {} version {} stays quarantined: {}",
                            r.id(),
                            r.definition().version(),
                            q.reason());
                    return;
                }
                if (q != null) {
                    release(r.id());
                }
                if (!deploy(r)) {
                    ruleDeployFailures.inc();
                    ruleMetrics.error(r.id(), RuleMetrics.DEPLOY_FAILED);
                }
            }
            case Control.REMOVE -> {
                // A removed rule has nothing left to hold out: a file published afterwards is new.
                release(c.ruleId);
                undeploy(c.ruleId);
            }
            case Control.ALERT_STATUS -> {
                if ("false_positive".equals(c.disposition) && c.alertId != null) {
                    engines.values().forEach(e -> e.closedAsFalsePositive(c.alertId));
                }
            }
            default -> LOG.warn("ignoring control message of kind {}", c.kind);
        }
    }

    /** Deploys or replaces a rule; false when Esper refused it (the previous version stays). */
    private boolean deploy(CompiledRule rule) {
        String family = RuleFamilies.familyOf(rule.definition());
        String previousFamily = familyOfRule.get(rule.id());
        if (!rule.definition().enabled()) {
            undeploy(rule.id());
            rules.put(rule.id(), rule);
            return true;
        }
        DetectionEngine engine = engine(family);
        try {
            engine.deploy(rule);
        } catch (Exception e) {
            LOG.error(
                    "rule {} ({}) version {} did not deploy; the previous version keeps running: {}",
                    rule.id(),
                    rule.definition().name(),
                    rule.definition().version(),
                    e.getMessage());
            return false;
        }
        if (previousFamily != null && !previousFamily.equals(family)) {
            engines.get(previousFamily).undeploy(rule.id());
        }
        rules.put(rule.id(), rule);
        familyOfRule.put(rule.id(), family);
        LOG.info(
                "rule {} ({}) version {} deployed",
                rule.id(),
                rule.definition().name(),
                rule.definition().version());
        return true;
    }

    private void release(String ruleId) {
        if (quarantines.remove(ruleId) != null) {
            engines.values().forEach(e -> e.releaseQuarantine(ruleId));
        }
    }

    private void undeploy(String ruleId) {
        String family = familyOfRule.remove(ruleId);
        if (family != null) {
            engines.get(family).undeploy(ruleId);
        }
        rules.remove(ruleId);
    }

    private DetectionEngine engine(String family) {
        DetectionEngine e = engines.get(family);
        if (e == null) {
            e = new DetectionEngine(runtimeUri + "-" + engines.size(), List.of());
            if (keyed != null) {
                e.logKeyedWindows(keyed);
            }
            if (alertBudgetPerHour > 0) {
                e.setAlertBudget(alertBudgetPerHour);
            } else {
                e.withoutAlertBudget();
            }
            e.setRuleLimits(ruleLimits, cpuSampleEvery);
            long time = engineTime();
            if (time != Long.MIN_VALUE) {
                e.advanceTime(time);
            }
            engines.put(family, e);
        }
        return e;
    }

    /** Just past every window of the engine: where the end-of-time watermark puts its clock. */
    private static long pastHorizon(DetectionEngine engine) {
        long now = engine.currentTime();
        return now == Long.MIN_VALUE ? Long.MIN_VALUE : now + engine.horizonMillis() + 1;
    }

    /**
     * The time a new engine starts at: the watermark, but never the end of time. After the
     * end-of-time watermark (every input idle, or a bounded input's end) the other engines stand
     * just past their horizons; a family deployed then starts where the latest of them is. Set to
     * the end of time, its Esper clock made every alert carry that time, which Kafka refuses as a
     * record timestamp: the alert sink failed and took its TaskManager down.
     */
    private long engineTime() {
        if (watermark != Long.MAX_VALUE) {
            return watermark;
        }
        long latest = Long.MIN_VALUE;
        for (DetectionEngine e : engines.values()) {
            latest = Math.max(latest, e.currentTime());
        }
        return latest;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        advanceTo(mark.getTimestamp());
        output.emitWatermark(mark);
    }

    /**
     * Every input idle (the raw partitions past the idle timeout, the control streams idle for
     * ever): a quiet spell starts here, from the event time reached; an input active again ends it.
     */
    @Override
    public void processWatermarkStatus(
            org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus status)
            throws Exception {
        if (status.isIdle()) {
            idleSince = getProcessingTimeService().getCurrentProcessingTime();
            idleFrom = watermark;
        } else {
            idleSince = Long.MIN_VALUE;
        }
        super.processWatermarkStatus(status);
    }

    /**
     * The event clock of a quiet spell: event time moves on from where it stood as fast as the wall
     * clock does, and no further than {@code idleAdvanceMillis}, so the last events before the
     * spell are evaluated and their windows close as they would have with traffic going on. Not the
     * wall clock itself: a replay of old logs that pauses does not jump to today. Checked on the
     * operator's one-second timer; tests drive it with the harness's processing time.
     */
    private void advanceWhileIdle() throws Exception {
        if (idleAdvanceMillis <= 0
                || idleSince == Long.MIN_VALUE
                || idleFrom == Long.MIN_VALUE
                || idleFrom == Long.MAX_VALUE) {
            return;
        }
        long quiet = getProcessingTimeService().getCurrentProcessingTime() - idleSince;
        advanceTo(idleFrom + Math.min(Math.max(0, quiet), idleAdvanceMillis));
    }

    /** Moves the event clock: waiting events in order, then the engines' windows and timers. */
    private void advanceTo(long w) throws Exception {
        if (w > watermark) {
            watermark = w;
            for (Routed r = buffer.pollUpTo(w); r != null; r = buffer.pollUpTo(w)) {
                evaluate(r);
            }
            for (Map.Entry<String, DetectionEngine> e : engines.entrySet()) {
                DetectionEngine engine = e.getValue();
                // The end-of-input watermark closes every window; a real clock never gets there.
                engine.advanceTime(w == Long.MAX_VALUE ? pastHorizon(engine) : w);
                engine.expire();
            }
            history.prune(w);
            if (keyed != null) {
                keyed.prune(w);
            }
            emitAlerts();
            if (w == Long.MAX_VALUE) {
                ruleCounts.update(rules, familyOfRule, engines);
            }
        }
    }

    /** Per-rule counts of the engines to the engine's metrics, every second and at the end. */
    private void updateRuleMetrics() throws Exception {
        advanceWhileIdle();
        ruleCounts.update(rules, familyOfRule, engines);
        org.socengine.jobs.internal.HorizonMetrics.kept(this, history.size(), keyedEvents());
        getProcessingTimeService()
                .registerTimer(
                        getProcessingTimeService().getCurrentProcessingTime() + 1000,
                        t -> updateRuleMetrics());
    }

    private void evaluate(Routed r) {
        send(r, Long.MIN_VALUE, Long.MIN_VALUE);
        eventsEvaluated.inc();
    }

    /**
     * Sends the event to its families' engines and keeps it for the longest of their horizons. A
     * replay passes its clock and the time the event was first evaluated at: a family whose windows
     * are already past the event (it was kept for a longer horizon of another family) does not get
     * it.
     */
    private void send(Routed r, long clock, long evaluatedAt) {
        long keep = 0;
        long at = evaluatedAt;
        boolean logged = keyed != null;
        if (clock == Long.MIN_VALUE) {
            // Live: the engines' time when they get it, which is later than its own when late.
            at = r.event.timestamp;
            for (String family : r.families) {
                DetectionEngine engine = engines.get(family);
                if (engine != null) {
                    at = Math.max(at, engine.currentTime());
                }
            }
        }
        if (logged) {
            keyed.sending(r, at);
        }
        for (String family : r.families) {
            DetectionEngine engine = engines.get(family);
            if (engine != null
                    && (clock == Long.MIN_VALUE || at >= clock - engine.horizonMillis())) {
                if (clock != Long.MIN_VALUE && at > engine.currentTime()) {
                    // A replay: late as it was, at the time it was.
                    engine.advanceTime(at);
                }
                engine.send(r.event);
                // What a keyed window needs of the event, its log has; a rule that cannot read
                // the event needs none of it.
                keep = Math.max(keep, engine.keptHorizonFor(r.event));
            }
        }
        long sequence = -1;
        if (keep > 0 && keepHorizon) {
            sequence = history.add(keep, r, at);
        }
        if (logged) {
            if (sequence >= 0) {
                keyed.sent(sequence, keep);
            } else {
                keyed.sent(keyed.entered() ? history.nextSequence() : -1, 0);
            }
        }
        // The bytes a checkpoint kept with it while it waited are in the horizon now, or not
        // needed: they do not outlive the wait (a caller may hold on to the record).
        r.serialized = null;
    }

    private void emitAlerts() {
        for (Alert a : restoredRuleHealth) {
            alertsRaised.inc();
            ruleMetrics.alert(a);
            output.collect(new StreamRecord<>(a, a.timestamp));
        }
        restoredRuleHealth.clear();
        for (DetectionEngine engine : engines.values()) {
            for (RuleQuarantine q : engine.drainQuarantines()) {
                quarantined(q);
            }
            for (Alert a : engine.drainAlerts()) {
                alertsRaised.inc();
                ruleMetrics.alert(a);
                output.collect(new StreamRecord<>(a, a.timestamp));
            }
        }
    }

    /**
     * An engine took a rule out for going over its limits: it stays out of this operator (and,
     * through the union state, of every subtask after a restore), and {@code soc.rules.status} says
     * so.
     */
    private void quarantined(RuleQuarantine q) {
        quarantines.put(q.ruleId(), q);
        rules.remove(q.ruleId());
        familyOfRule.remove(q.ruleId());
        rulesQuarantined.inc();
        ruleMetrics.error(q.ruleId(), RuleMetrics.QUARANTINED);
        LOG.warn(
                "rule {} ({}) version {} quarantined: {}",
                q.ruleId(),
                q.ruleName(),
                q.version(),
                q.reason());
        output.collect(
                RULE_STATUS,
                new StreamRecord<>(
                        RuleStatus.of(
                                q.ruleId(),
                                q.version(),
                                RuleStatus.QUARANTINED,
                                q.reason(),
                                q.at()),
                        q.at()));
    }

    /** Whether the snapshot about to be taken is a savepoint, which must stand alone. */
    @Override
    public OperatorSnapshotFutures snapshotState(
            long checkpointId,
            long timestamp,
            CheckpointOptions checkpointOptions,
            CheckpointStreamFactory factory)
            throws Exception {
        snapshotIsSavepoint = checkpointOptions.getCheckpointType().isSavepoint();
        return super.snapshotState(checkpointId, timestamp, checkpointOptions, factory);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<byte[]> ruleBytes = new ArrayList<>();
        // Each subtask holds the same rules; one copy is enough for the union on restore.
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            for (CompiledRule r : rules.values()) {
                ruleBytes.add(Control.serialize(r));
            }
        }
        rulesState.update(ruleBytes);
        // In the order they will be evaluated: a priority queue iterates in heap order, and the
        // restored buffer numbers its events afresh in the order they are read back. Events of
        // one timestamp (syslog and Windows times are whole seconds) then changed places after a
        // restore, and a rule that counts what came before an event at the same second (a login
        // after failures) or a spray's fold counted one more or one less than the run that never
        // stopped.
        bufferState.update(history.pack(buffer.inEvaluationOrder()));
        if (snapshotIsSavepoint || !files.enabled()) {
            List<byte[]> entries = history.segments();
            entries.addAll(keyedSegments());
            historyState.update(entries);
        } else {
            // Sealed segments are written once, by the first checkpoint that needs them; this one
            // and the later ones name them.
            files.store(history.unstored());
            List<byte[]> entries = history.segments(true);
            entries.addAll(files.checkpointed(context.getCheckpointId(), history.stored()));
            // A few events per department and source: written whole each time.
            entries.addAll(keyedSegments());
            historyState.update(entries);
        }
        List<byte[]> states = new ArrayList<>();
        for (Map.Entry<String, DetectionEngine> e : engines.entrySet()) {
            states.add(engineStateBytes(e.getKey(), e.getValue()));
        }
        engineState.update(states);
        splitEngineState.update(List.of());
        clockState.update(List.of(watermark));
        List<byte[]> held = new ArrayList<>();
        for (RuleQuarantine q : quarantines.values()) {
            held.add(JavaSerialization.write(q));
        }
        quarantineState.update(held);
    }

    private List<byte[]> keyedSegments() {
        return keyed == null ? List.of() : history.packKept(keyed.events(history));
    }

    /** Rules held out for going over their limits, for tests. */
    java.util.Set<String> quarantinedRuleIds() {
        return new java.util.TreeSet<>(quarantines.keySet());
    }

    private static byte[] engineStateBytes(String family, DetectionEngine engine)
            throws java.io.IOException {
        DataOutputSerializer out = new DataOutputSerializer(4096);
        out.writeUTF(family);
        engine.exportState().writeTo(out);
        return out.getCopyOfBuffer();
    }

    /** Events waiting for the watermark, for tests. */
    int pendingEvents() {
        return buffer.size();
    }

    /** Events kept to rebuild windows after a restore, for tests. */
    int horizonEvents() {
        return history.size();
    }

    /** Events kept as the last of a keyed window's key (some also in the horizon), for tests. */
    int keyedEvents() {
        return keyed == null ? 0 : keyed.size();
    }

    /** Live suppression entries, for tests. */
    int suppressionEntries() {
        return engines.values().stream().mapToInt(e -> e.suppressions().size()).sum();
    }

    /** Deployed rule ids, for tests. */
    java.util.Set<String> deployedRuleIds() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        engines.values().forEach(e -> out.addAll(e.ruleIds()));
        return out;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        files.completed(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        super.notifyCheckpointAborted(checkpointId);
        files.aborted(checkpointId);
    }

    @Override
    public void close() throws Exception {
        org.socengine.jobs.internal.HorizonMetrics.closed(this);
        if (files != null) {
            files.close();
        }
        if (buffer != null) {
            // Waiting records are the caller's objects (a test feeds the same ones to several
            // detectors): the bytes a checkpoint kept with them go with this detector.
            for (Routed r : buffer.inEvaluationOrder()) {
                r.serialized = null;
            }
        }
        if (engines != null) {
            engines.values().forEach(DetectionEngine::close);
            engines.clear();
        }
        super.close();
    }
}
