package org.socengine.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CheckpointRecorderTest {

    /** The job manager's gauges as the reporter bridges them: the newest checkpoint only. */
    private static final class JobManagerGauges {
        final AtomicLong completed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong durationMillis = new AtomicLong();
        final AtomicLong written = new AtomicLong();
        final AtomicLong full = new AtomicLong();

        JobManagerGauges(SimpleMeterRegistry registry, String job) {
            FunctionCounter.builder("soc.checkpoints.completed", completed, AtomicLong::get)
                    .tag("job", job)
                    .register(registry);
            FunctionCounter.builder("soc.checkpoints.failed", failed, AtomicLong::get)
                    .tag("job", job)
                    .register(registry);
            Gauge.builder("soc.checkpoint.last.duration", durationMillis, d -> d.get() / 1000.0)
                    .tag("job", job)
                    .register(registry);
            Gauge.builder("soc.checkpoint.last.size", written, AtomicLong::get)
                    .tag("job", job)
                    .register(registry);
            Gauge.builder("soc.checkpoint.last.full_size", full, AtomicLong::get)
                    .tag("job", job)
                    .register(registry);
        }

        void complete(long millis, long bytes, long fullBytes) {
            durationMillis.set(millis);
            written.set(bytes);
            full.set(fullBytes);
            completed.incrementAndGet();
        }
    }

    @Test
    void takesEachCheckpointOnceWhenTheCountMoves() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CheckpointRecorder recorder = new CheckpointRecorder(registry, "soc-bench");
        recorder.sample(); // before the job manager has any gauge
        JobManagerGauges jm = new JobManagerGauges(registry, "soc-bench");
        // Another job's checkpoints are not this benchmark's.
        new JobManagerGauges(registry, "other").complete(9_999, 9_999, 9_999);
        recorder.sample();
        jm.complete(120, 1_000, 5_000);
        recorder.sample();
        recorder.sample(); // nothing new: not counted twice
        jm.complete(300, 3_000, 7_000);
        jm.failed.set(1);
        recorder.sample();
        jm.complete(200, 2_000, 8_000);

        CheckpointRecorder.Summary s = recorder.finish();

        assertEquals(
                List.of(
                        new CheckpointRecorder.Checkpoint(120, 1_000, 5_000, 0),
                        new CheckpointRecorder.Checkpoint(300, 3_000, 7_000, 0),
                        new CheckpointRecorder.Checkpoint(200, 2_000, 8_000, 0)),
                recorder.checkpoints());
        assertEquals(
                new CheckpointRecorder.Summary(3, 1, 200, 300, 2_000, 3_000, 7_000, 8_000, 0, 0),
                s);
    }

    @Test
    void horizonFilesCountAsWrittenOnceAndAsStateWhileNamed() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicLong horizonWritten = new AtomicLong(500);
        AtomicLong horizonNamed = new AtomicLong();
        FunctionCounter.builder("soc.horizon.file_bytes_written", horizonWritten, AtomicLong::get)
                .register(registry);
        Gauge.builder("soc.horizon.file_bytes_referenced", horizonNamed, AtomicLong::get)
                .register(registry);
        // Bytes written before the benchmark's recorder started are not its job's.
        CheckpointRecorder recorder = new CheckpointRecorder(registry, "soc-bench");
        JobManagerGauges jm = new JobManagerGauges(registry, "soc-bench");
        horizonWritten.addAndGet(10_000);
        horizonNamed.set(10_000);
        jm.complete(100, 1_000, 2_000);
        recorder.sample();
        // Nothing new sealed: the second checkpoint names the same file and writes none.
        jm.complete(100, 1_100, 2_100);
        recorder.sample();

        assertEquals(
                List.of(
                        new CheckpointRecorder.Checkpoint(100, 11_000, 12_000, 10_000),
                        new CheckpointRecorder.Checkpoint(100, 1_100, 12_100, 0)),
                recorder.checkpoints());
    }

    @Test
    void theHorizonsLargestSizeOverTheSamples() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CheckpointRecorder recorder = new CheckpointRecorder(registry, "soc-bench");
        recorder.sample(); // before any detector registered the gauges
        AtomicLong events = new AtomicLong(40_000);
        AtomicLong keyed = new AtomicLong(180);
        Gauge.builder("soc.horizon.events", events, AtomicLong::get).register(registry);
        Gauge.builder("soc.horizon.keyed_events", keyed, AtomicLong::get).register(registry);
        recorder.sample();
        events.set(90_000);
        recorder.sample();
        events.set(10_000);
        keyed.set(200);
        recorder.sample();

        assertEquals(new CheckpointRecorder.HorizonPeak(90_000, 200), recorder.horizonPeak());
        assertEquals(
                "at most 90,000 events kept whole, 200 as the last of a key",
                recorder.horizonPeak().describe());
    }

    @Test
    void aRunWithoutCheckpointsSaysSo() {
        CheckpointRecorder.Summary s =
                new CheckpointRecorder(new SimpleMeterRegistry(), "soc-bench").finish();
        assertEquals(0, s.completed());
        assertEquals("no checkpoint completed", s.describe());
    }
}
