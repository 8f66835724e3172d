package org.socengine.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads alerts back from the alert alias, newest first, for the console and the tests. */
public final class AlertSearch {

    private final ElasticsearchClient client;

    public AlertSearch(ElasticsearchClient client) {
        this.client = client;
    }

    /**
     * Alerts matching all the given terms ({@code organization.id}, {@code rule.severity}, ...)
     * with {@code @timestamp} at or after {@code sinceIso} (may be null), newest first.
     */
    public List<ObjectNode> search(java.util.Map<String, String> terms, String sinceIso, int size)
            throws IOException {
        List<Query> filters = new ArrayList<>();
        terms.forEach(
                (field, value) ->
                        filters.add(Query.of(q -> q.term(t -> t.field(field).value(value)))));
        if (sinceIso != null) {
            filters.add(
                    Query.of(q -> q.range(r -> r.date(d -> d.field("@timestamp").gte(sinceIso)))));
        }
        try {
            SearchResponse<ObjectNode> r =
                    client.search(
                            s ->
                                    s.index(AlertIndices.ALIAS)
                                            .size(size)
                                            .ignoreUnavailable(true)
                                            .allowNoIndices(true)
                                            .query(q -> q.bool(b -> b.filter(filters)))
                                            .sort(
                                                    o ->
                                                            o.field(
                                                                    f ->
                                                                            f.field("@timestamp")
                                                                                    .order(
                                                                                            SortOrder
                                                                                                    .Desc))),
                            ObjectNode.class);
            List<ObjectNode> out = new ArrayList<>();
            for (Hit<ObjectNode> h : r.hits().hits()) {
                out.add(h.source());
            }
            return out;
        } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    /** What {@link #find} looks for; null fields do not filter. */
    public record Filter(
            String department,
            String severity,
            String rule,
            String status,
            String sinceIso,
            int limit) {}

    /**
     * Recent alerts, newest first. With a department, only that department's alias is read, so a
     * user whose role allows just that alias can search too. The rule matches its id or name.
     */
    public List<ObjectNode> find(Filter f) throws IOException {
        List<Query> filters = new ArrayList<>();
        if (f.severity() != null) {
            filters.add(term("rule.severity", f.severity()));
        }
        if (f.status() != null) {
            filters.add(term("alert.status", f.status()));
        }
        if (f.rule() != null) {
            filters.add(
                    Query.of(
                            q ->
                                    q.bool(
                                            b ->
                                                    b.should(term("rule.id", f.rule()))
                                                            .should(term("rule.name", f.rule()))
                                                            .minimumShouldMatch("1"))));
        }
        if (f.sinceIso() != null) {
            filters.add(
                    Query.of(
                            q ->
                                    q.range(
                                            r ->
                                                    r.date(
                                                            d ->
                                                                    d.field("@timestamp")
                                                                            .gte(f.sinceIso())))));
        }
        String index =
                f.department() == null
                        ? AlertIndices.ALIAS
                        : AlertIndices.departmentAlias(f.department());
        try {
            SearchResponse<ObjectNode> r =
                    client.search(
                            s ->
                                    s.index(index)
                                            .size(f.limit())
                                            .ignoreUnavailable(true)
                                            .allowNoIndices(true)
                                            .query(q -> q.bool(b -> b.filter(filters)))
                                            .sort(
                                                    o ->
                                                            o.field(
                                                                    x ->
                                                                            x.field("@timestamp")
                                                                                    .order(
                                                                                            SortOrder
                                                                                                    .Desc))),
                            ObjectNode.class);
            List<ObjectNode> out = new ArrayList<>();
            for (Hit<ObjectNode> h : r.hits().hits()) {
                out.add(h.source());
            }
            return out;
        } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    private static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(value)));
    }

    /** Makes the latest writes visible to search (tests and the console's final count). */
    public void refresh() throws IOException {
        client.indices()
                .refresh(
                        r ->
                                r.index(AlertIndices.ALIAS)
                                        .ignoreUnavailable(true)
                                        .allowNoIndices(true));
    }

    public long count() throws IOException {
        return client.count(
                        c ->
                                c.index(AlertIndices.ALIAS)
                                        .ignoreUnavailable(true)
                                        .allowNoIndices(true))
                .count();
    }
}
