package org.socengine.jobs.detection;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.socengine.model.Alert;
import org.socengine.model.AlertCodec;

/**
 * Alerts between the detection operator and the alert sinks (keyed by rule and department for the
 * budget): Flink's POJO serializer rebuilt every alert and its evidence events field by field by
 * reflection, a top cost on the sink thread when suppression updates flow.
 */
public final class AlertSerializer extends TypeSerializerSingleton<Alert> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Alert createInstance() {
        return new Alert();
    }

    @Override
    public Alert copy(Alert from) {
        return AlertCodec.fromBytes(AlertCodec.toBytes(from));
    }

    @Override
    public Alert copy(Alert from, Alert reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Alert record, DataOutputView target) throws IOException {
        AlertCodec.write(record, target);
    }

    @Override
    public Alert deserialize(DataInputView source) throws IOException {
        return AlertCodec.read(source);
    }

    @Override
    public Alert deserialize(Alert reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
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
