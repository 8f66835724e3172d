package org.socengine.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.model.Alert;
import org.socengine.model.Json;

/**
 * The alert index layout: one index per department and month ({@code
 * soc-alerts-<department>-<yyyy.MM>}), all behind the alias {@code soc-alerts}, and each
 * department's indices behind its own alias {@code soc-alerts-<department>} so that an
 * Elasticsearch role can give a department's staff their alerts only. Alerts of province-scoped
 * rules, which may hold several departments' events, have their own indices ({@code
 * soc-alerts-province-<yyyy.MM>}, alias {@code soc-alerts-province}), outside every department's
 * alias. The indices are created from an index template the engine installs (and upgrades) at
 * start.
 */
public final class AlertIndices {

    public static final String ALIAS = "soc-alerts";
    public static final String TEMPLATE = "soc-alerts";
    public static final String ILM_POLICY = "soc-alerts";
    public static final String UNKNOWN_DEPARTMENT = "unattributed";

    private static final DateTimeFormatter MONTH =
            DateTimeFormatter.ofPattern("yyyy.MM").withZone(ZoneOffset.UTC);

    /**
     * Department names never contain a dot (sanitized away), so the month suffix is unambiguous and
     * a department alias can never look like an index.
     */
    private static final Pattern INDEX =
            Pattern.compile("soc-alerts-([a-z0-9_-]+)-(\\d{4})\\.(\\d{2})");

    private AlertIndices() {}

    /**
     * The index of an alert: by its department (or the province, for a province-scoped rule) and
     * the month of its timestamp.
     */
    public static String indexFor(Alert alert) {
        return indexFor(alert.province ? Alert.PROVINCE : alert.departmentId, alert.timestamp);
    }

    public static String indexFor(String department, long timestamp) {
        return ALIAS
                + "-"
                + sanitize(department)
                + "-"
                + MONTH.format(Instant.ofEpochMilli(timestamp));
    }

    /** The alias of one department's alerts, for roles that restrict staff to their own. */
    public static String departmentAlias(String department) {
        return ALIAS + "-" + sanitize(department);
    }

    /** An alert index's department (sanitized) and month, or empty for any other name. */
    public static Optional<IndexName> parse(String index) {
        Matcher m = INDEX.matcher(index);
        if (!m.matches()) {
            return Optional.empty();
        }
        int month = Integer.parseInt(m.group(3));
        if (month < 1 || month > 12) {
            return Optional.empty();
        }
        return Optional.of(
                new IndexName(
                        index, m.group(1), YearMonth.of(Integer.parseInt(m.group(2)), month)));
    }

    /** A parsed alert index name. */
    public record IndexName(String index, String department, YearMonth month) {
        public String departmentAlias() {
            return ALIAS + "-" + department;
        }
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
        installTemplate(client, false);
    }

    /**
     * Installs or upgrades the index template; with {@code ilm}, new indices are managed by the
     * {@link #ILM_POLICY} policy (install it first with {@link #installIlmPolicy}).
     */
    public static void installTemplate(ElasticsearchClient client, boolean ilm) throws IOException {
        String json = templateJson(ilm);
        client.indices().putIndexTemplate(r -> r.name(TEMPLATE).withJson(new StringReader(json)));
    }

    public static String templateJson() throws IOException {
        return templateJson(false);
    }

    static String templateJson(boolean ilm) throws IOException {
        String base;
        try (InputStream in = AlertIndices.class.getResourceAsStream("soc-alerts-template.json")) {
            if (in == null) {
                throw new IOException("missing soc-alerts-template.json");
            }
            base = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!ilm) {
            return base;
        }
        ObjectNode t = (ObjectNode) Json.mapper().readTree(base);
        ((ObjectNode) t.path("template").path("settings")).put("index.lifecycle.name", ILM_POLICY);
        return t.toString();
    }

    /**
     * Whether the cluster has index lifecycle management. The integ-test distribution has no ILM
     * module and answers {@code GET _ilm/status} with 400 "no handler found"; a full distribution
     * answers with the ILM mode.
     */
    public static boolean ilmAvailable(ElasticsearchClient client) throws IOException {
        try {
            client.ilm().getStatus();
            return true;
        } catch (ElasticsearchException e) {
            if (e.status() == 400 || e.status() == 404 || e.status() == 405) {
                return false;
            }
            throw e;
        } catch (TransportException e) {
            // A non-JSON error body ("no handler found") surfaces as a transport error with the
            // status; anything else is a connection problem to report.
            if (e.statusCode() == 400 || e.statusCode() == 404 || e.statusCode() == 405) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Installs or upgrades the ILM policy: deletes an index {@code retentionMonths} full months
     * after the end of its month (0: never). The writer sets each index's origination date to the
     * first day of its month, so ILM's age counts from there.
     */
    public static void installIlmPolicy(ElasticsearchClient client, int retentionMonths)
            throws IOException {
        ObjectNode body = Json.mapper().createObjectNode();
        ObjectNode policy = body.putObject("policy");
        ObjectNode phases = policy.putObject("phases");
        phases.putObject("hot").put("min_age", "0ms").putObject("actions");
        if (retentionMonths > 0) {
            // Months are at most 31 days: a month's index is dropped no earlier than N full
            // months after the month ended, like AlertRetention.
            ObjectNode delete = phases.putObject("delete");
            delete.put("min_age", ((retentionMonths + 1) * 31) + "d");
            delete.putObject("actions").putObject("delete");
        }
        policy.putObject("_meta").put("managed_by", "soc-engine");
        String json = body.toString();
        client.ilm().putLifecycle(r -> r.name(ILM_POLICY).withJson(new StringReader(json)));
    }

    /** The first instant of an index's month, for ILM's origination date. */
    static long monthStart(long timestamp) {
        return YearMonth.from(Instant.ofEpochMilli(timestamp).atZone(ZoneOffset.UTC))
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
    }
}
