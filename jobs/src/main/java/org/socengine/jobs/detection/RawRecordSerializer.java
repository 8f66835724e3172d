package org.socengine.jobs.detection;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.socengine.connectors.decode.core.RawRecord;

/**
 * Raw records between the Kafka source and the running job's decode step, the one thread boundary
 * before the rules at parallelism 1 ({@link DecodeWithControlsOperator}): the record's bytes and
 * where it came from, written field by field instead of through Flink's POJO serializer and its
 * reflection.
 */
public final class RawRecordSerializer extends CodecSerializer<RawRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    protected void write(RawRecord r, DataOutputView out) throws IOException {
        writeNullable(r.source, out);
        writeNullable(r.topic, out);
        out.writeInt(r.partition);
        out.writeLong(r.offset);
        out.writeLong(r.kafkaTimestamp);
        writeNullable(r.key, out);
        writeNullable(r.departmentHeader, out);
        out.writeBoolean(r.conflictingDepartmentHeaders);
        writeNullable(r.value, out);
    }

    @Override
    protected RawRecord read(DataInputView in) throws IOException {
        RawRecord r = new RawRecord();
        r.source = readNullable(in);
        r.topic = readNullable(in);
        r.partition = in.readInt();
        r.offset = in.readLong();
        r.kafkaTimestamp = in.readLong();
        r.key = readNullable(in);
        r.departmentHeader = readNullable(in);
        r.conflictingDepartmentHeaders = in.readBoolean();
        r.value = readNullableBytes(in);
        return r;
    }

    @Override
    public RawRecord createInstance() {
        return new RawRecord();
    }

    @Override
    public TypeSerializerSnapshot<RawRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer from checkpoints: it has no configuration of its own. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RawRecord> {
        public Snapshot() {
            super(RawRecordSerializer::new);
        }
    }
}
