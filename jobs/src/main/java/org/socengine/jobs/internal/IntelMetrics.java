package org.socengine.jobs.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Meters of the threat-intelligence enrichment: {@code soc.intel.indicators} (indicators held by a
 * subtask, the largest when several), {@code soc.intel.matched} (events that matched, tag {@code
 * type}: the ECS indicator type of the strongest match). One instance per registry.
 */
public final class IntelMetrics {

    private static final Map<MeterRegistry, IntelMetrics> SHARED = new ConcurrentHashMap<>();

    private final MeterRegistry registry;
    private final AtomicLong indicators = new AtomicLong();
    private final Map<String, Counter> matched = new ConcurrentHashMap<>();

    private IntelMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("soc.intel.indicators", indicators, AtomicLong::get)
                .description("Indicators of compromise in the detection job's broadcast state")
                .register(registry);
    }

    public static IntelMetrics of(MeterRegistry registry) {
        return SHARED.computeIfAbsent(registry, IntelMetrics::new);
    }

    public void indicators(long n) {
        indicators.set(n);
    }

    public void matched(String type) {
        String t = type == null ? "unknown" : type;
        Counter c = matched.get(t);
        if (c == null) {
            c =
                    matched.computeIfAbsent(
                            t,
                            x ->
                                    Counter.builder("soc.intel.matched")
                                            .description("Events that matched an indicator")
                                            .tag("type", x)
                                            .register(registry));
        }
        c.increment();
    }
}
