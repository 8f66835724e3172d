package org.socengine.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads alerts back from the alert alias, newest first, for the console and the tests. */
public final class AlertSearch extends AliasSearch {

    public AlertSearch(ElasticsearchClient client) {
        super(client, AlertIndices.ALIAS, AlertIndices::departmentAlias, "@timestamp");
    }

    /**
     * Alerts matching all the given terms ({@code organization.id}, {@code rule.severity}, ...)
     * with {@code @timestamp} at or after {@code sinceIso} (may be null), newest first.
     */
    public List<ObjectNode> search(Map<String, String> terms, String sinceIso, int size)
            throws IOException {
        List<Query> filters = new ArrayList<>();
        terms.forEach((field, value) -> filters.add(term(field, value)));
        if (sinceIso != null) {
            filters.add(atOrAfter("@timestamp", sinceIso));
        }
        return search(index(null), filters, size);
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
            filters.add(atOrAfter("@timestamp", f.sinceIso()));
        }
        return search(index(f.department()), filters, f.limit());
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
