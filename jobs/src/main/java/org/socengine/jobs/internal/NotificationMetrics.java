package org.socengine.jobs.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.socengine.connectors.metrics.BoundedLabel;

/**
 * Notifications the escalation job delivered and those that failed (after their retries, before any
 * fallback channel), per channel of the escalation policy: {@code soc.notifications.sent} and
 * {@code soc.notifications.failed}, tag {@code channel}.
 */
public final class NotificationMetrics {

    private static final Map<MeterRegistry, NotificationMetrics> SHARED = new ConcurrentHashMap<>();

    private final MeterRegistry registry;
    private final BoundedLabel channels = new BoundedLabel(100);
    private final Map<String, Counter> sent = new ConcurrentHashMap<>();
    private final Map<String, Counter> failed = new ConcurrentHashMap<>();

    private NotificationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public static NotificationMetrics of(MeterRegistry registry) {
        return SHARED.computeIfAbsent(registry, NotificationMetrics::new);
    }

    public void sent(String channel) {
        counter(sent, "soc.notifications.sent", "Notifications a channel delivered", channel)
                .increment();
    }

    public void failed(String channel) {
        counter(
                        failed,
                        "soc.notifications.failed",
                        "Notifications a channel failed to deliver after its retries",
                        channel)
                .increment();
    }

    public double sentCount(String channel) {
        Counter c = sent.get(channel);
        return c == null ? 0 : c.count();
    }

    public double failedCount(String channel) {
        Counter c = failed.get(channel);
        return c == null ? 0 : c.count();
    }

    private Counter counter(
            Map<String, Counter> counters, String name, String description, String channel) {
        String label = channels.of(channel);
        return counters.computeIfAbsent(
                label,
                c ->
                        Counter.builder(name)
                                .description(description)
                                .tag("channel", c)
                                .register(registry));
    }
}
