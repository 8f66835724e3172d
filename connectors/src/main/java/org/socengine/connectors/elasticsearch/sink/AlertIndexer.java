package org.socengine.connectors.elasticsearch.sink;

import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.internal.AlertIndexWriter;
import org.socengine.connectors.metrics.AlertIndexMetrics;
import org.socengine.model.Alert;

/**
 * Writes alerts to Elasticsearch with bulk {@code create} requests under their deterministic ids: a
 * replayed alert meets a version conflict and counts as written, so a restore never duplicates.
 * Alerts marked {@link Alert#update} (suppressed repeats) become partial updates of the existing
 * document (count, suppressed count, last seen, window end), with the whole alert as upsert. A new
 * alert leaves in a bulk as soon as the task is free (at most one bulk per 50 ms, so a storm goes
 * in batches); suppression updates wait for the flush interval since the previous bulk, a newer
 * update of an alert replacing an unsent one; a full batch and every checkpoint flush too, so a
 * completed checkpoint means its alerts are in Elasticsearch. While Elasticsearch is unreachable or
 * overloaded the writer retries with backoff and holds the stream (backpressure), never dropping an
 * alert. An alert Elasticsearch refuses for good (a mapping error) leaves through the dead-letter
 * path the job gives it ({@link Builder#refusedAlertsTo}: the job's dead-letter sink, {@code
 * soc.dlq}); the rest of the batch still indexes. This sink writes documents and nothing else: it
 * knows no Kafka.
 */
public final class AlertIndexer implements Sink<Alert> {

    private final ElasticsearchSettings settings;
    private final int maxBatch;
    private final Duration flushInterval;
    private final Duration maxBackoff;
    private final Sink<DeadLetter> refusedAlerts;
    private final int retentionMonths;
    private final AlertIndexWriter.Indexed indexedListener;

    private AlertIndexer(Builder b) {
        this.indexedListener = b.indexedListener;
        this.settings = b.settings;
        this.maxBatch = b.maxBatch;
        this.flushInterval = b.flushInterval;
        this.maxBackoff = b.maxBackoff;
        this.refusedAlerts = b.refusedAlerts;
        this.retentionMonths = b.retentionMonths;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) throws IOException {
        return new AlertIndexWriter(
                new AlertIndexWriter.Options(
                        settings,
                        maxBatch,
                        flushInterval.toMillis(),
                        maxBackoff.toMillis(),
                        retentionMonths),
                context.getProcessingTimeService(),
                context.metricGroup(),
                // Opened inside this writer, so the refused alerts of a checkpoint are delivered
                // when this writer's flush returns.
                refusedAlerts == null ? null : refusedAlerts.createWriter(context),
                new AlertIndexMetrics(Metrics.globalRegistry),
                indexedListener);
    }

    /** Validating builder. */
    public static final class Builder {
        private ElasticsearchSettings settings;
        private int maxBatch = 500;
        private Duration flushInterval = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Sink<DeadLetter> refusedAlerts;
        private int retentionMonths;
        private AlertIndexWriter.Indexed indexedListener;

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

        /**
         * Where alerts Elasticsearch refuses for good go, as dead letters with reason {@code
         * alert_rejected} and origin {@code soc.alerts}: the job's dead-letter sink. Without it
         * they are only logged and counted.
         */
        public Builder refusedAlertsTo(Sink<DeadLetter> deadLetters) {
            this.refusedAlerts = deadLetters;
            return this;
        }

        /**
         * Keep the current month and this many months before it (0: keep everything). With ILM the
         * policy deletes old indices; without it the first writer drops them daily.
         */
        public Builder retentionMonths(int months) {
            this.retentionMonths = months;
            return this;
        }

        /**
         * Told of each alert as the bulk request that wrote it returns (a benchmark's end point of
         * detection latency); serializable, as the sink is.
         */
        public Builder onIndexed(AlertIndexWriter.Indexed listener) {
            this.indexedListener = listener;
            return this;
        }

        public AlertIndexer build() {
            if (settings == null) {
                throw new IllegalArgumentException("Elasticsearch settings are required");
            }
            if (maxBatch < 1 || maxBatch > 10_000) {
                throw new IllegalArgumentException("maxBatch must be between 1 and 10000");
            }
            if (flushInterval == null || flushInterval.isNegative() || flushInterval.isZero()) {
                throw new IllegalArgumentException("flushInterval must be positive");
            }
            if (maxBackoff == null || maxBackoff.toMillis() < 100) {
                throw new IllegalArgumentException("maxBackoff must be at least 100 ms");
            }
            if (retentionMonths < 0) {
                throw new IllegalArgumentException("retentionMonths must be 0 (keep) or more");
            }
            return new AlertIndexer(this);
        }
    }
}
