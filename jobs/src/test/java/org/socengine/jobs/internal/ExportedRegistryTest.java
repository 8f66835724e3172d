package org.socengine.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.MetricGroup;
import org.junit.jupiter.api.Test;

/**
 * A task's engine registry reaches the reporter's endpoint through {@link ExportedRegistry}: the
 * same text as the task's own registry would serve, the series of several registries added up,
 * Flink's scope never a label, gone when the task ends.
 */
class ExportedRegistryTest {

    /** An operator's group on a TaskManager, with the per-attempt variables Flink gives it. */
    static final MetricGroup TASK =
            new SocMetricsReporterTest.JobGroup(
                    Map.of(
                            "<job_name>", "soc-detection",
                            "<task_id>", "t1",
                            "<task_attempt_id>", "a1b2c3",
                            "<subtask_index>", "2",
                            "<tm_id>", "127.0.0.1:4711-abcdef"));

    private static PrometheusMeterRegistry taskRegistry(AtomicLong lastEvent) {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("soc.decode.decoded")
                .tag("source", "syslog")
                .tag("department", "so-yt")
                .register(r)
                .increment(41);
        Counter.builder("soc.rule.matches").tag("rule", "brute-force").register(r).increment(2);
        Gauge.builder("soc.last.event.timestamp", lastEvent, AtomicLong::get)
                .baseUnit("seconds")
                .tag("source", "syslog")
                .tag("department", "so-yt")
                .register(r);
        Timer latency =
                Timer.builder("soc.detection.latency.event_time")
                        .tag("severity", "high")
                        .serviceLevelObjectives(
                                Duration.ofMillis(100),
                                Duration.ofSeconds(1),
                                Duration.ofMinutes(1))
                        .register(r);
        latency.record(Duration.ofMillis(400));
        latency.record(Duration.ofSeconds(30));
        DistributionSummary.builder("soc.test.batch").baseUnit("bytes").register(r).record(512);
        return r;
    }

    @Test
    void theEndpointServesTheTasksRegistryAsItWouldItself() {
        PrometheusMeterRegistry task = taskRegistry(new AtomicLong(1_791_000_000));
        PrometheusMeterRegistry endpoint = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SocMetricsReporter reporter = new SocMetricsReporter(endpoint);
        // Every operator of the job registers its gauge; the registry is read once.
        ExportedRegistry decode = new ExportedRegistry(task);
        ExportedRegistry detect = new ExportedRegistry(task);
        reporter.notifyOfAddedMetric(decode, ExportedRegistry.NAME, TASK);
        reporter.notifyOfAddedMetric(detect, ExportedRegistry.NAME, TASK);

        String served = endpoint.scrape();
        assertThat(served).isEqualTo(task.scrape());
        assertThat(served)
                .contains("soc_decode_decoded_total{department=\"so-yt\",source=\"syslog\"} 41.0")
                .contains(
                        "soc_detection_latency_event_time_seconds_bucket{severity=\"high\",le=\"1.0\"} 1")
                .doesNotContain("a1b2c3")
                .doesNotContain("subtask")
                .doesNotContain("4711");

        // One operator closes: the other still hands the registry over.
        reporter.notifyOfRemovedMetric(decode, ExportedRegistry.NAME, TASK);
        assertThat(endpoint.scrape()).isEqualTo(task.scrape());
        // The job's last operator in this process closes: its series leave the endpoint.
        reporter.notifyOfRemovedMetric(detect, ExportedRegistry.NAME, TASK);
        assertThat(endpoint.scrape()).doesNotContain("soc_decode_decoded_total");
        reporter.close();
    }

    @Test
    void twoJobsSeriesAddUpAndTheNewestEventTimeWins() {
        PrometheusMeterRegistry one = taskRegistry(new AtomicLong(1_791_000_000));
        PrometheusMeterRegistry two = taskRegistry(new AtomicLong(1_791_000_600));
        Counter.builder("soc.rule.matches").tag("rule", "port-scan").register(two).increment(5);
        PrometheusMeterRegistry endpoint = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SocMetricsReporter reporter = new SocMetricsReporter(endpoint);
        reporter.notifyOfAddedMetric(new ExportedRegistry(one), ExportedRegistry.NAME, TASK);
        reporter.notifyOfAddedMetric(new ExportedRegistry(two), ExportedRegistry.NAME, TASK);

        assertThat(endpoint.scrape())
                .contains("soc_decode_decoded_total{department=\"so-yt\",source=\"syslog\"} 82.0")
                .contains("soc_rule_matches_total{rule=\"brute-force\"} 4.0")
                .contains("soc_rule_matches_total{rule=\"port-scan\"} 5.0")
                .contains(
                        "soc_last_event_timestamp_seconds{department=\"so-yt\",source=\"syslog\"}"
                                + " 1.7910006E9")
                .contains(
                        "soc_detection_latency_event_time_seconds_bucket{severity=\"high\",le=\"1.0\"} 2")
                .contains(
                        "soc_detection_latency_event_time_seconds_bucket{severity=\"high\",le=\"+Inf\"} 4")
                .contains("soc_detection_latency_event_time_seconds_count{severity=\"high\"} 4")
                .contains("soc_test_batch_bytes_count 2")
                .contains("soc_test_batch_bytes_sum 1024.0");
        reporter.close();
    }

    @Test
    void theReportersOwnRegistryIsNotServedTwice() {
        // The embedded mode: operators and reporter in one class loader, one registry.
        PrometheusMeterRegistry shared = taskRegistry(new AtomicLong(1_791_000_000));
        String before = shared.scrape();
        SocMetricsReporter reporter = new SocMetricsReporter(shared);
        reporter.notifyOfAddedMetric(new ExportedRegistry(shared), ExportedRegistry.NAME, TASK);
        assertThat(shared.scrape()).isEqualTo(before);
        reporter.close();
    }

    @Test
    void toAnyOtherReporterTheGaugeIsItsNumberOfMeters() {
        ExportedRegistry gauge = new ExportedRegistry(taskRegistry(new AtomicLong()));
        assertThat(gauge.getValue()).isEqualTo(5);
        assertThat(gauge.toString()).isEqualTo("engine metrics (5 meters)");
    }
}
