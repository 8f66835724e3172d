package org.socengine.connectors.kafka.internal;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.kafka.source.metrics.KafkaSourceReaderMetrics;
import org.apache.flink.connector.kafka.source.reader.KafkaPartitionSplitReader;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka's split reader, made to ignore a pause or resume of a split it no longer holds.
 *
 * <p>Why: with split-level watermark alignment (the engine's reading pace), the source operator
 * asks the fetcher to pause splits from its own view of them, taken before the request runs; a
 * bounded split that reached its end in between is already unassigned from the consumer, and {@code
 * KafkaConsumer.pause} then throws {@code IllegalStateException: No current assignment for
 * partition}. The fetcher dies, the job restarts, and a replay at parallelism 2 or more went on
 * failing until its heap ran out (FLINK-39728, fixed upstream after flink-connector-kafka
 * 5.0.0-2.2, the newest release here). The fetcher thread is the only one calling {@link #fetch}
 * and {@link #pauseOrResumeSplits}, so the splits this reader holds are known exactly here.
 */
public final class FinishedSplitTolerantReader extends KafkaPartitionSplitReader {

    private final Set<String> held = new HashSet<>();

    public FinishedSplitTolerantReader(
            Properties props,
            SourceReaderContext context,
            KafkaSourceReaderMetrics metrics,
            String rackId) {
        super(props, context, metrics, rackId);
    }

    @Override
    public void handleSplitsChanges(SplitsChange<KafkaPartitionSplit> change) {
        super.handleSplitsChanges(change);
        if (change instanceof SplitsAddition) {
            for (KafkaPartitionSplit s : change.splits()) {
                held.add(s.splitId());
            }
        }
    }

    @Override
    public RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> fetch() throws IOException {
        RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> records = super.fetch();
        held.removeAll(records.finishedSplits());
        return records;
    }

    @Override
    public void pauseOrResumeSplits(
            Collection<KafkaPartitionSplit> splitsToPause,
            Collection<KafkaPartitionSplit> splitsToResume) {
        super.pauseOrResumeSplits(heldOf(splitsToPause), heldOf(splitsToResume));
    }

    /** Whether this reader holds the split now (assigned and not finished). */
    public boolean holds(String splitId) {
        return held.contains(splitId);
    }

    private List<KafkaPartitionSplit> heldOf(Collection<KafkaPartitionSplit> splits) {
        return splits.stream().filter(s -> held.contains(s.splitId())).toList();
    }
}
