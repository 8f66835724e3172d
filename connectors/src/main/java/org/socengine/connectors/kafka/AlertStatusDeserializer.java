package org.socengine.connectors.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.model.AlertStatusChange;

/**
 * Reads {@code soc.alert-status}: one JSON status change per record, the record key standing in for
 * a missing alert id. A record that is not a valid change is logged and skipped: a typo by one
 * analyst's tool must not stop the detection job.
 */
public final class AlertStatusDeserializer
        implements KafkaRecordDeserializationSchema<AlertStatusChange> {

    private static final Logger LOG = LoggerFactory.getLogger(AlertStatusDeserializer.class);

    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> record, Collector<AlertStatusChange> out) {
        if (record.value() == null) {
            return;
        }
        try {
            AlertStatusChange c =
                    AlertStatusChange.fromJson(new String(record.value(), StandardCharsets.UTF_8));
            if (c.alertId == null && record.key() != null) {
                c.alertId = new String(record.key(), StandardCharsets.UTF_8);
            }
            var problems = c.problems();
            if (!problems.isEmpty()) {
                LOG.warn(
                        "skipping alert status change at {}-{}@{}: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        String.join("; ", problems));
                return;
            }
            out.collect(c);
        } catch (IOException e) {
            LOG.warn(
                    "skipping unreadable alert status change at {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
        }
    }

    @Override
    public TypeInformation<AlertStatusChange> getProducedType() {
        return TypeInformation.of(AlertStatusChange.class);
    }
}
