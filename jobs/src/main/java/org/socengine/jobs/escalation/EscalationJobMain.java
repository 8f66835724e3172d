package org.socengine.jobs.escalation;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.IncidentIndexer;
import org.socengine.connectors.enrich.Department;
import org.socengine.connectors.kafka.AlertStatusPublisher;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.SocTopics;

/**
 * Entry point for a Flink cluster: {@code flink run -c
 * org.socengine.jobs.escalation.EscalationJobMain soc-jobs.jar --config soc.yml --policy
 * /etc/soc/escalation-policy.yml}; every option but {@code --config} is also a key ({@link #KEYS}).
 * Reads {@code soc.alerts}, {@code soc.alert-status} and {@code soc.escalation-policy}; writes
 * incidents to Elasticsearch ({@code soc-incidents-*}) and {@code soc.incidents}, alert closes to
 * {@code soc.alert-status}, unreadable alerts to {@code soc.dlq}, policy verdicts to {@code
 * soc.escalation-policy.status}. Notifications are delivered through the policy's channels by
 * {@link NotificationDispatcher} ({@link #dispatch}), exactly once per idempotency key, and every
 * channel's outcome goes to {@code soc.notifications}.
 */
public final class EscalationJobMain {

    /** Options of {@link #main}, with what they mean. */
    public static final Map<String, String> OPTIONS =
            Map.of(
                    "--config", "configuration file (soc.yml; SocConfig)",
                    "--policy", "escalation policy YAML (default: the bundled sample)",
                    "--group", "Kafka consumer group (default soc-escalation)",
                    "--parallelism", "operator parallelism (default 1)",
                    "--link", "incident URL template, {id} for the incident id",
                    "--checkpoint-interval", "checkpoint interval (default 30s)",
                    "--quiet-advance",
                            "event time follows the wall clock after this long without alerts (default 5m)",
                    "--ack-port",
                            "serve POST /incidents/{id}/ack|close on this port (token:"
                                    + " escalation.ack_token)",
                    "--ack-bind", "address of the acknowledgement endpoint (default 127.0.0.1)",
                    "--partition-idleness",
                            "a soc.alerts partition without alerts this long stops holding event"
                                    + " time back (default 1m)");

    /**
     * Option → configuration key: every option but {@code --config} is also a key of the
     * configuration file (and its {@code SOC_ESCALATION_*} variable), the option winning.
     */
    public static final Map<String, String> KEYS;

    static {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("--policy", "escalation.policy");
        k.put("--group", "escalation.group");
        k.put("--parallelism", "escalation.parallelism");
        k.put("--link", "escalation.link");
        k.put("--checkpoint-interval", "escalation.checkpoint_interval");
        k.put("--quiet-advance", "escalation.quiet_advance");
        k.put("--ack-port", "escalation.ack_port");
        k.put("--ack-bind", "escalation.ack_bind");
        k.put("--partition-idleness", "escalation.partition_idleness");
        KEYS = java.util.Collections.unmodifiableMap(k);
    }

    private EscalationJobMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = parse(args);
        SocConfig cfg =
                withOptions(
                        SocConfig.load(
                                o.containsKey("--config") ? Path.of(o.get("--config")) : null),
                        o);
        EscalationPolicy policy =
                cfg.has("escalation.policy")
                        ? EscalationPolicy.load(Path.of(cfg.get("escalation.policy")))
                        : EscalationPolicy.bundled();
        Map<String, String> names = new LinkedHashMap<>();
        for (Department d : cfg.departments().all()) {
            names.put(d.id(), d.name());
        }
        EscalationJobOptions options =
                EscalationJobOptions.defaults()
                        .withParallelism(
                                cfg.positive(
                                        "escalation.parallelism",
                                        named("escalation.parallelism"),
                                        1))
                        .withQuietAdvance(duration(cfg, "escalation.quiet_advance", "5m"))
                        .withPartitionIdleness(duration(cfg, "escalation.partition_idleness", "1m"))
                        .withLinkTemplate(
                                cfg.has("escalation.link") ? cfg.get("escalation.link") : null)
                        .withDepartmentNames(names);
        java.time.Duration checkpoints = duration(cfg, "escalation.checkpoint_interval", "30s");
        if (checkpoints.isZero() || checkpoints.isNegative()) {
            throw new IllegalArgumentException(
                    named("escalation.checkpoint_interval") + ": must be positive");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(checkpoints.toMillis());
        kafka(
                env,
                cfg.kafka(),
                cfg.elasticsearch(),
                cfg.has("escalation.group") ? cfg.get("escalation.group") : "soc-escalation",
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
                policy,
                dispatch(policy, cfg.kafka()),
                options);
        if (!cfg.has("escalation.ack_port")) {
            env.execute("soc-escalation");
            return;
        }
        // The endpoint lives as long as this process waits for the job (attached or local run).
        try (AlertStatusPublisher publisher = new AlertStatusPublisher(cfg.kafka());
                IncidentAckEndpoint endpoint =
                        IncidentAckEndpoint.start(
                                cfg,
                                cfg.has("escalation.ack_bind")
                                        ? cfg.get("escalation.ack_bind")
                                        : "127.0.0.1",
                                cfg.integer("escalation.ack_port", named("escalation.ack_port"), 0),
                                publisher::publish)) {
            env.execute("soc-escalation");
        }
    }

    /** The configuration with the command line's options ({@link #parse}) laid over it. */
    public static SocConfig withOptions(SocConfig cfg, Map<String, String> options) {
        SocConfig c = cfg;
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = KEYS.get(e.getKey());
            if (key != null) {
                c = c.with(key, e.getValue());
            }
        }
        return c;
    }

    /** A key as the user may have given it: {@code --quiet-advance / escalation.quiet_advance}. */
    private static String named(String key) {
        for (Map.Entry<String, String> e : KEYS.entrySet()) {
            if (e.getValue().equals(key)) {
                return e.getKey() + " / " + key;
            }
        }
        return key;
    }

    private static java.time.Duration duration(SocConfig cfg, String key, String fallback) {
        String text = cfg.has(key) ? cfg.get(key).trim() : fallback;
        if ("0".equals(text)) {
            return java.time.Duration.ZERO;
        }
        try {
            return org.socengine.rules.Durations.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    named(key) + ": not a duration: '" + text + "' (e.g. 5s, 200ms, 1h)");
        }
    }

    /**
     * Delivery through the policy's channels, exactly once per idempotency key (the ledger on
     * Kafka), each channel's outcome on {@code soc.notifications}.
     */
    public static EscalationJob.Dispatch dispatch(EscalationPolicy policy, KafkaSettings kafka) {
        return EscalationJob.Dispatch.through(
                new NotificationDispatcher(
                        policy.channels(),
                        org.socengine.connectors.notify.SecretResolver.environmentAndFiles(),
                        org.socengine.connectors.notify.KafkaDeliveryLedger.of(kafka)));
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            String value;
            int eq = name.indexOf('=');
            if (name.startsWith("--") && eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + ": missing value");
            }
            if (!OPTIONS.containsKey(name)) {
                throw new IllegalArgumentException(
                        "unknown option "
                                + name
                                + " (known: "
                                + String.join(", ", OPTIONS.keySet())
                                + ")");
            }
            o.put(name, value);
        }
        return o;
    }

    /**
     * The production wiring on Kafka and Elasticsearch.
     *
     * @param start where the alerts are read from on a first start (a restore resumes from the
     *     checkpoint's offsets)
     */
    public static EscalationJob.Streams kafka(
            StreamExecutionEnvironment env,
            KafkaSettings kafka,
            ElasticsearchSettings es,
            String groupId,
            OffsetsInitializer start,
            EscalationPolicy policy,
            EscalationJob.Dispatch dispatch,
            EscalationJobOptions options) {
        DataStream<org.socengine.connectors.decode.core.RawRecord> alerts =
                env.fromSource(
                                SocKafka.alertRecordSource(kafka, groupId, start),
                                WatermarkStrategy.noWatermarks(),
                                SocTopics.ALERTS)
                        .uid("escalation-alerts-source")
                        .setParallelism(options.parallelism());
        DataStream<AlertStatusChange> statuses =
                env.fromSource(
                                SocKafka.alertStatusSource(
                                        kafka,
                                        groupId + "-alert-status",
                                        OffsetsInitializer.committedOffsets(
                                                OffsetResetStrategy.LATEST)),
                                WatermarkStrategy.noWatermarks(),
                                SocTopics.ALERT_STATUS)
                        .uid("escalation-alert-status-source")
                        .setParallelism(1);
        DataStream<PolicyRecord> policies =
                env.fromSource(
                                policySource(kafka, groupId + "-policy"),
                                WatermarkStrategy.noWatermarks(),
                                SocTopics.ESCALATION_POLICY)
                        .uid("escalation-policy-source")
                        .setParallelism(1);
        return EscalationJob.build(
                alerts,
                statuses,
                policies,
                policy,
                new EscalationJob.Sinks(
                        List.of(new IncidentIndexer(es), SocKafka.incidentSink(kafka)),
                        SocKafka.alertStatusSink(kafka),
                        SocKafka.deadLetterSink(kafka),
                        policyStatusSink(kafka),
                        SocKafka.notificationOutcomeSink(kafka)),
                dispatch,
                options);
    }

    /** The compacted policy topic from its beginning: the newest valid policy wins. */
    public static KafkaSource<PolicyRecord> policySource(KafkaSettings kafka, String groupId) {
        return KafkaSource.<PolicyRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setProperties(kafka.toProperties())
                .setGroupId(groupId)
                .setTopics(SocTopics.ESCALATION_POLICY)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new PolicyRecordDeserializer())
                .build();
    }

    public static Sink<PolicyStatus> policyStatusSink(KafkaSettings kafka) {
        KafkaRecordSerializationSchema<PolicyStatus> schema =
                (s, ctx, ts) ->
                        new ProducerRecord<>(
                                SocTopics.ESCALATION_POLICY_STATUS,
                                "policy".getBytes(StandardCharsets.UTF_8),
                                s.toJson().getBytes(StandardCharsets.UTF_8));
        return KafkaSink.<PolicyStatus>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(kafka.toProperties())
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    static final class PolicyRecordDeserializer
            implements KafkaRecordDeserializationSchema<PolicyRecord> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<PolicyRecord> out) {
            out.collect(
                    PolicyRecord.of(
                            r.value() == null
                                    ? null
                                    : new String(r.value(), StandardCharsets.UTF_8),
                            r.topic() + "/" + r.partition() + "@" + r.offset()));
        }

        @Override
        public TypeInformation<PolicyRecord> getProducedType() {
            return TypeInformation.of(PolicyRecord.class);
        }
    }
}
