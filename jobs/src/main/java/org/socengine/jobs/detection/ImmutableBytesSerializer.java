package org.socengine.jobs.detection;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Byte arrays that nobody changes once written, such as the detectors' serialized horizon events.
 * Flink's byte-array serializer copies every array of an operator's list state on the task thread
 * at each checkpoint; these are shared instead.
 */
public final class ImmutableBytesSerializer extends TypeSerializerSingleton<byte[]> {

    private static final long serialVersionUID = 1L;
    private static final byte[] EMPTY = new byte[0];

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public byte[] createInstance() {
        return EMPTY;
    }

    @Override
    public byte[] copy(byte[] from) {
        return from;
    }

    @Override
    public byte[] copy(byte[] from, byte[] reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(byte[] record, DataOutputView target) throws IOException {
        target.writeInt(record.length);
        target.write(record);
    }

    @Override
    public byte[] deserialize(DataInputView source) throws IOException {
        byte[] b = new byte[source.readInt()];
        source.readFully(b);
        return b;
    }

    @Override
    public byte[] deserialize(byte[] reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int n = source.readInt();
        target.writeInt(n);
        target.write(source, n);
    }

    @Override
    public TypeSerializerSnapshot<byte[]> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer from checkpoints: it has no configuration of its own. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<byte[]> {
        public Snapshot() {
            super(ImmutableBytesSerializer::new);
        }
    }
}
