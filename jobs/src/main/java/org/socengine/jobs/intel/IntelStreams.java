package org.socengine.jobs.intel;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.connectors.intel.Indicator;
import org.socengine.connectors.intel.IntelTopic;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.jobs.internal.ControlWatermarks;
import org.socengine.model.SocTopics;

/**
 * Where the detection job's indicators come from: the compacted topic {@code soc.intel}, read from
 * its start at every start of the job (compaction keeps one record per indicator, so that is the
 * feed in effect), or nothing. Like the rule control stream, it carries no event time.
 */
public final class IntelStreams {

    private static final Logger LOG = LoggerFactory.getLogger(IntelStreams.class);

    private IntelStreams() {}

    public static DataStream<IntelUpdate> fromKafka(
            StreamExecutionEnvironment env, KafkaSettings kafka, String groupId) {
        return fromKafka(env, kafka, groupId, false);
    }

    /**
     * @param bounded read what {@code soc.intel} holds at the start and end there (a job over a
     *     bounded input, such as {@code ./soc bench}'s backlog, must be able to finish)
     */
    public static DataStream<IntelUpdate> fromKafka(
            StreamExecutionEnvironment env, KafkaSettings kafka, String groupId, boolean bounded) {
        var builder =
                KafkaSource.<IntelUpdate>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setProperties(kafka.toProperties())
                        .setGroupId(groupId + "-intel")
                        .setTopics(SocTopics.INTEL)
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new UpdateDeserializer())
                        .setProperty("partition.discovery.interval.ms", "30000");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        KafkaSource<IntelUpdate> source = builder.build();
        return env.fromSource(source, ControlWatermarks.endOfTime(), SocTopics.INTEL)
                .uid("intel-source")
                .setParallelism(1)
                // An indicator goes out at once, not after a buffer timeout behind it.
                .setBufferTimeout(0);
    }

    /** Records that are not indicators are logged and left out; they cannot stop the job. */
    static final class UpdateDeserializer implements KafkaRecordDeserializationSchema<IntelUpdate> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<IntelUpdate> out) {
            java.util.Map<String, Indicator> one = new java.util.HashMap<>();
            List<String> bad = new ArrayList<>();
            IntelTopic.apply(r.key(), r.value(), one, bad);
            if (!bad.isEmpty()) {
                // Not dropped: the enrichment step sends it to soc.dlq with the reason.
                LOG.warn("soc.intel offset {}: not an indicator: {}", r.offset(), bad.get(0));
                out.collect(
                        IntelUpdate.refused(
                                r.key() == null
                                        ? null
                                        : new String(
                                                r.key(), java.nio.charset.StandardCharsets.UTF_8),
                                bad.get(0),
                                r.partition(),
                                r.offset(),
                                r.timestamp(),
                                r.value()));
                return;
            }
            if (r.value() == null) {
                out.collect(
                        IntelUpdate.delete(
                                new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)));
            } else {
                one.values().forEach(i -> out.collect(IntelUpdate.put(i)));
            }
        }

        @Override
        public TypeInformation<IntelUpdate> getProducedType() {
            return TypeInformation.of(IntelUpdate.class);
        }
    }
}
