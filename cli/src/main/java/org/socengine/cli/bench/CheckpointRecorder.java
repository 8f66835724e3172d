package org.socengine.cli.bench;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Every checkpoint a benchmark's job completed, with its duration and size, as Flink's job manager
 * measured them: read from the engine's registry, where {@code SocMetricsReporter} bridges the job
 * manager's checkpoint gauges ({@code soc.checkpoint.last.*}, docs/metrics.md). The gauges hold
 * only the newest checkpoint, so the recorder samples them well inside the checkpoint interval and
 * takes a checkpoint when the completed count moves.
 *
 * <p>The detector writes its horizon's sealed segments to task-owned files once, outside the state
 * Flink measures ({@code soc.horizon.*}): a checkpoint's written bytes here add the horizon bytes
 * written since the checkpoint before, and its full size the horizon files it names.
 */
public final class CheckpointRecorder extends Thread {

    /**
     * One completed checkpoint: end-to-end duration, bytes it wrote, full state size, and of the
     * bytes written those of horizon files. What a checkpoint wrote is what changed since the one
     * before: new horizon segments, and with RocksDB's incremental checkpoints new files of its
     * own.
     */
    public record Checkpoint(
            long durationMillis, long writtenBytes, long fullBytes, long horizonFileBytes) {}

    /** What the checkpoints of a run cost. */
    public record Summary(
            int completed,
            long failed,
            long p50DurationMillis,
            long maxDurationMillis,
            long p50WrittenBytes,
            long maxWrittenBytes,
            long p50FullBytes,
            long maxFullBytes,
            long p50HorizonFileBytes,
            long maxHorizonFileBytes) {

        public String describe() {
            if (completed == 0) {
                return "no checkpoint completed";
            }
            return String.format(
                    "%d completed, %d failed; duration p50 %,d ms, max %,d ms; written p50 %s,"
                            + " max %s (horizon files p50 %s, max %s); full state p50 %s, max %s",
                    completed,
                    failed,
                    p50DurationMillis,
                    maxDurationMillis,
                    mebibytes(p50WrittenBytes),
                    mebibytes(maxWrittenBytes),
                    mebibytes(p50HorizonFileBytes),
                    mebibytes(maxHorizonFileBytes),
                    mebibytes(p50FullBytes),
                    mebibytes(maxFullBytes));
        }

        private static String mebibytes(long bytes) {
            return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
        }
    }

    /**
     * The most events the detectors of this JVM held at once to rebuild windows after a restore:
     * kept whole (the horizon), and as the last event of a key of a rule's keyed window. What the
     * horizon costs in the heap, besides what checkpoints write of it.
     */
    public record HorizonPeak(long events, long keyed) {

        public String describe() {
            return String.format(
                    java.util.Locale.ROOT,
                    "at most %,d events kept whole, %,d as the last of a key",
                    events,
                    keyed);
        }
    }

    private final MeterRegistry registry;
    private final String job;
    private long peakEvents;
    private long peakKeyed;
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private volatile boolean running = true;
    private long seen;
    private long failed;
    private long horizonWritten;

    CheckpointRecorder(MeterRegistry registry, String job) {
        super("bench-checkpoints");
        setDaemon(true);
        this.registry = registry;
        this.job = job;
        horizonWritten = horizonWritten();
    }

    /** Horizon bytes the detectors of this JVM wrote to files so far. */
    private long horizonWritten() {
        FunctionCounter c = registry.find("soc.horizon.file_bytes_written").functionCounter();
        return c == null ? 0 : (long) c.count();
    }

    @Override
    public void run() {
        while (running) {
            sample();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Takes the newest checkpoint if the completed count moved since the last sample, and the
     * horizon's size.
     */
    synchronized void sample() {
        peakEvents = Math.max(peakEvents, gaugeValue("soc.horizon.events"));
        peakKeyed = Math.max(peakKeyed, gaugeValue("soc.horizon.keyed_events"));
        FunctionCounter completed =
                registry.find("soc.checkpoints.completed").tag("job", job).functionCounter();
        if (completed == null) {
            return;
        }
        long count = (long) completed.count();
        FunctionCounter failures =
                registry.find("soc.checkpoints.failed").tag("job", job).functionCounter();
        if (failures != null) {
            failed = (long) failures.count();
        }
        if (count <= seen) {
            return;
        }
        seen = count;
        // Written by the snapshots of the checkpoints completed since the last sample: a
        // checkpoint completes after every subtask's synchronous part, where the files are written.
        long written = horizonWritten();
        long horizon = written - horizonWritten;
        horizonWritten = written;
        Gauge referenced = registry.find("soc.horizon.file_bytes_referenced").gauge();
        checkpoints.add(
                new Checkpoint(
                        Math.round(gauge("soc.checkpoint.last.duration") * 1000),
                        (long) gauge("soc.checkpoint.last.size") + horizon,
                        (long) gauge("soc.checkpoint.last.full_size")
                                + (referenced == null ? 0 : (long) referenced.value()),
                        horizon));
    }

    private long gaugeValue(String name) {
        Gauge g = registry.find(name).gauge();
        return g == null ? 0 : (long) g.value();
    }

    /** The horizon's largest size over the samples so far. */
    synchronized HorizonPeak horizonPeak() {
        return new HorizonPeak(peakEvents, peakKeyed);
    }

    private double gauge(String name) {
        Gauge g = registry.find(name).tag("job", job).gauge();
        return g == null ? -1 : g.value();
    }

    /** Stops sampling after one last sample, and sums up. */
    synchronized Summary finish() {
        running = false;
        sample();
        return summarize(checkpoints, failed);
    }

    static Summary summarize(List<Checkpoint> checkpoints, long failed) {
        if (checkpoints.isEmpty()) {
            return new Summary(0, failed, -1, -1, -1, -1, -1, -1, -1, -1);
        }
        long[] durations =
                checkpoints.stream().mapToLong(Checkpoint::durationMillis).sorted().toArray();
        long[] written =
                checkpoints.stream().mapToLong(Checkpoint::writtenBytes).sorted().toArray();
        long[] full = checkpoints.stream().mapToLong(Checkpoint::fullBytes).sorted().toArray();
        long[] horizon =
                checkpoints.stream().mapToLong(Checkpoint::horizonFileBytes).sorted().toArray();
        return new Summary(
                checkpoints.size(),
                failed,
                BenchRun.percentile(durations, 0.5),
                durations[durations.length - 1],
                BenchRun.percentile(written, 0.5),
                written[written.length - 1],
                BenchRun.percentile(full, 0.5),
                full[full.length - 1],
                BenchRun.percentile(horizon, 0.5),
                horizon[horizon.length - 1]);
    }

    synchronized List<Checkpoint> checkpoints() {
        return List.copyOf(checkpoints);
    }
}
