package org.socengine.jobs.detection;

import java.io.IOException;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess;

/**
 * What a checkpoint holds of a horizon segment written to a file by an earlier one: where its bytes
 * are, how many, their CRC-32, and the subtask that wrote the file (which deletes it, modulo the
 * parallelism after a rescale). Or, with a negative length, a file that no segment uses any more
 * and that waits to be deleted: a restore must know it to delete it.
 *
 * <p>Stored in the detector's union state beside the segments' own bytes, told apart by the first
 * byte (the segments' formats are 0 to 3).
 */
record HorizonFileRef(String path, long offset, int length, int checksum, int writer) {

    static final byte SEGMENT_IN_FILE = 4;
    static final byte FILE_TO_DELETE = 5;

    /** A file no segment uses any more, which its writer deletes. */
    static HorizonFileRef toDelete(String path, int writer) {
        return new HorizonFileRef(path, -1, -1, 0, writer);
    }

    boolean segment() {
        return length >= 0;
    }

    static boolean isRef(byte[] entry) {
        return entry.length > 0 && (entry[0] == SEGMENT_IN_FILE || entry[0] == FILE_TO_DELETE);
    }

    byte[] encode() {
        DataOutputSerializer out = new DataOutputSerializer(64 + path.length());
        try {
            out.writeByte(segment() ? SEGMENT_IN_FILE : FILE_TO_DELETE);
            out.writeUTF(path);
            out.writeInt(writer);
            if (segment()) {
                out.writeLong(offset);
                out.writeInt(length);
                out.writeInt(checksum);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a horizon file reference", e);
        }
        return out.getCopyOfBuffer();
    }

    static HorizonFileRef decode(byte[] entry) {
        DataInputDeserializer in = new DataInputDeserializer(entry);
        try {
            byte kind = in.readByte();
            String path = in.readUTF();
            int writer = in.readInt();
            if (kind == FILE_TO_DELETE) {
                return toDelete(path, writer);
            }
            if (kind != SEGMENT_IN_FILE) {
                throw new IllegalStateException("not a horizon file reference: kind " + kind);
            }
            return new HorizonFileRef(path, in.readLong(), in.readInt(), in.readInt(), writer);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read a horizon file reference", e);
        }
    }

    /**
     * Whether the file is in the task-owned folder of job {@code jobId} ({@code <checkpoints>/<job
     * id>/taskowned/}): a job deletes only its own files, never those of the job whose checkpoint
     * it was started from (Flink's no-claim restore).
     */
    static boolean ofJob(String path, String jobId) {
        Path folder = new Path(path).getParent();
        return folder != null
                && AbstractFsCheckpointStorageAccess.CHECKPOINT_TASK_OWNED_STATE_DIR.equals(
                        folder.getName())
                && folder.getParent() != null
                && jobId.equals(folder.getParent().getName());
    }
}
