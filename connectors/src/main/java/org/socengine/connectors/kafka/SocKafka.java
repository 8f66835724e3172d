package org.socengine.connectors.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.kafka.internal.PacedKafkaSource;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.Incident;
import org.socengine.model.IncidentJson;
import org.socengine.model.SocTopics;

/** Builders for the engine's Kafka sources and sinks, on the topics of DESIGN.md. */
public final class SocKafka {

    private SocKafka() {}

    /** Every {@code soc.raw.<source>} topic, or the given ones. */
    public static PacedKafkaSource<RawRecord> rawSource(
            KafkaSettings settings, List<String> topics, String groupId, OffsetsInitializer start) {
        return rawSource(settings, topics, groupId, start, new RawRecordDeserializer());
    }

    /**
     * The same with another deserializer: {@link RawRecordDeserializer}'s work and something
     * besides, done as the source emits each record (the benchmark's progress count).
     */
    public static PacedKafkaSource<RawRecord> rawSource(
            KafkaSettings settings,
            List<String> topics,
            String groupId,
            OffsetsInitializer start,
            KafkaRecordDeserializationSchema<RawRecord> deserializer) {
        var b =
                rawBuilder(settings, groupId, deserializer)
                        .setStartingOffsets(start)
                        .setProperty("partition.discovery.interval.ms", "10000");
        if (topics == null || topics.isEmpty()) {
            b.setTopicPattern(SocTopics.RAW_PATTERN);
        } else {
            b.setTopics(topics);
        }
        return new PacedKafkaSource<>(b.build());
    }

    /** Bounded variant: reads what is in the topics now, then ends (replays, benchmarks, tests). */
    public static PacedKafkaSource<RawRecord> boundedRawSource(
            KafkaSettings settings, List<String> topics, String groupId) {
        return boundedRawSource(settings, topics, groupId, OffsetsInitializer.latest());
    }

    /** Bounded, with another deserializer (see {@link #rawSource}). */
    public static PacedKafkaSource<RawRecord> boundedRawSource(
            KafkaSettings settings,
            List<String> topics,
            String groupId,
            KafkaRecordDeserializationSchema<RawRecord> deserializer) {
        return boundedRawSource(
                settings, topics, groupId, OffsetsInitializer.latest(), deserializer);
    }

    /** Bounded variant that ends where {@code end} says, which may be offsets not written yet. */
    public static PacedKafkaSource<RawRecord> boundedRawSource(
            KafkaSettings settings, List<String> topics, String groupId, OffsetsInitializer end) {
        return boundedRawSource(settings, topics, groupId, end, new RawRecordDeserializer());
    }

    private static PacedKafkaSource<RawRecord> boundedRawSource(
            KafkaSettings settings,
            List<String> topics,
            String groupId,
            OffsetsInitializer end,
            KafkaRecordDeserializationSchema<RawRecord> deserializer) {
        return new PacedKafkaSource<>(
                rawBuilder(settings, groupId, deserializer)
                        .setTopics(topics)
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(end)
                        .build());
    }

    private static KafkaSourceBuilder<RawRecord> rawBuilder(
            KafkaSettings settings,
            String groupId,
            KafkaRecordDeserializationSchema<RawRecord> deserializer) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setProperties(settings.toProperties())
                .setGroupId(groupId)
                .setDeserializer(deserializer);
    }

    /**
     * Dead letters to {@code soc.dlq}, keyed by the stream they came from (the raw topic, or {@code
     * soc.alerts} for alerts Elasticsearch refused), with reason and origin in the value.
     */
    public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings settings) {
        return deadLetterSink(settings, SocTopics.DLQ);
    }

    /** {@link #deadLetterSink(KafkaSettings)} to another topic (tests keep theirs apart). */
    public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings settings, String topic) {
        KafkaRecordSerializationSchema<DeadLetter> schema =
                (d, ctx, ts) ->
                        new ProducerRecord<>(
                                topic,
                                null,
                                d.time,
                                d.topic == null ? null : d.topic.getBytes(StandardCharsets.UTF_8),
                                d.toJson().getBytes(StandardCharsets.UTF_8));
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setKafkaProducerConfig(settings.toProperties())
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /**
     * Alerts keyed by their deterministic id, so consumers can tell a replayed alert from a new
     * one.
     */
    public static KafkaSink<Alert> alertSink(KafkaSettings settings) {
        KafkaRecordSerializationSchema<Alert> schema =
                (a, ctx, ts) ->
                        new ProducerRecord<>(
                                SocTopics.ALERTS,
                                null,
                                recordTime(a.timestamp),
                                a.id.getBytes(StandardCharsets.UTF_8),
                                AlertJson.toJson(a).getBytes(StandardCharsets.UTF_8));
        return KafkaSink.<Alert>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setKafkaProducerConfig(settings.toProperties())
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /**
     * An alert's time as its record's Kafka timestamp, or null (the producer's clock) for a time
     * the broker would refuse: before 1970, or more than its bound ahead of now (an hour by
     * default; a device whose clock runs ahead makes such alerts, and so did an engine clock
     * restored to the end of time). A refused record fails the sink, and in Flink 2.2 a sink that
     * fails while closing takes its TaskManager down. The alert's own time stays in its value.
     */
    static Long recordTime(long t) {
        return t > 0 && t < System.currentTimeMillis() + FUTURE_BOUND_MILLIS ? t : null;
    }

    /** Below the brokers' default {@code log.message.timestamp.after.max.ms} (one hour). */
    static final long FUTURE_BOUND_MILLIS = 30 * 60_000L;

    /**
     * The analysts' status changes ({@code soc.alert-status}); records that are not a valid change
     * are logged and skipped, they never stop the job.
     */
    public static KafkaSource<AlertStatusChange> alertStatusSource(
            KafkaSettings settings, String groupId, OffsetsInitializer start) {
        return KafkaSource.<AlertStatusChange>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setProperties(settings.toProperties())
                .setGroupId(groupId)
                .setTopics(SocTopics.ALERT_STATUS)
                .setStartingOffsets(start)
                .setDeserializer(new AlertStatusDeserializer())
                .build();
    }

    /** Status changes keyed by alert id, as the command line publishes them. */
    public static KafkaSink<AlertStatusChange> alertStatusSink(KafkaSettings settings) {
        KafkaRecordSerializationSchema<AlertStatusChange> schema =
                (c, ctx, ts) ->
                        new ProducerRecord<>(
                                SocTopics.ALERT_STATUS,
                                null,
                                c.at,
                                c.alertId.getBytes(StandardCharsets.UTF_8),
                                c.toJson().getBytes(StandardCharsets.UTF_8));
        return KafkaSink.<AlertStatusChange>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setKafkaProducerConfig(settings.toProperties())
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /**
     * Incidents keyed by their deterministic id: every version of one incident goes to the same
     * partition, in order, so the last record of a key is the incident as it stands.
     */
    public static KafkaSink<Incident> incidentSink(KafkaSettings settings) {
        KafkaRecordSerializationSchema<Incident> schema =
                (i, ctx, ts) ->
                        new ProducerRecord<>(
                                SocTopics.INCIDENTS,
                                null,
                                i.lastSeen > 0 ? i.lastSeen : null,
                                i.id.getBytes(StandardCharsets.UTF_8),
                                IncidentJson.toJson(i).getBytes(StandardCharsets.UTF_8));
        return KafkaSink.<Incident>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setKafkaProducerConfig(settings.toProperties())
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** Notification outcomes to {@code soc.notifications}, keyed by idempotency key. */
    public static KafkaSink<org.socengine.model.NotificationOutcome> notificationOutcomeSink(
            KafkaSettings settings) {
        KafkaRecordSerializationSchema<org.socengine.model.NotificationOutcome> schema =
                (o, ctx, ts) -> {
                    try {
                        return new ProducerRecord<>(
                                SocTopics.NOTIFICATION_OUTCOMES,
                                null,
                                o.at > 0 ? o.at : null,
                                o.idempotencyKey.getBytes(StandardCharsets.UTF_8),
                                org.socengine.model.Json.mapper().writeValueAsBytes(o));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                };
        return KafkaSink.<org.socengine.model.NotificationOutcome>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setKafkaProducerConfig(settings.toProperties())
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** Every record of {@code soc.alerts}, undecoded with its origin, for the escalation job. */
    public static KafkaSource<RawRecord> alertRecordSource(
            KafkaSettings settings, String groupId, OffsetsInitializer start) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setProperties(settings.toProperties())
                .setGroupId(groupId)
                .setTopics(SocTopics.ALERTS)
                .setStartingOffsets(start)
                .setDeserializer(new RawRecordDeserializer())
                .build();
    }
}
