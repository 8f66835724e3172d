package org.socengine.jobs.intel;

import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.intel.Indicator;
import org.socengine.connectors.intel.IndicatorIndex;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.RawRecordDeserializer;
import org.socengine.model.Alert;
import org.socengine.model.AlertIds;
import org.socengine.model.SecurityEvent;
import org.socengine.model.SocTopics;

/**
 * The retro-hunt: a bounded job that reads the raw topics as they are retained, from a point in
 * time to their end when it starts, through the decoders and the indicator match only (no rules),
 * and raises a {@code retro_hunt} alert for each past event that matches an indicator, at the
 * event's own time. Ids are deterministic (indicator, matched field, the record's topic, partition
 * and offset), and the alert index writes with {@code create}: a second hunt over the same records
 * adds nothing.
 */
public final class RetroHunt {

    /** The rule id of retro-hunt alerts. */
    public static final String RULE_ID = "retro_hunt";

    public static final String RULE_NAME = "Retro-hunt: a past event matches a new indicator";

    private RetroHunt() {}

    /** The raw topics from {@code sinceMillis} (Kafka time) to their current end. */
    public static Source<RawRecord, ?, ?> rawSince(
            KafkaSettings kafka, List<String> topics, String groupId, long sinceMillis) {
        var b =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setProperties(kafka.toProperties())
                        .setGroupId(groupId)
                        .setStartingOffsets(OffsetsInitializer.timestamp(sinceMillis))
                        .setBounded(OffsetsInitializer.latest())
                        .setDeserializer(new RawRecordDeserializer());
        if (topics == null || topics.isEmpty()) {
            b.setTopicPattern(SocTopics.RAW_PATTERN);
        } else {
            b.setTopics(topics);
        }
        return b.build();
    }

    /** The hunt's topology: records → decode → match → alerts to the sinks. */
    public static DataStream<Alert> build(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> raw,
            RecordDecoder decoder,
            List<Indicator> indicators,
            long sinceMillis,
            List<Sink<Alert>> sinks) {
        DataStream<Alert> alerts =
                env.fromSource(raw, WatermarkStrategy.noWatermarks(), "retained raw records")
                        .uid("hunt-raw-source")
                        .flatMap(new Match(decoder, indicators, sinceMillis))
                        .returns(TypeInformation.of(Alert.class))
                        .name("decode and match indicators")
                        .uid("hunt-match");
        for (int i = 0; i < sinks.size(); i++) {
            alerts.sinkTo(sinks.get(i)).name("retro-hunt alerts").uid("hunt-sink-" + i);
        }
        return alerts;
    }

    /** Decodes a record and turns each indicator it matches into an alert. */
    static final class Match extends RichFlatMapFunction<RawRecord, Alert> {
        private static final long serialVersionUID = 1L;

        private final RecordDecoder decoder;
        private final List<Indicator> indicators;
        private final long since;
        private transient IndicatorIndex index;
        private transient Counter records;
        private transient Counter matches;

        Match(RecordDecoder decoder, List<Indicator> indicators, long since) {
            this.decoder = decoder;
            this.indicators = List.copyOf(indicators);
            this.since = since;
        }

        @Override
        public void open(OpenContext ctx) {
            index = IndicatorIndex.of(indicators);
            records = getRuntimeContext().getMetricGroup().counter("huntRecords");
            matches = getRuntimeContext().getMetricGroup().counter("huntMatches");
        }

        @Override
        public void flatMap(RawRecord r, Collector<Alert> out) {
            records.inc();
            RecordDecoder.Outcome o = decoder.decode(r, System.currentTimeMillis());
            SecurityEvent e = o.event();
            // Bad records were dead-lettered when the detection job read them; not again here.
            if (e == null || e.timestamp < since) {
                return;
            }
            if (index.enrich(e) == 0) {
                return;
            }
            for (SecurityEvent.Enrichment x : e.threat.enrichments) {
                matches.inc();
                out.collect(alert(e, x, r));
            }
        }
    }

    /** The alert of one match; its id depends only on the record and the indicator. */
    static Alert alert(SecurityEvent e, SecurityEvent.Enrichment x, RawRecord r) {
        Alert a = new Alert();
        a.ruleId = RULE_ID;
        a.ruleName = RULE_NAME;
        a.ruleVersion = 1;
        int confidence = x.indicator.confidence == null ? 50 : x.indicator.confidence;
        a.severity = confidence >= 80 ? "high" : confidence >= 50 ? "medium" : "low";
        a.riskScore = Math.min(100, 40 + confidence / 2);
        a.ruleStatus = "stable";
        a.tags.add("attack.command_and_control");
        a.timestamp = e.timestamp;
        a.windowStart = e.timestamp;
        a.windowEnd = e.timestamp;
        a.lastSeen = e.timestamp;
        a.count = 1;
        a.departmentId = e.departmentId();
        if (a.departmentId != null) {
            a.departments.add(a.departmentId);
            a.departmentName = e.organization.name;
        }
        a.entity.put("threat.indicator.value", x.indicator.value);
        a.entity.put("threat.enrichments.matched.field", x.matched.field);
        a.entity.put("event.reference", r.topic + "/" + r.partition + "/" + r.offset);
        if (a.departmentId != null) {
            a.entity.put("organization.id", a.departmentId);
        }
        a.details.put("threat.indicator.type", x.indicator.type);
        a.details.put("threat.indicator.provider", String.valueOf(x.indicator.provider));
        a.details.put("threat.enrichments.matched.atomic", x.matched.atomic);
        a.evidence.add(e);
        a.id = AlertIds.of(RULE_ID, a.ruleVersion, a.groupKey(), a.windowStart);
        return a;
    }
}
