package org.socengine.connectors.intel;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.model.SocTopics;

/**
 * The compacted topic {@code soc.intel}: one record per indicator, keyed {@code kind:value}, the
 * indicator's JSON as value; a tombstone (null value) deletes it. Compaction keeps the newest
 * version of each, so reading the topic from the start gives the feed in effect.
 */
public final class IntelTopic {

    private IntelTopic() {}

    /** Publishes the indicators and deletes of a load; returns how many records were written. */
    public static int publish(KafkaSettings kafka, FeedLoad load) throws Exception {
        Properties p = kafka.toProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (String key : load.deletes) {
                sent.add(producer.send(new ProducerRecord<>(SocTopics.INTEL, key, null)));
            }
            for (Indicator i : load.indicators.values()) {
                sent.add(producer.send(new ProducerRecord<>(SocTopics.INTEL, i.key(), i.toJson())));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        return sent.size();
    }

    /**
     * The indicators in effect: {@code soc.intel} read from the start to its current end, later
     * records replacing earlier ones, tombstones removing. Records that are not indicators are
     * counted in {@code unreadable} (when given) and left out.
     */
    public static Map<String, Indicator> readAll(
            KafkaSettings kafka, Duration timeout, List<String> unreadable) {
        Properties p = kafka.toProperties();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        Map<String, Indicator> out = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(SocTopics.INTEL, timeout)
                    .forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts, timeout));
            end.entrySet().removeIf(e -> e.getValue() == 0);
            while (!end.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "soc.intel not read to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    apply(r.key(), r.value(), out, unreadable);
                }
                end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            }
        }
        return out;
    }

    /** One record of the topic applied to the indicators by key. */
    public static void apply(
            byte[] key, byte[] value, Map<String, Indicator> into, List<String> unreadable) {
        if (key == null) {
            if (unreadable != null) unreadable.add("record without key");
            return;
        }
        String k = new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            into.remove(k);
            return;
        }
        try {
            Indicator i = Indicator.fromJson(new String(value, StandardCharsets.UTF_8));
            into.put(i.key(), i);
        } catch (Exception e) {
            if (unreadable != null) unreadable.add(k + ": " + e.getMessage());
        }
    }
}
