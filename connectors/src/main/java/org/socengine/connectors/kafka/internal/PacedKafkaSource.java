package org.socengine.connectors.kafka.internal;

import java.lang.reflect.Field;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.metrics.KafkaSourceReaderMetrics;
import org.apache.flink.connector.kafka.source.reader.KafkaRecordEmitter;
import org.apache.flink.connector.kafka.source.reader.KafkaSourceReader;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.connector.kafka.source.reader.fetcher.KafkaSourceFetcherManager;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.flink.util.function.SerializableSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A {@link KafkaSource} whose readers are {@link FinishedSplitTolerantReader}s: the same
 * enumerator, splits, offsets, properties and state, so a job's checkpoints and savepoints are
 * those of the plain source. Everything but the reader is the wrapped source's; the reader is built
 * as {@code KafkaSource#createReader} builds it in flink-connector-kafka 5.0.0-2.2.
 */
public final class PacedKafkaSource<T>
        implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final KafkaSource<T> source;
    private final Properties props;
    private final KafkaRecordDeserializationSchema<T> deserializer;
    private final SerializableSupplier<String> rackId;

    @SuppressWarnings("unchecked")
    public PacedKafkaSource(KafkaSource<T> source) {
        this.source = source;
        this.props = (Properties) field(source, "props");
        this.deserializer =
                (KafkaRecordDeserializationSchema<T>) field(source, "deserializationSchema");
        this.rackId = (SerializableSupplier<String>) field(source, "rackIdSupplier");
    }

    private static Object field(KafkaSource<?> source, String name) {
        try {
            Field f = KafkaSource.class.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(source);
        } catch (ReflectiveOperationException e) {
            // Only another connector version can get here: its tests (PacedKafkaSourceITCase) say
            // so.
            throw new IllegalStateException(
                    "flink-connector-kafka has no KafkaSource." + name + ": not 5.0.0-2.2?", e);
        }
    }

    @Override
    public Boundedness getBoundedness() {
        return source.getBoundedness();
    }

    @Override
    public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context)
            throws Exception {
        FutureCompletingBlockingQueue<RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>>> queue =
                new FutureCompletingBlockingQueue<>();
        deserializer.open(
                new DeserializationSchema.InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return context.metricGroup().addGroup("deserializer");
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return context.getUserCodeClassLoader();
                    }
                });
        KafkaSourceReaderMetrics metrics = new KafkaSourceReaderMetrics(context.metricGroup());
        String rack = Optional.ofNullable(rackId).map(Supplier::get).orElse(null);
        Supplier<SplitReader<ConsumerRecord<byte[], byte[]>, KafkaPartitionSplit>> readers =
                () -> new FinishedSplitTolerantReader(props, context, metrics, rack);
        Configuration config = new Configuration();
        props.stringPropertyNames().forEach(k -> config.setString(k, props.getProperty(k)));
        return new KafkaSourceReader<>(
                queue,
                new KafkaSourceFetcherManager(queue, readers, finished -> {}),
                new KafkaRecordEmitter<>(deserializer),
                config,
                context,
                metrics);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) throws Exception {
        return source.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state)
            throws Exception {
        return source.restoreEnumerator(context, state);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return source.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return source.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return source.getProducedType();
    }
}
