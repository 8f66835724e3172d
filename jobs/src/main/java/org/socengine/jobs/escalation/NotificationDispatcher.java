package org.socengine.jobs.escalation;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.socengine.connectors.notify.ChannelSpec;
import org.socengine.connectors.notify.DeliveryLedger;
import org.socengine.connectors.notify.DeliveryResult;
import org.socengine.connectors.notify.Notifier;
import org.socengine.connectors.notify.SecretResolver;
import org.socengine.connectors.secrets.Redaction;
import org.socengine.jobs.internal.NotificationMetrics;
import org.socengine.jobs.internal.SocMetrics;
import org.socengine.model.Notification;
import org.socengine.model.NotificationOutcome;

/**
 * Delivers the escalation job's notifications, each idempotency key once, also across restarts and
 * replays, and emits a {@link NotificationOutcome} for every channel tried.
 *
 * <p>Why it is exactly once (README, "Notification channels"): it works like a two-phase-commit
 * sink. <b>Pre-commit</b>: a notification is accepted into keyed state (the incident's set of
 * idempotency keys; a key seen before is a replay and is dropped) and into a pending list; the
 * pending list goes into the next checkpoint. <b>Commit</b>: only when that checkpoint has
 * completed ({@link #notifyCheckpointComplete}) is the notification sent, so the world only hears
 * of escalation steps that are part of a durable state: a step that a restore rolls back (and that
 * may not happen again, because an acknowledgement now comes first) was never sent. A restore puts
 * the restored checkpoint's pending list back, and the next completed checkpoint sends it. The
 * commit must be idempotent, because a crash after a send and before the next checkpoint restores a
 * pending list that holds what was sent: every send is written to the {@link DeliveryLedger} (a
 * compacted Kafka topic keyed by idempotency key, read when the operator opens) as soon as the
 * receiver accepted it, and a key in the ledger is not sent again. What is left is the moment
 * between a receiver's answer and the ledger's write; the {@code Idempotency-Key} header (the
 * e-mail's Message-ID) lets receivers drop that repeat too.
 *
 * <p>Why synchronous: delivery runs in {@code notifyCheckpointComplete} on the task's thread,
 * bounded by each channel's timeout, attempts and backoff cap (defaults: 4 x 10 s plus at most 3 x
 * 30 s, per channel tried). Async I/O would not help here: its in-flight requests are replayed from
 * its own checkpoint (a send, then a replay: a duplicate), and it cannot wait for the checkpoint
 * that recorded the intent. Notifications are few (one per incident, tier and channel), so the time
 * spent blocking delays checkpoints of this operator a little, not the detection job.
 *
 * <p>Fallback: a channel that still fails after its retries yields a failed outcome and the
 * notification's {@code fallbackChannels} are tried in order, each under the key that channel's own
 * notification of the same step has ({@code incident:tier:channel:step}), so a channel that is both
 * a fallback and a recipient of its own is told once.
 *
 * <p>Policy reloads: the second input carries every policy the job accepted (broadcast to each
 * subtask). A channel whose settings changed is rebuilt, a new one is built, a removed one closed;
 * a send uses the channels as they are when it happens, so a notification accepted before the
 * reload goes to the new webhook URL. With aligned checkpoints a policy that the correlator used
 * for a notification has reached this operator before the checkpoint that releases the
 * notification, so a channel that only the new policy names is known when it is sent.
 *
 * <p>Without checkpointing (a demo run without checkpoints) use {@link #deliveringAtOnce()}: sends
 * happen when a notification arrives, and the ledger alone prevents repeats. At the end of a
 * bounded input everything pending is sent ({@link #endInput(int)}).
 */
public final class NotificationDispatcher extends AbstractStreamOperator<NotificationOutcome>
        implements TwoInputStreamOperator<Notification, EscalationControl, NotificationOutcome>,
                BoundedMultiInput {

    public static final String UID = "notification-dispatcher";
    public static final String NAME = "notify: deliver";

    /**
     * How long an incident keeps the keys it has accepted (a replay further back is the ledger's).
     */
    public static final Duration ACCEPTED_KEYS_TTL = Duration.ofDays(30);

    private final Map<String, ChannelSpec> channels;
    private final SecretResolver secrets;
    private final DeliveryLedger ledger;
    private final NotifierFactory factory;
    private final boolean atOnce;

    private transient MapState<String, Long> accepted;
    private transient ListState<String> pendingState;
    private transient ListState<String> policyState;

    /** The policy whose channels are in use, when one came on the second input; else null. */
    private transient String policyText;

    private transient String policySource;
    private transient Map<String, ChannelSpec> current;
    private transient List<Notification> sinceLastSnapshot;
    private transient TreeMap<Long, List<Notification>> awaiting;
    private transient Map<String, Notifier> notifiers;
    private transient Map<String, String> unavailable;
    private transient DeliveryLedger.Session ledgerSession;
    private transient java.util.concurrent.ExecutorService sender;
    private transient Set<String> deliveredHere;
    private transient Counter delivered;
    private transient Counter failed;
    private transient Counter replays;
    private transient Counter ledgerHits;

    /**
     * @param channels the escalation policy's channels by name; each is checked ({@link
     *     ChannelSpec#problems()}) here, so a bad one fails the job's build, not its run
     * @param secrets resolves the channels' secret references where the operator runs
     * @param ledger where deliveries are recorded (Kafka in production, a folder for local runs)
     */
    public NotificationDispatcher(
            Map<String, ChannelSpec> channels, SecretResolver secrets, DeliveryLedger ledger) {
        this(channels, secrets, ledger, NotifierFactory.standard(), false);
    }

    private NotificationDispatcher(
            Map<String, ChannelSpec> channels,
            SecretResolver secrets,
            DeliveryLedger ledger,
            NotifierFactory factory,
            boolean atOnce) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, ChannelSpec> e : channels.entrySet()) {
            if (!e.getKey().equals(e.getValue().name())) {
                problems.add(
                        "channel '"
                                + e.getKey()
                                + "' is declared as '"
                                + e.getValue().name()
                                + "'");
            }
            problems.addAll(e.getValue().problems());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        this.channels = new LinkedHashMap<>(channels);
        this.secrets = secrets;
        this.ledger = ledger;
        this.factory = factory;
        this.atOnce = atOnce;
    }

    /** Sends as notifications arrive, for a job without checkpoints. */
    public NotificationDispatcher deliveringAtOnce() {
        return new NotificationDispatcher(channels, secrets, ledger, factory, true);
    }

    /** Builds channels with this factory (tests: retries that do not sleep). */
    public NotificationDispatcher withNotifierFactory(NotifierFactory factory) {
        return new NotificationDispatcher(channels, secrets, ledger, factory, atOnce);
    }

    /**
     * Keys the notifications by incident and delivers them with the channels it was built with: the
     * outcomes, one per channel tried, come out of the returned stream (uid {@value #UID}, name
     * {@value #NAME}).
     */
    public static SingleOutputStreamOperator<NotificationOutcome> deliver(
            DataStream<Notification> notifications, NotificationDispatcher dispatcher) {
        // An empty stream that lasts as long as the notifications (no source finishing at once).
        DataStream<EscalationControl> none =
                notifications
                        .filter(n -> false)
                        .name("no policy updates")
                        .uid(UID + "-no-policies")
                        .map(n -> new EscalationControl())
                        .returns(TypeInformation.of(EscalationControl.class))
                        .name("no policy updates (typed)")
                        .uid(UID + "-no-policies-typed");
        return deliver(notifications, none, dispatcher);
    }

    /**
     * As {@link #deliver(DataStream, NotificationDispatcher)}, and each accepted policy on {@code
     * policies} (validated control messages; others are ignored) replaces the channels.
     */
    public static SingleOutputStreamOperator<NotificationOutcome> deliver(
            DataStream<Notification> notifications,
            DataStream<EscalationControl> policies,
            NotificationDispatcher dispatcher) {
        return notifications
                .keyBy(n -> n.incidentId == null ? "" : n.incidentId, Types.STRING)
                .connect(policies.broadcast())
                .transform(NAME, TypeInformation.of(NotificationOutcome.class), dispatcher)
                .uid(UID)
                .name(NAME);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        MapStateDescriptor<String, Long> acceptedDescriptor =
                new MapStateDescriptor<>("accepted-keys", Types.STRING, Types.LONG);
        acceptedDescriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(ACCEPTED_KEYS_TTL)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .build());
        accepted = context.getKeyedStateStore().getMapState(acceptedDescriptor);
        pendingState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>("pending-deliveries", Types.STRING));
        // Union state: every subtask was sent the same policies, any one's copy will do.
        policyState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>("dispatcher-policy", Types.STRING));
        sinceLastSnapshot = new ArrayList<>();
        awaiting = new TreeMap<>();
        if (context.isRestored()) {
            for (String entry : policyState.get()) {
                int tab = entry.indexOf('\t');
                policySource = entry.substring(0, tab);
                policyText = entry.substring(tab + 1);
            }
            for (String entry : pendingState.get()) {
                int tab = entry.indexOf('\t');
                long checkpoint = Long.parseLong(entry.substring(0, tab));
                awaiting.computeIfAbsent(checkpoint, k -> new ArrayList<>())
                        .add(Notification.fromJson(entry.substring(tab + 1)));
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        delivered = getMetricGroup().counter("notificationsDelivered");
        failed = getMetricGroup().counter("notificationsFailed");
        replays = getMetricGroup().counter("notificationsReplayed");
        ledgerHits = getMetricGroup().counter("notificationsAlreadyInLedger");
        org.socengine.jobs.internal.ExportedRegistry.register(getMetricGroup());
        deliveredHere = new HashSet<>();
        notifiers = new HashMap<>();
        unavailable = new HashMap<>();
        current = new LinkedHashMap<>();
        Map<String, ChannelSpec> restored = policyText == null ? null : channelsOf(policyText);
        useChannels(restored != null ? restored : channels);
        ledgerSession = ledger.open();
        sender =
                java.util.concurrent.Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "notification-sender");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** Builds what changed, keeps what did not, closes what went. */
    private void useChannels(Map<String, ChannelSpec> next) {
        for (Map.Entry<String, ChannelSpec> e : new ArrayList<>(current.entrySet())) {
            ChannelSpec now = next.get(e.getKey());
            if (!e.getValue().equals(now)) {
                Notifier old = notifiers.remove(e.getKey());
                if (old != null) {
                    old.close();
                }
                unavailable.remove(e.getKey());
                current.remove(e.getKey());
            }
        }
        for (ChannelSpec spec : next.values()) {
            if (current.containsKey(spec.name())) {
                continue;
            }
            current.put(spec.name(), spec);
            try {
                notifiers.put(spec.name(), factory.create(spec, secrets));
            } catch (RuntimeException e) {
                // A secret missing on this machine: the channel fails (and its fallbacks are
                // tried) instead of the job restarting for ever.
                String why = Redaction.text(String.valueOf(e.getMessage()));
                unavailable.put(spec.name(), why);
                LOG.error("notification channel {} is unavailable: {}", spec.name(), why);
            }
        }
    }

    private Map<String, ChannelSpec> channelsOf(String text) {
        try {
            return EscalationPolicy.parse(policySource == null ? "policy" : policySource, text)
                    .channels();
        } catch (Exception e) {
            // Validated before it was broadcast; a build whose checks grew stricter keeps the
            // channels it has rather than failing the job.
            LOG.error(
                    "escalation policy from {} not usable by the dispatcher: {}",
                    policySource,
                    Redaction.text(String.valueOf(e.getMessage())));
            return null;
        }
    }

    /** A policy the job accepted: its channels from now on. */
    @Override
    public void processElement2(StreamRecord<EscalationControl> element) {
        EscalationControl c = element.getValue();
        if (!EscalationControl.POLICY.equals(c.kind)
                || c.policyText == null
                || c.policyText.equals(policyText)) {
            return;
        }
        policySource = c.policySource;
        Map<String, ChannelSpec> next = channelsOf(c.policyText);
        if (next == null) {
            return;
        }
        policyText = c.policyText;
        useChannels(next);
        LOG.info("notification channels from policy {}: {}", policySource, next.keySet());
    }

    @Override
    public void processElement1(StreamRecord<Notification> element) throws Exception {
        Notification n = element.getValue();
        if (n.idempotencyKey == null || n.idempotencyKey.isBlank()) {
            NotificationOutcome o = outcome(n, null, n.channel, null);
            o.error = "notification without an idempotency key: not sent";
            failed.inc();
            NotificationMetrics.of(SocMetrics.registry()).failed(n.channel);
            output.collect(new StreamRecord<>(o));
            return;
        }
        if (accepted.contains(n.idempotencyKey)) {
            replays.inc();
            return;
        }
        accepted.put(n.idempotencyKey, getProcessingTimeService().getCurrentProcessingTime());
        if (atOnce) {
            send(n);
        } else {
            sinceLastSnapshot.add(n);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (!sinceLastSnapshot.isEmpty()) {
            awaiting.computeIfAbsent(context.getCheckpointId(), k -> new ArrayList<>())
                    .addAll(sinceLastSnapshot);
            sinceLastSnapshot = new ArrayList<>();
        }
        List<String> entries = new ArrayList<>();
        for (Map.Entry<Long, List<Notification>> e : awaiting.entrySet()) {
            for (Notification n : e.getValue()) {
                entries.add(e.getKey() + "\t" + n.toJson());
            }
        }
        pendingState.update(entries);
        policyState.update(
                policyText == null ? List.of() : List.of(policySource + "\t" + policyText));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        Iterator<Map.Entry<Long, List<Notification>>> it =
                awaiting.headMap(checkpointId, true).entrySet().iterator();
        while (it.hasNext()) {
            List<Notification> batch = it.next().getValue();
            it.remove();
            for (Notification n : batch) {
                send(n);
            }
        }
    }

    /**
     * The end of the bounded notifications (a replay, a test, stop-with-savepoint --drain): what is
     * pending is sent now, as Flink's own sink committer commits at the end of input, because
     * records emitted after the final checkpoint would not reach the outcome stream. The ledger
     * still stops a repeat should the job fail before that checkpoint.
     */
    @Override
    public void endInput(int inputId) {
        if (inputId != 1) {
            return; // the policies ended; notifications may still come
        }
        List<Notification> now = new ArrayList<>();
        awaiting.values().forEach(now::addAll);
        now.addAll(sinceLastSnapshot);
        awaiting.clear();
        sinceLastSnapshot = new ArrayList<>();
        for (Notification n : now) {
            send(n);
        }
    }

    /** Tries the notification's channel, then its fallbacks, until one delivers. */
    private void send(Notification n) {
        List<String> chain = new ArrayList<>();
        chain.add(n.channel);
        if (n.fallbackChannels != null) {
            chain.addAll(n.fallbackChannels);
        }
        for (int i = 0; i < chain.size(); i++) {
            String channel = chain.get(i);
            String key = i == 0 ? n.idempotencyKey : keyFor(n, channel);
            NotificationOutcome known = ledgerSession.find(key);
            if (known != null && known.ok) {
                ledgerHits.inc();
                if (deliveredHere.add(key)) {
                    // Sent by an earlier run whose outcome may not have reached the incident.
                    output.collect(new StreamRecord<>(known));
                }
                return;
            }
            Notification toSend =
                    i == 0 ? n : asFallback(n, channel, chain.subList(i + 1, chain.size()), key);
            NotificationOutcome o = outcome(n, key, channel, i == 0 ? null : n.idempotencyKey);
            o.at = getProcessingTimeService().getCurrentProcessingTime();
            Notifier notifier = notifiers.get(channel);
            if (notifier == null) {
                o.error =
                        unavailable.containsKey(channel)
                                ? "channel unavailable: " + unavailable.get(channel)
                                : "no channel named '" + channel + "' in the policy";
            } else {
                DeliveryResult r = sendAndRecord(notifier, toSend, key, o);
                o.ok = r.ok();
                o.attempts = r.attempts();
                o.statusCode = r.statusCode();
                o.error = r.error();
            }
            if (o.ok) {
                delivered.inc();
                deliveredHere.add(key);
                NotificationMetrics.of(SocMetrics.registry()).sent(channel);
            } else {
                failed.inc();
                NotificationMetrics.of(SocMetrics.registry()).failed(channel);
            }
            output.collect(new StreamRecord<>(o));
            if (o.ok) {
                return;
            }
        }
    }

    /**
     * Sends and, when the receiver accepted, writes the ledger, on the sender thread, and waits for
     * both even when the task is being cancelled. A failover interrupts the task thread: an
     * interrupted HTTP exchange may have reached the receiver without our knowing, and an
     * interrupted file or Kafka write loses the record, and either would mean a second delivery
     * after the restore. Waiting is bounded by the channel's timeouts and retries; Flink waits for
     * a cancelled task far longer by default. Only a process that dies outright (kill -9) can still
     * leave a sent message unrecorded, and receivers drop that repeat by its key.
     */
    private DeliveryResult sendAndRecord(
            Notifier notifier, Notification n, String key, NotificationOutcome o) {
        java.util.concurrent.Future<DeliveryResult> f =
                sender.submit(
                        () -> {
                            DeliveryResult r = notifier.send(n, key);
                            if (r.ok()) {
                                NotificationOutcome done = copy(o, r);
                                try {
                                    ledgerSession.record(done);
                                } catch (IOException e) {
                                    // Sent but not recorded: a crash before the next checkpoint
                                    // would send it again, and the receiver's idempotency check is
                                    // all that stops the repeat.
                                    LOG.error(
                                            "notification {} was sent but the delivery ledger did"
                                                    + " not record it: {}",
                                            key,
                                            Redaction.text(e.getMessage()));
                                }
                            }
                            return r;
                        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    return DeliveryResult.failed(
                            0, 0, "unexpected " + e.getCause().getClass().getSimpleName());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private NotificationOutcome copy(NotificationOutcome o, DeliveryResult r) {
        NotificationOutcome c = new NotificationOutcome();
        c.idempotencyKey = o.idempotencyKey;
        c.incidentId = o.incidentId;
        c.tier = o.tier;
        c.channel = o.channel;
        c.fallbackFor = o.fallbackFor;
        c.ok = r.ok();
        c.attempts = r.attempts();
        c.statusCode = r.statusCode();
        c.at = o.at;
        return c;
    }

    /**
     * The key a fallback channel's delivery goes under: the one that channel's own notification of
     * this step has, so that it is told once however it is reached.
     */
    static String keyFor(Notification n, String channel) {
        String key = n.idempotencyKey;
        String marker = ":" + n.channel + ":";
        int at = key.lastIndexOf(marker);
        if (at >= 0) {
            String step = key.substring(at + marker.length());
            if (!step.isEmpty() && step.chars().allMatch(Character::isDigit)) {
                return key.substring(0, at) + ":" + channel + ":" + step;
            }
        }
        return key + "~" + channel;
    }

    private static Notification asFallback(
            Notification n, String channel, List<String> rest, String key) {
        try {
            Notification copy = Notification.fromJson(n.toJson());
            copy.channel = channel;
            copy.fallbackChannels = new ArrayList<>(rest);
            copy.idempotencyKey = key;
            return copy;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static NotificationOutcome outcome(
            Notification n, String key, String channel, String fallbackFor) {
        NotificationOutcome o = new NotificationOutcome();
        o.idempotencyKey = key;
        o.incidentId = n.incidentId;
        o.tier = n.tier;
        o.channel = channel;
        o.fallbackFor = fallbackFor;
        return o;
    }

    @Override
    public void close() throws Exception {
        if (sender != null) {
            sender.shutdown();
        }
        if (notifiers != null) {
            notifiers.values().forEach(Notifier::close);
        }
        if (ledgerSession != null) {
            ledgerSession.close();
        }
        super.close();
    }
}
