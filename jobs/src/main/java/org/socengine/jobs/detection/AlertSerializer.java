package org.socengine.jobs.detection;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.socengine.model.Alert;
import org.socengine.model.AlertCodec;

/**
 * Alerts between the detection operator and the alert sinks (keyed by rule and department for the
 * budget): the POJO serializer rebuilt every alert and its evidence events field by field, a top
 * cost on the sink thread when suppression updates flow.
 */
public final class AlertSerializer extends CodecSerializer<Alert> {

    private static final long serialVersionUID = 1L;

    @Override
    protected void write(Alert record, DataOutputView out) throws IOException {
        AlertCodec.write(record, out);
    }

    @Override
    protected Alert read(DataInputView in) throws IOException {
        return AlertCodec.read(in);
    }

    @Override
    public Alert createInstance() {
        return new Alert();
    }

    @Override
    public TypeSerializerSnapshot<Alert> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer from checkpoints: it has no configuration of its own. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Alert> {
        public Snapshot() {
            super(AlertSerializer::new);
        }
    }
}
