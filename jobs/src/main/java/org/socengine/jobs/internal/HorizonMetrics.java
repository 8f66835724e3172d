package org.socengine.jobs.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the detectors' replay horizon costs the checkpoints outside the state Flink measures: the
 * bytes of sealed segments written to task-owned files (each once), and the bytes of those files
 * the newest checkpoints name. Totals of the detector subtasks of this process.
 */
public final class HorizonMetrics {

    /** Bytes of horizon segments written to task-owned checkpoint files. */
    public static final AtomicLong WRITTEN = new AtomicLong();

    /** Bytes of horizon files the newest checkpoints of this process's detectors name. */
    public static final AtomicLong REFERENCED = new AtomicLong();

    /** Per detector subtask of this process: [0] horizon events, [1] keyed windows' events. */
    private static final Map<Object, long[]> KEPT = new ConcurrentHashMap<>();

    private HorizonMetrics() {}

    /**
     * What a detector subtask keeps to rebuild its rules' windows after a restore, as its own
     * thread last counted it (the structures are not safe to count from the scrape's thread).
     */
    public static void kept(Object detector, long horizonEvents, long keyedEvents) {
        long[] k = KEPT.computeIfAbsent(detector, d -> new long[2]);
        k[0] = horizonEvents;
        k[1] = keyedEvents;
    }

    /** The detector subtask is gone: it keeps nothing. */
    public static void closed(Object detector) {
        KEPT.remove(detector);
    }

    private static double sum(int i) {
        long n = 0;
        for (long[] k : KEPT.values()) {
            n += k[i];
        }
        return n;
    }

    public static void register(MeterRegistry registry) {
        FunctionCounter.builder("soc.horizon.file_bytes_written", WRITTEN, AtomicLong::get)
                .description(
                        "Bytes of sealed horizon segments the detectors wrote to task-owned"
                                + " checkpoint files (each segment once)")
                .register(registry);
        Gauge.builder("soc.horizon.file_bytes_referenced", REFERENCED, AtomicLong::get)
                .description(
                        "Bytes of horizon files the detectors' newest checkpoints name instead of"
                                + " holding them")
                .register(registry);
        Gauge.builder("soc.horizon.events", () -> sum(0))
                .description(
                        "Events the detectors of this process keep serialized to rebuild"
                                + " their rules' windows after a restore")
                .register(registry);
        Gauge.builder("soc.horizon.keyed_events", () -> sum(1))
                .description(
                        "Events they keep as the last of a key of a rule's #unique(...)#time(...)"
                                + " window instead of the window's whole time of events")
                .register(registry);
    }
}
