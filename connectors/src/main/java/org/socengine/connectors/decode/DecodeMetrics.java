package org.socengine.connectors.decode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.socengine.connectors.decode.core.RawRecord;

/**
 * Counters of the decode stage, per source and department: records received, decoded, dead-lettered
 * (by reason) and skipped (control records such as a Zeek TSV header). For every source and
 * department, received = decoded + dead-lettered + skipped.
 *
 * <p>Meter names: {@code soc.decode.received}, {@code soc.decode.decoded}, {@code
 * soc.decode.dead_lettered} (tag {@code reason}), {@code soc.decode.skipped}; tags {@code source}
 * and {@code department} ({@code unknown} when none was found). Independent of Flink: the job binds
 * it to its metric group's registry, the CLI to a simple registry.
 */
public final class DecodeMetrics {

    /** Departments beyond this many distinct values are counted as {@code other}. */
    static final int MAX_DEPARTMENTS = 2000;

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Boolean> departments = new ConcurrentHashMap<>();

    public DecodeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts what became of one record. */
    public void record(RawRecord record, RecordDecoder.Outcome outcome) {
        String source = record.source == null ? "unknown" : record.source;
        String department = department(record, outcome);
        counter("soc.decode.received", source, department, null).increment();
        if (outcome.event() != null) {
            counter("soc.decode.decoded", source, department, null).increment();
        } else if (outcome.deadLetter() != null) {
            counter("soc.decode.dead_lettered", source, department, outcome.deadLetter().reasonCode)
                    .increment();
        } else {
            counter("soc.decode.skipped", source, department, null).increment();
        }
    }

    public double received(String source, String department) {
        return value("soc.decode.received", source, department, null);
    }

    public double decoded(String source, String department) {
        return value("soc.decode.decoded", source, department, null);
    }

    public double deadLettered(String source, String department, String reason) {
        return value("soc.decode.dead_lettered", source, department, reason);
    }

    public double skipped(String source, String department) {
        return value("soc.decode.skipped", source, department, null);
    }

    private double value(String name, String source, String department, String reason) {
        Counter c = counters.get(key(name, source, department, reason));
        return c == null ? 0 : c.count();
    }

    private String department(RawRecord record, RecordDecoder.Outcome outcome) {
        String d = null;
        if (outcome.event() != null) {
            d = outcome.event().departmentId();
        } else if (outcome.deadLetter() != null) {
            d = outcome.deadLetter().department;
        }
        if (d == null) {
            d = record.departmentHeader != null ? record.departmentHeader : record.key;
        }
        if (d == null || d.isBlank()) {
            return "unknown";
        }
        // A shipper that puts arbitrary keys on its records must not create unbounded series.
        if (!departments.containsKey(d)) {
            if (departments.size() >= MAX_DEPARTMENTS) {
                return "other";
            }
            departments.put(d, Boolean.TRUE);
        }
        return d;
    }

    private Counter counter(String name, String source, String department, String reason) {
        return counters.computeIfAbsent(
                key(name, source, department, reason),
                k -> {
                    Counter.Builder b =
                            Counter.builder(name)
                                    .tag("source", source)
                                    .tag("department", department);
                    if (reason != null) {
                        b.tag("reason", reason);
                    }
                    return b.register(registry);
                });
    }

    private static String key(String name, String source, String department, String reason) {
        return name
                + '\u0000'
                + source
                + '\u0000'
                + department
                + '\u0000'
                + (reason == null ? "" : reason);
    }
}
