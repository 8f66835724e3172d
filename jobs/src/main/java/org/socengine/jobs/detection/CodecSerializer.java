package org.socengine.jobs.detection;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A Flink serializer over one of the model's hand-written binary codecs. Flink's POJO serializer
 * instantiates every nested object and sets every field by reflection; the codecs write only what a
 * record has. Subclasses name the codec and a snapshot class (Flink restores serializers from
 * checkpoints through a no-argument constructor).
 */
abstract class CodecSerializer<T> extends TypeSerializerSingleton<T> {

    private static final long serialVersionUID = 1L;

    protected abstract void write(T record, DataOutputView out) throws IOException;

    protected abstract T read(DataInputView in) throws IOException;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    /** A deep copy through the codec; records are not mutated after emission, but Flink may ask. */
    @Override
    public T copy(T from) {
        var bytes = new org.apache.flink.core.memory.DataOutputSerializer(512);
        try {
            write(from, bytes);
            return read(
                    new org.apache.flink.core.memory.DataInputDeserializer(
                            bytes.getSharedBuffer(), 0, bytes.length()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy a " + from.getClass().getSimpleName(), e);
        }
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        write(record, target);
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        write(read(source), target);
    }

    /**
     * A string that may be null. Keys are source values (user names, URLs): longer than writeUTF's
     * 64 KB is possible.
     */
    protected static void writeNullable(String s, DataOutputView out) throws IOException {
        if (s == null) {
            out.writeBoolean(false);
        } else {
            out.writeBoolean(true);
            writeStringValue(s, out);
        }
    }

    protected static String readNullable(DataInputView in) throws IOException {
        return in.readBoolean() ? org.apache.flink.types.StringValue.readString(in) : null;
    }

    /** Bytes that may be null. */
    protected static void writeNullable(byte[] b, DataOutputView out) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    protected static byte[] readNullableBytes(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static final int MAX_BUFFERED_CHARS = 1 << 24;

    /**
     * The bytes of Flink's {@code StringValue.writeString} (the length plus one, then each char, as
     * 7-bit groups), made in an array and written at once. {@code writeString} writes them byte by
     * byte through {@code DataOutput.write(int)}: the keys cost the horizon as much as the rest of
     * the event.
     */
    static void writeStringValue(String s, DataOutputView out) throws IOException {
        int n = s.length();
        if (n > MAX_BUFFERED_CHARS) {
            // Up to three bytes a char: past this, one array would be too large to be worth it.
            org.apache.flink.types.StringValue.writeString(s, out);
            return;
        }
        byte[] b = new byte[5 + 3 * n];
        int p = 0;
        for (int v = n + 1; ; v >>>= 7) {
            if (v < 0x80) {
                b[p++] = (byte) v;
                break;
            }
            b[p++] = (byte) (v | 0x80);
        }
        for (int i = 0; i < n; i++) {
            int c = s.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x4000) {
                b[p++] = (byte) (c | 0x80);
                b[p++] = (byte) (c >>> 7);
            } else {
                b[p++] = (byte) (c | 0x80);
                b[p++] = (byte) ((c >>> 7) | 0x80);
                b[p++] = (byte) (c >>> 14);
            }
        }
        out.write(b, 0, p);
    }
}
