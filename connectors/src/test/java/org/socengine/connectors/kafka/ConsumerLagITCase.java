package org.socengine.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.testing.LocalServicesExtension;

/** A group's lag per partition, from the real broker: end offset minus committed offset. */
class ConsumerLagITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @Test
    void lagIsTheEndOffsetMinusTheCommittedOnePerPartition() throws Exception {
        String topic = "soc.raw.lagtest";
        String group = "lag-it";
        SERVICES.kafka().createTopic(topic, 2);
        try (KafkaProducer<String, String> p = SERVICES.stringProducer()) {
            for (int i = 0; i < 7; i++) {
                p.send(new ProducerRecord<>(topic, 0, null, "line " + i));
            }
            for (int i = 0; i < 3; i++) {
                p.send(new ProducerRecord<>(topic, 1, null, "line " + i));
            }
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SERVICES.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.commitSync(
                    Map.of(
                            new TopicPartition(topic, 0), new OffsetAndMetadata(2),
                            new TopicPartition(topic, 1), new OffsetAndMetadata(3)));
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ConsumerLag lag =
                new ConsumerLag(
                        KafkaSettings.of(SERVICES.bootstrapServers()),
                        group,
                        List.of(),
                        registry)) {
            lag.start(java.time.Duration.ofHours(1));
            lag.measure();
            assertThat(lag.lagOf(topic, 0)).isEqualTo(5);
            assertThat(lag.lagOf(topic, 1)).isZero();
            assertThat(
                            registry.get("soc.kafka.consumer.lag")
                                    .tag("group", group)
                                    .tag("topic", topic)
                                    .tag("partition", "0")
                                    .gauge()
                                    .value())
                    .isEqualTo(5);
        }
        assertThat(registry.find("soc.kafka.consumer.lag").gauges())
                .as("a stopped job's lag leaves the endpoint")
                .isEmpty();
    }
}
