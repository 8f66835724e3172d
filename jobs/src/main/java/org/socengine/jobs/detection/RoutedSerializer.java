package org.socengine.jobs.detection;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.socengine.connectors.intel.Indicator;
import org.socengine.connectors.intel.IndicatorKind;
import org.socengine.jobs.intel.IntelUpdate;
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
    private static final byte INTEL = 2;

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
            writeNullable(c.compiledRule, out);
            writeNullable(c.alertId, out);
            writeNullable(c.status, out);
            writeNullable(c.disposition, out);
            return;
        }
        if (r.intel != null) {
            out.writeByte(INTEL);
            writeIntel(r.intel, out);
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
            c.compiledRule = readNullableBytes(in);
            c.alertId = readNullable(in);
            c.status = readNullable(in);
            c.disposition = readNullable(in);
            return Routed.control(target, c);
        }
        if (kind == INTEL) {
            return Routed.intel(readIntel(in));
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

    // Chained from the decode step to the enrichment, an update is never written; this is for a
    // chain that a job's configuration breaks.
    private static void writeIntel(IntelUpdate u, DataOutputView out) throws IOException {
        writeNullable(u.key, out);
        writeNullable(u.error, out);
        out.writeInt(u.partition);
        out.writeLong(u.offset);
        out.writeLong(u.kafkaTimestamp);
        writeNullable(u.raw, out);
        Indicator i = u.indicator;
        out.writeBoolean(i != null);
        if (i != null) {
            out.writeUTF(i.kind.id());
            writeNullable(i.value, out);
            writeNullable(i.source, out);
            out.writeInt(i.confidence);
            out.writeLong(i.firstSeen);
            out.writeLong(i.lastSeen);
            out.writeLong(i.validUntil);
            out.writeBoolean(i.hunt);
            writeNullable(i.description, out);
        }
    }

    private static IntelUpdate readIntel(DataInputView in) throws IOException {
        IntelUpdate u = new IntelUpdate();
        u.key = readNullable(in);
        u.error = readNullable(in);
        u.partition = in.readInt();
        u.offset = in.readLong();
        u.kafkaTimestamp = in.readLong();
        u.raw = readNullableBytes(in);
        if (in.readBoolean()) {
            Indicator i = new Indicator();
            String kind = in.readUTF();
            i.kind = IndicatorKind.named(kind);
            if (i.kind == null) {
                throw new IOException("unknown indicator kind " + kind);
            }
            i.value = readNullable(in);
            i.source = readNullable(in);
            i.confidence = in.readInt();
            i.firstSeen = in.readLong();
            i.lastSeen = in.readLong();
            i.validUntil = in.readLong();
            i.hunt = in.readBoolean();
            i.description = readNullable(in);
            u.indicator = i;
        }
        return u;
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
