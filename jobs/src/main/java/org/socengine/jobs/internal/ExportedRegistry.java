package org.socengine.jobs.internal;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The Flink gauge through which a task hands the engine's registry of its class loader to the
 * engine's metric reporter, wherever that reporter was loaded.
 *
 * <p>Why: on a TaskManager the operators run in the job's class loader, and the reporter in the
 * plugin's; each has its own {@link SocMetrics} registry, and only Flink's metric system reaches
 * both. So every operator that counts registers this one gauge in its metric group; the reporter
 * finds it by {@link #NAME}, reads the registry as {@link PortableSnapshots} through {@link
 * Supplier} (a JDK type both class loaders share) and serves the series under the engine's own
 * names and labels. Flink's scope (job id, task attempt, subtask) never becomes a label. When the
 * task ends Flink removes the gauge, and with it the job's series from the endpoint.
 *
 * <p>To any other Flink reporter the gauge is a number: the series the registry holds.
 */
public final class ExportedRegistry implements Gauge<Integer>, Supplier<List<Map<String, Object>>> {

    /** The gauge's name in an operator's metric group. */
    public static final String NAME = "socEngineRegistry";

    private final PrometheusMeterRegistry registry;

    ExportedRegistry(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the gauge of this class loader's engine registry in an operator's group. */
    public static void register(MetricGroup group) {
        group.gauge(NAME, new ExportedRegistry(SocMetrics.registry()));
    }

    @Override
    public List<Map<String, Object>> get() {
        return PortableSnapshots.toPortable(registry.getPrometheusRegistry().scrape());
    }

    @Override
    public Integer getValue() {
        return registry.getMeters().size();
    }

    /** Whether this gauge reads {@code other}: the reporter's own registry is not imported. */
    boolean reads(PrometheusMeterRegistry other) {
        return registry == other;
    }

    /** Every operator of a class loader gives the same registry: the reporter reads it once. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ExportedRegistry e && e.registry == registry;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(registry);
    }

    @Override
    public String toString() {
        return "engine metrics (" + getValue() + " meters)";
    }
}
