package org.socengine.jobs.detection;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.jobs.internal.ControlWatermarks;
import org.socengine.jobs.internal.EmptyStreams;
import org.socengine.model.SocTopics;

/**
 * The control stream of the detection job: rules from the compacted topic {@code soc.rules}
 * (validated and compiled once, statuses to {@code soc.rules.status}) and analysts' status changes
 * from {@code soc.alert-status}. Control messages carry no event time; their watermark is the end
 * of time, so they never hold back the event clock of the operators they join.
 */
public final class ControlStreams {

    private ControlStreams() {}

    /** No control messages: rules stay as the job started with them (bounded replays, tests). */
    public static DataStream<Control> none(StreamExecutionEnvironment env) {
        return EmptyStreams.of(env, Control.class, "no control messages", "control-none");
    }

    public static DataStream<Control> fromKafka(
            StreamExecutionEnvironment env, KafkaSettings kafka, String groupId) {
        KafkaSource<RuleRecord> rules =
                KafkaSource.<RuleRecord>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setProperties(kafka.toProperties())
                        .setGroupId(groupId + "-rules")
                        .setTopics(SocTopics.RULES)
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new RuleRecordDeserializer())
                        .build();
        SingleOutputStreamOperator<Control> compiled =
                env.fromSource(rules, ControlWatermarks.endOfTime(), SocTopics.RULES)
                        .uid("rules-source")
                        .setParallelism(1)
                        .keyBy(r -> r.ruleId)
                        .process(new RuleUpdateCompiler())
                        .returns(TypeInformation.of(Control.class))
                        .name("validate and compile rules")
                        .uid("rule-compiler")
                        .setParallelism(1)
                        // A rule's status goes out at once (the status sink is chained): without
                        // this its deployment could wait up to a buffer timeout behind it, and
                        // events sent on "deployed" could reach the detectors first.
                        .setBufferTimeout(0);
        compiled.getSideOutput(RuleUpdateCompiler.STATUS)
                .sinkTo(statusSink(kafka))
                .name("rule status → soc.rules.status")
                .uid("rule-status-sink")
                .setParallelism(1);

        DataStream<Control> statusControls =
                env.fromSource(
                                SocKafka.alertStatusSource(
                                        kafka,
                                        groupId + "-alert-status",
                                        OffsetsInitializer.committedOffsets(
                                                org.apache.kafka.clients.consumer
                                                        .OffsetResetStrategy.LATEST)),
                                ControlWatermarks.endOfTime(),
                                SocTopics.ALERT_STATUS)
                        .uid("alert-status-source")
                        .setParallelism(1)
                        .map(c -> Control.alertStatus(c.alertId, c.status, c.disposition))
                        .returns(TypeInformation.of(Control.class))
                        .name("status changes as control messages")
                        .uid("alert-status-control")
                        .setParallelism(1)
                        .setBufferTimeout(0);
        return compiled.union(statusControls);
    }

    static Sink<RuleStatus> statusSink(KafkaSettings kafka) {
        KafkaRecordSerializationSchema<RuleStatus> schema =
                (s, ctx, ts) ->
                        new ProducerRecord<>(
                                SocTopics.RULES_STATUS,
                                s.ruleId.getBytes(StandardCharsets.UTF_8),
                                s.toJson().getBytes(StandardCharsets.UTF_8));
        return KafkaSink.<RuleStatus>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(kafka.toProperties())
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    static final class RuleRecordDeserializer
            implements KafkaRecordDeserializationSchema<RuleRecord> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RuleRecord> out) {
            if (r.key() == null) {
                return;
            }
            out.collect(
                    new RuleRecord(
                            new String(r.key(), StandardCharsets.UTF_8),
                            r.value() == null
                                    ? null
                                    : new String(r.value(), StandardCharsets.UTF_8),
                            r.offset()));
        }

        @Override
        public TypeInformation<RuleRecord> getProducedType() {
            return TypeInformation.of(RuleRecord.class);
        }
    }
}
