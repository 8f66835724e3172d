package org.socengine.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.socengine.model.Alert;

/**
 * The alert index layout: one index per department and month ({@code
 * soc-alerts-<department>-<yyyy.MM>}), all behind the alias {@code soc-alerts}, created from an
 * index template the engine installs (and upgrades) at start.
 */
public final class AlertIndices {

    public static final String ALIAS = "soc-alerts";
    public static final String TEMPLATE = "soc-alerts";
    public static final String UNKNOWN_DEPARTMENT = "unattributed";

    private static final DateTimeFormatter MONTH =
            DateTimeFormatter.ofPattern("yyyy.MM").withZone(ZoneOffset.UTC);

    private AlertIndices() {}

    /** The index of an alert: by its department and the month of its timestamp. */
    public static String indexFor(Alert alert) {
        return indexFor(alert.departmentId, alert.timestamp);
    }

    public static String indexFor(String department, long timestamp) {
        return ALIAS
                + "-"
                + sanitize(department)
                + "-"
                + MONTH.format(Instant.ofEpochMilli(timestamp));
    }

    /** Index names must be lower case without separators Elasticsearch refuses. */
    static String sanitize(String department) {
        if (department == null || department.isBlank()) {
            return UNKNOWN_DEPARTMENT;
        }
        String s = department.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
        return s.startsWith("_") || s.startsWith("-") ? "d" + s : s;
    }

    /** Installs or upgrades the index template; idempotent. */
    public static void installTemplate(ElasticsearchClient client) throws IOException {
        String json = templateJson();
        client.indices().putIndexTemplate(r -> r.name(TEMPLATE).withJson(new StringReader(json)));
    }

    public static String templateJson() throws IOException {
        try (InputStream in = AlertIndices.class.getResourceAsStream("soc-alerts-template.json")) {
            if (in == null) {
                throw new IOException("missing soc-alerts-template.json");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
