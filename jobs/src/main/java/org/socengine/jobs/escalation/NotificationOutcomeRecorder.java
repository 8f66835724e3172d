package org.socengine.jobs.escalation;

import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.socengine.connectors.secrets.Redaction;
import org.socengine.model.Incident;
import org.socengine.model.NotificationOutcome;

/**
 * Writes what became of each notification onto its incident: per tier and channel, sent or failed,
 * the attempts, when, and the last error (redacted). Keyed by incident id, between the correlator
 * and the incident sinks.
 *
 * <p>Why a step of its own: outcomes are known only after the dispatcher delivered, which is after
 * the checkpoint that recorded the incident's request; the correlator cannot hear back from a
 * downstream operator (a job graph has no cycles). So the newest version of every incident that
 * asked for a notification is kept here, each outcome is written on it and re-emitted as a newer
 * document of the same revision ({@link Incident#documentVersion}), and every later revision from
 * the correlator gets the outcomes known so far. An outcome that comes twice (a restore makes the
 * dispatcher emit again what its ledger knew was sent) changes nothing the second time.
 *
 * <p>State is bounded: only incidents with notifications are kept, at most the incident's own
 * notification records of outcomes, and both expire {@link #RETENTION} after their last write.
 */
public class NotificationOutcomeRecorder
        extends KeyedCoProcessFunction<String, Incident, NotificationOutcome, Incident> {

    private static final long serialVersionUID = 1L;

    /** How long an incident and its outcomes are kept after the last change. */
    public static final Duration RETENTION = Duration.ofDays(30);

    private transient ValueState<Incident> latest;
    private transient MapState<String, NotificationOutcome> outcomes;
    private transient Counter recorded;
    private transient Counter unmatched;

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttl =
                StateTtlConfig.newBuilder(RETENTION)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .build();
        ValueStateDescriptor<Incident> incident =
                new ValueStateDescriptor<>("incident", TypeInformation.of(Incident.class));
        incident.enableTimeToLive(ttl);
        latest = getRuntimeContext().getState(incident);
        MapStateDescriptor<String, NotificationOutcome> byKey =
                new MapStateDescriptor<>(
                        "outcomes", Types.STRING, TypeInformation.of(NotificationOutcome.class));
        byKey.enableTimeToLive(ttl);
        outcomes = getRuntimeContext().getMapState(byKey);
        recorded = getRuntimeContext().getMetricGroup().counter("notificationOutcomesRecorded");
        unmatched = getRuntimeContext().getMetricGroup().counter("notificationOutcomesUnmatched");
    }

    @Override
    public void processElement1(Incident incident, Context ctx, Collector<Incident> out)
            throws Exception {
        if (incident.notifications.isEmpty()) {
            out.collect(incident); // nobody was to be told: nothing to record, nothing to keep
            return;
        }
        if (!outcomes.isEmpty()) {
            for (NotificationOutcome o : outcomes.values()) {
                apply(incident, o);
            }
        }
        incident.outcomeUpdates = 0;
        latest.update(incident);
        out.collect(incident.copy());
    }

    @Override
    public void processElement2(NotificationOutcome o, Context ctx, Collector<Incident> out)
            throws Exception {
        if (o.idempotencyKey == null) {
            unmatched.inc();
            return;
        }
        NotificationOutcome known = outcomes.get(o.idempotencyKey);
        if (known != null && known.ok && !o.ok) {
            return; // a delivery stays delivered
        }
        if (known != null && same(known, o)) {
            return;
        }
        outcomes.put(o.idempotencyKey, o);
        Incident incident = latest.value();
        if (incident == null) {
            // The incident's version is gone (expired); the outcome is still on soc.notifications.
            unmatched.inc();
            return;
        }
        apply(incident, o);
        incident.outcomeUpdates++;
        latest.update(incident);
        recorded.inc();
        out.collect(incident.copy());
    }

    private static boolean same(NotificationOutcome a, NotificationOutcome b) {
        return a.ok == b.ok
                && a.attempts == b.attempts
                && a.at == b.at
                && Objects.equals(a.error, b.error);
    }

    /**
     * Writes the outcome on the notification record with its key; a record the incident no longer
     * lists (its oldest were dropped) or never listed gets one.
     */
    static void apply(Incident incident, NotificationOutcome o) {
        Incident.Sent target = null;
        for (Incident.Sent s : incident.notifications) {
            if (o.idempotencyKey.equals(s.key)) {
                target = s;
                break;
            }
        }
        if (target == null) {
            target = Incident.Sent.of(o.tier, o.channel, null, o.at);
            target.key = o.idempotencyKey;
            incident.notifications.add(target);
            while (incident.notifications.size() > Incident.MAX_NOTIFICATIONS) {
                incident.notifications.remove(0);
            }
        }
        if (Boolean.TRUE.equals(target.ok) && !o.ok) {
            return;
        }
        target.ok = o.ok;
        target.attempts = o.attempts;
        target.outcomeAt = o.at;
        target.error = o.error == null ? null : Redaction.text(o.error);
        target.fallbackFor = o.fallbackFor;
    }
}
