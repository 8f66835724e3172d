package org.socengine.rules.engine;

import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.EventSender;
import com.espertech.esper.common.client.util.StatementProperty;
import com.espertech.esper.common.client.util.StatementType;
import com.espertech.esper.common.internal.metrics.stmtmetrics.StatementMetricHandle;
import com.espertech.esper.runtime.client.DeploymentOptions;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPDeployPreconditionException;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import com.espertech.esper.runtime.client.EPUndeployException;
import com.espertech.esper.runtime.internal.kernel.statement.EPStatementSPI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleLimits;

/**
 * Runs compiled rules on Esper runtimes, in event time. The caller feeds events in timestamp order
 * and advances the clock from watermarks; the engine never reads the wall clock, so the same events
 * give the same alerts live, in a replay and in a test.
 *
 * <p>Repeats of a rule for the same group key within the rule's suppression period are counted, not
 * alerted again: a brute force of 50 failures is one alert, not 43.
 *
 * <p>Departments never mix: department-scoped rules (the default) run in one Esper runtime per
 * department, created at the department's first event, so no window, pattern, named window or
 * aggregation of a rule ever holds two departments' events, whatever its EPL says. Events without a
 * department have a runtime of their own. Rules with {@code scope: province} run in one more
 * runtime that sees every department's events. Separate runtimes rather than a rewrite of each
 * statement into an Esper context: the isolation then holds for any statement the sandbox lets
 * through, and costs no parsing of rules.
 *
 * <p>Not thread-safe: one engine per Flink subtask (each with its own runtime URI).
 */
public final class DetectionEngine implements AutoCloseable {

    public static final Duration DEFAULT_SUPPRESSION = Duration.ofMinutes(10);

    // Statements that feed other statements produce no alerts of their own.
    private static final java.util.regex.Pattern INSERT_INTO =
            java.util.regex.Pattern.compile(
                    "^\\s*(@\\w+\\s*(\\([^)]*\\))?\\s*)*(insert\\s+into|on\\s)",
                    java.util.regex.Pattern.CASE_INSENSITIVE);

    /** Timer steps one clock advance takes one scheduled time at a time, per runtime. */
    public static final int EXACT_CLOCK_STEPS = 10_000;

    /** Steps the rest of a longer jump of the clock is cut into, per runtime. */
    public static final int COARSE_CLOCK_STEPS = 1_000;

    /** Event time over which a rule's use is measured against its limits. */
    public static final long BUDGET_PERIOD_MILLIS = 60_000;

    /** One event in so many is timed per statement: the timing costs two clock reads a rule. */
    public static final int DEFAULT_CPU_SAMPLE_EVERY = 32;

    /** The meta-rule of {@code rule_health} alerts: a rule quarantined for its cost. */
    public static final String RULE_HEALTH_RULE_ID = "soc-engine-rule-health";

    /** The department key of events without {@code organization.id}. */
    static final String UNATTRIBUTED = "";

    private final String runtimeUri;
    private final AlertFactory alertFactory;
    private final Map<String, CompiledRule> deployed = new LinkedHashMap<>();

    /** One runtime per department for department rules; {@code ""} exists from the start. */
    private final Map<String, Partition> departments = new LinkedHashMap<>();

    /** The runtime of province-scoped rules, once one is deployed. */
    private Partition province;

    private int runtimes;
    private final Map<String, Predicate<SecurityEvent>> departmentStreams = new LinkedHashMap<>();
    private final Map<String, Predicate<SecurityEvent>> provinceStreams = new LinkedHashMap<>();
    private long partitionDeployFailures;
    private long clockSteps;
    private long coarseAdvances;
    private RuleLimits limitDefaults = RuleLimits.DEFAULTS;
    private int cpuSampleEvery = DEFAULT_CPU_SAMPLE_EVERY;
    private long budgetPeriodStart = Long.MIN_VALUE;

    /**
     * Consecutive budget periods each rule has been over its CPU limit. CPU is the one measure that
     * depends on the machine, not on the events: the first minutes after a start or a restore run
     * in the interpreter, a collection or a neighbour's build slows everything; one period over
     * quarantined the library's log-source-silence rule in a cold start. Only a rule over its limit
     * for {@link #CPU_STRIKES} periods in a row is quarantined; rows and groups, which the events
     * alone decide, count at once.
     */
    private final Map<String, Integer> cpuStrikes = new HashMap<>();

    static final int CPU_STRIKES = 3;
    private final Map<String, RuleQuarantine> quarantined = new LinkedHashMap<>();
    private final List<RuleQuarantine> newlyQuarantined = new ArrayList<>();
    private long horizonMillis;
    private long keptHorizonMillis;

    /**
     * The rules that keep a horizon, longest first, when the rules do not all keep the same one;
     * null when they do (then every event of the engine is kept for it).
     */
    private List<CompiledRule> keepers;

    private KeyedWindowLog keyedLog;
    private final Map<String, Suppression> suppressions = new HashMap<>();

    /**
     * No suppression ends before this (a lower bound): past 1,024 live suppressions the clock
     * expired them at every advance, a scan of all of them per event for as long as a busy library
     * kept that many alerts suppressed.
     */
    private long nextSuppressionEnd = Long.MIN_VALUE;

    private final List<Alert> pending = new ArrayList<>();
    private final Map<String, Suppression> pendingUpdates = new LinkedHashMap<>();
    private AlertBudget budget = new AlertBudget(AlertBudget.DEFAULT_PER_HOUR);
    private long suppressedTotal;

    /**
     * Events each stream carried into the department runtimes, and into the province's: a rule
     * evaluates the events of the streams it reads, so its evaluations are read off these without a
     * count per rule and event. Cumulative, for metrics.
     */
    private final Map<String, long[]> departmentStreamEvents = new HashMap<>();

    private final Map<String, long[]> provinceStreamEvents = new HashMap<>();

    /** Per rule, cumulative: [0] rows its statements output, [1] CPU nanoseconds (sampled). */
    private final Map<String, long[]> ruleCounts = new HashMap<>();

    private long currentTime = Long.MIN_VALUE;
    private boolean sendingLate;

    /** One Esper runtime: a department's (or the province's) instance of the rules. */
    private final class Partition {
        /** The department, {@code ""} for events without one, null for the province. */
        final String department;

        final EPRuntime runtime;
        final EPEventService events;
        final Map<String, String> deploymentIds = new HashMap<>();

        /** Statement CPU time already counted, by deployment: Esper's figures are cumulative. */
        final Map<String, Long> cpuCounted = new HashMap<>();

        /** Esper's per-statement timing switches, on only while a sampled event is evaluated. */
        private List<StatementMetricHandle> timers;

        private long sent;

        /**
         * Esper's sender of each stream's events, by the stream name's identity (the keys of the
         * streams maps): {@code sendEventBean(event, name)} looks the event type up by name at
         * every event, a lookup that showed in the detector's profile.
         */
        private final Map<String, EventSender> senders = new IdentityHashMap<>();

        /**
         * The streams this runtime has had events of, or null when it holds every rule from the
         * start. A department's runtime gets a rule at the first event of a stream the rule reads:
         * before it, the rule could have seen nothing there, and a restore that replays ten
         * departments' history deploys each department's rules of the sources it sends, not the
         * whole library ten times over.
         */
        Set<String> streamsSeen;

        Partition(String department) {
            this.department = department;
            this.runtime =
                    EPRuntimeProvider.getRuntime(
                            runtimeUri + "#" + runtimes++, EsperSetup.configuration());
            this.runtime.initialize();
            this.events = runtime.getEventService();
            if (currentTime != Long.MIN_VALUE) {
                events.advanceTime(currentTime);
            }
        }

        /**
         * Deploys a rule here, replacing the version running here (if any) only once the new one is
         * deployed.
         */
        void deploy(CompiledRule rule, CompiledRule previousRule) throws EPDeployException {
            if (currentTime != Long.MIN_VALUE && events.getCurrentTime() < currentTime) {
                advanceTo(currentTime);
            } else if (currentTime != Long.MIN_VALUE && events.getCurrentTime() != currentTime) {
                events.advanceTime(currentTime);
            }
            String previous = deploymentIds.get(rule.id());
            EPDeployment d;
            try {
                d = runtime.getDeploymentService().deploy(rule.compiled(), new DeploymentOptions());
            } catch (EPDeployPreconditionException e) {
                if (previous == null) {
                    throw e;
                }
                // The new version declares a named window, table or context the running version
                // owns: swap them, and put the running version back if the new one still fails.
                undeploy(rule.id());
                try {
                    d =
                            runtime.getDeploymentService()
                                    .deploy(rule.compiled(), new DeploymentOptions());
                } catch (EPDeployException again) {
                    if (previousRule != null) {
                        deploy(previousRule, null);
                    }
                    throw again;
                }
                previous = null;
            }
            for (EPStatement s : d.getStatements()) {
                if (s.getProperty(StatementProperty.STATEMENTTYPE) == StatementType.SELECT
                        && !INSERT_INTO
                                .matcher(String.valueOf(s.getProperty(StatementProperty.EPL)))
                                .find()) {
                    s.addListener(
                            (newEvents, oldEvents, statement, rt) ->
                                    onOutput(rule, this, newEvents));
                }
            }
            if (keyedLog != null && !rule.keyedWindows().isEmpty()) {
                logKeyedWindows(rule, d);
            }
            deploymentIds.put(rule.id(), d.getDeploymentId());
            for (EPStatement s : d.getStatements()) {
                // Esper times every statement of a runtime with metrics on; only sampled events
                // are timed here.
                StatementMetricHandle h = timerOf(s);
                if (h != null) {
                    h.setEnabled(false);
                }
            }
            timers = null;
            if (previous != null) {
                undeployQuietly(runtime, previous);
                forgetKeyed(previous);
                cpuCounted.remove(previous);
            }
        }

        /**
         * Tells the log of every event that enters one of the rule's keyed windows here: the
         * window's own statement reports what enters it, whichever statement wrote it.
         */
        private void logKeyedWindows(CompiledRule rule, EPDeployment d) {
            String id = d.getDeploymentId();
            for (KeyedWindow w : rule.keyedWindows()) {
                for (EPStatement s : d.getStatements()) {
                    if (s.getProperty(StatementProperty.STATEMENTTYPE)
                                    == StatementType.CREATE_WINDOW
                            && w.window()
                                    .equals(s.getProperty(StatementProperty.CREATEOBJECTNAME))) {
                        KeyedWindowLog log = keyedLog;
                        s.addListener(
                                (newEvents, oldEvents, statement, rt) -> {
                                    if (newEvents != null) {
                                        for (EventBean b : newEvents) {
                                            log.entered(new KeyedSlot(id, w, keyOf(b, w)));
                                        }
                                    }
                                });
                    }
                }
            }
        }

        void undeploy(String ruleId) {
            String id = deploymentIds.remove(ruleId);
            if (id != null) {
                undeployQuietly(runtime, id);
                forgetKeyed(id);
                cpuCounted.remove(id);
                timers = null;
            }
        }

        private void time(boolean on) {
            if (timers == null) {
                timers = new ArrayList<>();
                for (String id : deploymentIds.values()) {
                    EPDeployment d = runtime.getDeploymentService().getDeployment(id);
                    if (d != null) {
                        for (EPStatement s : d.getStatements()) {
                            StatementMetricHandle h = timerOf(s);
                            if (h != null) {
                                timers.add(h);
                            }
                        }
                    }
                }
            }
            for (StatementMetricHandle h : timers) {
                h.setEnabled(on);
            }
        }

        /**
         * Adds this runtime's use since the last call to {@code usage}: per rule, CPU nanoseconds
         * (scaled up from the sampled events), rows of its named windows and tables, groups of its
         * grouped aggregations. Counting rows stops past {@code rowCap}: the check costs no more
         * than the limit.
         */
        void measure(Map<String, long[]> usage, Map<String, Long> rowCaps) {
            Map<String, Long> cpu = new HashMap<>();
            runtime.getMetricsService()
                    .iterateStatementGroups(
                            g ->
                                    g.iterateStatements(
                                            st -> {
                                                var m = st.getMetric();
                                                if (m != null && m.getDeploymentId() != null) {
                                                    cpu.merge(
                                                            m.getDeploymentId(),
                                                            m.getCpuTime(),
                                                            Long::sum);
                                                }
                                            }));
            for (Map.Entry<String, String> e : deploymentIds.entrySet()) {
                long[] u = usage.computeIfAbsent(e.getKey(), k -> new long[3]);
                long total = cpu.getOrDefault(e.getValue(), 0L);
                Long before = cpuCounted.put(e.getValue(), total);
                long delta = total - (before == null ? 0 : before);
                if (delta > 0) {
                    u[0] += delta * Math.max(1, cpuSampleEvery);
                    ruleCounts.computeIfAbsent(e.getKey(), k -> new long[2])[1] +=
                            delta * Math.max(1, cpuSampleEvery);
                }
                EPDeployment d = runtime.getDeploymentService().getDeployment(e.getValue());
                if (d == null) {
                    continue;
                }
                for (EPStatement st : d.getStatements()) {
                    Object type = st.getProperty(StatementProperty.STATEMENTTYPE);
                    if (type == StatementType.CREATE_WINDOW || type == StatementType.CREATE_TABLE) {
                        long cap = rowCaps.getOrDefault(e.getKey(), Long.MAX_VALUE);
                        u[1] += rowsOf(st, cap - u[1]);
                    } else {
                        u[2] += groupsOf(st);
                    }
                }
            }
        }

        /** Brings this runtime to the engine's clock, firing what fell due meanwhile. */
        void catchUp() {
            if (currentTime != Long.MIN_VALUE && events.getCurrentTime() < currentTime) {
                advanceTo(currentTime);
            }
        }

        /**
         * Moves this runtime's clock to {@code target} with a bounded number of timer steps. Up to
         * {@link #EXACT_CLOCK_STEPS} steps go through the scheduled times one by one, so that each
         * timer fires at its own time and an alert raised by a timer (an absence, an output
         * interval) carries the time it was due. What is left of a longer jump (a device whose
         * clock was ten years off, a replay across a gap) is covered in at most {@link
         * #COARSE_CLOCK_STEPS} equal steps, each firing what is due once: a one-second timer across
         * ten years would otherwise fire 315 million times and hold the detector.
         */
        void advanceTo(long target) {
            long steps = 0;
            Long next = events.getNextScheduledTime();
            while (next != null && next <= target && steps < EXACT_CLOCK_STEPS) {
                events.advanceTime(next);
                steps++;
                next = events.getNextScheduledTime();
            }
            clockSteps += steps;
            if (next == null || next > target) {
                // Nothing due before the target: one jump.
                if (events.getCurrentTime() < target) {
                    events.advanceTime(target);
                }
                return;
            }
            long from = events.getCurrentTime();
            long span = target - from;
            long resolution = Math.max(1, (span + COARSE_CLOCK_STEPS - 1) / COARSE_CLOCK_STEPS);
            events.advanceTimeSpan(target, resolution);
            clockSteps += (span + resolution - 1) / resolution;
            coarseAdvances++;
        }

        /**
         * Whether the rule can see anything here: a rule whose every stream filter names one
         * department ({@link CompiledRule#department()}) has nothing to do in another department's
         * runtime, and costs nothing there (no deployment, no statements, no timers).
         */
        boolean admits(CompiledRule rule) {
            return department == null
                    || rule.department() == null
                    || rule.department().equals(department);
        }

        /** Whether this runtime holds (or must now hold) the rule. */
        boolean wants(CompiledRule rule) {
            if (!admits(rule)) {
                return false;
            }
            if (streamsSeen == null || rule.streams().isEmpty()) {
                return true;
            }
            for (String stream : rule.streams()) {
                if (streamsSeen.contains(stream)) {
                    return true;
                }
            }
            return false;
        }

        void send(SecurityEvent event, Map<String, Predicate<SecurityEvent>> streams) {
            boolean timed = cpuSampleEvery > 0 && sent++ % cpuSampleEvery == 0;
            Map<String, long[]> carried =
                    department == null ? provinceStreamEvents : departmentStreamEvents;
            for (Map.Entry<String, Predicate<SecurityEvent>> s : streams.entrySet()) {
                if (s.getValue().test(event)) {
                    carried.computeIfAbsent(s.getKey(), k -> new long[1])[0]++;
                    if (streamsSeen != null && streamsSeen.add(s.getKey())) {
                        deployReadersOf(this, s.getKey());
                    }
                    EventSender sender =
                            senders.computeIfAbsent(s.getKey(), events::getEventSender);
                    if (timed) {
                        time(true);
                        try {
                            sender.sendEvent(event);
                        } finally {
                            time(false);
                        }
                    } else {
                        sender.sendEvent(event);
                    }
                }
            }
        }
    }

    /** Suppression state of one rule and group key: the alert repeats are folded into. */
    public static final class Suppression implements java.io.Serializable {
        public long until;
        public long repeats;
        public String alertId;

        /** The alert as raised and as updated since; null in state written by older versions. */
        public Alert alert;

        /**
         * Suppression period, to extend it when an analyst closes the alert as a false positive.
         */
        public long periodMillis;

        /** Events already counted at exactly {@code alert.lastSeen}: timestamps repeat. */
        public long lastSeenCount;

        public Suppression() {}

        public Suppression(long until, long repeats, String alertId) {
            this.until = until;
            this.repeats = repeats;
            this.alertId = alertId;
        }
    }

    /** Everything the engine needs besides Esper's windows to carry on after a restore. */
    public static final class State implements java.io.Serializable {
        private static final int VERSION = 1;

        public Map<String, Suppression> suppressions = new HashMap<>();
        public AlertBudget budget;

        /**
         * Adds another subtask's state of the same family, after a restore at another parallelism:
         * each group was one subtask's, so its suppression comes from there (of two copies, the one
         * that lasts longer, then the one that counted more repeats); the alert budget spent in
         * each hour is what all of them spent.
         */
        public void mergeFrom(State other) {
            for (Map.Entry<String, Suppression> e : other.suppressions.entrySet()) {
                suppressions.merge(e.getKey(), e.getValue(), State::later);
            }
            if (other.budget != null) {
                budget = budget == null ? other.budget : budget.plus(other.budget);
            }
        }

        private static Suppression later(Suppression a, Suppression b) {
            if (a.until != b.until) {
                return a.until > b.until ? a : b;
            }
            return a.repeats >= b.repeats ? a : b;
        }

        /**
         * Writes the state for a checkpoint. Hand-written because it is written at every checkpoint
         * on the detection thread, and Java serialization of thousands of suppressed alerts with
         * their evidence showed in the profile; the budget is small and stays Java.
         */
        public void writeTo(java.io.DataOutput out) throws java.io.IOException {
            out.writeByte(VERSION);
            out.writeInt(suppressions.size());
            for (Map.Entry<String, Suppression> e : suppressions.entrySet()) {
                Suppression s = e.getValue();
                writeString(e.getKey(), out);
                out.writeLong(s.until);
                out.writeLong(s.repeats);
                out.writeBoolean(s.alertId != null);
                if (s.alertId != null) {
                    writeString(s.alertId, out);
                }
                out.writeBoolean(s.alert != null);
                if (s.alert != null) {
                    org.socengine.model.AlertCodec.write(s.alert, out);
                }
                out.writeLong(s.periodMillis);
                out.writeLong(s.lastSeenCount);
            }
            byte[] b = budget == null ? new byte[0] : javaBytes(budget);
            out.writeInt(b.length);
            out.write(b);
        }

        public static State readFrom(java.io.DataInput in) throws java.io.IOException {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new java.io.IOException(
                        "unknown detection engine state version "
                                + version
                                + ", expected "
                                + VERSION);
            }
            State st = new State();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String key = readString(in);
                Suppression s = new Suppression();
                s.until = in.readLong();
                s.repeats = in.readLong();
                s.alertId = in.readBoolean() ? readString(in) : null;
                s.alert = in.readBoolean() ? org.socengine.model.AlertCodec.read(in) : null;
                s.periodMillis = in.readLong();
                s.lastSeenCount = in.readLong();
                st.suppressions.put(key, s);
            }
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            if (b.length > 0) {
                try (var ois = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(b))) {
                    st.budget = (AlertBudget) ois.readObject();
                } catch (ClassNotFoundException e) {
                    throw new java.io.IOException("cannot read the alert budget", e);
                }
            }
            return st;
        }

        // Keys hold source values (a user name, a URL): no 64 KB limit as with writeUTF.
        private static void writeString(String v, java.io.DataOutput out)
                throws java.io.IOException {
            byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }

        private static String readString(java.io.DataInput in) throws java.io.IOException {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }

        private static byte[] javaBytes(java.io.Serializable o) throws java.io.IOException {
            var bytes = new java.io.ByteArrayOutputStream();
            try (var oos = new java.io.ObjectOutputStream(bytes)) {
                oos.writeObject(o);
            }
            return bytes.toByteArray();
        }
    }

    public DetectionEngine(String runtimeUri, Collection<CompiledRule> rules) {
        this(runtimeUri, rules, AlertFactory.DEFAULT_EVIDENCE_CAP);
    }

    public DetectionEngine(String runtimeUri, Collection<CompiledRule> rules, int evidenceCap) {
        this.runtimeUri = runtimeUri;
        this.alertFactory = new AlertFactory(evidenceCap);
        // Always there: a rule is deployed (and refused) here even before any event arrives.
        departments.put(UNATTRIBUTED, new Partition(UNATTRIBUTED));
        for (CompiledRule rule : rules) {
            try {
                deploy(rule);
            } catch (EPDeployException e) {
                throw new IllegalStateException(
                        "rule "
                                + rule.id()
                                + " ("
                                + rule.definition().file()
                                + ") does not deploy: "
                                + e.getMessage(),
                        e);
            }
        }
    }

    /**
     * Deploys a rule, replacing any earlier version of the same id only once the new one is
     * deployed: a rule that fails to deploy leaves the previous version running.
     */
    public void deploy(CompiledRule rule) throws EPDeployException {
        RuleQuarantine q = quarantined.get(rule.id());
        if (q != null) {
            if (!q.releasedBy(rule.definition())) {
                // The file that went over its limits, again: it stays out.
                return;
            }
            quarantined.remove(rule.id());
        }
        if (!rule.definition().enabled()) {
            undeploy(rule.id());
            return;
        }
        CompiledRule previous = deployed.get(rule.id());
        boolean toProvince = rule.definition().provinceScope();
        List<Partition> targets =
                new ArrayList<>(toProvince ? List.of(provincePartition()) : departmentPartitions());
        targets.removeIf(p -> !p.admits(rule));
        List<Partition> done = new ArrayList<>();
        try {
            for (Partition p : targets) {
                p.deploy(rule, previous);
                done.add(p);
            }
        } catch (EPDeployException e) {
            // All or nothing: the departments already given the new version get the old one back.
            for (Partition p : done) {
                if (previous != null && previous.definition().provinceScope() == toProvince) {
                    try {
                        p.deploy(previous, null);
                    } catch (EPDeployException ignored) {
                        p.undeploy(rule.id());
                    }
                } else {
                    p.undeploy(rule.id());
                }
            }
            throw e;
        }
        for (Partition p : toProvince ? provincePartitions() : departmentPartitions()) {
            if (!targets.contains(p)) {
                // A new version that reads other streams: the old one goes where the new one
                // waits for its streams' first event.
                p.undeploy(rule.id());
            }
        }
        if (previous != null && previous.definition().provinceScope() != toProvince) {
            // The rule changed scope: its old instances go.
            for (Partition p : toProvince ? departmentPartitions() : provincePartitions()) {
                p.undeploy(rule.id());
            }
        }
        deployed.put(rule.id(), rule);
        recomputeStreams();
    }

    public void undeploy(String ruleId) {
        if (deployed.remove(ruleId) != null) {
            for (Partition p : allPartitions()) {
                p.undeploy(ruleId);
            }
            recomputeStreams();
        }
    }

    private List<Partition> departmentPartitions() {
        return new ArrayList<>(departments.values());
    }

    private List<Partition> provincePartitions() {
        return province == null ? List.of() : List.of(province);
    }

    private List<Partition> allPartitions() {
        List<Partition> all = departmentPartitions();
        all.addAll(provincePartitions());
        return all;
    }

    private Partition provincePartition() {
        if (province == null) {
            province = new Partition(null);
        }
        return province;
    }

    /**
     * The runtime of a department, made at its first event with every department rule deployed. The
     * number of departments is bounded by the department directory: the decode stage never
     * attributes an event to a department it does not know.
     */
    private Partition departmentPartition(String department) {
        Partition p = departments.get(department);
        if (p == null) {
            p = new Partition(department);
            p.streamsSeen = new HashSet<>();
            for (CompiledRule r : deployed.values()) {
                if (!r.definition().provinceScope() && p.wants(r)) {
                    deployQuietly(p, r);
                }
            }
            departments.put(department, p);
        }
        return p;
    }

    /** Gives a department's runtime the rules of a stream it has just had its first event of. */
    private void deployReadersOf(Partition p, String stream) {
        for (CompiledRule r : deployed.values()) {
            if (!r.definition().provinceScope()
                    && r.streams().contains(stream)
                    && p.admits(r)
                    && !p.deploymentIds.containsKey(r.id())) {
                deployQuietly(p, r);
            }
        }
    }

    private void deployQuietly(Partition p, CompiledRule r) {
        try {
            p.deploy(r, null);
        } catch (EPDeployException e) {
            // It deployed in the runtime of events without a department, which holds the same
            // rules; a failure here would be Esper's, and costs this rule in this department,
            // not the event or the job.
            partitionDeployFailures++;
        }
    }

    /** Rules that deployed but could not be deployed in a department's new runtime. */
    public long partitionDeployFailures() {
        return partitionDeployFailures;
    }

    /** Timer steps taken by clock advances, over every runtime. */
    public long clockSteps() {
        return clockSteps;
    }

    /**
     * Clock advances whose scheduled firings were more than {@link #EXACT_CLOCK_STEPS}: the rest of
     * the jump went in coarse steps.
     */
    public long coarseClockAdvances() {
        return coarseAdvances;
    }

    /** The rules deployed in a department's runtime ({@code ""}: events without one), for tests. */
    Set<String> rulesIn(String department) {
        Partition p = departments.get(department);
        return p == null ? Set.of() : new java.util.TreeSet<>(p.deploymentIds.keySet());
    }

    /** The departments with a runtime of their own ({@code ""}: events without a department). */
    public Set<String> departmentsSeen() {
        return new java.util.TreeSet<>(departments.keySet());
    }

    public Set<String> ruleIds() {
        return new HashSet<>(deployed.keySet());
    }

    public Collection<CompiledRule> rules() {
        return new ArrayList<>(deployed.values());
    }

    /** The longest window of the deployed rules: how much history rebuilds their state. */
    public long horizonMillis() {
        return horizonMillis;
    }

    /**
     * How long a restore needs every event the rules read: {@link #horizonMillis()} but the rules'
     * {@link KeyedWindow}s, for which the events the {@link #logKeyedWindows log} was told of are
     * enough.
     */
    public long keptHorizonMillis() {
        return keptHorizonMillis;
    }

    /**
     * How long a restore needs this event: the longest {@link CompiledRule#keptHorizonMillis()} of
     * the rules that can read it (one of its streams, past the rule's constant conditions, of its
     * department for a rule pinned to one), 0 when none of them keeps a horizon. An event no
     * statement of a rule can see is never in its windows: the log-source-silence rule reads every
     * event and keeps none of them, and its family's lockout rule keeps 15 minutes of lockouts
     * only, so the rest of the department's events need no horizon at all.
     */
    public long keptHorizonFor(SecurityEvent event) {
        List<CompiledRule> k = keepers;
        if (k == null) {
            return keptHorizonMillis;
        }
        for (CompiledRule r : k) {
            String pinned = r.department();
            if (pinned != null
                    && (event.organization == null || !pinned.equals(event.organization.id))) {
                continue;
            }
            if (r.streams().isEmpty()) {
                return r.keptHorizonMillis();
            }
            for (String stream : r.streams()) {
                Predicate<SecurityEvent> in = EventStreams.STREAMS.get(stream);
                if ((in == null || in.test(event)) && r.condition(stream).test(event)) {
                    return r.keptHorizonMillis();
                }
            }
        }
        return 0;
    }

    /**
     * Told of every event that enters a {@link KeyedWindow} of a rule deployed here, while the
     * event is being sent; the job keeps the last one per slot instead of the window's whole time
     * of events.
     */
    public interface KeyedWindowLog {
        /** The event being sent entered the slot, replacing the slot's earlier event. */
        void entered(KeyedSlot slot);

        /** The deployment is gone (the rule replaced, removed or quarantined): its slots too. */
        void forget(String deploymentId);
    }

    /**
     * One key of one keyed window in one runtime: a department's runtime has its own deployment of
     * each rule, so the deployment names the runtime too.
     */
    public record KeyedSlot(String deploymentId, KeyedWindow window, List<Object> key) {}

    /**
     * Logs the keyed windows of the rules deployed from now on; without a log (a replay that is
     * never restored) no rule pays for it. Set before the first deployment.
     */
    public void logKeyedWindows(KeyedWindowLog log) {
        if (!deployed.isEmpty()) {
            throw new IllegalStateException("the keyed-window log is set before rules deploy");
        }
        this.keyedLog = log;
    }

    private void forgetKeyed(String deploymentId) {
        if (keyedLog != null) {
            keyedLog.forget(deploymentId);
        }
    }

    private static List<Object> keyOf(EventBean b, KeyedWindow w) {
        List<String> keys = w.keys();
        Object[] values = new Object[keys.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = b.get(keys.get(i));
        }
        return java.util.Arrays.asList(values);
    }

    public long currentTime() {
        return currentTime;
    }

    /** Moves event time forward; windows expire and timers fire. Never goes back. */
    public void advanceTime(long time) {
        advanceClock(time);
        for (Partition p : allPartitions()) {
            p.catchUp();
        }
    }

    /** Moves the engine's clock; each runtime follows when it is next used ({@link #send}). */
    private void advanceClock(long time) {
        if (time > currentTime) {
            boolean first = currentTime == Long.MIN_VALUE;
            currentTime = time;
            if (first) {
                for (Partition p : allPartitions()) {
                    // The runtime starts at the wall clock; the first event time resets it.
                    p.events.advanceTime(time);
                }
            }
            expireSuppressions();
            if (first || budgetPeriodStart == Long.MIN_VALUE) {
                budgetPeriodStart = time;
            } else if (time - budgetPeriodStart >= BUDGET_PERIOD_MILLIS) {
                checkBudgets();
            }
        }
    }

    /**
     * Sets the limits of rules whose file names none ({@link RuleLimits#DEFAULTS} until then), and
     * how often an event is timed per statement (1: every event; 0: never, which switches the CPU
     * limit off).
     */
    public void setRuleLimits(RuleLimits defaults, int cpuSampleEvery) {
        this.limitDefaults = defaults.orElse(RuleLimits.DEFAULTS);
        this.cpuSampleEvery = Math.max(0, cpuSampleEvery);
    }

    /** The limits a deployed rule is held to. */
    public RuleLimits limitsOf(CompiledRule rule) {
        return rule.definition().limits().orElse(limitDefaults);
    }

    /**
     * Measures every deployed rule's use since the last check, over every department's runtime, and
     * quarantines those over a limit. Runs by itself once a minute of event time; public for
     * callers that want a check now (a test, the end of a replay).
     */
    public void checkBudgets() {
        long now = currentTime == Long.MIN_VALUE ? 0 : currentTime;
        long start = budgetPeriodStart == Long.MIN_VALUE ? now : budgetPeriodStart;
        budgetPeriodStart = now;
        if (deployed.isEmpty()) {
            return;
        }
        Map<String, Long> rowCaps = new HashMap<>();
        for (CompiledRule r : deployed.values()) {
            rowCaps.put(r.id(), (long) limitsOf(r).maxRows() + 1);
        }
        Map<String, long[]> usage = new HashMap<>();
        for (Partition p : allPartitions()) {
            // Rows and groups as of now, as if every runtime had followed the clock.
            p.catchUp();
            p.measure(usage, rowCaps);
        }
        // A jump of the clock does not buy a rule hours of CPU: at most ten minutes' worth.
        long minutes = Math.max(1, Math.min(10, (now - start) / BUDGET_PERIOD_MILLIS));
        for (CompiledRule r : new ArrayList<>(deployed.values())) {
            long[] u = usage.get(r.id());
            if (u == null) {
                continue;
            }
            RuleLimits limits = limitsOf(r);
            long cpuMs = u[0] / 1_000_000;
            boolean overCpu =
                    cpuSampleEvery > 0 && cpuMs > (long) limits.cpuMsPerMinute() * minutes;
            int strikes = overCpu ? cpuStrikes.merge(r.id(), 1, Integer::sum) : 0;
            if (!overCpu) {
                cpuStrikes.remove(r.id());
            }
            if (strikes >= CPU_STRIKES) {
                cpuStrikes.remove(r.id());
                quarantine(
                        r,
                        RuleQuarantine.CPU,
                        cpuMs,
                        (long) limits.cpuMsPerMinute() * minutes,
                        start);
            } else if (u[1] > limits.maxRows()) {
                quarantine(r, RuleQuarantine.ROWS, u[1], limits.maxRows(), start);
            } else if (u[2] > limits.maxGroups()) {
                quarantine(r, RuleQuarantine.GROUPS, u[2], limits.maxGroups(), start);
            }
        }
    }

    /**
     * Takes a rule out of every department's runtime and raises one {@code rule_health} alert; the
     * other rules run on.
     */
    private void quarantine(
            CompiledRule rule, String limit, long measured, long allowed, long periodStart) {
        List<String> ranIn = new ArrayList<>();
        for (Partition p : departmentPartitions()) {
            if (p.deploymentIds.containsKey(rule.id()) && !p.department.isEmpty()) {
                ranIn.add(p.department);
            }
        }
        java.util.Collections.sort(ranIn);
        RuleQuarantine q =
                new RuleQuarantine(
                        rule.id(),
                        rule.definition().name(),
                        rule.definition().version(),
                        RuleQuarantine.fingerprintOf(rule.definition()),
                        limit,
                        measured,
                        allowed,
                        currentTime);
        undeploy(rule.id());
        quarantined.put(rule.id(), q);
        newlyQuarantined.add(q);
        pending.add(ruleHealthAlert(q, limitsOf(rule), periodStart, ranIn));
    }

    /**
     * The {@code rule_health} meta-alert of a quarantine: province scope (a rule admin's concern,
     * not one department's), one per rule file whatever the subtask or replay that raised it.
     */
    static Alert ruleHealthAlert(
            RuleQuarantine q, RuleLimits limits, long periodStart, List<String> departments) {
        Alert m = new Alert();
        m.meta = true;
        m.ruleId = RULE_HEALTH_RULE_ID;
        m.ruleName = "Rule quarantined: " + q.ruleName();
        m.ruleVersion = 1;
        m.severity = "high";
        m.riskScore = 60;
        m.ruleStatus = "stable";
        m.tags.add("rule_health");
        m.timestamp = q.at();
        m.lastSeen = q.at();
        m.province = true;
        m.departments = new ArrayList<>(departments);
        m.entity.put("rule.id", q.ruleId());
        m.details.put("quarantined_rule_id", q.ruleId());
        m.details.put("quarantined_rule", q.ruleName());
        m.details.put("quarantined_rule_version", Integer.toString(q.version()));
        m.details.put("limit", q.limit());
        m.details.put("measured", Long.toString(q.measured()));
        m.details.put("allowed", Long.toString(q.allowed()));
        m.details.put("reason", q.reason());
        m.details.put("limits", limits.toString());
        m.windowStart = Math.min(periodStart, q.at());
        m.windowEnd = q.at();
        m.count = 1;
        m.id =
                org.socengine.model.AlertIds.of(
                        RULE_HEALTH_RULE_ID,
                        1,
                        q.ruleId() + "|" + q.version() + "|" + q.fingerprint(),
                        0);
        return m;
    }

    /** Rules quarantined and not released by a newer file since. */
    public Map<String, RuleQuarantine> quarantined() {
        return new LinkedHashMap<>(quarantined);
    }

    /** The quarantines since the last call, for the caller to report. */
    public List<RuleQuarantine> drainQuarantines() {
        if (newlyQuarantined.isEmpty()) {
            return List.of();
        }
        List<RuleQuarantine> out = new ArrayList<>(newlyQuarantined);
        newlyQuarantined.clear();
        return out;
    }

    /**
     * Holds a rule out as a restored quarantine says (taking it out if it runs): no alert, no
     * report, those went out when it was quarantined.
     */
    public void restoreQuarantine(RuleQuarantine q) {
        CompiledRule running = deployed.get(q.ruleId());
        if (running != null && q.releasedBy(running.definition())) {
            return;
        }
        undeploy(q.ruleId());
        quarantined.put(q.ruleId(), q);
    }

    /** Forgets a quarantine (the rule was removed). */
    public void releaseQuarantine(String ruleId) {
        quarantined.remove(ruleId);
    }

    /**
     * Evaluates one event. Events must arrive in timestamp order; one older than the engine's clock
     * is still evaluated, at the current time, and its alerts are marked late.
     */
    public void send(SecurityEvent event) {
        boolean late = event.timestamp < currentTime;
        if (!late) {
            advanceClock(event.timestamp);
        }
        sendingLate = late;
        try {
            // Only the runtimes the event goes to are brought to its time here; the others follow
            // at the next advanceTime (the watermark). Their timers fire at their own scheduled
            // times either way (advanceTo), and advancing every department's runtime at every
            // event was a dozen clock advances per event and family.
            if (!departmentStreams.isEmpty()) {
                String department =
                        event.organization == null || event.organization.id == null
                                ? UNATTRIBUTED
                                : event.organization.id;
                Partition p = departmentPartition(department);
                p.catchUp();
                p.send(event, departmentStreams);
            }
            if (province != null && !provinceStreams.isEmpty()) {
                province.catchUp();
                province.send(event, provinceStreams);
            }
        } finally {
            sendingLate = false;
        }
    }

    /**
     * Events the rule has evaluated here since this engine started: those of the streams it reads
     * (every stream, for a rule that names none) in the runtimes of its scope.
     */
    public long evaluationsOf(CompiledRule rule) {
        Map<String, long[]> carried =
                rule.definition().provinceScope() ? provinceStreamEvents : departmentStreamEvents;
        long n = 0;
        if (rule.streams().isEmpty()) {
            for (long[] c : carried.values()) {
                n += c[0];
            }
            return n;
        }
        for (String stream : rule.streams()) {
            long[] c = carried.get(stream);
            if (c != null) {
                n += c[0];
            }
        }
        return n;
    }

    /** Rows the rule's statements output here (alerts before suppression and budget). */
    public long matchesOf(String ruleId) {
        long[] c = ruleCounts.get(ruleId);
        return c == null ? 0 : c[0];
    }

    /**
     * CPU nanoseconds the rule's statements spent here, scaled up from the sampled events; known as
     * of the last budget check (once a minute of event time).
     */
    public long cpuNanosOf(String ruleId) {
        long[] c = ruleCounts.get(ruleId);
        return c == null ? 0 : c[1];
    }

    /** The alerts produced since the last call. */
    public List<Alert> drainAlerts() {
        if (pending.isEmpty() && pendingUpdates.isEmpty()) {
            return List.of();
        }
        List<Alert> out = new ArrayList<>(pending);
        pending.clear();
        // Repeats since the last drain become one update per alert, not one per repeat.
        for (Suppression s : pendingUpdates.values()) {
            out.add(updateOf(s));
        }
        pendingUpdates.clear();
        return out;
    }

    /** Sets how many alerts a rule may raise per department and hour before it is throttled. */
    public void setAlertBudget(int perHour) {
        this.budget = new AlertBudget(perHour);
    }

    /**
     * No alert budget in the engine: the streaming job budgets alerts in a Flink function after the
     * detector (one budget across every detector subtask), so the detector keeps none and writes
     * nothing of one into its checkpoints.
     */
    public void withoutAlertBudget() {
        this.budget = null;
    }

    /** The engine's alert budget, or null when it keeps none. */
    public AlertBudget alertBudget() {
        return budget;
    }

    /**
     * An analyst closed an alert as a false positive: its rule and key stay quiet for a full
     * suppression period from now, whatever was left of the current one.
     */
    public boolean closedAsFalsePositive(String alertId) {
        for (Suppression s : suppressions.values()) {
            if (alertId.equals(s.alertId)) {
                long period = s.periodMillis > 0 ? s.periodMillis : DEFAULT_SUPPRESSION.toMillis();
                long now = currentTime == Long.MIN_VALUE ? 0 : currentTime;
                s.until = Math.max(s.until, now + period);
                if (s.alert != null) {
                    s.alert.disposition = "false_positive";
                }
                return true;
            }
        }
        return false;
    }

    public State exportState() {
        State st = new State();
        st.suppressions.putAll(suppressions);
        st.budget = budget;
        return st;
    }

    public void importState(State st) {
        suppressions.clear();
        suppressions.putAll(st.suppressions);
        nextSuppressionEnd = Long.MIN_VALUE;
        // A checkpoint of an engine that kept a budget does not give one to an engine that keeps
        // none.
        if (st.budget != null && budget != null) {
            budget = st.budget;
        }
    }

    private static Alert updateOf(Suppression s) {
        Alert a = copy(s.alert);
        a.update = true;
        a.suppressedCount = s.repeats;
        return a;
    }

    private static Alert copy(Alert a) {
        Alert c = new Alert();
        c.id = a.id;
        c.timestamp = a.timestamp;
        c.ruleId = a.ruleId;
        c.ruleName = a.ruleName;
        c.ruleVersion = a.ruleVersion;
        c.severity = a.severity;
        c.riskScore = a.riskScore;
        c.ruleStatus = a.ruleStatus;
        c.tags.addAll(a.tags);
        c.departmentId = a.departmentId;
        c.departmentName = a.departmentName;
        c.province = a.province;
        c.departments = a.departments == null ? null : new ArrayList<>(a.departments);
        c.entity.putAll(a.entity);
        c.details.putAll(a.details);
        c.windowStart = a.windowStart;
        c.windowEnd = a.windowEnd;
        c.count = a.count;
        c.evidence.addAll(a.evidence);
        c.status = a.status;
        c.suppressedCount = a.suppressedCount;
        c.late = a.late;
        c.shadow = a.shadow;
        c.lastSeen = a.lastSeen;
        c.disposition = a.disposition;
        c.meta = a.meta;
        return c;
    }

    public long suppressedTotal() {
        return suppressedTotal;
    }

    /** Suppression state, for checkpoints. */
    public Map<String, Suppression> suppressions() {
        return suppressions;
    }

    public void restoreSuppressions(Map<String, Suppression> state) {
        suppressions.clear();
        suppressions.putAll(state);
        nextSuppressionEnd = Long.MIN_VALUE;
    }

    private void onOutput(CompiledRule rule, Partition partition, EventBean[] rows) {
        if (rows == null) {
            return;
        }
        long now = partition.events.getCurrentTime();
        ruleCounts.computeIfAbsent(rule.id(), k -> new long[2])[0] += rows.length;
        for (EventBean row : rows) {
            AlertFactory.Raised raised =
                    alertFactory.raise(
                            rule.definition(), row, now, sendingLate, partition.department);
            Alert alert = raised.alert();
            String key = suppressionKey(rule.id(), partition.department, alert.groupKey());
            Suppression s = suppressions.get(key);
            if (s != null && now < s.until) {
                // A row that only restates events already counted (a window shrinking as events
                // expire) is no repeat at all.
                long added = s.alert == null ? 1 : fold(s, alert, raised.events());
                if (added > 0) {
                    s.repeats++;
                    suppressedTotal++;
                    if (s.alert != null) {
                        pendingUpdates.put(key, s);
                    }
                }
                continue;
            }
            if (s != null && s.alert != null && restates(s, raised.events())) {
                // The window of an alert whose suppression has ended, shrinking as its events
                // expire: the events are the alert's, already raised and counted. Without this, a
                // rule whose window outlasts its suppression (a ten-minute spray window, ten
                // minutes of suppression) raised the same attack again, with a later window start,
                // when event time passed the suppression: at the end of an input, whose final
                // watermark moves the clock a window ahead, or later in a live stream.
                continue;
            }
            Duration period =
                    rule.definition().suppressFor() == null
                            ? DEFAULT_SUPPRESSION
                            : rule.definition().suppressFor();
            alert.lastSeen = alert.windowEnd;
            Alert admitted = budget == null ? alert : budget.admit(alert);
            if (admitted == null) {
                continue;
            }
            if (admitted == alert) {
                Suppression fresh = new Suppression(now + period.toMillis(), 0, alert.id);
                fresh.alert = copy(alert);
                fresh.periodMillis = period.toMillis();
                // Every event of the row, not the capped evidence: the cap keeps only the last
                // event of the row's newest second.
                for (org.socengine.model.SecurityEvent e : raised.events()) {
                    if (e.timestamp == alert.lastSeen) {
                        fresh.lastSeenCount++;
                    }
                }
                suppressions.put(key, fresh);
                nextSuppressionEnd = Math.min(nextSuppressionEnd, fresh.until);
            }
            pending.add(admitted);
        }
    }

    /**
     * Rule, department and group key: a department's repeats never fold into another department's
     * alert, even for a rule whose group key would not tell them apart.
     */
    static String suppressionKey(String ruleId, String department, String groupKey) {
        return ruleId
                + '\u0000'
                + (department == null ? Alert.PROVINCE : "d:" + department)
                + '\u0000'
                + groupKey;
    }

    /**
     * Folds a repeat into the alert it is suppressed under: the events it adds to the count (those
     * newer than what the alert has seen), the evidence up to its cap, the end of the window.
     *
     * <p>The count is worked out on every event of the repeat's row ({@code events}), the evidence
     * stays capped: with the capped evidence (the first events and the last), the second event of a
     * second was indistinguishable from the first once a row held more than the cap, and a spray of
     * two failures a second counted one a second (53 counted 36).
     */
    private long fold(Suppression s, Alert repeat, List<org.socengine.model.SecurityEvent> events) {
        Alert into = s.alert;
        List<org.socengine.model.SecurityEvent> fresh = new ArrayList<>();
        if (events.size() == 1) {
            // One event per row (select *, or a threshold of one): every row is a new occurrence.
            fresh.add(events.get(0));
        } else {
            long atLastSeen = 0;
            for (org.socengine.model.SecurityEvent e : events) {
                if (e.timestamp > into.lastSeen) {
                    fresh.add(e);
                } else if (e.timestamp == into.lastSeen && ++atLastSeen > s.lastSeenCount) {
                    fresh.add(e);
                }
            }
        }
        long added = events.isEmpty() ? 1 : fresh.size();
        if (added == 0) {
            return 0;
        }
        for (org.socengine.model.SecurityEvent e : fresh) {
            if (into.evidence.size() < alertFactory.evidenceCap()) {
                into.evidence.add(e);
            }
            if (into.province
                    && into.departments != null
                    && e.organization != null
                    && e.organization.id != null
                    && !into.departments.contains(e.organization.id)) {
                // A campaign that reaches one more department says so, evidence cap or not.
                into.departments.add(e.organization.id);
                java.util.Collections.sort(into.departments);
            }
        }
        into.count += added;
        long newest = Math.max(into.lastSeen, repeat.windowEnd);
        long sameTime = 0;
        for (org.socengine.model.SecurityEvent e : events) {
            if (e.timestamp == newest) {
                sameTime++;
            }
        }
        s.lastSeenCount =
                newest == into.lastSeen
                        ? s.lastSeenCount
                                + (events.size() == 1 ? 1 : Math.max(0, sameTime - s.lastSeenCount))
                        : sameTime;
        into.lastSeen = newest;
        into.windowEnd = Math.max(into.windowEnd, repeat.windowEnd);
        return added;
    }

    /**
     * Whether a row holds no event the suppression's alert has not counted: nothing newer than what
     * it saw last, nor more events of that instant. A row of one event is always an occurrence.
     */
    private static boolean restates(Suppression s, List<org.socengine.model.SecurityEvent> events) {
        if (events.size() <= 1) {
            return false;
        }
        long lastSeen = s.alert.lastSeen;
        long atLastSeen = 0;
        for (org.socengine.model.SecurityEvent e : events) {
            if (e.timestamp > lastSeen
                    || (e.timestamp == lastSeen && ++atLastSeen > s.lastSeenCount)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Drops suppressions and budget hours that have passed. Cheap enough to call once per
     * watermark; {@link #advanceTime} also calls it when the maps grow large.
     */
    public void expire() {
        Iterator<Suppression> it = suppressions.values().iterator();
        long next = Long.MAX_VALUE;
        while (it.hasNext()) {
            Suppression s = it.next();
            // Kept past its period while a window may still hold the alert's events
            // (restates): the longest window of the engine's rules after the alert's last event.
            long until =
                    s.alert == null
                            ? s.until
                            : Math.max(s.until, s.alert.lastSeen + horizonMillis + 1);
            if (until <= currentTime) {
                it.remove();
            } else {
                next = Math.min(next, until);
            }
        }
        nextSuppressionEnd = next;
        if (budget != null) {
            budget.expire(currentTime);
        }
    }

    private void expireSuppressions() {
        if ((suppressions.size() >= 1024 && currentTime >= nextSuppressionEnd)
                || (budget != null && budget.size() >= 1024)) {
            expire();
        }
    }

    private void recomputeStreams() {
        long max = 0;
        long kept = 0;
        for (CompiledRule r : deployed.values()) {
            max = Math.max(max, r.horizonMillis());
            kept = Math.max(kept, r.keptHorizonMillis());
        }
        // Asked for every event by the job's restore horizon.
        horizonMillis = max;
        keptHorizonMillis = kept;
        List<CompiledRule> keeping = new ArrayList<>();
        boolean uniform = true;
        for (CompiledRule r : deployed.values()) {
            uniform &= r.keptHorizonMillis() == kept;
            if (r.keptHorizonMillis() > 0) {
                keeping.add(r);
            }
        }
        keeping.sort(
                java.util.Comparator.comparingLong(CompiledRule::keptHorizonMillis).reversed());
        keepers = uniform ? null : keeping;
        Set<String> department = new HashSet<>();
        Set<String> provincial = new HashSet<>();
        for (CompiledRule r : deployed.values()) {
            (r.definition().provinceScope() ? provincial : department).addAll(r.streams());
        }
        departmentStreams.clear();
        provinceStreams.clear();
        EventStreams.STREAMS.forEach(
                (name, predicate) -> {
                    if (department.contains(name)) {
                        departmentStreams.put(name, predicate);
                    }
                    if (provincial.contains(name)) {
                        provinceStreams.put(name, predicate);
                    }
                });
    }

    /** Esper's timing switch of a statement; null where the runtime keeps none. */
    private static StatementMetricHandle timerOf(EPStatement s) {
        if (s instanceof EPStatementSPI spi
                && spi.getStatementContext() != null
                && spi.getStatementContext().getEpStatementHandle() != null) {
            return spi.getStatementContext().getEpStatementHandle().getMetricsHandle();
        }
        return null;
    }

    /** Rows of a named window or table, counted up to {@code cap}. */
    private static long rowsOf(EPStatement s, long cap) {
        long n = 0;
        try {
            Iterator<EventBean> it = s.iterator();
            while (n < cap && it.hasNext()) {
                it.next();
                n++;
            }
        } catch (RuntimeException e) {
            // A statement Esper cannot iterate holds nothing to count.
        }
        return n;
    }

    /** Groups of a statement's grouped aggregation; 0 for a statement without one. */
    private static long groupsOf(EPStatement s) {
        if (!(s instanceof EPStatementSPI spi) || spi.getStatementContext() == null) {
            return 0;
        }
        try {
            var resources =
                    spi.getStatementContext()
                            .getStatementCPCacheService()
                            .getStatementResourceService();
            long n = 0;
            if (resources.getUnpartitioned() != null) {
                n += groupsOf(resources.getUnpartitioned().getAggregationService());
            }
            if (resources.getResourcesPartitioned() != null) {
                // A statement in a context: one aggregation per context partition.
                for (var holder : resources.getResourcesPartitioned().values()) {
                    n += groupsOf(holder.getAggregationService());
                }
            }
            return n;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static long groupsOf(
            com.espertech.esper.common.internal.epl.agg.core.AggregationService agg) {
        if (agg == null || !agg.isGrouped()) {
            return 0;
        }
        long[] n = new long[1];
        agg.accept((groups, state) -> n[0] += groups);
        return n[0];
    }

    private static void undeployQuietly(EPRuntime runtime, String deploymentId) {
        try {
            runtime.getDeploymentService().undeploy(deploymentId);
        } catch (EPUndeployException e) {
            throw new IllegalStateException("cannot undeploy " + deploymentId, e);
        }
    }

    @Override
    public void close() {
        for (Partition p : allPartitions()) {
            p.runtime.destroy();
        }
    }
}
