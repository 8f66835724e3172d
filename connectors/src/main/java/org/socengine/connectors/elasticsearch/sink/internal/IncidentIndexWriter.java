package org.socengine.connectors.elasticsearch.sink.internal;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.IncidentIndices;
import org.socengine.model.Incident;
import org.socengine.model.IncidentJson;
import org.socengine.model.Json;

/** The writer of {@link org.socengine.connectors.elasticsearch.sink.IncidentIndexer}. */
public final class IncidentIndexWriter implements SinkWriter<Incident> {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentIndexWriter.class);

    private record Pending(
            String id, String index, String department, long version, ObjectNode document) {}

    private final ElasticsearchSettings settings;
    private final ElasticsearchClient client;
    private final ProcessingTimeService timers;
    private final int maxBatch;
    private final long flushIntervalMillis;
    private final long maxBackoffMillis;
    // By incident id: a newer version replaces an unsent older one.
    private final Map<String, Pending> buffer = new LinkedHashMap<>();
    private final Set<String> readyIndices = new HashSet<>();
    private final Counter indexed;
    private final Counter stale;
    private final Counter rejected;
    private final Counter retries;
    private boolean setUp;
    private volatile boolean closed;

    public IncidentIndexWriter(
            ElasticsearchSettings settings,
            int maxBatch,
            long flushIntervalMillis,
            long maxBackoffMillis,
            ProcessingTimeService timers,
            SinkWriterMetricGroup metrics)
            throws IOException {
        this.settings = settings;
        this.client = ElasticsearchClients.create(settings);
        this.timers = timers;
        this.maxBatch = maxBatch;
        this.flushIntervalMillis = flushIntervalMillis;
        this.maxBackoffMillis = maxBackoffMillis;
        this.indexed = metrics.counter("incidentsIndexed");
        this.stale = metrics.counter("incidentVersionsAlreadyNewer");
        this.rejected = metrics.counter("incidentsRejected");
        this.retries = metrics.counter("incidentBulkRetries");
        try {
            setUp();
        } catch (IOException | ElasticsearchException e) {
            if (ElasticsearchClients.isConfigurationError(e)) {
                client.close();
                throw new IOException(ElasticsearchClients.describe(e, settings), e);
            }
            LOG.warn(
                    "Elasticsearch not ready at start ({}); will retry",
                    ElasticsearchClients.describe(e, settings));
        }
        scheduleFlush();
    }

    private void setUp() throws IOException {
        if (!setUp) {
            IncidentIndices.installTemplate(client);
            setUp = true;
        }
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
    public void write(Incident incident, Context context) throws IOException, InterruptedException {
        Pending p =
                new Pending(
                        incident.id,
                        IncidentIndices.indexFor(incident),
                        incident.departmentId,
                        incident.documentVersion(),
                        IncidentJson.toTree(incident));
        Pending earlier = buffer.get(p.id());
        if (earlier == null || earlier.version() <= p.version()) {
            buffer.put(p.id(), p);
        }
        if (buffer.size() >= maxBatch) {
            flushBuffer();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        flushBuffer();
    }

    private void flushBuffer() throws IOException, InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        List<Pending> pending = new ArrayList<>(buffer.values());
        buffer.clear();
        long backoff = 100;
        while (!pending.isEmpty()) {
            if (closed) {
                throw new IOException(
                        "writer closed with " + pending.size() + " incidents unwritten");
            }
            BulkResponse response;
            try {
                setUp();
                ensureIndices(pending);
                List<BulkOperation> ops = new ArrayList<>(pending.size());
                for (Pending p : pending) {
                    ops.add(
                            BulkOperation.of(
                                    o ->
                                            o.index(
                                                    i ->
                                                            i.index(p.index())
                                                                    .id(p.id())
                                                                    .version(p.version())
                                                                    .versionType(
                                                                            VersionType.External)
                                                                    .document(p.document()))));
                }
                response = client.bulk(b -> b.operations(ops));
            } catch (IOException | ElasticsearchException | UncheckedIOException e) {
                backoff =
                        backoff(
                                backoff,
                                "bulk of "
                                        + pending.size()
                                        + " incidents failed: "
                                        + ElasticsearchClients.describe(e, settings));
                continue;
            }
            List<Pending> again = new ArrayList<>();
            List<BulkResponseItem> items = response.items();
            for (int i = 0; i < items.size(); i++) {
                BulkResponseItem item = items.get(i);
                Pending p = pending.get(i);
                int status = item.status();
                if (status == 200 || status == 201) {
                    indexed.inc();
                } else if (status == 409) {
                    // This version or a newer one is in already (a replay after a restore).
                    stale.inc();
                } else if (status == 429 || status >= 500) {
                    again.add(p);
                } else {
                    rejected.inc();
                    LOG.error(
                            "Elasticsearch refused incident {} (version {}) for good ({}): {}",
                            p.id(),
                            p.version(),
                            status,
                            item.error() == null ? "" : item.error().reason());
                }
            }
            pending = again;
            if (!pending.isEmpty()) {
                backoff = backoff(backoff, pending.size() + " incidents answered 429/5xx");
            }
        }
    }

    /** Each new monthly index gets the department alias beside the template's {@code ALIAS}. */
    private void ensureIndices(List<Pending> pending) throws IOException {
        for (Pending p : pending) {
            String index = p.index();
            if (!readyIndices.add(index)) {
                continue;
            }
            String alias = IncidentIndices.departmentAlias(p.department());
            ObjectNode body = Json.mapper().createObjectNode();
            ObjectNode aliases = body.putObject("aliases");
            aliases.putObject(IncidentIndices.ALIAS);
            aliases.putObject(alias);
            String json = body.toString();
            try {
                client.indices().create(c -> c.index(index).withJson(new StringReader(json)));
                LOG.info(
                        "created incident index {} (aliases {}, {})",
                        index,
                        IncidentIndices.ALIAS,
                        alias);
            } catch (ElasticsearchException e) {
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    readyIndices.remove(index);
                    throw e;
                }
                client.indices().putAlias(a -> a.index(index).name(alias));
            }
        }
    }

    private long backoff(long current, String why) throws InterruptedException {
        retries.inc();
        LOG.warn("Elasticsearch unavailable ({}); retrying in {} ms", why, current);
        Thread.sleep(current);
        return Math.min(current * 2, maxBackoffMillis);
    }

    @Override
    public void close() throws Exception {
        closed = true;
        client.close();
    }
}
