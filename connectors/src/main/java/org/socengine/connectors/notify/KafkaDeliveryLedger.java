package org.socengine.connectors.notify;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.socengine.connectors.kafka.KafkaConnections;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.model.NotificationOutcome;

/**
 * The production {@link DeliveryLedger}: a compacted Kafka topic keyed by idempotency key, value
 * the outcome JSON. Each record is acknowledged by all in-sync replicas before {@link
 * Session#record} returns; {@link #open()} reads the topic from its start to its end. Compaction
 * keeps one record per key, and a retention (default 30 days, beyond any replay the job is asked to
 * do) keeps the topic, and what each dispatcher loads, bounded.
 */
public final class KafkaDeliveryLedger implements DeliveryLedger {

    /** The ledger's topic unless configured otherwise. */
    public static final String DEFAULT_TOPIC =
            org.socengine.model.SocTopics.NOTIFICATIONS_DELIVERED;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaSettings settings;
    private final String topic;
    private final Duration retention;

    public KafkaDeliveryLedger(KafkaSettings settings, String topic, Duration retention) {
        this.settings = settings;
        this.topic = topic;
        this.retention = retention;
    }

    public static KafkaDeliveryLedger of(KafkaSettings settings) {
        return new KafkaDeliveryLedger(settings, DEFAULT_TOPIC, Duration.ofDays(30));
    }

    @Override
    public Session open() throws IOException {
        try {
            ensureTopic();
            Map<String, NotificationOutcome> known = load();
            Properties p = settings.toProperties();
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            KafkaProducer<String, String> producer =
                    new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
            return new Session() {
                @Override
                public NotificationOutcome find(String idempotencyKey) {
                    return known.get(idempotencyKey);
                }

                @Override
                public void record(NotificationOutcome delivered) throws IOException {
                    try {
                        producer.send(
                                        new ProducerRecord<>(
                                                topic,
                                                delivered.idempotencyKey,
                                                delivered.toJson()))
                                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        known.put(delivered.idempotencyKey, delivered);
                    } catch (ExecutionException e) {
                        throw new IOException(
                                "delivery ledger "
                                        + topic
                                        + ": "
                                        + KafkaConnections.describe(e.getCause(), settings));
                    } catch (java.util.concurrent.TimeoutException e) {
                        throw new IOException("delivery ledger " + topic + ": no answer");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                }

                @Override
                public void close() {
                    producer.close(Duration.ofSeconds(5));
                }
            };
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IOException(
                    "delivery ledger " + topic + ": " + KafkaConnections.describe(e, settings));
        }
    }

    private void ensureTopic() throws IOException {
        try (Admin admin = Admin.create(settings.toProperties())) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                return;
            }
            NewTopic t =
                    new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty())
                            .configs(
                                    Map.of(
                                            TopicConfig.CLEANUP_POLICY_CONFIG,
                                            TopicConfig.CLEANUP_POLICY_COMPACT
                                                    + ","
                                                    + TopicConfig.CLEANUP_POLICY_DELETE,
                                            TopicConfig.RETENTION_MS_CONFIG,
                                            Long.toString(retention.toMillis())));
            admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IOException(
                        "delivery ledger "
                                + topic
                                + ": "
                                + KafkaConnections.describe(e.getCause(), settings));
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("delivery ledger " + topic + ": Kafka did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private Map<String, NotificationOutcome> load() throws IOException {
        Properties p = settings.toProperties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, NotificationOutcome> known = new ConcurrentHashMap<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : c.partitionsFor(topic, TIMEOUT)) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos() * 4;
            while (!reached(c, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("delivery ledger " + topic + ": reading it timed out");
                }
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (r.value() == null) {
                        known.remove(r.key());
                        continue;
                    }
                    try {
                        known.put(r.key(), NotificationOutcome.fromJson(r.value()));
                    } catch (IOException unreadable) {
                        // Someone else's record: the key alone says it was delivered.
                        NotificationOutcome o = new NotificationOutcome();
                        o.idempotencyKey = r.key();
                        o.ok = true;
                        known.put(r.key(), o);
                    }
                }
            }
        }
        return known;
    }

    private static boolean reached(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "KafkaDeliveryLedger{" + topic + " at " + settings + "}";
    }
}
