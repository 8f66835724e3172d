package org.socengine.jobs.detection;

import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * Type information that names the serializer Flink must use for a type, instead of the one its type
 * extraction would pick (the POJO serializer, which the profile showed as the detection thread's
 * largest cost).
 */
public final class SerializerTypeInfo<T> extends TypeInformation<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final SerializableSupplier<TypeSerializer<T>> serializer;

    public SerializerTypeInfo(Class<T> type, SerializableSupplier<TypeSerializer<T>> serializer) {
        this.type = Objects.requireNonNull(type);
        this.serializer = Objects.requireNonNull(serializer);
    }

    /** Raw records between the Kafka source and the decode step. */
    public static SerializerTypeInfo<org.socengine.connectors.decode.core.RawRecord> rawRecords() {
        return new SerializerTypeInfo<>(
                org.socengine.connectors.decode.core.RawRecord.class, RawRecordSerializer::new);
    }

    /** Events between decoding and routing. */
    public static SerializerTypeInfo<org.socengine.model.SecurityEvent> events() {
        return new SerializerTypeInfo<>(
                org.socengine.model.SecurityEvent.class, SecurityEventSerializer::new);
    }

    /** Alerts between detection and the sinks. */
    public static SerializerTypeInfo<org.socengine.model.Alert> alerts() {
        return new SerializerTypeInfo<>(org.socengine.model.Alert.class, AlertSerializer::new);
    }

    /** Events and control messages between routing and detection. */
    public static SerializerTypeInfo<Routed> routed() {
        return new SerializerTypeInfo<>(Routed.class, RoutedSerializer::new);
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer.get();
    }

    @Override
    public String toString() {
        return type.getSimpleName() + " (" + serializer.get().getClass().getSimpleName() + ")";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof SerializerTypeInfo<?> o
                && o.type == type
                && o.serializer.get().equals(serializer.get());
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof SerializerTypeInfo;
    }
}
