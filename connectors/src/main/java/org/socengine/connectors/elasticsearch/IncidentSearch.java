package org.socengine.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads incidents back from the incident alias, for the command line and the tests. */
public final class IncidentSearch extends AliasSearch {

    public IncidentSearch(ElasticsearchClient client) {
        super(
                client,
                IncidentIndices.ALIAS,
                IncidentIndices::departmentAlias,
                "incident.last_seen");
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
        return search(index(f.department()), filters, f.limit());
    }

    /** The incident document with this id, if the alias holds one. */
    public Optional<ObjectNode> get(String id) throws IOException {
        return search(index(null), List.of(term("incident.id", id)), 1).stream().findFirst();
    }
}
