package org.socengine.connectors.elasticsearch.sink;

import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.internal.AlertStatusSinkWriter;
import org.socengine.model.AlertStatusChange;

/**
 * Applies the analysts' status changes from {@code soc.alert-status} to the alert documents, one at
 * a time and synchronously, so that a completed checkpoint means its changes are written. A change
 * the lifecycle refuses (unknown alert, a closed alert reopened) is logged and counted, never
 * retried; Elasticsearch being away holds the stream until it is back.
 */
public final class AlertStatusSink implements Sink<AlertStatusChange> {

    private final ElasticsearchSettings settings;
    private final Duration maxBackoff;

    public AlertStatusSink(ElasticsearchSettings settings) {
        this(settings, Duration.ofSeconds(30));
    }

    public AlertStatusSink(ElasticsearchSettings settings, Duration maxBackoff) {
        if (settings == null) {
            throw new IllegalArgumentException("Elasticsearch settings are required");
        }
        this.settings = settings;
        this.maxBackoff = maxBackoff;
    }

    @Override
    public SinkWriter<AlertStatusChange> createWriter(WriterInitContext context)
            throws IOException {
        return new AlertStatusSinkWriter(settings, maxBackoff.toMillis(), context.metricGroup());
    }
}
