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
import java.util.function.UnaryOperator;

/**
 * Reads the engine's documents back from one of its aliases (alerts, incidents), newest first by
 * one time field: what {@link AlertSearch} and {@link IncidentSearch} share.
 */
abstract class AliasSearch {

    final ElasticsearchClient client;
    private final String alias;
    private final UnaryOperator<String> departmentAlias;
    private final String newestFirstBy;

    /**
     * @param alias the alias over every department's indices
     * @param departmentAlias a department's own alias
     * @param newestFirstBy the time field the hits are sorted by, descending
     */
    AliasSearch(
            ElasticsearchClient client,
            String alias,
            UnaryOperator<String> departmentAlias,
            String newestFirstBy) {
        this.client = client;
        this.alias = alias;
        this.departmentAlias = departmentAlias;
        this.newestFirstBy = newestFirstBy;
    }

    /**
     * Where to search: with a department only that department's alias, so a user whose role allows
     * just that alias can search too; else the whole alias.
     */
    final String index(String department) {
        return department == null ? alias : departmentAlias.apply(department);
    }

    /** The sources of the hits matching every filter, newest first; none without an index yet. */
    final List<ObjectNode> search(String index, List<Query> filters, int size) throws IOException {
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
                                                                    f ->
                                                                            f.field(newestFirstBy)
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
            // Nothing written yet (no job has created an index behind the alias): nothing to show.
            if (e.status() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(value)));
    }

    static Query atOrAfter(String field, String iso) {
        return Query.of(q -> q.range(r -> r.date(d -> d.field(field).gte(iso))));
    }

    /** Makes the latest writes visible to search (tests and the console's final count). */
    public void refresh() throws IOException {
        client.indices().refresh(r -> r.index(alias).ignoreUnavailable(true).allowNoIndices(true));
    }
}
