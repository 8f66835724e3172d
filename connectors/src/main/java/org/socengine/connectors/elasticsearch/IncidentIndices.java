package org.socengine.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.socengine.model.Incident;

/**
 * The incident index layout, like the alerts': one index per department and month of the incident's
 * first alert ({@code soc-incidents-<department>-<yyyy.MM>}), all behind the alias {@code
 * soc-incidents} and each department's behind {@code soc-incidents-<department>}; created from an
 * index template the engine installs at start. The month of the first alert never changes, so every
 * version of an incident lands in the same index.
 */
public final class IncidentIndices {

    public static final String ALIAS = "soc-incidents";
    public static final String TEMPLATE = "soc-incidents";

    private static final DateTimeFormatter MONTH =
            DateTimeFormatter.ofPattern("yyyy.MM").withZone(ZoneOffset.UTC);

    private IncidentIndices() {}

    public static String indexFor(Incident incident) {
        return indexFor(incident.departmentId, incident.firstSeen);
    }

    public static String indexFor(String department, long firstSeen) {
        return ALIAS
                + "-"
                + AlertIndices.sanitize(department)
                + "-"
                + MONTH.format(Instant.ofEpochMilli(firstSeen));
    }

    public static String departmentAlias(String department) {
        return ALIAS + "-" + AlertIndices.sanitize(department);
    }

    /** Installs or upgrades the index template; idempotent. */
    public static void installTemplate(ElasticsearchClient client) throws IOException {
        String json = templateJson();
        client.indices().putIndexTemplate(r -> r.name(TEMPLATE).withJson(new StringReader(json)));
    }

    public static String templateJson() throws IOException {
        try (InputStream in =
                IncidentIndices.class.getResourceAsStream("soc-incidents-template.json")) {
            if (in == null) {
                throw new IOException("missing soc-incidents-template.json");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
