package org.socengine.jobs.detection;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.socengine.model.SecurityEvent;
import org.socengine.model.SecurityEventCodec;

/**
 * Events between the decoder and the router: the router takes the control stream as its second
 * input, so it cannot run in the decoder's chain and every event crosses a network channel there.
 * {@link SecurityEventCodec} writes only the fields an event has, where Flink's POJO serializer
 * instantiates and sets every field by reflection.
 */
public final class SecurityEventSerializer extends TypeSerializerSingleton<SecurityEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public SecurityEvent createInstance() {
        return new SecurityEvent();
    }

    @Override
    public SecurityEvent copy(SecurityEvent from) {
        return SecurityEventCodec.fromBytes(SecurityEventCodec.toBytes(from));
    }

    @Override
    public SecurityEvent copy(SecurityEvent from, SecurityEvent reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SecurityEvent record, DataOutputView target) throws IOException {
        SecurityEventCodec.write(record, target);
    }

    @Override
    public SecurityEvent deserialize(DataInputView source) throws IOException {
        return SecurityEventCodec.read(source);
    }

    @Override
    public SecurityEvent deserialize(SecurityEvent reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<SecurityEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer from checkpoints: it has no configuration of its own. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SecurityEvent> {
        public Snapshot() {
            super(SecurityEventSerializer::new);
        }
    }
}
