package org.socengine.connectors.elasticsearch.sink;

import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.internal.IncidentIndexWriter;
import org.socengine.model.Incident;

/**
 * Writes each version of an incident to its index under the incident's deterministic id, with the
 * incident's {@code documentVersion()} (revision, then outcomes recorded) as external version: a
 * replay after a restore rewrites nothing newer (it meets a version conflict and counts as
 * written), and the document is always the newest state. Buffered versions of one incident collapse
 * to the newest; the buffer is flushed when full, every flush interval and on every checkpoint.
 * While Elasticsearch is away the writer retries with backoff and holds the stream; a document
 * refused for good is logged and counted.
 */
public final class IncidentIndexer implements Sink<Incident> {

    private final ElasticsearchSettings settings;
    private final int maxBatch;
    private final Duration flushInterval;
    private final Duration maxBackoff;

    public IncidentIndexer(ElasticsearchSettings settings) {
        this(settings, 500, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public IncidentIndexer(
            ElasticsearchSettings settings,
            int maxBatch,
            Duration flushInterval,
            Duration maxBackoff) {
        if (settings == null) {
            throw new IllegalArgumentException("Elasticsearch settings are required");
        }
        if (maxBatch < 1 || maxBatch > 10_000) {
            throw new IllegalArgumentException("maxBatch must be between 1 and 10000");
        }
        this.settings = settings;
        this.maxBatch = maxBatch;
        this.flushInterval = flushInterval;
        this.maxBackoff = maxBackoff;
    }

    @Override
    public SinkWriter<Incident> createWriter(WriterInitContext context) throws IOException {
        return new IncidentIndexWriter(
                settings,
                maxBatch,
                flushInterval.toMillis(),
                maxBackoff.toMillis(),
                context.getProcessingTimeService(),
                context.metricGroup());
    }
}
