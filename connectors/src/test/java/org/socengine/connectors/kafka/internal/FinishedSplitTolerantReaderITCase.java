package org.socengine.connectors.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Properties;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.kafka.source.metrics.KafkaSourceReaderMetrics;
import org.apache.flink.connector.kafka.source.reader.KafkaPartitionSplitReader;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.testing.LocalServicesExtension;

/**
 * The alignment pause of a bounded split that has just finished (FLINK-39728), on the real broker:
 * Kafka's own reader throws and kills the fetcher; the engine's ignores the split it no longer
 * holds and goes on pausing and resuming the ones it does.
 */
class FinishedSplitTolerantReaderITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @Test
    void pausingASplitThatJustFinishedIsIgnored() throws Exception {
        String topic = "soc.raw.pacetest";
        SERVICES.kafka().createTopic(topic, 2);
        try (KafkaProducer<String, String> p = SERVICES.stringProducer()) {
            for (int i = 0; i < 3; i++) {
                p.send(new ProducerRecord<>(topic, 0, null, "line " + i));
                p.send(new ProducerRecord<>(topic, 1, null, "line " + i));
            }
        }
        // Partition 0 ends after its three records; partition 1 is unbounded and stays held.
        KafkaPartitionSplit ending = new KafkaPartitionSplit(new TopicPartition(topic, 0), 0, 3);
        KafkaPartitionSplit open =
                new KafkaPartitionSplit(
                        new TopicPartition(topic, 1), 0, KafkaPartitionSplit.NO_STOPPING_OFFSET);

        try (KafkaPartitionSplitReader upstream =
                new KafkaPartitionSplitReader(props("upstream"), context(), metrics(), null)) {
            readUntilFinished(upstream, ending, open);
            assertThatThrownBy(() -> upstream.pauseOrResumeSplits(List.of(ending), List.of()))
                    .as("the upstream bug this class exists for")
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("No current assignment");
        }

        try (FinishedSplitTolerantReader reader =
                new FinishedSplitTolerantReader(props("tolerant"), context(), metrics(), null)) {
            readUntilFinished(reader, ending, open);
            assertThat(reader.holds(ending.splitId())).isFalse();
            assertThat(reader.holds(open.splitId())).isTrue();
            reader.pauseOrResumeSplits(List.of(ending, open), List.of());
            reader.pauseOrResumeSplits(List.of(), List.of(ending, open));
            // Still reading the open split after both.
            reader.pauseOrResumeSplits(List.of(ending), List.of());
            assertThat(reader.holds(open.splitId())).isTrue();
        }
    }

    private static void readUntilFinished(
            KafkaPartitionSplitReader reader, KafkaPartitionSplit ending, KafkaPartitionSplit open)
            throws Exception {
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(ending, open)));
        int records = 0;
        boolean finished = false;
        for (int polls = 0; polls < 600 && !finished; polls++) {
            RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> batch = reader.fetch();
            String split;
            while ((split = batch.nextSplit()) != null) {
                while (batch.nextRecordFromSplit() != null) {
                    records++;
                }
            }
            finished = batch.finishedSplits().contains(ending.splitId());
        }
        assertThat(finished).as("partition 0 reached its stopping offset").isTrue();
        assertThat(records).isGreaterThanOrEqualTo(3);
    }

    private static Properties props(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SERVICES.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "pace-" + group);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put("client.id.prefix", "pace-" + group);
        return p;
    }

    private static KafkaSourceReaderMetrics metrics() {
        return new KafkaSourceReaderMetrics(
                UnregisteredMetricsGroup.createSourceReaderMetricGroup());
    }

    /** The reader's context as a task gives it, for one subtask outside a job. */
    private static SourceReaderContext context() {
        return new SourceReaderContext() {
            @Override
            public SourceReaderMetricGroup metricGroup() {
                return UnregisteredMetricsGroup.createSourceReaderMetricGroup();
            }

            @Override
            public Configuration getConfiguration() {
                return new Configuration();
            }

            @Override
            public String getLocalHostName() {
                return "localhost";
            }

            @Override
            public int getIndexOfSubtask() {
                return 0;
            }

            @Override
            public void sendSplitRequest() {}

            @Override
            public void sendSourceEventToCoordinator(SourceEvent event) {}

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
            }
        };
    }
}
