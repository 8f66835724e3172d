package org.socengine.connectors.elasticsearch.sink.internal;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.elasticsearch.AlertIndices;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.metrics.AlertIndexMetrics;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;
import org.socengine.model.Json;
import org.socengine.model.SocTopics;
import org.socengine.model.Timestamps;

/**
 * The writer of {@link org.socengine.connectors.elasticsearch.sink.AlertIndexer}: new alerts as
 * bulk {@code create} under their deterministic id, suppression updates as bulk {@code update} with
 * a partial document and the full alert as upsert, documents Elasticsearch refuses for good to the
 * dead-letter writer it was given (the job's dead-letter path, {@code soc.dlq}). Everything else is
 * retried until it is written: a down Elasticsearch holds the stream, it never loses an alert.
 */
public final class AlertIndexWriter implements SinkWriter<Alert> {

    private static final Logger LOG = LoggerFactory.getLogger(AlertIndexWriter.class);

    /** Reason code of an alert Elasticsearch refused, in {@code soc.dlq}. */
    public static final String REJECTED = "alert_rejected";

    /** What the writer needs besides Flink's context. */
    public record Options(
            ElasticsearchSettings settings,
            int maxBatch,
            long flushIntervalMillis,
            long maxBackoffMillis,
            int retentionMonths) {}

    /**
     * One bulk action, built when the alert arrives so later changes to the object can't leak in.
     */
    private record Pending(
            String id,
            String index,
            String department,
            String ruleId,
            boolean update,
            long timestamp,
            String severity,
            String departmentLabel,
            long eventTime,
            long ingested,
            ObjectNode document,
            ObjectNode partial) {}

    private final Options options;
    private final ElasticsearchClient client;
    private final ProcessingTimeService timers;
    private final List<Pending> buffer = new ArrayList<>();
    private final Map<String, Integer> bufferedUpdates = new HashMap<>();
    private final Set<String> readyIndices = new HashSet<>();
    private final SinkWriter<DeadLetter> refusedAlerts;
    private final Counter indexed;
    private final Counter updated;
    private final Counter coalesced;
    private final Counter duplicates;
    private final Counter rejected;
    private final Counter deadLettered;
    private final Counter retries;
    private final AlertIndexMetrics meters;
    private boolean setUp;
    private boolean ilm;
    private volatile boolean closed;
    private final Indexed listener;

    /** Processing time the last bulk started at; MIN_VALUE before the first. */
    private long lastBulkAt = Long.MIN_VALUE;

    /** When the next bulk is due (processing time); MAX_VALUE: none scheduled. */
    private long flushAt = Long.MAX_VALUE;

    /** The least time between bulks when a new alert is waiting. */
    static final long NEW_ALERT_GAP_MILLIS = 50;

    /**
     * Told of each alert Elasticsearch has just accepted (created, updated, or already there), when
     * its bulk request returned: what a benchmark measures latency to.
     */
    @FunctionalInterface
    public interface Indexed extends java.io.Serializable {
        void indexed(String alertId, boolean update, long atMillis);
    }

    /**
     * @param refusedAlerts where alerts Elasticsearch refuses for good go, as dead letters (reason
     *     {@link #REJECTED}, origin {@code soc.alerts}); this writer flushes it on every flush and
     *     closes it. Null: they are only logged and counted.
     */
    public AlertIndexWriter(
            Options options,
            ProcessingTimeService timers,
            SinkWriterMetricGroup metrics,
            SinkWriter<DeadLetter> refusedAlerts)
            throws IOException {
        this(
                options,
                timers,
                metrics,
                refusedAlerts,
                new AlertIndexMetrics(Metrics.globalRegistry));
    }

    /**
     * @param meters the engine's meters of this writer (Prometheus); the other constructor gives
     *     Micrometer's global registry, which the engine's registry joins
     */
    public AlertIndexWriter(
            Options options,
            ProcessingTimeService timers,
            SinkWriterMetricGroup metrics,
            SinkWriter<DeadLetter> refusedAlerts,
            AlertIndexMetrics meters)
            throws IOException {
        this(options, timers, metrics, refusedAlerts, meters, null);
    }

    /**
     * @param listener told of each alert as its bulk returns; null: nobody
     */
    public AlertIndexWriter(
            Options options,
            ProcessingTimeService timers,
            SinkWriterMetricGroup metrics,
            SinkWriter<DeadLetter> refusedAlerts,
            AlertIndexMetrics meters,
            Indexed listener)
            throws IOException {
        this.listener = listener;
        this.options = options;
        this.meters = meters;
        this.refusedAlerts = refusedAlerts;
        try {
            this.client = ElasticsearchClients.create(options.settings());
        } catch (IOException | RuntimeException e) {
            // This writer owns the dead-letter writer from here on: its producer must not leak.
            closeQuietly(refusedAlerts);
            throw e;
        }
        this.timers = timers;
        this.indexed = metrics.counter("alertsIndexed");
        this.updated = metrics.counter("alertsUpdated");
        this.coalesced = metrics.counter("alertUpdatesCoalesced");
        this.duplicates = metrics.counter("alertsAlreadyIndexed");
        this.rejected = metrics.counter("alertsRejected");
        this.deadLettered = metrics.counter("alertsDeadLettered");
        this.retries = metrics.counter("bulkRetries");
        try {
            setUp();
        } catch (IOException | ElasticsearchException e) {
            if (ElasticsearchClients.isConfigurationError(e)) {
                // Waiting will not fix a wrong CA or wrong credentials: say so at once.
                closeQuietly();
                throw new IOException(ElasticsearchClients.describe(e, options.settings()), e);
            }
            // Unreachable for now: the first flush sets up, retrying, and holds the stream.
            LOG.warn(
                    "Elasticsearch not ready at start ({}); will retry",
                    ElasticsearchClients.describe(e, options.settings()));
        }
    }

    /** Template (and ILM policy where the cluster has ILM); idempotent, so every start does it. */
    private void setUp() throws IOException {
        if (setUp) {
            return;
        }
        ilm = AlertIndices.ilmAvailable(client);
        if (ilm) {
            AlertIndices.installIlmPolicy(client, options.retentionMonths());
        }
        AlertIndices.installTemplate(client, ilm);
        setUp = true;
        LOG.info(
                "alert index template installed{}",
                ilm ? " with ILM policy " + AlertIndices.ILM_POLICY : " (no ILM on this cluster)");
    }

    /**
     * A new alert is what an analyst waits for: a bulk for it as soon as the task is free, but no
     * sooner than {@link #NEW_ALERT_GAP_MILLIS} after the previous bulk started, so that a storm of
     * new alerts still goes in batches. Suppression updates (counts of an alert already indexed)
     * wait for the flush interval since the previous bulk, and a newer update of an alert replaces
     * an unsent one. A timer on a fixed one-second period made every alert wait half a second on
     * average; with updates flowing, any interval since the previous bulk would do the same.
     */
    private void scheduleFlush(boolean newAlert) {
        long now = timers.getCurrentProcessingTime();
        long gap =
                newAlert
                        ? Math.min(NEW_ALERT_GAP_MILLIS, options.flushIntervalMillis())
                        : options.flushIntervalMillis();
        long at = lastBulkAt == Long.MIN_VALUE ? now : Math.max(now, lastBulkAt + gap);
        if (at >= flushAt) {
            return;
        }
        flushAt = at;
        timers.registerTimer(
                at,
                t -> {
                    // A timer an earlier one has superseded finds another time set, or none.
                    if (at != flushAt) {
                        return;
                    }
                    flushAt = Long.MAX_VALUE;
                    if (!closed) {
                        flushBuffer();
                    }
                });
    }

    @Override
    public void write(Alert alert, Context context) throws IOException, InterruptedException {
        ObjectNode doc = AlertJson.toTree(alert);
        ObjectNode partial = null;
        if (alert.update) {
            partial = Json.mapper().createObjectNode();
            ObjectNode a = partial.putObject("alert");
            a.put("count", alert.count);
            a.put("suppressed_count", alert.suppressedCount);
            a.put(
                    "last_seen",
                    Timestamps.format(alert.lastSeen > 0 ? alert.lastSeen : alert.timestamp));
            a.putObject("window").put("end", Timestamps.format(alert.windowEnd));
            // The evidence grows with the repeats up to its cap; arrays replace, they do not merge.
            a.set("evidence", doc.path("alert").path("evidence"));
            if (alert.province && doc.path("alert").has("departments")) {
                // A province alert's repeats may come from departments it had not seen yet.
                a.set("departments", doc.path("alert").path("departments"));
            }
        }
        long eventTime = 0;
        long ingested = 0;
        for (org.socengine.model.SecurityEvent e : alert.evidence) {
            eventTime = Math.max(eventTime, e.timestamp);
            ingested = Math.max(ingested, e.ingested);
        }
        Pending p =
                new Pending(
                        alert.id,
                        AlertIndices.indexFor(alert),
                        alert.departmentId,
                        alert.ruleId,
                        alert.update,
                        alert.timestamp,
                        alert.severity,
                        alert.province ? Alert.PROVINCE : alert.departmentId,
                        eventTime > 0 ? eventTime : alert.lastSeen,
                        ingested,
                        doc,
                        partial);
        Integer earlier = alert.update ? bufferedUpdates.get(alert.id) : null;
        if (earlier != null) {
            // An update carries the alert's totals, so a newer one supersedes an unsent older one:
            // a busy key sends one update per bulk instead of one per watermark.
            buffer.set(earlier, p);
            coalesced.inc();
            return;
        }
        if (alert.update) {
            bufferedUpdates.put(alert.id, buffer.size());
        }
        buffer.add(p);
        if (buffer.size() >= options.maxBatch()) {
            flushBuffer();
        } else {
            scheduleFlush(!alert.update);
        }
    }

    /** Updates dropped because a newer one of the same alert replaced them before a bulk. */
    public long updatesCoalesced() {
        return coalesced.getCount();
    }

    /** Alerts Elasticsearch refused for good. */
    public long alertsRejected() {
        return rejected.getCount();
    }

    /** Refused alerts handed to the dead-letter writer. */
    public long alertsDeadLettered() {
        return deadLettered.getCount();
    }

    /**
     * Called on every checkpoint and at end of input: blocks until every buffered alert is in
     * Elasticsearch or, refused for good, delivered by the dead-letter writer (whose flush fails
     * the checkpoint if it cannot deliver).
     */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        flushBuffer();
        if (refusedAlerts != null) {
            refusedAlerts.flush(endOfInput);
        }
    }

    private void flushBuffer() throws IOException, InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        List<Pending> pending = new ArrayList<>(buffer);
        buffer.clear();
        bufferedUpdates.clear();
        lastBulkAt = timers.getCurrentProcessingTime();
        long backoff = 100;
        while (!pending.isEmpty()) {
            if (closed) {
                throw new IOException("writer closed with " + pending.size() + " alerts unwritten");
            }
            BulkResponse response;
            try {
                setUp();
                ensureIndices(pending);
                List<BulkOperation> ops = new ArrayList<>(pending.size());
                for (Pending p : pending) {
                    ops.add(operation(p));
                }
                long started = System.nanoTime();
                try {
                    response = client.bulk(b -> b.operations(ops));
                } catch (IOException | ElasticsearchException | UncheckedIOException e) {
                    meters.bulk(System.nanoTime() - started, true);
                    throw e;
                }
                meters.bulk(System.nanoTime() - started, false);
            } catch (IOException | ElasticsearchException | UncheckedIOException e) {
                backoff =
                        backoff(
                                backoff,
                                "bulk of "
                                        + pending.size()
                                        + " failed: "
                                        + ElasticsearchClients.describe(e, options.settings()));
                continue;
            }
            List<Pending> again = new ArrayList<>();
            List<BulkResponseItem> items = response.items();
            long now = System.currentTimeMillis();
            for (int i = 0; i < items.size(); i++) {
                BulkResponseItem item = items.get(i);
                Pending p = pending.get(i);
                int status = item.status();
                if (status == 200 || status == 201) {
                    (p.update() ? updated : indexed).inc();
                    if (listener != null) {
                        listener.indexed(p.id(), p.update(), now);
                    }
                    if (!p.update()) {
                        meters.indexed(
                                p.severity(),
                                p.departmentLabel(),
                                p.eventTime(),
                                p.ingested(),
                                now);
                    }
                } else if (status == 409 && !p.update()) {
                    // Written before a restore: the same id means the same alert.
                    duplicates.inc();
                    if (listener != null) {
                        listener.indexed(p.id(), false, now);
                    }
                } else if (status == 409 || status == 429 || status >= 500) {
                    // An update that lost a race with another writer of the same document
                    // (after its own conflict retries) is tried again, like an overload.
                    again.add(p);
                } else {
                    refused(p, status, item.error());
                }
            }
            pending = again;
            if (!pending.isEmpty()) {
                meters.itemsRetried(pending.size());
                backoff = backoff(backoff, pending.size() + " alerts answered 409/429/5xx");
            }
        }
    }

    private static BulkOperation operation(Pending p) {
        if (p.update()) {
            return BulkOperation.of(
                    o ->
                            o.update(
                                    u ->
                                            u.index(p.index())
                                                    .id(p.id())
                                                    .retryOnConflict(3)
                                                    .action(
                                                            a ->
                                                                    a.doc(p.partial())
                                                                            .upsert(
                                                                                    p
                                                                                            .document()))));
        }
        return BulkOperation.of(
                o -> o.create(c -> c.index(p.index()).id(p.id()).document(p.document())));
    }

    /**
     * Creates each new monthly index with the department alias (the template cannot name an alias
     * after the index), once per writer; an index someone else created just gets the alias, which
     * is idempotent.
     */
    private void ensureIndices(List<Pending> pending) throws IOException {
        Map<String, Pending> fresh = new LinkedHashMap<>();
        for (Pending p : pending) {
            if (!readyIndices.contains(p.index())) {
                fresh.putIfAbsent(p.index(), p);
            }
        }
        for (Pending p : fresh.values()) {
            String index = p.index();
            String deptAlias =
                    AlertIndices.parse(index)
                            .map(AlertIndices.IndexName::departmentAlias)
                            .orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "not an alert index: " + index));
            ObjectNode body = Json.mapper().createObjectNode();
            ObjectNode aliases = body.putObject("aliases");
            aliases.putObject(AlertIndices.ALIAS);
            aliases.putObject(deptAlias);
            if (ilm) {
                body.putObject("settings")
                        .put("index.lifecycle.origination_date", monthStart(p.timestamp()));
            }
            String json = body.toString();
            try {
                client.indices().create(c -> c.index(index).withJson(new StringReader(json)));
                LOG.info(
                        "created alert index {} (aliases {}, {})",
                        index,
                        AlertIndices.ALIAS,
                        deptAlias);
            } catch (ElasticsearchException e) {
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    throw e;
                }
                client.indices().putAlias(a -> a.index(index).name(deptAlias));
            }
            readyIndices.add(index);
        }
    }

    private static long monthStart(long timestamp) {
        return YearMonth.from(java.time.Instant.ofEpochMilli(timestamp).atZone(ZoneOffset.UTC))
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
    }

    private void refused(Pending p, int status, ErrorCause error)
            throws IOException, InterruptedException {
        rejected.inc();
        meters.itemRejected();
        String reason =
                error == null
                        ? "status " + status
                        : error.type()
                                + ": "
                                + error.reason()
                                + (error.causedBy() != null
                                        ? " (" + error.causedBy().reason() + ")"
                                        : "");
        if (refusedAlerts == null) {
            LOG.error(
                    "Elasticsearch refused alert {} of rule {} for good ({}) and no dead-letter path is set: {}",
                    p.id(),
                    p.ruleId(),
                    status,
                    reason);
            return;
        }
        LOG.warn(
                "Elasticsearch refused alert {} of rule {} for good ({}); sent to the dead letters: {}",
                p.id(),
                p.ruleId(),
                status,
                reason);
        RefusedAlert d = new RefusedAlert();
        d.reasonCode = REJECTED;
        d.reason = reason;
        d.decoder = "elasticsearch";
        d.source = "alerts";
        d.topic = SocTopics.ALERTS;
        d.partition = -1;
        d.offset = -1;
        d.key = p.id();
        d.department = p.department();
        d.raw = p.document().toString().getBytes(StandardCharsets.UTF_8);
        d.time = System.currentTimeMillis();
        d.alertId = p.id();
        d.index = p.index();
        d.status = status;
        d.operation = p.update() ? "update" : "create";
        refusedAlerts.write(d, new At(d.time));
        // Handed over: the next flush delivers it or fails the checkpoint, so it is not lost.
        deadLettered.inc();
    }

    /** The write context of a dead letter: it happened now, outside any input record. */
    private record At(long time) implements SinkWriter.Context {
        @Override
        public long currentWatermark() {
            return Long.MIN_VALUE;
        }

        @Override
        public Long timestamp() {
            return time;
        }
    }

    private long backoff(long current, String why) throws InterruptedException {
        retries.inc();
        meters.retry();
        LOG.warn("Elasticsearch unavailable ({}); retrying in {} ms", why, current);
        Thread.sleep(current);
        return Math.min(current * 2, options.maxBackoffMillis());
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing after a failed start", e);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            LOG.debug("closing after a failed start", e);
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        try {
            if (refusedAlerts != null) {
                refusedAlerts.close();
            }
        } finally {
            client.close();
        }
    }
}
