package org.socengine.connectors.elasticsearch.internal;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.connectors.elasticsearch.AlertIndices;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;

/** The writer of {@link org.socengine.connectors.elasticsearch.AlertIndexer}. */
public final class AlertIndexWriter implements SinkWriter<Alert> {

    private static final Logger LOG = LoggerFactory.getLogger(AlertIndexWriter.class);

    private final ElasticsearchClient client;
    private final int maxBatch;
    private final long flushIntervalMillis;
    private final long maxBackoffMillis;
    private final ProcessingTimeService timers;
    private final List<Alert> buffer = new ArrayList<>();
    private final Counter indexed;
    private final Counter duplicates;
    private final Counter rejected;
    private final Counter retries;
    private volatile boolean closed;

    public AlertIndexWriter(
            ElasticsearchSettings settings,
            int maxBatch,
            long flushIntervalMillis,
            long maxBackoffMillis,
            ProcessingTimeService timers,
            SinkWriterMetricGroup metrics)
            throws IOException {
        this.client = ElasticsearchClients.create(settings);
        this.maxBatch = maxBatch;
        this.flushIntervalMillis = flushIntervalMillis;
        this.maxBackoffMillis = maxBackoffMillis;
        this.timers = timers;
        this.indexed = metrics.counter("alertsIndexed");
        this.duplicates = metrics.counter("alertsAlreadyIndexed");
        this.rejected = metrics.counter("alertsRejected");
        this.retries = metrics.counter("bulkRetries");
        retrying(
                "install the alert index template",
                () -> {
                    AlertIndices.installTemplate(client);
                    return null;
                });
        scheduleFlush();
    }

    private void scheduleFlush() {
        timers.registerTimer(
                timers.getCurrentProcessingTime() + flushIntervalMillis,
                t -> {
                    if (!closed) {
                        flushBuffer();
                        scheduleFlush();
                    }
                });
    }

    @Override
    public void write(Alert alert, Context context) throws IOException, InterruptedException {
        buffer.add(alert);
        if (buffer.size() >= maxBatch) {
            flushBuffer();
        }
    }

    /** Called on every checkpoint and at end of input: nothing may stay buffered past it. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        flushBuffer();
    }

    private void flushBuffer() throws IOException, InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        List<Alert> pending = new ArrayList<>(buffer);
        buffer.clear();
        long backoff = 100;
        while (!pending.isEmpty()) {
            BulkResponse response;
            try {
                List<BulkOperation> ops = new ArrayList<>(pending.size());
                for (Alert a : pending) {
                    ObjectNode doc = AlertJson.toTree(a);
                    String index = AlertIndices.indexFor(a);
                    ops.add(
                            BulkOperation.of(
                                    o -> o.create(c -> c.index(index).id(a.id).document(doc))));
                }
                response = client.bulk(b -> b.operations(ops));
            } catch (IOException | ElasticsearchException e) {
                backoff = backoff(backoff, "bulk request failed: " + e.getMessage());
                continue;
            }
            List<Alert> again = new ArrayList<>();
            List<BulkResponseItem> items = response.items();
            for (int i = 0; i < items.size(); i++) {
                BulkResponseItem item = items.get(i);
                Alert a = pending.get(i);
                int status = item.status();
                if (status == 200 || status == 201) {
                    indexed.inc();
                } else if (status == 409) {
                    // Written before a restore: the same id means the same alert.
                    duplicates.inc();
                } else if (status == 429 || status >= 500) {
                    again.add(a);
                } else {
                    rejected.inc();
                    LOG.error(
                            "Elasticsearch refused alert {} of rule {} for good ({}): {}",
                            a.id,
                            a.ruleId,
                            status,
                            item.error() == null ? "?" : item.error().reason());
                }
            }
            pending = again;
            if (!pending.isEmpty()) {
                backoff = backoff(backoff, pending.size() + " alerts answered 429/5xx");
            }
        }
    }

    private long backoff(long current, String why) throws InterruptedException {
        retries.inc();
        LOG.warn("Elasticsearch unavailable ({}); retrying in {} ms", why, current);
        Thread.sleep(current);
        return Math.min(current * 2, maxBackoffMillis);
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private <T> T retrying(String what, IoCall<T> call) throws IOException {
        long backoff = 200;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (IOException | ElasticsearchException e) {
                if (attempt >= 10) {
                    throw new IOException("cannot " + what + ": " + e.getMessage(), e);
                }
                try {
                    backoff = backoff(backoff, e.getMessage());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", ie);
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        client.close();
    }
}
