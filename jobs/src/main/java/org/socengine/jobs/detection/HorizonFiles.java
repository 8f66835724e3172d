package org.socengine.jobs.detection;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.state.CheckpointStateOutputStream;
import org.apache.flink.runtime.state.CheckpointStorageWorkerView;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.filesystem.FsCheckpointStreamFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.jobs.internal.HorizonMetrics;

/**
 * A detector subtask's horizon segments in files of the checkpoint storage's task-owned folder
 * ({@code <checkpoints>/<job id>/taskowned/}): each sealed segment is written once, by the first
 * checkpoint that needs it, and later checkpoints hold only a {@link HorizonFileRef} to it. A
 * checkpoint then writes what changed since the one before (the newly sealed segments, the open
 * one, the events waiting for the watermark) instead of the whole horizon.
 *
 * <p>Only with a file-system checkpoint storage: with the job manager's (tests) the segments stay
 * in the state as bytes, as they do in savepoints, which must stand alone. The {@link
 * HorizonFileLedger} decides when a file may go.
 */
final class HorizonFiles {

    private static final Logger LOG = LoggerFactory.getLogger(HorizonFiles.class);

    /** Bytes this JVM's detectors wrote to horizon files, for {@code soc.horizon.*}. */
    static final AtomicLong WRITTEN = HorizonMetrics.WRITTEN;

    /** Bytes of horizon files the newest checkpoint of this JVM's detectors name. */
    static final AtomicLong REFERENCED = HorizonMetrics.REFERENCED;

    private final CheckpointStorageWorkerView storage;
    private final String jobId;
    private final int subtask;
    private final HorizonFileLedger ledger;
    private final boolean enabled;
    private long referenced;

    HorizonFiles(CheckpointStorageWorkerView storage, String jobId, int subtask, int retained) {
        this.storage = storage;
        this.jobId = jobId;
        this.subtask = subtask;
        this.ledger = new HorizonFileLedger(retained);
        this.enabled = writesFiles(storage);
    }

    /**
     * Whether the storage's task-owned streams are files. A task sees its storage through a wrapper
     * (the subtask's checkpoint coordinator caches locations), so the storage is known by a stream
     * of its own; one never written to creates no file.
     */
    private static boolean writesFiles(CheckpointStorageWorkerView storage) {
        if (storage == null) {
            return false;
        }
        try (CheckpointStateOutputStream probe = storage.createTaskOwnedStateStream()) {
            return probe instanceof FsCheckpointStreamFactory.FsCheckpointStateOutputStream;
        } catch (IOException e) {
            LOG.warn("horizon segments stay in the checkpoints: {}", e.toString());
            return false;
        }
    }

    /**
     * Whether segments go to files at all with this storage: with file-system storage (also with
     * Flink's file merging, which leaves task-owned streams as they are), not the job manager's.
     */
    boolean enabled() {
        return enabled;
    }

    /**
     * Writes the segments into one new file and marks each with its place there.
     *
     * @return bytes written; 0 when the storage kept them in memory (below its file-size
     *     threshold), and the segments then stay in the state as bytes
     */
    long store(List<RestoreHorizon.Segment> segments) throws Exception {
        if (segments.isEmpty() || !enabled()) {
            return 0;
        }
        long[] offsets = new long[segments.size()];
        StreamStateHandle handle;
        CheckpointStateOutputStream out = storage.createTaskOwnedStateStream();
        try {
            for (int i = 0; i < segments.size(); i++) {
                offsets[i] = out.getPos();
                out.write(segments.get(i).bytes());
            }
            handle = out.closeAndGetHandle();
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
        if (!(handle instanceof FileStateHandle file)) {
            if (handle != null) {
                handle.discardState();
            }
            return 0;
        }
        String path = file.getFilePath().toString();
        long total = 0;
        for (int i = 0; i < segments.size(); i++) {
            byte[] bytes = segments.get(i).bytes();
            segments.get(i)
                    .stored(
                            new HorizonFileRef(
                                    path, offsets[i], bytes.length, checksum(bytes), subtask));
            total += bytes.length;
        }
        WRITTEN.addAndGet(total);
        return total;
    }

    /**
     * Checkpoint {@code id} names the segments {@code named} in files.
     *
     * @return the state entries of the files that wait to be deleted
     */
    List<byte[]> checkpointed(long id, List<HorizonFileRef> named) {
        long bytes = 0;
        List<String> paths = new ArrayList<>();
        for (HorizonFileRef r : named) {
            paths.add(r.path());
            bytes += r.length();
        }
        REFERENCED.addAndGet(bytes - referenced);
        referenced = bytes;
        List<byte[]> waiting = new ArrayList<>();
        for (String path : ledger.checkpointed(id, paths)) {
            waiting.add(HorizonFileRef.toDelete(path, subtask).encode());
        }
        return waiting;
    }

    /** A restored reference: its file is this subtask's to delete if its writer maps here. */
    void restored(HorizonFileRef ref, int parallelism) {
        if (ref.writer() % parallelism == subtask && HorizonFileRef.ofJob(ref.path(), jobId)) {
            ledger.restored(ref.path());
        }
    }

    /** Deletes the files no retained checkpoint names any more. */
    void completed(long id) {
        for (String path : ledger.completed(id)) {
            Path p = new Path(path);
            try {
                p.getFileSystem().delete(p, false);
            } catch (IOException e) {
                // A file left behind costs space, not state; the next restore does not need it.
                LOG.warn("cannot delete expired horizon file {}: {}", path, e.toString());
            }
        }
    }

    void aborted(long id) {
        ledger.aborted(id);
    }

    /** Forgets this subtask's share of {@link #REFERENCED}. */
    void close() {
        REFERENCED.addAndGet(-referenced);
        referenced = 0;
    }

    static int checksum(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /**
     * Reads the segments the references point to, each file once, and checks each against its
     * length and checksum. A file that is missing or does not hold what the checkpoint says fails
     * the restore: its events would be lost from the rules' windows.
     */
    static void read(List<HorizonFileRef> refs, Consumer<byte[]> segment) throws IOException {
        Map<String, List<HorizonFileRef>> byFile = new LinkedHashMap<>();
        for (HorizonFileRef r : refs) {
            if (r.segment()) {
                byFile.computeIfAbsent(r.path(), p -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<String, List<HorizonFileRef>> e : byFile.entrySet()) {
            Path path = new Path(e.getKey());
            List<HorizonFileRef> in = e.getValue();
            in.sort(Comparator.comparingLong(HorizonFileRef::offset));
            FileSystem fs = path.getFileSystem();
            FSDataInputStream stream;
            try {
                stream = fs.open(path);
            } catch (FileNotFoundException missing) {
                throw lost(path, "is missing", missing);
            }
            try (stream) {
                long at = 0;
                for (HorizonFileRef r : in) {
                    if (r.offset() != at) {
                        stream.seek(r.offset());
                    }
                    byte[] bytes = new byte[r.length()];
                    int n = 0;
                    while (n < bytes.length) {
                        int k = stream.read(bytes, n, bytes.length - n);
                        if (k < 0) {
                            throw lost(
                                    path,
                                    "ends before the segment at offset "
                                            + r.offset()
                                            + " of "
                                            + r.length()
                                            + " bytes",
                                    null);
                        }
                        n += k;
                    }
                    if (checksum(bytes) != r.checksum()) {
                        throw lost(
                                path,
                                "does not hold the segment at offset "
                                        + r.offset()
                                        + " the checkpoint names (checksum differs)",
                                null);
                    }
                    at = r.offset() + r.length();
                    segment.accept(bytes);
                }
            }
        }
    }

    private static IOException lost(Path path, String what, Exception cause) {
        return new IOException(
                "detector restore: horizon file "
                        + path
                        + " "
                        + what
                        + "; the checkpoint's rule windows cannot be rebuilt. Restore from a"
                        + " savepoint or a newer checkpoint, or start without state",
                cause);
    }
}
