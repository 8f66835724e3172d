package org.socengine.jobs.escalation;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;
import org.socengine.model.Json;

/**
 * Reads the alert documents of {@code soc.alerts}. A record that is not an alert goes to the
 * dead-letter output with the reason and where it came from; alerts of experimental rules (shadow)
 * and the engine's alerts about itself (meta) are counted and not escalated.
 */
public class AlertReader extends ProcessFunction<RawRecord, Alert> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("unreadable-alerts", TypeInformation.of(DeadLetter.class));

    /** Reason code of an unreadable alert in {@code soc.dlq}. */
    public static final String UNREADABLE = "alert_unreadable";

    private transient Counter read;
    private transient Counter deadLettered;
    private transient Counter notEscalated;

    @Override
    public void open(OpenContext openContext) {
        var metrics = getRuntimeContext().getMetricGroup();
        read = metrics.counter("alertsRead");
        deadLettered = metrics.counter("alertsDeadLettered");
        notEscalated = metrics.counter("alertsNotEscalated");
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<Alert> out) {
        Alert a;
        try {
            if (r.value == null || r.value.length == 0) {
                throw new IllegalArgumentException("empty record");
            }
            JsonNode doc = Json.mapper().readTree(r.value);
            if (doc == null || !doc.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            a = AlertJson.fromTree(doc);
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
        } catch (Exception e) {
            deadLettered.inc();
            ctx.output(DEAD_LETTERS, deadLetter(r, e, ctx.timerService().currentProcessingTime()));
            return;
        }
        read.inc();
        if (a.shadow || a.meta) {
            notEscalated.inc();
            return;
        }
        out.collect(a);
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
