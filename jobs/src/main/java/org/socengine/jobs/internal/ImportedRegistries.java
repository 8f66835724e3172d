package org.socengine.jobs.internal;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.flink.metrics.Metric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine registries of the jobs running in this process, as the reporter's endpoint serves
 * them: one {@link ExportedRegistry} gauge per operator, read once per registry (the operators of
 * one job in one TaskManager share a class loader, so a registry), merged by {@link
 * PortableSnapshots#merge}.
 */
final class ImportedRegistries implements MultiCollector {

    private static final Logger LOG = LoggerFactory.getLogger(ImportedRegistries.class);

    /** The registry the endpoint serves: its own families are not imported a second time. */
    private final MeterRegistry local;

    /** Every gauge registered and not yet removed, by identity: two equal gauges both count. */
    private final Set<Metric> gauges = Collections.newSetFromMap(new IdentityHashMap<>());

    ImportedRegistries(MeterRegistry local) {
        this.local = local;
    }

    synchronized void add(Metric gauge) {
        gauges.add(gauge);
    }

    synchronized boolean remove(Metric gauge) {
        return gauges.remove(gauge);
    }

    synchronized int size() {
        return gauges.size();
    }

    @Override
    public MetricSnapshots collect() {
        Set<Object> registries;
        synchronized (this) {
            registries = new LinkedHashSet<>(gauges);
        }
        List<Object> sources = new ArrayList<>();
        for (Object g : registries) {
            try {
                sources.add(((Supplier<?>) g).get());
            } catch (RuntimeException | LinkageError e) {
                // A job's class loader closing under a scrape: its series go with it.
                LOG.debug("engine metrics of a task not read: {}", e.toString());
            }
        }
        return new MetricSnapshots(PortableSnapshots.merge(sources, localNames()));
    }

    /** The Prometheus family names of the local registry's meters. */
    private Set<String> localNames() {
        Set<String> names = new HashSet<>();
        var convention = local.config().namingConvention();
        for (Meter m : local.getMeters()) {
            Meter.Id id = m.getId();
            String n = convention.name(id.getName(), id.getType(), id.getBaseUnit());
            names.add(n);
            names.add(n.endsWith("_total") ? n.substring(0, n.length() - 6) : n);
        }
        return names;
    }
}
