package org.socengine.connectors.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The alert writer's meters move with what it wrote. */
class AlertIndexMetricsTest {

    @Test
    void alertsBySeverityAndDepartmentAndTheirLatencyHistograms() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AlertIndexMetrics m = new AlertIndexMetrics(registry);
        long now = 1_800_000_000_000L;
        m.indexed("high", "so-yt", now - 90_000, now - 3_000, now);
        m.indexed("high", "so-yt", now - 1_000, 0, now);
        m.indexed("low", "so-tc", now + 5_000, now - 400, now);

        assertThat(
                        registry.get("soc.alerts")
                                .tag("severity", "high")
                                .tag("department", "so-yt")
                                .counter()
                                .count())
                .isEqualTo(2);
        Timer eventTime =
                registry.get("soc.detection.latency.event_time").tag("severity", "high").timer();
        assertThat(eventTime.count()).isEqualTo(2);
        assertThat(eventTime.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(91_000);
        assertThat(bucket(eventTime, 60)).isEqualTo(1);
        assertThat(bucket(eventTime, 120)).isEqualTo(2);
        // No Kafka time known: not measured rather than measured from the epoch.
        Timer kafka = registry.get("soc.detection.latency.kafka").tag("severity", "high").timer();
        assertThat(kafka.count()).isEqualTo(1);
        assertThat(bucket(kafka, 5)).isEqualTo(1);
        // An event from a clock ahead of ours counts as no latency, never a negative one.
        assertThat(
                        registry.get("soc.detection.latency.event_time")
                                .tag("severity", "low")
                                .timer()
                                .totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(0);
    }

    @Test
    void bulkLatencyFailuresAndRetries() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AlertIndexMetrics m = new AlertIndexMetrics(registry);
        m.bulk(TimeUnit.MILLISECONDS.toNanos(30), false);
        m.bulk(TimeUnit.MILLISECONDS.toNanos(2), true);
        m.retry();
        m.itemsRetried(3);
        m.itemRejected();

        Timer bulk = registry.get("soc.es.bulk.duration").tag("index", "alerts").timer();
        assertThat(bulk.count()).isEqualTo(2);
        assertThat(bucket(bulk, 0.05)).isEqualTo(2);
        assertThat(bucket(bulk, 0.025)).isEqualTo(1);
        assertThat(failures(registry, AlertIndexMetrics.REQUEST_FAILED)).isEqualTo(1);
        assertThat(failures(registry, AlertIndexMetrics.ITEM_RETRIED)).isEqualTo(3);
        assertThat(failures(registry, AlertIndexMetrics.ITEM_REJECTED)).isEqualTo(1);
        assertThat(registry.get("soc.es.bulk.retries").counter().count()).isEqualTo(1);
    }

    @Test
    void labelsStayBounded() {
        BoundedLabel l = new BoundedLabel(2);
        assertThat(l.of("a")).isEqualTo("a");
        assertThat(l.of("b")).isEqualTo("b");
        assertThat(l.of("c")).isEqualTo(BoundedLabel.OTHER);
        assertThat(l.of("a")).isEqualTo("a");
        assertThat(l.of(null)).isEqualTo(BoundedLabel.UNKNOWN);
    }

    private static double failures(SimpleMeterRegistry registry, String reason) {
        return registry.get("soc.es.bulk.failures").tag("reason", reason).counter().count();
    }

    /** Observations at or below {@code seconds}. */
    private static double bucket(Timer t, double seconds) {
        for (CountAtBucket b : t.takeSnapshot().histogramCounts()) {
            if (Math.abs(b.bucket(TimeUnit.SECONDS) - seconds) < 1e-9) {
                return b.count();
            }
        }
        throw new AssertionError("no bucket at " + seconds + " s");
    }
}
