package org.socengine.jobs.internal;

import java.io.IOException;
import java.util.Optional;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Finds the state a restarted job resumes from: the newest completed checkpoint ({@code <dir>/<job
 * id>/chk-<n>/_metadata}) or savepoint ({@code <dir>/savepoint-*}/_metadata) in the configured
 * folders, on whatever file system Flink reaches them (local, or an object store with its plugin).
 * A checkpoint is complete once its {@code _metadata} is written; one without is the leftover of a
 * crash and is passed over.
 */
public final class RetainedCheckpoints {

    /** A checkpoint or savepoint to resume from. */
    public record Retained(String path, long writtenAt, boolean savepoint) {}

    private static final String METADATA = "_metadata";

    private RetainedCheckpoints() {}

    /** The newest of both folders' retained states, if any. */
    public static Optional<Retained> latest(StateSettings state) throws IOException {
        Optional<Retained> cp = latestCheckpoint(state.checkpoints());
        Optional<Retained> sp = latestSavepoint(state.savepoints());
        if (cp.isEmpty()) {
            return sp;
        }
        if (sp.isEmpty()) {
            return cp;
        }
        return cp.get().writtenAt() >= sp.get().writtenAt() ? cp : sp;
    }

    public static Optional<Retained> latestCheckpoint(String dir) throws IOException {
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem();
        Retained best = null;
        for (FileStatus job : list(fs, root)) {
            if (!job.isDir()) {
                continue;
            }
            for (FileStatus chk : list(fs, job.getPath())) {
                if (chk.isDir() && chk.getPath().getName().startsWith("chk-")) {
                    best = newer(best, fs, chk.getPath(), false);
                }
            }
        }
        return Optional.ofNullable(best);
    }

    public static Optional<Retained> latestSavepoint(String dir) throws IOException {
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem();
        Retained best = null;
        for (FileStatus sp : list(fs, root)) {
            if (sp.isDir() && sp.getPath().getName().startsWith("savepoint-")) {
                best = newer(best, fs, sp.getPath(), true);
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Deletes the task-owned folder ({@code <dir>/<job id>/taskowned}) of every earlier job that
     * has no completed checkpoint left, and returns the bytes freed. The detector writes its replay
     * horizon there and deletes its own files, but never those of the job it was started from: a
     * job resumed by {@code ./soc run} gets a new id, and the files of the one before stayed, one
     * horizon's worth per restart. A job without a completed checkpoint cannot be resumed and no
     * savepoint names such files (savepoints hold the horizon's bytes), so nothing needs them. The
     * {@code shared} folder stays: incremental RocksDB checkpoints of a later job name its files.
     * Call it before the job starts: the job it resumes from has a completed checkpoint.
     */
    public static long removeAbandonedTaskOwnedFiles(String dir) throws IOException {
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem();
        long freed = 0;
        for (FileStatus job : list(fs, root)) {
            if (!job.isDir() || hasCompletedCheckpoint(fs, job.getPath())) {
                continue;
            }
            Path owned = new Path(job.getPath(), TASK_OWNED);
            for (FileStatus f : list(fs, owned)) {
                freed += f.isDir() ? 0 : f.getLen();
            }
            if (fs.exists(owned)) {
                fs.delete(owned, true);
            }
        }
        return freed;
    }

    private static final String TASK_OWNED =
            org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess
                    .CHECKPOINT_TASK_OWNED_STATE_DIR;

    private static boolean hasCompletedCheckpoint(FileSystem fs, Path job) throws IOException {
        for (FileStatus chk : list(fs, job)) {
            if (chk.isDir()
                    && chk.getPath().getName().startsWith("chk-")
                    && fs.exists(new Path(chk.getPath(), METADATA))) {
                return true;
            }
        }
        return false;
    }

    private static Retained newer(Retained best, FileSystem fs, Path dir, boolean savepoint)
            throws IOException {
        Path meta = new Path(dir, METADATA);
        if (!fs.exists(meta)) {
            return best;
        }
        long at = fs.getFileStatus(meta).getModificationTime();
        if (best == null || at > best.writtenAt()) {
            return new Retained(dir.toString(), at, savepoint);
        }
        return best;
    }

    private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
        if (!fs.exists(dir)) {
            return new FileStatus[0];
        }
        FileStatus[] s = fs.listStatus(dir);
        return s == null ? new FileStatus[0] : s;
    }
}
