package org.socengine.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** Flink's checkpoint statistics reach the engine's registry under the engine's names. */
class SocMetricsReporterTest {

    /** A job-level group of the job manager, as Flink hands it to reporters. */
    static final class JobGroup extends UnregisteredMetricsGroup {
        private final Map<String, String> variables;

        JobGroup(Map<String, String> variables) {
            this.variables = variables;
        }

        @Override
        public Map<String, String> getAllVariables() {
            return variables;
        }
    }

    static final MetricGroup JOB =
            new JobGroup(Map.of("<job_name>", "soc-detection", "<job_id>", "abc"));

    @Test
    void checkpointDurationSizeAndCountsFollowFlinksGauges() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SocMetricsReporter reporter = new SocMetricsReporter(registry);
        AtomicLong duration = new AtomicLong(1_250);
        AtomicLong size = new AtomicLong(4_096);
        AtomicLong completed = new AtomicLong(3);
        Gauge<Long> durationGauge = duration::get;
        reporter.notifyOfAddedMetric(durationGauge, SocMetricsReporter.DURATION, JOB);
        reporter.notifyOfAddedMetric((Gauge<Long>) size::get, SocMetricsReporter.SIZE, JOB);
        reporter.notifyOfAddedMetric(
                (Gauge<Long>) completed::get, SocMetricsReporter.COMPLETED, JOB);
        // Not a checkpoint metric, and a task's metric: neither is taken.
        reporter.notifyOfAddedMetric((Gauge<Long>) () -> 7L, "numRestarts", JOB);
        reporter.notifyOfAddedMetric(
                (Gauge<Long>) () -> 9L,
                SocMetricsReporter.DURATION,
                new JobGroup(Map.of("<job_name>", "x", "<task_id>", "t")));

        assertThat(registry.scrape())
                .contains("soc_checkpoint_last_duration_seconds{job=\"soc-detection\"} 1.25")
                .contains("soc_checkpoint_last_size_bytes{job=\"soc-detection\"} 4096.0")
                .contains("soc_checkpoints_completed_total{job=\"soc-detection\"} 3.0")
                .doesNotContain("job=\"x\"")
                .doesNotContain("Restarts");
        duration.set(2_000);
        completed.set(4);
        assertThat(registry.scrape())
                .contains("soc_checkpoint_last_duration_seconds{job=\"soc-detection\"} 2.0")
                .contains("soc_checkpoints_completed_total{job=\"soc-detection\"} 4.0");

        // The job ends: its meters leave the endpoint.
        reporter.notifyOfRemovedMetric(durationGauge, SocMetricsReporter.DURATION, JOB);
        assertThat(registry.scrape()).doesNotContain("soc_checkpoint_last_duration_seconds{");
    }

    @Test
    void thePortIsOneOrARangeForSeveralProcessesOfOneHost() {
        assertThat(SocMetricsReporter.ports("9464")).containsExactly(9464, 9464);
        assertThat(SocMetricsReporter.ports(" 9464-9470 ")).containsExactly(9464, 9470);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SocMetricsReporter.ports("9470-9464"))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SocMetricsReporter.ports("x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
