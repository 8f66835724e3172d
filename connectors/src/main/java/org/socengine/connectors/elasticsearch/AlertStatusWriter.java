package org.socengine.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.Json;
import org.socengine.model.Timestamps;

/**
 * Applies analysts' status changes to alert documents: finds the alert's concrete index through the
 * {@code soc-alerts} alias, checks the lifecycle (open → acknowledged → closed; closed is final and
 * needs a disposition), and writes {@code alert.status}, {@code alert.disposition}, {@code
 * alert.status_changed_at}, {@code alert.status_by} as a partial update guarded by the document's
 * sequence number, so a concurrent change is re-read instead of overwritten. Applying the same
 * change twice changes nothing the second time, so the command line and the job may both apply it.
 */
public final class AlertStatusWriter {

    private static final int MAX_CONFLICTS = 5;

    private final ElasticsearchClient client;
    private final Refresh refresh;

    public AlertStatusWriter(ElasticsearchClient client) {
        this(client, Refresh.False);
    }

    /**
     * @param refresh {@link Refresh#WaitFor} when the caller reads the alert back through search
     *     right after the change (the console renders the alert page again at once, and search sees
     *     a change only after the next refresh); {@link Refresh#False} for a stream of changes,
     *     which must not wait a refresh interval each
     */
    public AlertStatusWriter(ElasticsearchClient client, Refresh refresh) {
        this.client = client;
        this.refresh = refresh;
    }

    /** What applying a change did. */
    public record Applied(
            AlertStatusChange change, String previousStatus, String index, boolean changed) {}

    /** The alert document as found through the alias, with what the guarded update needs. */
    private record Found(String index, long seqNo, long primaryTerm, JsonNode source) {}

    /**
     * Applies the change, filling its rule id, group key and department from the document.
     *
     * @throws AlertStatusRefused when the alert is unknown or the lifecycle forbids the change
     * @throws IOException when Elasticsearch cannot be reached (worth retrying)
     */
    public Applied apply(AlertStatusChange change) throws IOException, AlertStatusRefused {
        List<String> problems = change.problems();
        if (!problems.isEmpty()) {
            throw new AlertStatusRefused(String.join("; ", problems));
        }
        for (int attempt = 1; ; attempt++) {
            Found f = find(change.alertId);
            if (f == null) {
                throw new AlertStatusRefused(
                        "no alert with id " + change.alertId + " in " + AlertIndices.ALIAS);
            }
            JsonNode alert = f.source().path("alert");
            change.ruleId = f.source().path("rule").path("id").asText(null);
            change.groupKey = alert.path("group_key").asText(null);
            change.departmentId = f.source().path("organization").path("id").asText(null);
            String current = alert.path("status").asText(AlertStatusChange.OPEN);
            String currentDisposition = alert.path("disposition").asText(null);
            if (!transition(change, current, currentDisposition)) {
                return new Applied(change, current, f.index(), false);
            }
            ObjectNode partial = Json.mapper().createObjectNode();
            ObjectNode a = partial.putObject("alert");
            a.put("status", change.status);
            if (change.disposition != null) {
                a.put("disposition", change.disposition);
            }
            a.put("status_changed_at", Timestamps.format(change.at));
            a.put("status_by", change.by);
            if (change.comment != null) {
                a.put("status_comment", change.comment);
            }
            try {
                client.update(
                        u ->
                                u.index(f.index())
                                        .id(change.alertId)
                                        .ifSeqNo(f.seqNo())
                                        .ifPrimaryTerm(f.primaryTerm())
                                        .refresh(refresh)
                                        .doc(partial),
                        ObjectNode.class);
                return new Applied(change, current, f.index(), true);
            } catch (ElasticsearchException e) {
                // Someone changed the document since we read it (the indexer's count update or
                // another analyst): read it again and re-check the lifecycle.
                if (e.status() != 409 || attempt >= MAX_CONFLICTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Whether the change moves the alert on; false when it is already there (idempotent replay).
     */
    static boolean transition(AlertStatusChange c, String current, String currentDisposition)
            throws AlertStatusRefused {
        if (AlertStatusChange.CLOSED.equals(current)) {
            if (AlertStatusChange.CLOSED.equals(c.status)
                    && c.disposition != null
                    && c.disposition.equals(currentDisposition)) {
                return false;
            }
            throw new AlertStatusRefused(
                    "alert "
                            + c.alertId
                            + " is already closed"
                            + (currentDisposition == null ? "" : " as " + currentDisposition)
                            + "; a closed alert is final");
        }
        if (c.status.equals(current)) {
            return false;
        }
        if (AlertStatusChange.OPEN.equals(c.status)) {
            throw new AlertStatusRefused(
                    "alert " + c.alertId + " is " + current + "; it cannot go back to open");
        }
        return true;
    }

    private Found find(String id) throws IOException {
        String index = search(id);
        if (index == null) {
            // A just-indexed alert is not searchable before the next refresh.
            client.indices()
                    .refresh(
                            r ->
                                    r.index(AlertIndices.ALIAS)
                                            .ignoreUnavailable(true)
                                            .allowNoIndices(true));
            index = search(id);
        }
        if (index == null) {
            return null;
        }
        // Search shows the document as of the last refresh; the guarded update needs the
        // current sequence number, which only a real-time get by concrete index gives.
        String concrete = index;
        var g = client.get(r -> r.index(concrete).id(id), ObjectNode.class);
        if (!g.found()) {
            return null;
        }
        return new Found(concrete, g.seqNo(), g.primaryTerm(), g.source());
    }

    /** The concrete index holding the alert, found through the alias. */
    private String search(String id) throws IOException {
        SearchResponse<ObjectNode> r;
        try {
            r =
                    client.search(
                            s ->
                                    s.index(AlertIndices.ALIAS)
                                            .ignoreUnavailable(true)
                                            .allowNoIndices(true)
                                            .source(src -> src.fetch(false))
                                            .size(1)
                                            .query(q -> q.ids(i -> i.values(id))),
                            ObjectNode.class);
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
        List<Hit<ObjectNode>> hits = r.hits().hits();
        return hits.isEmpty() ? null : hits.get(0).index();
    }
}
