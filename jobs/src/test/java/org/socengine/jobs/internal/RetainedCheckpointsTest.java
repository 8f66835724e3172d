package org.socengine.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a restarted job resumes from, and what of earlier jobs it may delete. */
class RetainedCheckpointsTest {

    private static Path file(Path p, int bytes) throws Exception {
        Files.createDirectories(p.getParent());
        return Files.write(p, new byte[bytes]);
    }

    @Test
    void theNewestCompletedCheckpointIsResumedFromAndAnUnfinishedOneIsPassedOver(@TempDir Path dir)
            throws Exception {
        file(dir.resolve("job-a/chk-3/_metadata"), 10);
        file(dir.resolve("job-b/chk-9/state"), 10); // crashed before its _metadata
        assertThat(RetainedCheckpoints.latestCheckpoint(dir.toString()))
                .get()
                .satisfies(r -> assertThat(r.path()).endsWith("job-a/chk-3"));
    }

    @Test
    void onlyTaskOwnedFilesOfJobsWithoutACompletedCheckpointAreRemoved(@TempDir Path dir)
            throws Exception {
        // The job the next run resumes from: everything stays.
        file(dir.resolve("resumed/chk-7/_metadata"), 10);
        Path kept = file(dir.resolve("resumed/taskowned/horizon-1"), 100);
        // The job it was started from: its checkpoint claimed and gone, its horizon files left.
        Path abandoned = file(dir.resolve("earlier/taskowned/horizon-1"), 1_000);
        file(dir.resolve("earlier/taskowned/horizon-2"), 24);
        // Incremental RocksDB files a later job's checkpoints may name.
        Path shared = file(dir.resolve("earlier/shared/sst-1"), 500);
        // A run that crashed before its first checkpoint.
        Path crashed = file(dir.resolve("crashed/taskowned/horizon-1"), 76);
        file(dir.resolve("crashed/chk-1/state"), 10);

        long freed = RetainedCheckpoints.removeAbandonedTaskOwnedFiles(dir.toString());

        assertThat(freed).isEqualTo(1_000 + 24 + 76);
        assertThat(kept).exists();
        assertThat(shared).exists();
        assertThat(abandoned.getParent()).doesNotExist();
        assertThat(crashed.getParent()).doesNotExist();
        assertThat(RetainedCheckpoints.removeAbandonedTaskOwnedFiles(dir.toString())).isZero();
        assertThat(
                        RetainedCheckpoints.removeAbandonedTaskOwnedFiles(
                                dir.resolve("none").toString()))
                .isZero();
    }
}
