package org.socengine.jobs.detection;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.socengine.model.SecurityEvent;
import org.socengine.model.SecurityEventCodec;

/**
 * Events between the decoder and the router: the router takes the control stream as its second
 * input, so it cannot run in the decoder's chain and every event crosses a network channel there.
 */
public final class SecurityEventSerializer extends CodecSerializer<SecurityEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    protected void write(SecurityEvent record, DataOutputView out) throws IOException {
        SecurityEventCodec.write(record, out);
    }

    @Override
    protected SecurityEvent read(DataInputView in) throws IOException {
        return SecurityEventCodec.read(in);
    }

    @Override
    public SecurityEvent createInstance() {
        return new SecurityEvent();
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
