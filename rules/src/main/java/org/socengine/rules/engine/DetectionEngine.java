package org.socengine.rules.engine;

import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.util.StatementProperty;
import com.espertech.esper.common.client.util.StatementType;
import com.espertech.esper.runtime.client.DeploymentOptions;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPDeployPreconditionException;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import com.espertech.esper.runtime.client.EPUndeployException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;

/**
 * Runs compiled rules on one Esper runtime, in event time. The caller feeds events in timestamp
 * order and advances the clock from watermarks; the engine never reads the wall clock, so the same
 * events give the same alerts live, in a replay and in a test.
 *
 * <p>Repeats of a rule for the same group key within the rule's suppression period are counted, not
 * alerted again: a brute force of 50 failures is one alert, not 43.
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

    private final EPRuntime runtime;
    private final EPEventService events;
    private final AlertFactory alertFactory;
    private final Map<String, Deployed> deployed = new LinkedHashMap<>();
    private final Map<String, Predicate<SecurityEvent>> activeStreams = new LinkedHashMap<>();
    private final Map<String, Suppression> suppressions = new HashMap<>();
    private final List<Alert> pending = new ArrayList<>();
    private long suppressedTotal;
    private long currentTime = Long.MIN_VALUE;
    private boolean sendingLate;

    private record Deployed(CompiledRule rule, String deploymentId) {}

    /** Suppression state of one rule and group key. */
    public static final class Suppression implements java.io.Serializable {
        public long until;
        public long repeats;
        public String alertId;

        public Suppression() {}

        public Suppression(long until, long repeats, String alertId) {
            this.until = until;
            this.repeats = repeats;
            this.alertId = alertId;
        }
    }

    public DetectionEngine(String runtimeUri, Collection<CompiledRule> rules) {
        this(runtimeUri, rules, AlertFactory.DEFAULT_EVIDENCE_CAP);
    }

    public DetectionEngine(String runtimeUri, Collection<CompiledRule> rules, int evidenceCap) {
        this.runtime = EPRuntimeProvider.getRuntime(runtimeUri, EsperSetup.configuration());
        this.runtime.initialize();
        this.events = runtime.getEventService();
        this.alertFactory = new AlertFactory(evidenceCap);
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
        if (!rule.definition().enabled()) {
            undeploy(rule.id());
            return;
        }
        if (currentTime != Long.MIN_VALUE && events.getCurrentTime() != currentTime) {
            events.advanceTime(currentTime);
        }
        Deployed previous = deployed.get(rule.id());
        EPDeployment d;
        try {
            d = runtime.getDeploymentService().deploy(rule.compiled(), new DeploymentOptions());
        } catch (EPDeployPreconditionException e) {
            if (previous == null) {
                throw e;
            }
            // The new version declares a named window, table or context the running version
            // owns: swap them, and put the running version back if the new one still fails.
            undeployQuietly(previous.deploymentId());
            deployed.remove(rule.id());
            try {
                d = runtime.getDeploymentService().deploy(rule.compiled(), new DeploymentOptions());
            } catch (EPDeployException again) {
                deploy(previous.rule());
                throw again;
            }
            previous = null;
        }
        for (EPStatement s : d.getStatements()) {
            if (s.getProperty(StatementProperty.STATEMENTTYPE) == StatementType.SELECT
                    && !INSERT_INTO
                            .matcher(String.valueOf(s.getProperty(StatementProperty.EPL)))
                            .find()) {
                s.addListener((newEvents, oldEvents, statement, rt) -> onOutput(rule, newEvents));
            }
        }
        deployed.put(rule.id(), new Deployed(rule, d.getDeploymentId()));
        if (previous != null) {
            undeployQuietly(previous.deploymentId());
        }
        recomputeStreams();
    }

    public void undeploy(String ruleId) {
        Deployed previous = deployed.remove(ruleId);
        if (previous != null) {
            undeployQuietly(previous.deploymentId());
            recomputeStreams();
        }
    }

    public Set<String> ruleIds() {
        return new HashSet<>(deployed.keySet());
    }

    public Collection<CompiledRule> rules() {
        List<CompiledRule> out = new ArrayList<>();
        deployed.values().forEach(d -> out.add(d.rule()));
        return out;
    }

    /** The longest window of the deployed rules: how much history rebuilds their state. */
    public long horizonMillis() {
        long max = 0;
        for (Deployed d : deployed.values()) {
            max = Math.max(max, d.rule().horizonMillis());
        }
        return max;
    }

    public long currentTime() {
        return currentTime;
    }

    /** Moves event time forward; windows expire and timers fire. Never goes back. */
    public void advanceTime(long time) {
        if (time > currentTime) {
            boolean first = currentTime == Long.MIN_VALUE;
            currentTime = time;
            if (first) {
                // The runtime starts at the wall clock; the first event time resets it.
                events.advanceTime(time);
            } else {
                // Span, not jump: each timer fires at its own time, so an alert raised by a
                // timer (an absence, an output interval) carries the time it was due.
                events.advanceTimeSpan(time);
            }
            expireSuppressions();
        }
    }

    /**
     * Evaluates one event. Events must arrive in timestamp order; one older than the engine's clock
     * is still evaluated, at the current time, and its alerts are marked late.
     */
    public void send(SecurityEvent event) {
        boolean late = event.timestamp < currentTime;
        if (!late) {
            advanceTime(event.timestamp);
        }
        sendingLate = late;
        try {
            for (Map.Entry<String, Predicate<SecurityEvent>> s : activeStreams.entrySet()) {
                if (s.getValue().test(event)) {
                    events.sendEventBean(event, s.getKey());
                }
            }
        } finally {
            sendingLate = false;
        }
    }

    /** The alerts produced since the last call. */
    public List<Alert> drainAlerts() {
        if (pending.isEmpty()) {
            return List.of();
        }
        List<Alert> out = new ArrayList<>(pending);
        pending.clear();
        return out;
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
    }

    private void onOutput(CompiledRule rule, EventBean[] rows) {
        if (rows == null) {
            return;
        }
        long now = events.getCurrentTime();
        for (EventBean row : rows) {
            Alert alert = alertFactory.create(rule.definition(), row, now, sendingLate);
            String key = rule.id() + '\u0000' + alert.groupKey();
            Suppression s = suppressions.get(key);
            if (s != null && now < s.until) {
                s.repeats++;
                suppressedTotal++;
                continue;
            }
            Duration period =
                    rule.definition().suppressFor() == null
                            ? DEFAULT_SUPPRESSION
                            : rule.definition().suppressFor();
            suppressions.put(key, new Suppression(now + period.toMillis(), 0, alert.id));
            pending.add(alert);
        }
    }

    private void expireSuppressions() {
        if (suppressions.size() < 1024) {
            return;
        }
        Iterator<Suppression> it = suppressions.values().iterator();
        while (it.hasNext()) {
            if (it.next().until <= currentTime) {
                it.remove();
            }
        }
    }

    private void recomputeStreams() {
        Set<String> used = new HashSet<>();
        deployed.values().forEach(d -> used.addAll(d.rule().streams()));
        activeStreams.clear();
        EventStreams.STREAMS.forEach(
                (name, predicate) -> {
                    if (used.contains(name)) {
                        activeStreams.put(name, predicate);
                    }
                });
    }

    private void undeployQuietly(String deploymentId) {
        try {
            runtime.getDeploymentService().undeploy(deploymentId);
        } catch (EPUndeployException e) {
            throw new IllegalStateException("cannot undeploy " + deploymentId, e);
        }
    }

    @Override
    public void close() {
        runtime.destroy();
    }
}
