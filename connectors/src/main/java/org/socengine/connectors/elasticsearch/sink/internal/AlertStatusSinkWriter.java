package org.socengine.connectors.elasticsearch.sink.internal;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.connectors.elasticsearch.AlertStatusRefused;
import org.socengine.connectors.elasticsearch.AlertStatusWriter;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.AlertStatusSink;
import org.socengine.model.AlertStatusChange;

/** The writer of {@link AlertStatusSink}. */
public final class AlertStatusSinkWriter implements SinkWriter<AlertStatusChange> {

    private static final Logger LOG = LoggerFactory.getLogger(AlertStatusSinkWriter.class);

    private final ElasticsearchSettings settings;
    private final ElasticsearchClient client;
    private final AlertStatusWriter writer;
    private final long maxBackoffMillis;
    private final Counter applied;
    private final Counter unchanged;
    private final Counter refused;
    private final Counter retries;

    public AlertStatusSinkWriter(
            ElasticsearchSettings settings, long maxBackoffMillis, SinkWriterMetricGroup metrics)
            throws IOException {
        this.settings = settings;
        this.client = ElasticsearchClients.create(settings);
        this.writer = new AlertStatusWriter(client);
        this.maxBackoffMillis = maxBackoffMillis;
        this.applied = metrics.counter("alertStatusApplied");
        this.unchanged = metrics.counter("alertStatusUnchanged");
        this.refused = metrics.counter("alertStatusRefused");
        this.retries = metrics.counter("alertStatusRetries");
    }

    @Override
    public void write(AlertStatusChange change, Context context)
            throws IOException, InterruptedException {
        long backoff = 100;
        while (true) {
            try {
                AlertStatusWriter.Applied a = writer.apply(change);
                (a.changed() ? applied : unchanged).inc();
                return;
            } catch (AlertStatusRefused e) {
                refused.inc();
                LOG.warn("status change for alert {} refused: {}", change.alertId, e.getMessage());
                return;
            } catch (ElasticsearchException e) {
                if (e.status() != 429 && e.status() < 500 && e.status() != 409) {
                    refused.inc();
                    LOG.warn(
                            "Elasticsearch refused the status change for alert {}: {}",
                            change.alertId,
                            ElasticsearchClients.describe(e, settings));
                    return;
                }
                backoff = backoff(backoff, ElasticsearchClients.describe(e, settings));
            } catch (IOException e) {
                backoff = backoff(backoff, ElasticsearchClients.describe(e, settings));
            }
        }
    }

    private long backoff(long current, String why) throws InterruptedException {
        retries.inc();
        LOG.warn("cannot apply alert status change ({}); retrying in {} ms", why, current);
        Thread.sleep(current);
        return Math.min(current * 2, maxBackoffMillis);
    }

    @Override
    public void flush(boolean endOfInput) {
        // Every change is written before write() returns: nothing is buffered.
    }

    @Override
    public void close() throws Exception {
        client.close();
    }
}
