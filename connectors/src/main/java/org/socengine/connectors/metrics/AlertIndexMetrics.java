package org.socengine.connectors.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the alert index writer measures: bulk requests (latency, failures, retries), the alerts that
 * reached the index by severity and department, and how long after their events they got there
 * (detection latency, as histograms).
 *
 * <p>Meter names (Prometheus adds {@code _total} and {@code _seconds}): {@code
 * soc.es.bulk.duration}, {@code soc.es.bulk.failures} (tag {@code reason}), {@code
 * soc.es.bulk.retries}, {@code soc.alerts} (tags {@code severity}, {@code department}), {@code
 * soc.detection.latency.event_time} and {@code soc.detection.latency.kafka} (tag {@code severity});
 * the bulk meters are tagged {@code index=alerts}.
 */
public final class AlertIndexMetrics {

    /** Bucket bounds of the detection latency: a window of minutes plus the allowed lateness. */
    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofMinutes(1),
        Duration.ofMinutes(2),
        Duration.ofMinutes(5),
        Duration.ofMinutes(10),
        Duration.ofMinutes(30),
        Duration.ofHours(1)
    };

    static final Duration[] BULK_BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30)
    };

    public static final String REQUEST_FAILED = "request_failed";
    public static final String ITEM_RETRIED = "item_retried";
    public static final String ITEM_REJECTED = "item_rejected";

    private static final String INDEX = "alerts";

    private final MeterRegistry registry;
    private final Timer bulk;
    private final Counter requestFailed;
    private final Counter itemRetried;
    private final Counter itemRejected;
    private final Counter retries;
    private final BoundedLabel departments = new BoundedLabel(2000);
    private final BoundedLabel severities = new BoundedLabel(16);
    private final Map<String, Map<String, Counter>> alerts = new ConcurrentHashMap<>();
    private final Map<String, Timer[]> latency = new ConcurrentHashMap<>();

    public AlertIndexMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bulk =
                Timer.builder("soc.es.bulk.duration")
                        .description("Time of one bulk request to Elasticsearch, answered or not")
                        .tag("index", INDEX)
                        .serviceLevelObjectives(BULK_BUCKETS)
                        .register(registry);
        this.requestFailed = failures(REQUEST_FAILED);
        this.itemRetried = failures(ITEM_RETRIED);
        this.itemRejected = failures(ITEM_REJECTED);
        this.retries =
                Counter.builder("soc.es.bulk.retries")
                        .description("Bulk requests sent again after a backoff")
                        .tag("index", INDEX)
                        .register(registry);
    }

    private Counter failures(String reason) {
        return Counter.builder("soc.es.bulk.failures")
                .description(
                        "Bulk requests that failed, and documents answered 409/429/5xx (retried)"
                                + " or refused for good")
                .tag("index", INDEX)
                .tag("reason", reason)
                .register(registry);
    }

    /** One bulk request took this long; it failed as a whole when {@code failed}. */
    public void bulk(long nanos, boolean failed) {
        bulk.record(nanos, TimeUnit.NANOSECONDS);
        if (failed) {
            requestFailed.increment();
        }
    }

    public void itemsRetried(int n) {
        itemRetried.increment(n);
    }

    public void itemRejected() {
        itemRejected.increment();
    }

    public void retry() {
        retries.increment();
    }

    /**
     * A new alert is in the index, now ({@code nowMillis}): counted by severity and department, and
     * its latency from the newest evidence event's time and its Kafka timestamp (0: unknown).
     */
    public void indexed(
            String severity,
            String department,
            long eventTimeMillis,
            long kafkaMillis,
            long nowMillis) {
        String sev = severities.of(severity);
        String dep = departments.of(department);
        Map<String, Counter> bySev = alerts.get(sev);
        if (bySev == null) {
            bySev = alerts.computeIfAbsent(sev, s -> new ConcurrentHashMap<>());
        }
        Counter c = bySev.get(dep);
        if (c == null) {
            c =
                    bySev.computeIfAbsent(
                            dep,
                            d ->
                                    Counter.builder("soc.alerts")
                                            .description("New alerts written to the alert index")
                                            .tag("severity", sev)
                                            .tag("department", d)
                                            .register(registry));
        }
        c.increment();
        Timer[] t = latency.computeIfAbsent(sev, this::latencyTimers);
        if (eventTimeMillis > 0) {
            t[0].record(Math.max(0, nowMillis - eventTimeMillis), TimeUnit.MILLISECONDS);
        }
        if (kafkaMillis > 0) {
            t[1].record(Math.max(0, nowMillis - kafkaMillis), TimeUnit.MILLISECONDS);
        }
    }

    private Timer[] latencyTimers(String severity) {
        return new Timer[] {
            Timer.builder("soc.detection.latency.event_time")
                    .description("From the newest evidence event's own time to its alert indexed")
                    .tag("severity", severity)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry),
            Timer.builder("soc.detection.latency.kafka")
                    .description(
                            "From the newest evidence event's Kafka timestamp to its alert indexed")
                    .tag("severity", severity)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry)
        };
    }
}
