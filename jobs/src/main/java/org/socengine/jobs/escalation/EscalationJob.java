package org.socengine.jobs.escalation;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.jobs.detection.SerializerTypeInfo;
import org.socengine.jobs.internal.KeyedInputTimedBroadcastOperator;
import org.socengine.jobs.internal.OutsideEventTimeOperator;
import org.socengine.model.Alert;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.Incident;
import org.socengine.model.Notification;
import org.socengine.model.NotificationOutcome;

/**
 * The escalation job: alert records ({@code soc.alerts}) → read (unreadable ones to the dead
 * letters) → event time from the alerts → incidents per department and entity, escalated by the
 * policy ({@link IncidentCorrelator}) → incident sinks; notifications to the dispatch; closes of
 * alerts whose incident was closed to the alert-status sink. Analysts' status changes and policy
 * updates (validated once, {@link PolicyUpdateValidator}) are broadcast to the correlator.
 *
 * <p>Sources and sinks are parameters, so the same topology runs on Kafka and Elasticsearch ({@link
 * EscalationJobMain}) and on collections and collecting sinks in tests.
 */
public final class EscalationJob {

    private EscalationJob() {}

    /**
     * Where the notifications go. The job hands its stream of notifications to it once; the
     * delivering operator (retries, fallback channels, exactly once per idempotency key) is
     * attached there.
     */
    @FunctionalInterface
    public interface Dispatch extends Serializable {
        /**
         * @param notifications what the correlator asks to be sent
         * @param policies every policy the job accepted after the initial one (for the channels);
         *     null when the job reads no policy topic
         * @return the outcome of each delivery tried, to be recorded on its incident; null when
         *     nothing is delivered here
         */
        DataStream<NotificationOutcome> attach(
                DataStream<Notification> notifications, DataStream<EscalationControl> policies);

        /** Every notification to one sink, as it is (tests, or a topic for another deliverer). */
        static Dispatch toSink(Sink<Notification> sink) {
            return (notifications, policies) -> {
                notifications
                        .sinkTo(sink)
                        .name("notifications → " + sink.getClass().getSimpleName())
                        .uid("notification-sink");
                return null;
            };
        }

        /** Nobody is told (replays that only rebuild incidents). */
        static Dispatch none() {
            return (notifications, policies) -> null;
        }

        /** Delivered by the dispatcher, which follows the policy's channels as they reload. */
        static Dispatch through(NotificationDispatcher dispatcher) {
            return (notifications, policies) ->
                    policies == null
                            ? NotificationDispatcher.deliver(notifications, dispatcher)
                            : NotificationDispatcher.deliver(notifications, policies, dispatcher);
        }
    }

    /**
     * The job's sinks; any may be null to drop that output (never in production: see {@link
     * EscalationJobMain}).
     *
     * @param incidents every version of every incident (Elasticsearch, {@code soc.incidents})
     * @param alertStatus closes of the alerts of closed incidents ({@code soc.alert-status})
     * @param deadLetters unreadable alert records ({@code soc.dlq})
     * @param policyStatus accepted and refused policies ({@code soc.escalation-policy.status})
     * @param outcomes what became of each delivery ({@code soc.notifications})
     */
    public record Sinks(
            List<Sink<Incident>> incidents,
            Sink<AlertStatusChange> alertStatus,
            Sink<DeadLetter> deadLetters,
            Sink<PolicyStatus> policyStatus,
            Sink<NotificationOutcome> outcomes) {

        public Sinks {
            incidents = incidents == null ? List.of() : List.copyOf(incidents);
        }

        public Sinks(
                List<Sink<Incident>> incidents,
                Sink<AlertStatusChange> alertStatus,
                Sink<DeadLetter> deadLetters,
                Sink<PolicyStatus> policyStatus) {
            this(incidents, alertStatus, deadLetters, policyStatus, null);
        }
    }

    /** The streams the topology produced, for callers that attach more sinks or assertions. */
    public record Streams(
            DataStream<Alert> alerts,
            DataStream<Incident> incidents,
            DataStream<Notification> notifications,
            DataStream<AlertStatusChange> alertCloses,
            DataStream<DeadLetter> deadLetters,
            DataStream<PolicyStatus> policyStatuses,
            DataStream<NotificationOutcome> outcomes) {}

    /**
     * Builds the topology.
     *
     * @param alertRecords the records of {@code soc.alerts}, undecoded, with their origin
     * @param statusChanges analysts' changes from {@code soc.alert-status}; null for none
     * @param policyUpdates policies published on {@code soc.escalation-policy}; null for none
     * @param initialPolicy the policy until the topic gives another (validated by the caller)
     */
    public static Streams build(
            DataStream<RawRecord> alertRecords,
            DataStream<AlertStatusChange> statusChanges,
            DataStream<PolicyRecord> policyUpdates,
            EscalationPolicy initialPolicy,
            Sinks sinks,
            Dispatch dispatch,
            EscalationJobOptions options) {
        Objects.requireNonNull(initialPolicy, "initialPolicy");
        Objects.requireNonNull(dispatch, "dispatch");
        var env = alertRecords.getExecutionEnvironment();
        int p = options.parallelism();

        // Event time per soc.alerts partition, assigned where the partition is still known.
        SingleOutputStreamOperator<Alert> read =
                alertRecords
                        .transform(
                                "read alerts", SerializerTypeInfo.alerts(), AlertReader.of(options))
                        .uid("escalation-read-alerts")
                        .setParallelism(p);
        DataStream<Alert> alerts = read;

        DataStream<EscalationControl> controls = null;
        SingleOutputStreamOperator<EscalationControl> policies = null;
        if (policyUpdates != null) {
            policies =
                    policyUpdates
                            .process(new PolicyUpdateValidator())
                            .returns(TypeInformation.of(EscalationControl.class))
                            .name("validate escalation policies")
                            .uid("escalation-policy-validator")
                            .setParallelism(1);
            controls = policies;
        }
        if (statusChanges != null) {
            DataStream<EscalationControl> statuses =
                    statusChanges
                            .map(EscalationControl::status)
                            .returns(TypeInformation.of(EscalationControl.class))
                            .name("status changes as control messages")
                            .uid("escalation-status-control")
                            .setParallelism(1);
            controls = controls == null ? statuses : controls.union(statuses);
        }
        if (controls == null) {
            // No control topic: an empty stream that lasts as long as the alerts. A bounded empty
            // source would finish at once, and a restore from a checkpoint that saw it finished
            // has been seen to leave the correlator's second input without a watermark.
            controls =
                    alertRecords
                            .filter(r -> false)
                            .name("no control messages")
                            .uid("escalation-control-none")
                            .setParallelism(p)
                            .map(r -> new EscalationControl())
                            .returns(TypeInformation.of(EscalationControl.class))
                            .name("no control messages (typed)")
                            .uid("escalation-control-none-typed")
                            .setParallelism(p);
        }
        // Control messages carry no event time: they must never hold back the alerts' clock.
        controls =
                controls.transform(
                                "control messages outside event time",
                                controls.getType(),
                                new OutsideEventTimeOperator<>())
                        .uid("escalation-control-time")
                        .setParallelism(1);

        SingleOutputStreamOperator<Incident> incidents =
                alerts.keyBy(IncidentKeys::keyOf)
                        .connect(controls.broadcast())
                        .transform(
                                "group alerts into incidents and escalate",
                                TypeInformation.of(Incident.class),
                                new KeyedInputTimedBroadcastOperator<>(
                                        new IncidentCorrelator(
                                                initialPolicy,
                                                new IncidentCorrelator.Settings(
                                                        options.linkTemplate(),
                                                        options.departmentNames())),
                                        List.of(IncidentCorrelator.BROADCAST_STATES)))
                        .uid("incident-correlator")
                        .setParallelism(p);

        DataStream<Notification> notifications =
                incidents.getSideOutput(IncidentCorrelator.NOTIFICATIONS);
        DataStream<NotificationOutcome> outcomes = dispatch.attach(notifications, policies);
        DataStream<Incident> recorded = incidents;
        if (outcomes != null) {
            // Outcomes come after the incident that asked for them; the recorder writes them on
            // the incident's next version, so the incident documents say who was reached.
            recorded =
                    incidents
                            .keyBy(i -> i.id, Types.STRING)
                            .connect(
                                    outcomes.keyBy(o -> String.valueOf(o.incidentId), Types.STRING))
                            .process(new NotificationOutcomeRecorder())
                            .returns(TypeInformation.of(Incident.class))
                            .name("record notification outcomes on incidents")
                            .uid("incident-notification-outcomes")
                            .setParallelism(p);
            if (sinks.outcomes() != null) {
                outcomes.sinkTo(sinks.outcomes())
                        .name("notification outcomes → soc.notifications")
                        .uid("notification-outcome-sink");
            }
        }
        for (int i = 0; i < sinks.incidents().size(); i++) {
            Sink<Incident> sink = sinks.incidents().get(i);
            recorded.sinkTo(sink)
                    .name("incidents → " + sink.getClass().getSimpleName())
                    .uid("incident-sink-" + i);
        }
        DataStream<AlertStatusChange> closes =
                incidents.getSideOutput(IncidentCorrelator.ALERT_STATUS);
        if (sinks.alertStatus() != null) {
            closes.sinkTo(sinks.alertStatus())
                    .name("alert closes → soc.alert-status")
                    .uid("escalation-alert-status-sink");
        }
        DataStream<DeadLetter> dead = read.getSideOutput(AlertReader.DEAD_LETTERS);
        if (sinks.deadLetters() != null) {
            dead.sinkTo(sinks.deadLetters())
                    .name("unreadable alerts → soc.dlq")
                    .uid("escalation-dlq-sink");
        }
        DataStream<PolicyStatus> statuses =
                policies == null ? null : policies.getSideOutput(PolicyUpdateValidator.STATUS);
        if (statuses != null && sinks.policyStatus() != null) {
            statuses.sinkTo(sinks.policyStatus())
                    .name("policy status → soc.escalation-policy.status")
                    .uid("escalation-policy-status-sink")
                    .setParallelism(1);
        }
        return new Streams(alerts, recorded, notifications, closes, dead, statuses, outcomes);
    }
}
