package org.socengine.connectors.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.model.SocTopics;

/**
 * The consumer lag of a consumer group, per partition of the topics it reads: the end offset of the
 * partition minus the offset the group committed there, as a gauge {@code soc.kafka.consumer.lag}
 * (unit records; tags {@code group}, {@code topic}, {@code partition}).
 *
 * <p>Why from the broker (an admin client), not from the Kafka source's metrics: Flink's Kafka
 * source reports the sum over its partitions only, and per subtask. The job commits its offsets
 * when a checkpoint completes, so the lag seen here includes up to one checkpoint interval of
 * records already read; partitions the group has not committed yet are not reported.
 */
public final class ConsumerLag implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLag.class);

    private final KafkaSettings settings;
    private final String group;
    private final List<String> topics;
    private final MeterRegistry registry;
    private final Map<TopicPartition, AtomicLong> lag = new ConcurrentHashMap<>();
    private final List<Gauge> gauges = new java.util.concurrent.CopyOnWriteArrayList<>();
    private ScheduledExecutorService timer;
    private Admin admin;

    /**
     * @param topics the topics the group reads; empty: every {@code soc.raw.*} topic
     */
    public ConsumerLag(
            KafkaSettings settings, String group, List<String> topics, MeterRegistry registry) {
        this.settings = settings;
        this.group = group;
        this.topics = topics == null ? List.of() : List.copyOf(topics);
        this.registry = registry;
    }

    /** Measures now and then every {@code interval}, on a thread of its own. */
    public synchronized void start(Duration interval) {
        if (timer != null) {
            return;
        }
        Properties p = settings.toProperties();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "soc-consumer-lag-" + group);
        admin = Admin.create(p);
        timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "soc-consumer-lag");
                            t.setDaemon(true);
                            return t;
                        });
        timer.scheduleWithFixedDelay(
                this::measureQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void measureQuietly() {
        try {
            measure();
        } catch (Exception e) {
            // The broker down or slow: the gauges keep their last value, the next round tries
            // again.
            LOG.debug("consumer lag of {} not measured: {}", group, e.toString());
        }
    }

    /** One measurement: committed and end offsets of every partition, lag gauges updated. */
    public void measure() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(20, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicPartition tp : committed.keySet()) {
            if (topics.isEmpty()
                    ? SocTopics.RAW_PATTERN.matcher(tp.topic()).matches()
                    : topics.contains(tp.topic())) {
                latest.put(tp, OffsetSpec.latest());
            }
        }
        if (latest.isEmpty()) {
            return;
        }
        var ends = admin.listOffsets(latest).all().get(20, TimeUnit.SECONDS);
        for (var e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            if (c == null) {
                continue;
            }
            report(e.getKey().topic(), e.getKey().partition(), e.getValue().offset() - c.offset());
        }
    }

    /** Sets a partition's lag gauge (negative: 0, a commit seen before its end offset). */
    public void report(String topic, int partition, long records) {
        gauge(new TopicPartition(topic, partition)).set(Math.max(0, records));
    }

    /** The lag last measured, or -1 when none was. */
    public long lagOf(String topic, int partition) {
        AtomicLong v = lag.get(new TopicPartition(topic, partition));
        return v == null ? -1 : v.get();
    }

    private AtomicLong gauge(TopicPartition tp) {
        return lag.computeIfAbsent(
                tp,
                k -> {
                    AtomicLong v = new AtomicLong();
                    Gauge g =
                            Gauge.builder("soc.kafka.consumer.lag", v, AtomicLong::get)
                                    .description(
                                            "End offset minus the group's committed offset, per partition")
                                    .baseUnit("records")
                                    .tag("group", group)
                                    .tag("topic", k.topic())
                                    .tag("partition", Integer.toString(k.partition()))
                                    .strongReference(true)
                                    .register(registry);
                    gauges.add(g);
                    return v;
                });
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        // A stopped job has no lag: its last figures must not stay on the endpoint.
        gauges.forEach(registry::remove);
        gauges.clear();
        lag.clear();
    }
}
