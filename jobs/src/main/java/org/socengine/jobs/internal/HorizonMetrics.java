package org.socengine.jobs.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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

    private HorizonMetrics() {}

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
    }
}
