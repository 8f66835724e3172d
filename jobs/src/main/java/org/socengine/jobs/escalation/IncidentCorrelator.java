package org.socengine.jobs.escalation;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.jobs.detection.SerializerTypeInfo;
import org.socengine.model.Alert;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.AttackTags;
import org.socengine.model.Incident;
import org.socengine.model.Notification;

/**
 * Groups alerts into incidents and escalates them, keyed by department and entity ({@link
 * IncidentKeys}).
 *
 * <p>Grouping: alerts wait in state until the watermark passes their time and are then taken in
 * time order, so that a replay of the same alerts, read in any interleaving of Kafka partitions,
 * opens the same incidents with the same ids and risk. An alert joins the key's incident whose
 * window ({@code grouping.window} from its first alert) holds it; otherwise it opens a new one. An
 * alert already in an incident (a suppression update, a replay) changes nothing but the last-seen
 * time. Risk is the sum of alert risk scores, at most {@code risk.rule_cap} per rule, plus {@code
 * risk.tactic_bonus} per distinct ATT&CK tactic; severity is the band the risk reaches, or critical
 * at once for a critical alert, and never falls.
 *
 * <p>Escalation, on event-time timers: an incident that opens with tiers for its severity notifies
 * the first tier's channels; when a tier's {@code ack_within} passes unacknowledged, the next tier;
 * every {@code renotify_every}, a reminder to the tier reached. A non-critical round that falls in
 * the department's quiet hours waits for their end; a critical one never waits. A severity rise
 * notifies the tier reached under the new severity's tiers. Acknowledging (the incident's id, or
 * every one of its alerts) stops it all; closing also closes its alerts with the same disposition.
 *
 * <p>Time ends with a bounded input (the watermark jumps to its maximum): pending alerts are still
 * grouped, but no deadline is taken to have passed, because no time did.
 *
 * <p>Acknowledgements arrive on the broadcast side, because they name an incident or alert id, not
 * a key: each subtask looks through its own keys' incidents (acknowledgements are rare).
 */
public class IncidentCorrelator
        extends KeyedBroadcastProcessFunction<String, Alert, EscalationControl, Incident> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(IncidentCorrelator.class);

    /** The running policy's YAML text under {@link #POLICY_KEY}, in every subtask. */
    public static final MapStateDescriptor<String, String> POLICY_STATE =
            new MapStateDescriptor<>("escalation-policy", Types.STRING, Types.STRING);

    /**
     * Status changes that named no incident or alert this subtask knew when they came (an analyst
     * acknowledging an alert in the console before the escalation job has grouped it), by the id
     * they name: the value is the processing time they came at, a tab, and the change as JSON.
     * Applied when an incident with that id or alert forms; kept at most {@link #EARLY_STATUS_KEPT}
     * of them, each for {@link #EARLY_STATUS_TTL}.
     */
    public static final MapStateDescriptor<String, String> EARLY_STATUS =
            new MapStateDescriptor<>("early-status-changes", Types.STRING, Types.STRING);

    /** Every broadcast state of the correlator, for {@code broadcast(...)}. */
    public static final MapStateDescriptor<?, ?>[] BROADCAST_STATES = {POLICY_STATE, EARLY_STATUS};

    static final int EARLY_STATUS_KEPT = 10_000;
    static final java.time.Duration EARLY_STATUS_TTL = java.time.Duration.ofDays(1);

    static final String POLICY_KEY = "policy";
    static final String POLICY_SOURCE_KEY = "source";

    public static final OutputTag<Notification> NOTIFICATIONS =
            new OutputTag<>("notifications", TypeInformation.of(Notification.class));

    /** Closes of alerts whose incident was closed, for {@code soc.alert-status}. */
    public static final OutputTag<AlertStatusChange> ALERT_STATUS =
            new OutputTag<>("alert-status", TypeInformation.of(AlertStatusChange.class));

    /** How many lines of alerts a notification carries. */
    static final int TOP_ALERTS = 5;

    private final EscalationPolicy initialPolicy;
    private final Settings settings;

    /** What the correlator needs besides the policy. */
    public record Settings(String linkTemplate, Map<String, String> departmentNames)
            implements Serializable {

        public Settings {
            departmentNames = Map.copyOf(departmentNames);
        }

        public static Settings defaults() {
            return new Settings(null, Map.of());
        }

        String link(String incidentId) {
            return linkTemplate == null ? null : linkTemplate.replace("{id}", incidentId);
        }
    }

    private transient MapState<String, IncidentState> incidents;
    private transient MapState<Long, List<Alert>> pending;
    private transient EscalationPolicy policy;
    private transient String refusedText;
    private transient Counter opened;
    private transient Counter notified;
    private transient Counter held;
    private transient Counter unknownDepartment;
    private transient Counter repeats;
    private transient Counter earlyKept;
    private transient Counter earlyApplied;
    private transient Counter earlyDropped;

    private int earlyStatusKept = EARLY_STATUS_KEPT;

    /** Keeps at most this many early status changes (tests use a small bound). */
    IncidentCorrelator keepingEarlyStatus(int bound) {
        this.earlyStatusKept = bound;
        return this;
    }

    public IncidentCorrelator(EscalationPolicy initialPolicy, Settings settings) {
        this.initialPolicy = Objects.requireNonNull(initialPolicy, "initialPolicy");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public void open(OpenContext openContext) {
        incidents =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "incidents",
                                        Types.STRING,
                                        TypeInformation.of(IncidentState.class)));
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "pending-alerts",
                                        Types.LONG,
                                        new ListTypeInfo<>(SerializerTypeInfo.alerts())));
        policy = initialPolicy;
        var metrics = getRuntimeContext().getMetricGroup();
        opened = metrics.counter("incidentsOpened");
        notified = metrics.counter("notificationsEmitted");
        held = metrics.counter("notificationsHeldForQuietHours");
        unknownDepartment = metrics.counter("alertsOfUnknownDepartment");
        repeats = metrics.counter("alertRepeatsFolded");
        earlyKept = metrics.counter("statusChangesKeptForLater");
        earlyApplied = metrics.counter("statusChangesAppliedLate");
        earlyDropped = metrics.counter("statusChangesDroppedOverBound");
    }

    // ---- alerts ----

    @Override
    public void processElement(Alert alert, ReadOnlyContext ctx, Collector<Incident> out)
            throws Exception {
        refreshPolicy(ctx.getBroadcastState(POLICY_STATE));
        long watermark = ctx.timerService().currentWatermark();
        if (alert.timestamp <= watermark) {
            // Late: its turn has passed, take it now.
            apply(List.of(alert), alert.timestamp, ctx, out);
            return;
        }
        List<Alert> waiting = pending.get(alert.timestamp);
        if (waiting == null) {
            waiting = new ArrayList<>();
        }
        waiting.add(alert);
        pending.put(alert.timestamp, waiting);
        ctx.timerService().registerEventTimeTimer(alert.timestamp);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Incident> out)
            throws Exception {
        refreshPolicy(ctx.getBroadcastState(POLICY_STATE));
        long watermark = ctx.timerService().currentWatermark();
        List<Long> due = new ArrayList<>();
        for (Long t : pending.keys()) {
            if (t <= timestamp) {
                due.add(t);
            }
        }
        due.sort(Comparator.naturalOrder());
        for (Long t : due) {
            apply(pending.get(t), t, ctx, out);
            pending.remove(t);
        }
        if (watermark == Long.MAX_VALUE) {
            return; // end of input: no time passed, nothing fell due
        }
        List<IncidentState> expired = new ArrayList<>();
        for (Map.Entry<String, IncidentState> e : incidents.entries()) {
            IncidentState st = e.getValue();
            boolean pruned = st.timers.removeIf(t -> t <= timestamp);
            if (advance(st, timestamp, ctx)) {
                emit(st, out);
                incidents.put(e.getKey(), st);
            } else if (pruned) {
                incidents.put(e.getKey(), st);
            }
            if (timestamp >= expiry(st)) {
                expired.add(st);
            }
        }
        if (expired.isEmpty()) {
            return;
        }
        for (IncidentState st : expired) {
            incidents.remove(st.incident.id);
        }
        // Their remaining timers would find nothing to do; deleted, unless another incident of
        // the key (or a waiting alert) has a timer at the same instant.
        java.util.Set<Long> needed = new java.util.HashSet<>();
        for (IncidentState st : incidents.values()) {
            needed.addAll(st.timers);
        }
        for (Long t : pending.keys()) {
            needed.add(t);
        }
        for (IncidentState st : expired) {
            for (long t : st.timers) {
                if (t > timestamp && !needed.contains(t)) {
                    ctx.timerService().deleteEventTimeTimer(t);
                }
            }
        }
    }

    /** An incident an instant's alerts changed, and what it was before them. */
    private static final class Touched {
        final IncidentState state;
        final boolean fresh;
        final String severityBefore;
        boolean changed;

        Touched(IncidentState state, boolean fresh) {
            this.state = state;
            this.fresh = fresh;
            this.severityBefore = state.incident.severity;
        }
    }

    /**
     * Takes the alerts of one instant: groups each, then escalates each incident they changed once,
     * so that two alerts of the same instant make one notification round, not two.
     */
    private void apply(List<Alert> alerts, long now, ReadOnlyContext ctx, Collector<Incident> out)
            throws Exception {
        Map<String, Touched> touched = new java.util.LinkedHashMap<>();
        for (Alert alert : alerts) {
            group(alert, touched);
        }
        applyEarlyStatus(alerts, touched, ctx);
        for (Touched t : touched.values()) {
            IncidentState st = t.state;
            if (t.changed) {
                if (st.escalating()) {
                    if (t.fresh) {
                        st.track = st.incident.severity;
                        notifyTier(st, 0, Notification.OPENED, now, ctx);
                    } else if (EscalationPolicy.rank(st.incident.severity)
                            > EscalationPolicy.rank(t.severityBefore)) {
                        raise(st, now, ctx);
                    }
                }
                schedule(st, st.incident.windowEnd, ctx);
                schedule(st, expiry(st), ctx);
                emit(st, out);
            }
            incidents.put(st.incident.id, st);
        }
    }

    /**
     * Status changes that came before the incidents or alerts they name: applied before the
     * incident's first notification round, so an alert acknowledged early pages nobody.
     */
    private void applyEarlyStatus(
            List<Alert> alerts, Map<String, Touched> touched, ReadOnlyContext ctx)
            throws Exception {
        ReadOnlyBroadcastState<String, String> early = ctx.getBroadcastState(EARLY_STATUS);
        if (!early.immutableEntries().iterator().hasNext()) {
            return;
        }
        for (Touched t : touched.values()) {
            List<String> ids = new ArrayList<>();
            ids.add(t.state.incident.id);
            for (Alert a : alerts) {
                if (t.state.incident.member(a.id) != null) {
                    ids.add(a.id);
                }
            }
            for (String id : ids) {
                String kept = early.get(id);
                if (kept == null) {
                    continue;
                }
                AlertStatusChange change =
                        AlertStatusChange.fromJson(kept.substring(kept.indexOf('\t') + 1));
                if (statusChange(t.state, change, x -> ctx.output(ALERT_STATUS, x))) {
                    t.changed = true;
                    earlyApplied.inc();
                }
            }
        }
    }

    /** Adds one alert to the incident it joins, or opens one. */
    private void group(Alert alert, Map<String, Touched> touched) throws Exception {
        String department = IncidentKeys.department(alert);
        if (!department.equals(Alert.PROVINCE)
                && !settings.departmentNames().isEmpty()
                && !settings.departmentNames().containsKey(department)) {
            // Escalated under the default policy all the same; the counter says so.
            unknownDepartment.inc();
        }
        IncidentState st = find(alert, touched);
        Touched t;
        if (st == null) {
            st = open(alert, department);
            opened.inc();
            t = new Touched(st, true);
            touched.put(st.incident.id, t);
        } else {
            IncidentState found = st;
            t = touched.computeIfAbsent(st.incident.id, k -> new Touched(found, false));
            if (st.incident.member(alert.id) != null) {
                Incident i = st.incident;
                i.lastSeen = Math.max(i.lastSeen, Math.max(alert.timestamp, alert.lastSeen));
                repeats.inc();
                return;
            }
        }
        add(st.incident, alert);
        t.changed = true;
    }

    /** The incident the alert belongs to: the one holding it already, or whose window holds it. */
    private IncidentState find(Alert alert, Map<String, Touched> touched) throws Exception {
        IncidentState joinable = null;
        List<IncidentState> candidates = new ArrayList<>();
        touched.values().forEach(t -> candidates.add(t.state));
        for (IncidentState st : incidents.values()) {
            if (!touched.containsKey(st.incident.id)) {
                candidates.add(st);
            }
        }
        for (IncidentState st : candidates) {
            Incident i = st.incident;
            if (i.member(alert.id) != null) {
                return st;
            }
            long window = i.windowEnd - i.windowStart;
            if (!i.isClosed()
                    && alert.timestamp >= i.windowStart - window
                    && alert.timestamp < i.windowEnd
                    && (joinable == null || i.windowStart > joinable.incident.windowStart)) {
                joinable = st;
            }
        }
        return joinable;
    }

    private IncidentState open(Alert alert, String department) {
        IncidentKeys.Entity entity = IncidentKeys.entity(alert);
        Incident i = new Incident();
        i.departmentId = department;
        i.departmentName =
                department.equals(Alert.PROVINCE)
                        ? null
                        : alert.departmentName != null
                                ? alert.departmentName
                                : settings.departmentNames().get(department);
        i.entityKind = entity.kind();
        i.entityValue = entity.value();
        i.windowStart = alert.timestamp;
        i.windowEnd = alert.timestamp + policy.window().toMillis();
        i.id = Incident.idOf(department, entity.kind(), entity.value(), i.windowStart);
        i.firstSeen = alert.timestamp;
        i.lastSeen = alert.timestamp;
        i.severity = "low";
        IncidentState st = new IncidentState();
        st.incident = i;
        return st;
    }

    private void add(Incident i, Alert a) {
        i.alertCount++;
        if (i.alerts.size() < Incident.MAX_ALERTS) {
            i.alerts.add(Incident.Member.of(a));
        }
        i.firstSeen = Math.min(i.firstSeen, a.timestamp);
        i.lastSeen = Math.max(i.lastSeen, Math.max(a.timestamp, a.lastSeen));
        String rule = String.valueOf(a.ruleId);
        if (!i.rules.contains(rule)) {
            i.rules.add(rule);
        }
        i.ruleRisk.merge(rule, Math.max(0, a.riskScore), Integer::sum);
        if (a.tags != null) {
            for (String t : AttackTags.tactics(a.tags)) {
                if (!i.tactics.contains(t)) {
                    i.tactics.add(t);
                }
            }
        }
        List<String> departments = a.departments;
        if (departments == null || departments.isEmpty()) {
            departments = a.departmentId == null ? List.of() : List.of(a.departmentId);
        }
        for (String d : departments) {
            if (!i.departments.contains(d)) {
                i.departments.add(d);
            }
        }
        int risk = 0;
        for (int r : i.ruleRisk.values()) {
            risk += Math.min(r, policy.ruleCap());
        }
        i.risk = risk + policy.tacticBonus() * i.tactics.size();
        String severity = policy.severityOf(i.risk);
        if ("critical".equals(a.severity)) {
            severity = "critical";
        }
        if (EscalationPolicy.rank(severity) > EscalationPolicy.rank(i.severity)) {
            i.severity = severity;
        }
    }

    // ---- escalation ----

    /** The severity rose: the tier reached, under the new severity's tiers, hears of it now. */
    private void raise(IncidentState st, long now, ReadOnlyContext ctx) {
        st.track = st.incident.severity;
        List<EscalationPolicy.Tier> tiers = tiers(st);
        if (tiers.isEmpty()) {
            return;
        }
        int tier = Math.max(0, Math.min(st.tier, tiers.size() - 1));
        clearSchedule(st);
        notifyTier(st, tier, st.tier < 0 ? Notification.OPENED : Notification.ESCALATED, now, ctx);
    }

    /**
     * Runs every step that fell due by {@code now}, in time order.
     *
     * @return whether the incident changed
     */
    private boolean advance(IncidentState st, long now, ReadOnlyContext ctx) {
        boolean changed = false;
        while (st.escalating()) {
            long due = st.nextDue();
            if (due == IncidentState.NONE || due > now) {
                break;
            }
            if (due == st.heldUntil) {
                st.heldUntil = IncidentState.NONE;
                notifyTier(st, st.heldTier, st.heldKind, due, ctx);
            } else if (due == st.deadline) {
                st.deadline = IncidentState.NONE;
                st.reminderAt = IncidentState.NONE;
                notifyTier(st, st.tier + 1, Notification.ESCALATED, due, ctx);
            } else {
                st.reminderAt = IncidentState.NONE;
                notifyTier(st, Math.max(st.tier, 0), Notification.REMINDER, due, ctx);
            }
            changed = true;
        }
        return changed;
    }

    /** One round: every channel of the tier, or held until the quiet hours end. */
    private void notifyTier(
            IncidentState st, int tierIndex, String kind, long now, ReadOnlyContext ctx) {
        List<EscalationPolicy.Tier> tiers = tiers(st);
        if (tierIndex < 0 || tierIndex >= tiers.size()) {
            return;
        }
        Incident i = st.incident;
        EscalationPolicy.DepartmentPolicy dp = policy.forDepartment(i.departmentId);
        if (!"critical".equals(i.severity) && dp.quietHours() != null) {
            long end = dp.quietHours().endAfter(now, dp.zone());
            if (end > 0) {
                clearSchedule(st);
                st.heldUntil = end;
                st.heldTier = tierIndex;
                st.heldKind = kind;
                schedule(st, end, ctx);
                held.inc();
                return;
            }
        }
        EscalationPolicy.Tier tier = tiers.get(tierIndex);
        int step = st.step++;
        List<String> channels = tier.channels();
        for (int c = 0; c < channels.size(); c++) {
            Notification n = notification(st, tier, tierIndex, channels.get(c), kind, step, now);
            n.fallbackChannels = new ArrayList<>(channels.subList(c + 1, channels.size()));
            ctx.output(NOTIFICATIONS, n);
            notified.inc();
            Incident.Sent sent = Incident.Sent.of(tierIndex, channels.get(c), kind, now);
            sent.key = n.idempotencyKey;
            i.notifications.add(sent);
        }
        while (i.notifications.size() > Incident.MAX_NOTIFICATIONS) {
            i.notifications.remove(0);
        }
        st.tier = tierIndex;
        if (tierIndex >= i.tierReached) {
            i.tierReached = tierIndex;
            i.tierName = tier.name();
        }
        clearSchedule(st);
        if (tier.ackWithin() != null && tierIndex + 1 < tiers.size()) {
            st.deadline = now + tier.ackWithin().toMillis();
            schedule(st, st.deadline, ctx);
        }
        if (!dp.renotifyEvery().isZero()) {
            st.reminderAt = now + dp.renotifyEvery().toMillis();
            schedule(st, st.reminderAt, ctx);
        }
    }

    private static void schedule(IncidentState st, long t, ReadOnlyContext ctx) {
        ctx.timerService().registerEventTimeTimer(t);
        if (!st.timers.contains(t)) {
            st.timers.add(t);
        }
    }

    private static void clearSchedule(IncidentState st) {
        st.deadline = IncidentState.NONE;
        st.reminderAt = IncidentState.NONE;
        st.heldUntil = IncidentState.NONE;
    }

    private List<EscalationPolicy.Tier> tiers(IncidentState st) {
        String track = st.track != null ? st.track : st.incident.severity;
        return policy.forDepartment(st.incident.departmentId).tiers(track);
    }

    private Notification notification(
            IncidentState st,
            EscalationPolicy.Tier tier,
            int tierIndex,
            String channel,
            String kind,
            int step,
            long now) {
        Incident i = st.incident;
        Notification n = new Notification();
        n.idempotencyKey = Notification.idempotencyKey(i.id, tierIndex, channel, step);
        n.kind = kind;
        n.incidentId = i.id;
        n.departmentId = i.departmentId;
        n.departmentName = i.departmentName;
        n.severity = i.severity;
        n.risk = i.risk;
        n.entity.put(i.entityKind, i.entityValue);
        n.tactics = new ArrayList<>(i.tactics);
        n.alertCount = i.alertCount;
        n.topAlerts = topAlerts(i);
        n.link = settings.link(i.id);
        n.tier = tierIndex;
        n.tierName = tier.name();
        n.channel = channel;
        n.at = now;
        n.incidentStart = i.firstSeen;
        String where = i.departmentName != null ? i.departmentName : i.departmentId;
        String what =
                "["
                        + i.severity.toUpperCase(java.util.Locale.ROOT)
                        + "] "
                        + i.alertCount
                        + (i.alertCount == 1 ? " alert" : " alerts")
                        + " on "
                        + i.entityText()
                        + " ("
                        + where
                        + ")";
        n.title =
                switch (kind) {
                    case Notification.ESCALATED -> "Escalated to " + tier.name() + ": " + what;
                    case Notification.REMINDER -> "Still unacknowledged: " + what;
                    default -> what;
                };
        return n;
    }

    static List<String> topAlerts(Incident i) {
        List<Incident.Member> sorted = new ArrayList<>(i.alerts);
        sorted.sort(
                Comparator.comparingInt((Incident.Member m) -> -EscalationPolicy.rank(m.severity))
                        .thenComparingInt(m -> -m.riskScore)
                        .thenComparingLong(m -> m.timestamp));
        List<String> out = new ArrayList<>();
        for (Incident.Member m : sorted.subList(0, Math.min(TOP_ALERTS, sorted.size()))) {
            out.add(
                    m.severity
                            + " "
                            + (m.ruleName != null ? m.ruleName : m.ruleId)
                            + " (risk "
                            + m.riskScore
                            + ") at "
                            + Instant.ofEpochMilli(m.timestamp));
        }
        return out;
    }

    /** When the incident's state may go: after its window, and once closed (or long quiet). */
    private long expiry(IncidentState st) {
        Incident i = st.incident;
        if (i.isClosed()) {
            return Math.max(i.windowEnd, i.statusAt);
        }
        return Math.max(i.windowEnd, i.lastSeen + policy.expireAfter().toMillis());
    }

    private void emit(IncidentState st, Collector<Incident> out) {
        st.incident.revision++;
        out.collect(st.incident.copy());
    }

    // ---- policy and status changes ----

    @Override
    public void processBroadcastElement(EscalationControl c, Context ctx, Collector<Incident> out)
            throws Exception {
        if (EscalationControl.POLICY.equals(c.kind)) {
            BroadcastState<String, String> state = ctx.getBroadcastState(POLICY_STATE);
            state.put(POLICY_KEY, c.policyText);
            state.put(POLICY_SOURCE_KEY, String.valueOf(c.policySource));
            refreshPolicy(state);
            return;
        }
        if (EscalationControl.STATUS.equals(c.kind) && c.status != null) {
            refreshPolicy(ctx.getBroadcastState(POLICY_STATE));
            AlertStatusChange change = c.status;
            boolean[] named = {false};
            ctx.applyToKeyedState(
                    new MapStateDescriptor<>(
                            "incidents", Types.STRING, TypeInformation.of(IncidentState.class)),
                    (key, state) -> {
                        for (Map.Entry<String, IncidentState> e : state.entries()) {
                            IncidentState st = e.getValue();
                            named[0] |= names(st.incident, change);
                            if (statusChange(st, change, x -> ctx.output(ALERT_STATUS, x))) {
                                emit(st, out);
                                state.put(e.getKey(), st);
                            }
                        }
                    });
            keepEarly(
                    ctx.getBroadcastState(EARLY_STATUS),
                    change,
                    named[0],
                    ctx.currentProcessingTime());
        }
    }

    private static boolean names(Incident i, AlertStatusChange c) {
        return c.alertId != null && (i.id.equals(c.alertId) || i.member(c.alertId) != null);
    }

    /**
     * Keeps a change that named nothing here, for the incident or alert still to come (the alert
     * may wait for the watermark, or not have been read yet); drops what expired and, past the
     * bound, the oldest. A change is kept in every subtask it missed: which subtask's key its alert
     * will have is not known from its id.
     */
    private void keepEarly(
            BroadcastState<String, String> early, AlertStatusChange c, boolean named, long now)
            throws Exception {
        List<String> expired = new ArrayList<>();
        String oldest = null;
        long oldestAt = Long.MAX_VALUE;
        int size = 0;
        for (Map.Entry<String, String> e : early.entries()) {
            long at = Long.parseLong(e.getValue().substring(0, e.getValue().indexOf('\t')));
            if (now - at > EARLY_STATUS_TTL.toMillis()) {
                expired.add(e.getKey());
                continue;
            }
            size++;
            if (at < oldestAt) {
                oldestAt = at;
                oldest = e.getKey();
            }
        }
        for (String k : expired) {
            early.remove(k);
        }
        if (named || c.alertId == null || c.alertId.isBlank()) {
            return;
        }
        String before = early.get(c.alertId);
        if (before == null && size >= earlyStatusKept && oldest != null) {
            early.remove(oldest);
            earlyDropped.inc();
        }
        if (before != null) {
            // Acknowledged, then closed before the alert came: the close is what counts.
            AlertStatusChange kept =
                    AlertStatusChange.fromJson(before.substring(before.indexOf('\t') + 1));
            if (AlertStatusChange.CLOSED.equals(kept.status)
                    && !AlertStatusChange.CLOSED.equals(c.status)) {
                return;
            }
        }
        early.put(c.alertId, now + "\t" + c.toJson());
        earlyKept.inc();
    }

    /**
     * Applies an analyst's change to the incident it names (its id, or one of its alerts).
     *
     * @return whether the incident changed
     */
    private boolean statusChange(
            IncidentState st, AlertStatusChange c, Consumer<AlertStatusChange> closes) {
        Incident i = st.incident;
        boolean byIncident = i.id.equals(c.alertId);
        Incident.Member member = byIncident ? null : i.member(c.alertId);
        if (!byIncident && member == null) {
            return false;
        }
        if (i.isClosed()) {
            return false;
        }
        if (member != null) {
            if (Objects.equals(member.status, c.status) || Incident.CLOSED.equals(member.status)) {
                return false;
            }
            member.status = c.status;
            boolean allClosed = i.alerts.stream().allMatch(m -> Incident.CLOSED.equals(m.status));
            boolean allHandled = i.alerts.stream().noneMatch(m -> Incident.OPEN.equals(m.status));
            if (allClosed && i.alertCount == i.alerts.size()) {
                // Every alert closed one by one: so is the incident; its alerts need no change.
                close(st, c, false, closes);
            } else if (allHandled && i.isOpen()) {
                acknowledge(st, c);
            }
            return true;
        }
        if (AlertStatusChange.ACKNOWLEDGED.equals(c.status)) {
            if (!i.isOpen()) {
                return false;
            }
            acknowledge(st, c);
            return true;
        }
        if (AlertStatusChange.CLOSED.equals(c.status)) {
            close(st, c, true, closes);
            return true;
        }
        return false;
    }

    private static void acknowledge(IncidentState st, AlertStatusChange c) {
        Incident i = st.incident;
        i.status = Incident.ACKNOWLEDGED;
        i.statusBy = c.by;
        i.statusAt = c.at;
        i.statusComment = c.comment;
        clearSchedule(st);
    }

    private static void close(
            IncidentState st,
            AlertStatusChange c,
            boolean closeAlerts,
            Consumer<AlertStatusChange> closes) {
        Incident i = st.incident;
        i.status = Incident.CLOSED;
        i.disposition = c.disposition;
        i.statusBy = c.by;
        i.statusAt = c.at;
        i.statusComment = c.comment;
        clearSchedule(st);
        for (Incident.Member m : i.alerts) {
            if (closeAlerts && !Incident.CLOSED.equals(m.status)) {
                AlertStatusChange close =
                        AlertStatusChange.close(
                                m.id, c.disposition, c.by, c.at, "closed with incident " + i.id);
                close.ruleId = m.ruleId;
                close.departmentId = Alert.PROVINCE.equals(i.departmentId) ? null : i.departmentId;
                closes.accept(close);
            }
            m.status = Incident.CLOSED;
        }
    }

    private void refreshPolicy(ReadOnlyBroadcastState<String, String> state) throws Exception {
        String text = state.get(POLICY_KEY);
        if (text == null || text.equals(policy.text()) || text.equals(refusedText)) {
            return;
        }
        String source = state.get(POLICY_SOURCE_KEY);
        try {
            policy = EscalationPolicy.parse(source == null ? "policy" : source, text);
        } catch (Exception e) {
            // Validated before it was broadcast; a build whose checks grew stricter keeps the one
            // it runs with rather than failing the job.
            refusedText = text;
            LOG.error("escalation policy from {} refused on restore: {}", source, e.getMessage());
        }
    }

    /** The policy the correlator runs with now (tests). */
    EscalationPolicy policy() {
        return policy;
    }
}
