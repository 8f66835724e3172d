package org.socengine.connectors.decode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.socengine.connectors.decode.core.RawRecord;

/**
 * Counters of the decode stage, per source and department: records received, decoded, dead-lettered
 * (by reason) and skipped (control records such as a Zeek TSV header). For every source and
 * department, received = decoded + dead-lettered + skipped. Beside them, the time of the newest
 * record of each source and department, so that a department gone quiet shows.
 *
 * <p>Meter names: {@code soc.decode.received}, {@code soc.decode.decoded}, {@code
 * soc.decode.dead_lettered} (tag {@code reason}), {@code soc.decode.skipped}, {@code
 * soc.decode.unattributed} (decoded events whose device address no inventory or range knows),
 * {@code soc.last_event.timestamp} (seconds since the epoch); tags {@code source} and {@code
 * department} ({@code unknown} when none was found). Independent of Flink: the job binds it to the
 * engine's Prometheus registry, the CLI and tests to a simple registry.
 *
 * <p>The meters of a source and department are looked up once and kept: a record costs two hash
 * lookups of strings it already carries and no allocation. Thread-safe, so that the decode subtasks
 * of one JVM can share one instance ({@link #of}) and its last-event gauges.
 */
public final class DecodeMetrics {

    /** Departments beyond this many distinct values are counted as {@code other}. */
    static final int MAX_DEPARTMENTS = 2000;

    private static final Map<MeterRegistry, DecodeMetrics> SHARED = new ConcurrentHashMap<>();

    private final MeterRegistry registry;
    private final Map<String, Map<String, Meters>> bySource = new ConcurrentHashMap<>();
    private final Map<String, Boolean> departments = new ConcurrentHashMap<>();

    public DecodeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The instance of this registry, shared by every decode subtask of the JVM. */
    public static DecodeMetrics of(MeterRegistry registry) {
        return SHARED.computeIfAbsent(registry, DecodeMetrics::new);
    }

    /** The meters of one source and department. */
    private final class Meters {
        final String source;
        final String department;
        final Counter received;
        final Counter decoded;
        final Counter skipped;
        final Counter unattributed;
        final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
        final AtomicLong lastEventMillis = new AtomicLong();

        Meters(String source, String department) {
            this.source = source;
            this.department = department;
            this.received = counter("soc.decode.received");
            this.decoded = counter("soc.decode.decoded");
            this.skipped = counter("soc.decode.skipped");
            this.unattributed = counter("soc.decode.unattributed");
            Gauge.builder(
                            "soc.last_event.timestamp",
                            lastEventMillis,
                            t -> t.get() == 0 ? Double.NaN : t.get() / 1000.0)
                    .description(
                            "Kafka timestamp (event time when there is none) of the newest record")
                    .baseUnit("seconds")
                    .tag("source", source)
                    .tag("department", department)
                    .register(registry);
        }

        private Counter counter(String name) {
            return Counter.builder(name)
                    .tag("source", source)
                    .tag("department", department)
                    .register(registry);
        }

        Counter deadLettered(String reason) {
            Counter c = deadLettered.get(reason);
            if (c == null) {
                c =
                        deadLettered.computeIfAbsent(
                                reason,
                                r ->
                                        Counter.builder("soc.decode.dead_lettered")
                                                .tag("source", source)
                                                .tag("department", department)
                                                .tag("reason", r)
                                                .register(registry));
            }
            return c;
        }

        void seen(long millis) {
            // Written only when it moves: most records of a busy partition share a millisecond.
            if (millis > lastEventMillis.get()) {
                lastEventMillis.accumulateAndGet(millis, Math::max);
            }
        }
    }

    /** Counts what became of one record. */
    public void record(RawRecord record, RecordDecoder.Outcome outcome) {
        String source = record.source == null ? "unknown" : record.source;
        Meters m = meters(source, department(record, outcome));
        m.received.increment();
        if (outcome.event() != null) {
            m.decoded.increment();
            if (outcome.event().fields != null
                    && outcome.event().fields.containsKey(RecordDecoder.UNATTRIBUTED)) {
                m.unattributed.increment();
            }
        } else if (outcome.deadLetter() != null) {
            m.deadLettered(outcome.deadLetter().reasonCode).increment();
        } else {
            m.skipped.increment();
        }
        long t =
                record.kafkaTimestamp > 0
                        ? record.kafkaTimestamp
                        : outcome.event() != null ? outcome.event().timestamp : 0;
        if (t > 0) {
            m.seen(t);
        }
    }

    public double received(String source, String department) {
        Meters m = existing(source, department);
        return m == null ? 0 : m.received.count();
    }

    public double decoded(String source, String department) {
        Meters m = existing(source, department);
        return m == null ? 0 : m.decoded.count();
    }

    public double deadLettered(String source, String department, String reason) {
        Meters m = existing(source, department);
        Counter c = m == null ? null : m.deadLettered.get(reason);
        return c == null ? 0 : c.count();
    }

    public double unattributed(String source, String department) {
        Meters m = existing(source, department);
        return m == null ? 0 : m.unattributed.count();
    }

    public double skipped(String source, String department) {
        Meters m = existing(source, department);
        return m == null ? 0 : m.skipped.count();
    }

    /** Milliseconds since the epoch of the newest record of the source and department, or 0. */
    public long lastEventMillis(String source, String department) {
        Meters m = existing(source, department);
        return m == null ? 0 : m.lastEventMillis.get();
    }

    private Meters existing(String source, String department) {
        Map<String, Meters> d = bySource.get(source);
        return d == null ? null : d.get(department);
    }

    private Meters meters(String source, String department) {
        Map<String, Meters> d = bySource.get(source);
        if (d == null) {
            d = bySource.computeIfAbsent(source, s -> new ConcurrentHashMap<>());
        }
        Meters m = d.get(department);
        if (m == null) {
            m = d.computeIfAbsent(department, dep -> new Meters(source, dep));
        }
        return m;
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
}
