package org.socengine.jobs.escalation;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.jobs.detection.PartitionTimedOperator;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;
import org.socengine.model.Json;

/**
 * Reads the alert documents of {@code soc.alerts} and gives them event time. A record that is not
 * an alert goes to the dead-letter output with the reason and where it came from; alerts of
 * experimental rules (shadow) and the engine's alerts about itself (meta) are counted and not
 * escalated.
 *
 * <p>Event time is tracked per Kafka partition, as the detection job's decode step does ({@link
 * PartitionTimedOperator}): the watermark is the least of the partitions' own, each trailing its
 * newest alert by the allowed disorder. A partition that is behind (a detection subtask catching
 * up) holds escalation back instead of having its alerts arrive late; one that has gone quiet stops
 * holding the others after the idle timeout. After {@code quietAdvance} without any alert, event
 * time follows the wall clock that far behind it: escalation deadlines are event-time timers, and a
 * department under attack at 2 a.m. may raise one alert and then nothing; without it the next tier
 * would never be told. Zero turns that off (replays and tests, where only the alerts tell the
 * time).
 */
public class AlertReader extends PartitionTimedOperator<RawRecord, Alert> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("unreadable-alerts", TypeInformation.of(DeadLetter.class));

    /** Reason code of an unreadable alert in {@code soc.dlq}. */
    public static final String UNREADABLE = "alert_unreadable";

    private transient Counter read;
    private transient Counter deadLettered;
    private transient Counter notEscalated;

    /**
     * @param disorder how far out of order a partition's alerts may come and still be taken in time
     *     order
     * @param idleness after how long a quiet partition stops holding the others back
     * @param quietAdvance event time follows the wall clock this far behind after as long without
     *     an alert; zero never
     */
    public AlertReader(Duration disorder, Duration idleness, Duration quietAdvance) {
        // No clock-skew check: an alert's time is the detection job's event time, not a device's.
        super(disorder.toMillis(), idleness.toMillis(), 0, quietAdvance.toMillis(), true);
    }

    public static AlertReader of(EscalationJobOptions options) {
        return new AlertReader(
                options.alertDisorder(), options.partitionIdleness(), options.quietAdvance());
    }

    @Override
    protected String partitionStateName() {
        return "alert-partition-event-time";
    }

    @Override
    public void open() throws Exception {
        super.open();
        var metrics = getMetricGroup();
        read = metrics.counter("alertsRead");
        deadLettered = metrics.counter("alertsDeadLettered");
        notEscalated = metrics.counter("alertsNotEscalated");
    }

    @Override
    public void processElement(StreamRecord<RawRecord> element) {
        RawRecord r = element.getValue();
        Alert a;
        try {
            a = parse(r);
        } catch (Exception e) {
            deadLettered.inc();
            output.collect(
                    DEAD_LETTERS,
                    new StreamRecord<>(
                            deadLetter(
                                    r, e, getProcessingTimeService().getCurrentProcessingTime())));
            return;
        }
        read.inc();
        // Even an alert that is not escalated tells its partition's time.
        observe(String.valueOf(r.topic), r.partition, a.timestamp, r.kafkaTimestamp);
        if (a.shadow || a.meta) {
            notEscalated.inc();
            return;
        }
        output.collect(new StreamRecord<>(a, a.timestamp));
    }

    static Alert parse(RawRecord r) throws Exception {
        if (r.value == null || r.value.length == 0) {
            throw new IllegalArgumentException("empty record");
        }
        JsonNode doc = Json.mapper().readTree(r.value);
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Alert a = AlertJson.fromTree(doc);
        if (a.entity.isEmpty()) {
            entityOf(doc, "", a.entity);
        }
        String missing =
                a.id == null || a.id.isBlank()
                        ? "alert.id"
                        : a.ruleId == null || a.ruleId.isBlank()
                                ? "rule.id"
                                : a.timestamp <= 0 ? "@timestamp" : null;
        if (missing != null) {
            throw new IllegalArgumentException("the alert has no " + missing);
        }
        return a;
    }

    /** The document's own sections; every other field of an alert document is its entity. */
    static final Set<String> SECTIONS =
            Set.of("@timestamp", "event", "rule", "threat", "organization", "alert");

    /**
     * The entity the rule grouped by, back from the document: {@link AlertJson} writes each entity
     * field at its ECS path ({@code source.ip}) beside its own sections and does not read it back.
     */
    static void entityOf(JsonNode node, String prefix, Map<String, String> entity) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (prefix.isEmpty() && SECTIONS.contains(f.getKey())) {
                continue;
            }
            String path = prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey();
            if (f.getValue().isObject()) {
                entityOf(f.getValue(), path, entity);
            } else if (f.getValue().isValueNode() && !f.getValue().isNull()) {
                entity.put(path, f.getValue().asText());
            }
        }
    }

    static DeadLetter deadLetter(RawRecord r, Exception e, long now) {
        DeadLetter d = new DeadLetter();
        d.reasonCode = UNREADABLE;
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        d.reason = "not an alert document: " + why.lines().findFirst().orElse(why);
        d.decoder = "escalation";
        d.source = "alerts";
        d.topic = r.topic;
        d.partition = r.partition;
        d.offset = r.offset;
        d.kafkaTimestamp = r.kafkaTimestamp;
        d.key = r.key;
        d.raw = r.value == null ? "".getBytes(StandardCharsets.UTF_8) : r.value;
        d.time = now;
        return d;
    }
}
