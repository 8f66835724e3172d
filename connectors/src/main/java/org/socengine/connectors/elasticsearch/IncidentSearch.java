package org.socengine.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads incidents back from the incident alias, for the command line and the tests. */
public final class IncidentSearch {

    private final ElasticsearchClient client;

    public IncidentSearch(ElasticsearchClient client) {
        this.client = client;
    }

    /** What {@link #find} looks for; null fields do not filter. */
    public record Filter(String department, String severity, String status, int limit) {}

    /**
     * Incidents, most recently active first. With a department, only that department's alias is
     * read, so a user whose role allows just that alias can list too.
     */
    public List<ObjectNode> find(Filter f) throws IOException {
        List<Query> filters = new ArrayList<>();
        if (f.severity() != null) {
            filters.add(term("incident.severity", f.severity()));
        }
        if (f.status() != null) {
            filters.add(term("incident.status", f.status()));
        }
        String index =
                f.department() == null
                        ? IncidentIndices.ALIAS
                        : IncidentIndices.departmentAlias(f.department());
        return search(index, filters, f.limit());
    }

    /** The incident document with this id, if the alias holds one. */
    public Optional<ObjectNode> get(String id) throws IOException {
        List<ObjectNode> hits = search(IncidentIndices.ALIAS, List.of(term("incident.id", id)), 1);
        return hits.stream().findFirst();
    }

    /** Makes the latest writes visible to search (tests). */
    public void refresh() throws IOException {
        client.indices()
                .refresh(
                        r ->
                                r.index(IncidentIndices.ALIAS)
                                        .ignoreUnavailable(true)
                                        .allowNoIndices(true));
    }

    private List<ObjectNode> search(String index, List<Query> filters, int size)
            throws IOException {
        try {
            SearchResponse<ObjectNode> r =
                    client.search(
                            s ->
                                    s.index(index)
                                            .size(size)
                                            .ignoreUnavailable(true)
                                            .allowNoIndices(true)
                                            .query(q -> q.bool(b -> b.filter(filters)))
                                            .sort(
                                                    o ->
                                                            o.field(
                                                                    x ->
                                                                            x.field(
                                                                                            "incident.last_seen")
                                                                                    .order(
                                                                                            SortOrder
                                                                                                    .Desc))),
                            ObjectNode.class);
            List<ObjectNode> out = new ArrayList<>();
            for (Hit<ObjectNode> h : r.hits().hits()) {
                out.add(h.source());
            }
            return out;
        } catch (ElasticsearchException e) {
            // No incident index yet (the escalation job has not written one): nothing to show.
            if (e.status() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    private static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(value)));
    }
}
