package org.socengine.jobs.detection;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.socengine.model.SecurityEventCodec;

/**
 * Routed records between the router and the detectors and in the detectors' checkpoints. The
 * profile of {@code ./soc bench} put Flink's POJO serializer first on the detection thread: it
 * instantiates every nested object of an event and sets every field by reflection before reading
 * it. This one writes the families and keys, then the event through {@link SecurityEventCodec},
 * which writes only the fields an event has.
 *
 * <p>{@link #copy} returns the record itself: a routed record is never changed once emitted, and
 * the state backend copies operator state at every checkpoint on the task thread.
 */
public final class RoutedSerializer extends CodecSerializer<Routed> {

    private static final long serialVersionUID = 1L;

    private static final byte EVENT = 0;
    private static final byte CONTROL = 1;

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
    protected void write(Routed r, DataOutputView out) throws IOException {
        out.writeInt(r.target);
        if (r.control != null) {
            out.writeByte(CONTROL);
            Control c = r.control;
            writeNullable(c.kind, out);
            writeNullable(c.ruleId, out);
            if (c.compiledRule == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(c.compiledRule.length);
                out.write(c.compiledRule);
            }
            writeNullable(c.alertId, out);
            writeNullable(c.status, out);
            writeNullable(c.disposition, out);
            return;
        }
        out.writeByte(EVENT);
        out.writeShort(r.families.length);
        for (int i = 0; i < r.families.length; i++) {
            out.writeUTF(r.families[i]);
            writeNullable(r.keys[i], out);
        }
        SecurityEventCodec.write(r.event, out);
    }

    @Override
    protected Routed read(DataInputView in) throws IOException {
        int target = in.readInt();
        byte kind = in.readByte();
        if (kind == CONTROL) {
            Control c = new Control();
            c.kind = readNullable(in);
            c.ruleId = readNullable(in);
            int n = in.readInt();
            if (n >= 0) {
                c.compiledRule = new byte[n];
                in.readFully(c.compiledRule);
            }
            c.alertId = readNullable(in);
            c.status = readNullable(in);
            c.disposition = readNullable(in);
            return Routed.control(target, c);
        }
        if (kind != EVENT) {
            throw new IOException("unknown routed record kind " + kind);
        }
        int n = in.readUnsignedShort();
        String[] families = new String[n];
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            families[i] = in.readUTF();
            keys[i] = readNullable(in);
        }
        return Routed.event(target, SecurityEventCodec.read(in), families, keys);
    }

    @Override
    public TypeSerializerSnapshot<Routed> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer from checkpoints: it has no configuration of its own. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Routed> {
        public Snapshot() {
            super(RoutedSerializer::new);
        }
    }
}
