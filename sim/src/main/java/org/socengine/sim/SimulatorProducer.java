package org.socengine.sim;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.model.SocTopics;

/**
 * Writes simulated lines to {@code soc.raw.syslog} (or, line by line, to any topic), keyed by
 * department, with the event time as the record timestamp. Paced against a clock when live (the
 * demo), as fast as possible otherwise (tests, benchmarks).
 */
public final class SimulatorProducer implements AutoCloseable {

    public static final String TOPIC = SocTopics.raw("syslog");

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong sent = new AtomicLong();

    public SimulatorProducer(KafkaSettings settings, String topic) {
        Properties p = settings.toProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
    }

    /** Sends every event now, in order. */
    public void sendAll(List<DepartmentTrafficSimulator.SimEvent> events) {
        for (DepartmentTrafficSimulator.SimEvent e : events) {
            send(e);
        }
        producer.flush();
    }

    /**
     * Sends each event once the clock reaches its timestamp; returns early when interrupted or when
     * {@code stop} says so.
     */
    public void sendPaced(
            List<DepartmentTrafficSimulator.SimEvent> events,
            LongSupplier clock,
            java.util.function.BooleanSupplier stop)
            throws InterruptedException {
        for (DepartmentTrafficSimulator.SimEvent e : events) {
            long wait;
            while ((wait = e.timestamp() - clock.getAsLong()) > 0) {
                if (stop.getAsBoolean()) {
                    producer.flush();
                    return;
                }
                Thread.sleep(Math.min(wait, 200));
            }
            if (stop.getAsBoolean()) {
                break;
            }
            send(e);
        }
        producer.flush();
    }

    /**
     * Sends one line to a topic of its choosing, keyed by its department, with its event time as
     * the record's timestamp: traffic of every source goes to each source's raw topic.
     */
    public void send(String topic, long timestamp, String department, String line) {
        producer.send(
                new ProducerRecord<>(
                        topic,
                        null,
                        timestamp,
                        department.getBytes(StandardCharsets.UTF_8),
                        line.getBytes(StandardCharsets.UTF_8)));
        sent.incrementAndGet();
    }

    public void flush() {
        producer.flush();
    }

    private void send(DepartmentTrafficSimulator.SimEvent e) {
        producer.send(
                new ProducerRecord<>(
                        topic,
                        null,
                        e.timestamp(),
                        e.department().getBytes(StandardCharsets.UTF_8),
                        e.line().getBytes(StandardCharsets.UTF_8)));
        sent.incrementAndGet();
    }

    public long sent() {
        return sent.get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
