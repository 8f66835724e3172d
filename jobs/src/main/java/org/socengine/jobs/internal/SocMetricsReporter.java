package org.socengine.jobs.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink metric reporter that brings the checkpoint statistics of Flink's job manager into the
 * engine's Prometheus registry ({@link SocMetrics}), under the engine's names, and, on a cluster,
 * serves that registry's {@code /metrics} in the process it runs in, with the engine registries of
 * the tasks there: those of other class loaders (a job's, when this reporter is a plugin), handed
 * over by each operator's {@link ExportedRegistry} gauge.
 *
 * <p>Why a reporter: a checkpoint's duration and size are known to the job manager only, not to the
 * operators; Flink hands its metrics to the reporters configured for the process. Only these few
 * are taken, with the job's name as their one label, so Flink's per-attempt labels (task attempt
 * id, task manager id) never reach Prometheus.
 *
 * <p>Configuration ({@code metrics.reporter.soc.*}): {@code factory.class} {@link
 * SocMetricsReporterFactory}; {@code port}, a port or a range {@code 9464-9470} (unset: no
 * endpoint, the embedded mode serves its own) and {@code bind} (default {@link
 * SocMetrics#DEFAULT_BIND}).
 */
public final class SocMetricsReporter implements MetricReporter {

    private static final Logger LOG = LoggerFactory.getLogger(SocMetricsReporter.class);

    /** Flink's job-level checkpoint gauges this reporter takes. */
    static final String DURATION = "lastCheckpointDuration";

    static final String SIZE = "lastCheckpointSize";
    static final String FULL_SIZE = "lastCheckpointFullSize";
    static final String COMPLETED = "numberOfCompletedCheckpoints";
    static final String FAILED = "numberOfFailedCheckpoints";

    private final MeterRegistry registry;
    private final Map<Metric, Meter> bridged = new ConcurrentHashMap<>();

    /** The engine registries of the tasks in this process, null unless served in Prometheus. */
    private final ImportedRegistries imported;

    public SocMetricsReporter() {
        this(SocMetrics.registry());
    }

    SocMetricsReporter(MeterRegistry registry) {
        this.registry = registry;
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            imported = new ImportedRegistries(registry);
            prometheus.getPrometheusRegistry().register(imported);
        } else {
            imported = null;
        }
    }

    @Override
    public void open(MetricConfig config) {
        String port = config.getString("port", null);
        if (port == null || port.isBlank()) {
            return;
        }
        String bind = config.getString("bind", SocMetrics.DEFAULT_BIND);
        try {
            var server = serveOnFirstFree(bind, ports(port));
            LOG.info("engine metrics at http://{}:{}/metrics", bind, server.getAddress().getPort());
        } catch (IOException | RuntimeException e) {
            // A busy port must not stop the job manager or task manager: say so and go on.
            LOG.error("engine metrics endpoint not started on {}:{}: {}", bind, port, e.toString());
        }
    }

    /**
     * {@code 9464} or a range {@code 9464-9470}, as Flink's own Prometheus reporter takes it: with
     * a range, several Flink processes on one host (a JobManager and TaskManagers) share one
     * configuration and each takes the first port still free.
     */
    static int[] ports(String spec) {
        String s = spec.trim();
        int dash = s.indexOf('-');
        int first = Integer.parseInt((dash < 0 ? s : s.substring(0, dash)).trim());
        int last = dash < 0 ? first : Integer.parseInt(s.substring(dash + 1).trim());
        if (first < 0 || last > 65535 || last < first) {
            throw new IllegalArgumentException("not a port or port range: '" + spec + "'");
        }
        return new int[] {first, last};
    }

    private static com.sun.net.httpserver.HttpServer serveOnFirstFree(String bind, int[] range)
            throws IOException {
        IOException last = null;
        for (int p = range[0]; p <= range[1]; p++) {
            try {
                return SocMetrics.serveOnce(bind, p);
            } catch (java.net.BindException e) {
                last = e;
            }
        }
        throw last;
    }

    @Override
    public void close() {
        bridged.values().forEach(registry::remove);
        bridged.clear();
        if (imported != null) {
            ((PrometheusMeterRegistry) registry).getPrometheusRegistry().unregister(imported);
        }
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (!(metric instanceof org.apache.flink.metrics.Gauge<?> gauge)) {
            return;
        }
        if (name.equals(ExportedRegistry.NAME)) {
            // A task's engine registry. Taken from any class loader (the job's, on a cluster),
            // except this reporter's own registry (the embedded mode: one class loader for all).
            if (imported != null
                    && metric instanceof java.util.function.Supplier<?>
                    && !(metric instanceof ExportedRegistry e
                            && e.reads((PrometheusMeterRegistry) registry))) {
                imported.add(metric);
            }
            return;
        }
        String job = group.getAllVariables().get("<job_name>");
        if (job == null || group.getAllVariables().containsKey("<task_id>")) {
            return;
        }
        Meter m =
                switch (name) {
                    case DURATION ->
                            Gauge.builder(
                                            "soc.checkpoint.last.duration",
                                            gauge,
                                            g -> number(g) / 1000.0)
                                    .description("Duration of the newest completed checkpoint")
                                    .baseUnit("seconds")
                                    .tag("job", job)
                                    .register(registry);
                    case SIZE ->
                            Gauge.builder(
                                            "soc.checkpoint.last.size",
                                            gauge,
                                            SocMetricsReporter::number)
                                    .description(
                                            "Bytes the newest completed checkpoint wrote (incremental)")
                                    .baseUnit("bytes")
                                    .tag("job", job)
                                    .register(registry);
                    case FULL_SIZE ->
                            Gauge.builder(
                                            "soc.checkpoint.last.full_size",
                                            gauge,
                                            SocMetricsReporter::number)
                                    .description(
                                            "Full state size of the newest completed checkpoint")
                                    .baseUnit("bytes")
                                    .tag("job", job)
                                    .register(registry);
                    case COMPLETED ->
                            FunctionCounter.builder(
                                            "soc.checkpoints.completed",
                                            gauge,
                                            SocMetricsReporter::number)
                                    .description("Checkpoints completed")
                                    .tag("job", job)
                                    .register(registry);
                    case FAILED ->
                            FunctionCounter.builder(
                                            "soc.checkpoints.failed",
                                            gauge,
                                            SocMetricsReporter::number)
                                    .description("Checkpoints failed")
                                    .tag("job", job)
                                    .register(registry);
                    default -> null;
                };
        if (m != null) {
            bridged.put(metric, m);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        if (imported != null && name.equals(ExportedRegistry.NAME)) {
            imported.remove(metric);
            return;
        }
        Meter m = bridged.remove(metric);
        if (m != null) {
            registry.remove(m);
        }
    }

    private static double number(org.apache.flink.metrics.Gauge<?> g) {
        Object v = g.getValue();
        return v instanceof Number n ? Math.max(0, n.doubleValue()) : Double.NaN;
    }
}
