package org.socengine.connectors.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.SocTopics;

/**
 * Publishes analysts' status changes on {@code soc.alert-status} outside Flink (the command line),
 * waiting for the broker's acknowledgement so that "done" means the running job will see it.
 */
public final class AlertStatusPublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Duration timeout;

    private final KafkaSettings settings;

    public AlertStatusPublisher(KafkaSettings settings) {
        this(settings, SocTopics.ALERT_STATUS, Duration.ofSeconds(30));
    }

    public AlertStatusPublisher(KafkaSettings settings, String topic, Duration timeout) {
        Properties p = settings.toProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "soc-alert-status");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.putIfAbsent(
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                // Kafka wants delivery timeout >= linger + request timeout.
                Long.toString(Math.min(timeout.toMillis() / 2, 30_000)));
        this.producer = new KafkaProducer<>(p);
        this.settings = settings;
        this.topic = topic;
        this.timeout = timeout;
    }

    /** Sends the change keyed by alert id and waits until the broker has it. */
    public void publish(AlertStatusChange change) throws IOException {
        try {
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    null,
                                    change.at,
                                    change.alertId.getBytes(StandardCharsets.UTF_8),
                                    change.toJson().getBytes(StandardCharsets.UTF_8)))
                    .get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new IOException(
                    "cannot publish to " + topic + ": " + KafkaConnections.describe(c, settings),
                    c);
        } catch (TimeoutException e) {
            throw new IOException("no answer from Kafka within " + timeout.toSeconds() + " s", e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IOException(
                    "cannot publish to " + topic + ": " + KafkaConnections.describe(e, settings),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
