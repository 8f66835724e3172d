package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.filesystem.FsCheckpointStorageAccess;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.engine.CompiledRule;

/**
 * The detector's horizon with a file-system checkpoint storage, in Flink's operator harness: a
 * sealed segment is written once to the task-owned folder and named by later checkpoints; restores
 * read it back; savepoints hold it themselves; expired files go only when no retained checkpoint
 * can name them.
 */
class HorizonCheckpointFilesTest {

    private static final long T0 = Instant.parse("2026-11-24T08:00:00Z").toEpochMilli();
    private static final int SOURCES = 400;
    private static final int MAX_PARALLELISM = 128;
    private static List<CompiledRule> rules;
    private static RuleFamilies families;

    @TempDir Path dir;

    @BeforeAll
    static void compileRules() throws Exception {
        rules = new ArrayList<>();
        for (CompiledRule r : RuleSets.compileAll(Path.of("..", "rules", "detections"))) {
            // SSH login succeeded after a brute force: failures before a checkpoint, the success
            // after it.
            if (r.id().equals("c4d55b7f-28ba-554b-9420-888481183f6f")) {
                rules.add(r);
            }
        }
        assertThat(rules).hasSize(1);
        families = RuleFamilies.of(rules);
    }

    private static SecurityEvent login(long t, int source, String outcome) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = t;
        SecurityEvent.Event ev = e.ensureEvent();
        ev.category = "authentication";
        ev.action = "ssh_login";
        ev.outcome = outcome;
        ev.module = "syslog";
        e.ensureSource().ip = "198.51." + (source / 250) + "." + (source % 250);
        e.ensureUser().name = "root";
        e.ensureOrganization().id = "so-yt";
        return e;
    }

    private static void send(OneInputStreamOperatorTestHarness<Routed, Alert> h, SecurityEvent e)
            throws Exception {
        RoutedInput.send(h, families, e);
    }

    /** Failures of every source in the second {@code from} .. {@code from + seconds}. */
    private static void failures(
            OneInputStreamOperatorTestHarness<Routed, Alert> h, int from, int seconds)
            throws Exception {
        for (int s = from; s < from + seconds; s++) {
            for (int source = 0; source < SOURCES; source++) {
                send(h, login(T0 + s * 1_000L + source, source, "failure"));
            }
        }
        h.processWatermark(new Watermark(T0 + (from + seconds) * 1_000L));
    }

    /** A success for every source after the failures, and the alerts it gives. */
    private static List<String> successes(OneInputStreamOperatorTestHarness<Routed, Alert> h)
            throws Exception {
        h.getOutput().clear();
        for (int source = 0; source < SOURCES; source++) {
            send(h, login(T0 + 20_000L + source, source, "success"));
        }
        h.processWatermark(new Watermark(T0 + 30_000L));
        List<String> alerts = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof Alert a && !a.update) {
                alerts.add(a.id + " " + a.count);
            }
        }
        alerts.sort(null);
        return alerts;
    }

    private final class Job implements AutoCloseable {
        final JobID id;
        final MockEnvironment env;
        final OneInputStreamOperatorTestHarness<Routed, Alert> h;

        Job(JobID id, int retained, OperatorSubtaskState restored) throws Exception {
            this(id, retained, restored, 1, 0);
        }

        Job(JobID id, int retained, OperatorSubtaskState restored, int parallelism, int subtask)
                throws Exception {
            this.id = id;
            env =
                    new MockEnvironmentBuilder()
                            .setJobID(id)
                            .setMaxParallelism(MAX_PARALLELISM)
                            .setParallelism(parallelism)
                            .setSubtaskIndex(subtask)
                            .build();
            // The harness builds its task with the environment's storage, of this job.
            env.setCheckpointStorageAccess(
                    new FsCheckpointStorageAccess(
                            new org.apache.flink.core.fs.Path(dir.toUri()),
                            null,
                            id,
                            // Flink's defaults: state under 20 KiB stays in the checkpoint (the
                            // write buffer is at least that).
                            20 * 1024,
                            20 * 1024));
            h =
                    new OneInputStreamOperatorTestHarness<>(
                            new EsperDetectionOperator(rules, 0).withRetainedCheckpoints(retained),
                            env);
            h.setup();
            if (restored != null) {
                h.initializeState(restored);
            }
            h.open();
        }

        List<Path> files() throws IOException {
            Path owned = dir.resolve(id.toString()).resolve("taskowned");
            if (!Files.isDirectory(owned)) {
                return List.of();
            }
            try (Stream<Path> s = Files.list(owned)) {
                return s.sorted().toList();
            }
        }

        @Override
        public void close() throws Exception {
            h.close();
            env.close();
        }
    }

    private static long size(List<Path> files) throws IOException {
        long n = 0;
        for (Path f : files) {
            n += Files.size(f);
        }
        return n;
    }

    /** The alerts of a detector that never stops. */
    private List<String> uninterrupted() throws Exception {
        try (Job job = new Job(new JobID(), 1, null)) {
            failures(job.h, 0, 5);
            failures(job.h, 5, 5);
            return successes(job.h);
        }
    }

    @Test
    void aSecondCheckpointWritesOnlyNewSegmentsAndARestoreGivesTheSameAlerts() throws Exception {
        List<String> expected = uninterrupted();
        assertThat(expected).hasSize(SOURCES);
        JobID id = new JobID();
        OperatorSubtaskState second;
        try (Job job = new Job(id, 1, null)) {
            failures(job.h, 0, 5);
            job.h.snapshot(1, 1);
            job.h.notifyOfCompletedCheckpoint(1);
            List<Path> first = job.files();
            assertThat(first).hasSize(1);
            long firstSize = Files.size(first.get(0));

            failures(job.h, 5, 5);
            long written = HorizonFiles.WRITTEN.get();
            second = job.h.snapshot(2, 2);
            List<Path> both = job.files();
            assertThat(both).hasSize(2).contains(first.get(0));
            assertThat(Files.size(first.get(0))).isEqualTo(firstSize);
            long secondSize = size(both) - firstSize;
            assertThat(HorizonFiles.WRITTEN.get() - written).isEqualTo(secondSize);
            // The checkpoint names the files where a savepoint of the same state holds them.
            OperatorSubtaskState savepoint =
                    job.h
                            .snapshotWithLocalState(
                                    3, 3, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                            .getJobManagerOwnedState();
            assertThat(savepoint.getStateSize() - second.getStateSize())
                    .isGreaterThan(size(both) - 2048);
        }
        try (Job restored = new Job(id, 1, second)) {
            assertThat(successes(restored.h)).isEqualTo(expected);
        }
    }

    @Test
    void aSavepointStandsAloneWhenTheFilesAreGone() throws Exception {
        List<String> expected = uninterrupted();
        JobID id = new JobID();
        OperatorSubtaskState savepoint;
        try (Job job = new Job(id, 1, null)) {
            failures(job.h, 0, 5);
            job.h.snapshot(1, 1);
            failures(job.h, 5, 5);
            savepoint =
                    job.h
                            .snapshotWithLocalState(
                                    2, 2, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                            .getJobManagerOwnedState();
            for (Path f : job.files()) {
                Files.delete(f);
            }
        }
        try (Job restored = new Job(new JobID(), 1, savepoint)) {
            assertThat(successes(restored.h)).isEqualTo(expected);
        }
    }

    @Test
    void aMissingFileFailsTheRestoreAndSaysWhy() throws Exception {
        JobID id = new JobID();
        OperatorSubtaskState checkpoint;
        Path lost;
        try (Job job = new Job(id, 1, null)) {
            failures(job.h, 0, 5);
            checkpoint = job.h.snapshot(1, 1);
            lost = job.files().get(0);
        }
        Files.delete(lost);
        assertThatThrownBy(() -> new Job(id, 1, checkpoint).close())
                .hasStackTraceContaining("horizon file")
                .hasStackTraceContaining("is missing")
                .hasStackTraceContaining(lost.getFileName().toString());
    }

    @Test
    void aCorruptFileFailsTheRestore() throws Exception {
        JobID id = new JobID();
        OperatorSubtaskState checkpoint;
        Path file;
        try (Job job = new Job(id, 1, null)) {
            failures(job.h, 0, 5);
            checkpoint = job.h.snapshot(1, 1);
            file = job.files().get(0);
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(file, bytes);
        assertThatThrownBy(() -> new Job(id, 1, checkpoint).close())
                .hasStackTraceContaining("checksum differs");
    }

    @Test
    void expiredFilesGoOnlyAfterRetainedLaterCompletions() throws Exception {
        JobID id = new JobID();
        try (Job job = new Job(id, 2, null)) {
            failures(job.h, 0, 5);
            job.h.snapshot(1, 1);
            job.h.notifyOfCompletedCheckpoint(1);
            List<Path> written = job.files();
            assertThat(written).hasSize(1);
            // A day later every segment is past the rule's window and pruned.
            job.h.processWatermark(new Watermark(T0 + 86_400_000L));
            job.h.snapshot(2, 2);
            job.h.notifyOfCompletedCheckpoint(2);
            assertThat(job.files()).as("checkpoint 1 is still retained").isEqualTo(written);
            job.h.snapshot(3, 3);
            job.h.notifyOfCompletedCheckpoint(3);
            assertThat(job.files()).as("two newer checkpoints completed").isEmpty();
        }
    }

    @Test
    void aRestoredJobDeletesItsOwnFilesButNeverAnotherJobs() throws Exception {
        JobID id = new JobID();
        OperatorSubtaskState checkpoint;
        List<Path> written;
        try (Job job = new Job(id, 1, null)) {
            failures(job.h, 0, 5);
            checkpoint = job.h.snapshot(1, 1);
            written = job.files();
            assertThat(written).isNotEmpty();
        }
        // Another job started from this job's checkpoint (no-claim): the files stay.
        try (Job other = new Job(new JobID(), 1, checkpoint)) {
            other.h.snapshot(2, 2);
            other.h.notifyOfCompletedCheckpoint(2);
            other.h.snapshot(3, 3);
            other.h.notifyOfCompletedCheckpoint(3);
        }
        assertThat(written).allMatch(Files::exists);
        // The same job after a failure: once a newer checkpoint completed, nothing names them.
        try (Job same = new Job(id, 1, checkpoint)) {
            same.h.snapshot(2, 2);
            assertThat(written).allMatch(Files::exists);
            same.h.notifyOfCompletedCheckpoint(2);
            assertThat(written).noneMatch(Files::exists);
        }
    }

    @Test
    void aRestoreAtAnotherParallelismReadsTheFilesAndTheWritersSuccessorDeletesThem()
            throws Exception {
        List<String> expected = uninterrupted();
        JobID id = new JobID();
        OperatorSubtaskState checkpoint;
        List<Path> written;
        try (Job job = new Job(id, 1, null)) {
            failures(job.h, 0, 5);
            failures(job.h, 5, 5);
            checkpoint = job.h.snapshot(1, 1);
            written = job.files();
            assertThat(written).isNotEmpty();
        }
        List<String> alerts = new ArrayList<>();
        // Subtask 1 first: the files' writer was subtask 0, and 0 modulo 2 deletes them.
        for (int subtask : new int[] {1, 0}) {
            OperatorSubtaskState part =
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            checkpoint, MAX_PARALLELISM, 1, 2, subtask);
            try (Job job = new Job(id, 1, part, 2, subtask)) {
                // Every success reaches both subtasks; only the one holding a source's failures
                // alerts on it.
                alerts.addAll(successes(job.h));
                job.h.snapshot(2, 2);
                job.h.notifyOfCompletedCheckpoint(2);
                if (subtask == 1) {
                    assertThat(written).allMatch(Files::exists);
                } else {
                    assertThat(written).noneMatch(Files::exists);
                }
            }
        }
        alerts.sort(null);
        assertThat(alerts).isEqualTo(expected);
    }
}
