package org.socengine.jobs.internal;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/** Flink's entry to {@link SocMetricsReporter} ({@code metrics.reporter.soc.factory.class}). */
public final class SocMetricsReporterFactory implements MetricReporterFactory {

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new SocMetricsReporter();
    }
}
