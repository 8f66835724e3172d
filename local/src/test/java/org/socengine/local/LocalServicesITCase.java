package org.socengine.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The launchers start a broker that takes and gives back records, with the standard topics, and a
 * node that answers as Elasticsearch of the pinned version. The other modules' integration tests
 * share one pair through the connectors' {@code LocalServicesExtension}; this module sits below
 * them, so it starts its own.
 */
class LocalServicesITCase {

    private static LocalServices services;

    @BeforeAll
    static void start() throws Exception {
        services = LocalServices.start(WorkDirs.defaultWorkDir(), 1);
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
    }

    @Test
    void brokerTakesAndGivesBackRecords() throws Exception {
        services.kafka().createTopic("it.local.roundtrip", 1);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>("it.local.roundtrip", "so-yt", "hello"))
                    .get(30, TimeUnit.SECONDS);
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-local");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of("it.local.roundtrip"));
            String value = null;
            for (int i = 0; i < 60 && value == null; i++) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    value = records.iterator().next().value();
                }
            }
            assertThat(value).isEqualTo("hello");
        }
        assertThat(LocalKafka.STANDARD_TOPICS.keySet())
                .allSatisfy(
                        t ->
                                assertThat(services.kafka().admin().listTopics().names().get())
                                        .contains(t));
    }

    /**
     * Replays and tests write records stamped with their events' times, which may be years old: the
     * broker keeps a partition by size, never by the age of its records' timestamps (it used to
     * delete a twelve-day-old test stream under a running job at its 5-minute retention check).
     */
    @Test
    void recordsAreKeptBySizeNotByTheirTimestampsAge() throws Exception {
        String topic = "it.local.retention";
        services.kafka().createTopic(topic, 1);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config =
                services.kafka()
                        .admin()
                        .describeConfigs(List.of(resource))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .get(resource);
        assertThat(config.get("retention.ms").value()).isEqualTo("-1");
        assertThat(config.get("retention.bytes").value())
                .isEqualTo(String.valueOf(LocalKafka.RETENTION_BYTES_PER_PARTITION));
    }

    @Test
    void elasticsearchAnswersAsElasticsearch() throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        services.elasticsearch().url()
                                                                + "/_nodes/_local/info"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Elastic-Product")).contains("Elasticsearch");
        assertThat(r.body()).contains("\"version\":\"" + LocalElasticsearch.version() + "\"");
    }
}
