package org.socengine.jobs.detection;

import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The serializer of the detection operator's pending and horizon events in checkpoints. The profile
 * of {@code ./soc bench} showed checkpoints of these lists taking most of the job's CPU: the state
 * backend deep-copies every element on the task thread at each checkpoint, and the POJO serializer
 * then writes each element field by field, byte by byte, into the checkpoint stream.
 *
 * <p>Two changes, same content: {@link #copy} returns the element itself (a routed event is never
 * changed once it reached the operator, so the copy only cost time), and each element is written
 * through an in-memory buffer and lands in the stream as one length-prefixed block, and is read
 * back the same way.
 */
public final class RoutedStateSerializer extends TypeSerializer<Routed> {

    private static final long serialVersionUID = 1L;

    private final TypeSerializer<Routed> pojo;
    private transient DataOutputSerializer buffer;
    private transient DataInputDeserializer input;

    public RoutedStateSerializer() {
        this.pojo = TypeInformation.of(Routed.class).createSerializer(new SerializerConfigImpl());
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<Routed> duplicate() {
        return new RoutedStateSerializer();
    }

    @Override
    public Routed createInstance() {
        return new Routed();
    }

    @Override
    public Routed copy(Routed from) {
        return from;
    }

    @Override
    public Routed copy(Routed from, Routed reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Routed record, DataOutputView target) throws IOException {
        if (buffer == null) {
            buffer = new DataOutputSerializer(4096);
        }
        buffer.clear();
        pojo.serialize(record, buffer);
        target.writeInt(buffer.length());
        target.write(buffer.getSharedBuffer(), 0, buffer.length());
    }

    @Override
    public Routed deserialize(DataInputView source) throws IOException {
        int length = source.readInt();
        byte[] bytes = new byte[length];
        source.readFully(bytes);
        if (input == null) {
            input = new DataInputDeserializer();
        }
        input.setBuffer(bytes);
        return pojo.deserialize(input);
    }

    @Override
    public Routed deserialize(Routed reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int length = source.readInt();
        target.writeInt(length);
        target.write(source, length);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof RoutedStateSerializer;
    }

    @Override
    public int hashCode() {
        return RoutedStateSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<Routed> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer from checkpoints: it has no configuration of its own. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Routed> {
        public Snapshot() {
            super(RoutedStateSerializer::new);
        }
    }
}
