package org.socengine.connectors.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values one label may take, at most so many distinct ones: the rest are {@code other}. A
 * department, rule or channel comes from configuration and is a bounded set; this keeps a
 * misconfiguration (arbitrary keys as departments) from creating unbounded Prometheus series.
 */
public final class BoundedLabel {

    public static final String OTHER = "other";
    public static final String UNKNOWN = "unknown";

    private final int max;
    private final Map<String, Boolean> seen = new ConcurrentHashMap<>();

    public BoundedLabel(int max) {
        this.max = max;
    }

    /** The value as a label: itself while fewer than the maximum were seen, else {@code other}. */
    public String of(String value) {
        if (value == null || value.isEmpty()) {
            return UNKNOWN;
        }
        if (seen.containsKey(value)) {
            return value;
        }
        if (seen.size() >= max) {
            return OTHER;
        }
        seen.put(value, Boolean.TRUE);
        return value;
    }
}
