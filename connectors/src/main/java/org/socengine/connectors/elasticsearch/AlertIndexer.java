package org.socengine.connectors.elasticsearch;

import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.socengine.connectors.elasticsearch.internal.AlertIndexWriter;
import org.socengine.model.Alert;

/**
 * Writes alerts to Elasticsearch with bulk {@code create} requests under their deterministic ids: a
 * replayed alert meets a version conflict and counts as written, so a restore never duplicates.
 * Buffered alerts are flushed when the batch fills, every flush interval, and on every checkpoint,
 * so a completed checkpoint means its alerts are in Elasticsearch. While Elasticsearch is
 * unreachable or overloaded the writer retries with backoff and holds the stream (backpressure),
 * never dropping an alert.
 */
public final class AlertIndexer implements Sink<Alert> {

    private final ElasticsearchSettings settings;
    private final int maxBatch;
    private final Duration flushInterval;
    private final Duration maxBackoff;

    private AlertIndexer(Builder b) {
        this.settings = b.settings;
        this.maxBatch = b.maxBatch;
        this.flushInterval = b.flushInterval;
        this.maxBackoff = b.maxBackoff;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) throws IOException {
        return new AlertIndexWriter(
                settings,
                maxBatch,
                flushInterval.toMillis(),
                maxBackoff.toMillis(),
                context.getProcessingTimeService(),
                context.metricGroup());
    }

    /** Validating builder. */
    public static final class Builder {
        private ElasticsearchSettings settings;
        private int maxBatch = 500;
        private Duration flushInterval = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);

        public Builder settings(ElasticsearchSettings settings) {
            this.settings = settings;
            return this;
        }

        public Builder maxBatch(int maxBatch) {
            this.maxBatch = maxBatch;
            return this;
        }

        public Builder flushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
            return this;
        }

        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        public AlertIndexer build() {
            if (settings == null) {
                throw new IllegalArgumentException("Elasticsearch settings are required");
            }
            if (maxBatch < 1 || maxBatch > 10_000) {
                throw new IllegalArgumentException("maxBatch must be between 1 and 10000");
            }
            if (flushInterval.isNegative() || flushInterval.isZero()) {
                throw new IllegalArgumentException("flushInterval must be positive");
            }
            return new AlertIndexer(this);
        }
    }
}
