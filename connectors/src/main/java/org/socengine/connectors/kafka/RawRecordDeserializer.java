package org.socengine.connectors.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.socengine.connectors.decode.Decoders;
import org.socengine.connectors.decode.core.RawRecord;

/**
 * Wraps each Kafka record with its origin and leaves the bytes undecoded: decoding happens in the
 * job, where a record that fails can be dead-lettered instead of failing the source.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

    public static final String DEPARTMENT_HEADER = "department";

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        RawRecord r = new RawRecord();
        r.topic = record.topic();
        r.source = Decoders.sourceOfTopic(record.topic());
        r.partition = record.partition();
        r.offset = record.offset();
        r.kafkaTimestamp = record.timestamp();
        r.key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        for (Header h : record.headers().headers(DEPARTMENT_HEADER)) {
            String v = h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
            if (r.departmentHeader != null && !r.departmentHeader.equals(v)) {
                r.conflictingDepartmentHeaders = true;
            }
            r.departmentHeader = v;
        }
        r.value = record.value() == null ? new byte[0] : record.value();
        out.collect(r);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
