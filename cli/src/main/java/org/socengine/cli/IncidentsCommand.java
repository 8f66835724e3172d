package org.socengine.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.IncidentIndices;
import org.socengine.connectors.elasticsearch.IncidentSearch;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.Incident;
import org.socengine.model.IncidentJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./soc incidents}: the escalation job's incidents in Elasticsearch, and their
 * acknowledgement and close on {@code soc.alert-status} (the job owns the incident document, so the
 * command only publishes the change; the job applies it and rewrites the document).
 */
@Command(
        name = "incidents",
        mixinStandardHelpOptions = true,
        description = {
            "List, show, acknowledge and close the escalation job's incidents.",
            "",
            "Incidents are read from Elasticsearch (alias soc-incidents). Acknowledging stops",
            "further escalation; closing closes the incident and its alerts with the same",
            "disposition. Both are published on soc.alert-status for the running escalation job."
        },
        subcommands = {
            IncidentsCommand.ListIncidents.class,
            IncidentsCommand.Show.class,
            IncidentsCommand.Ack.class,
            IncidentsCommand.Close.class
        })
public final class IncidentsCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static Incident read(ObjectNode doc) {
        try {
            return IncidentJson.fromTree(doc);
        } catch (IOException | RuntimeException e) {
            throw new CliFailure(
                    "unreadable incident document " + doc.path("incident").path("id").asText("?"));
        }
    }

    private static Optional<ObjectNode> lookUp(
            AlertsConnection connection, ElasticsearchSettings s, String id) {
        try (ElasticsearchClient client = connection.client(s)) {
            return new IncidentSearch(client).get(id);
        } catch (IOException | ElasticsearchException e) {
            throw AlertsConnection.failure(e, s);
        }
    }

    private static CliFailure unknown(String id) {
        return new CliFailure("no incident " + id + " in " + IncidentIndices.ALIAS);
    }

    /** {@code 45s}, {@code 12m}, {@code 3h05m}, {@code 2d04h}: how long ago, at a glance. */
    static String age(long sinceMillis, long nowMillis) {
        if (sinceMillis <= 0) {
            return "-";
        }
        Duration d = Duration.ofMillis(Math.max(0, nowMillis - sinceMillis));
        if (d.toMinutes() < 1) {
            return d.toSeconds() + "s";
        }
        if (d.toHours() < 1) {
            return d.toMinutes() + "m";
        }
        if (d.toDays() < 1) {
            return String.format("%dh%02dm", d.toHours(), d.toMinutesPart());
        }
        return String.format("%dd%02dh", d.toDays(), d.toHoursPart());
    }

    /** The channels notified so far, each once, in the order they were first notified. */
    static String notified(Incident i) {
        Set<String> channels = new LinkedHashSet<>();
        for (Incident.Sent s : i.notifications) {
            if (s.channel != null) {
                channels.add(s.channel);
            }
        }
        return channels.isEmpty() ? "-" : String.join(",", channels);
    }

    static String tier(Incident i) {
        if (i.tierReached < 0) {
            return "-";
        }
        return i.tierName == null
                ? Integer.toString(i.tierReached)
                : i.tierReached + ":" + i.tierName;
    }

    /** A fixed-width table an analyst can read in a terminal; long cells are cut with "…". */
    static String table(List<Incident> incidents, long now) {
        String[] head = {
            "ID", "DEPARTMENT", "SEVERITY", "RISK", "STATUS", "AGE", "TIER", "NOTIFIED", "ENTITY"
        };
        int[] max = {40, 16, 8, 5, 21, 8, 20, 40, 40};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (Incident i : incidents) {
            rows.add(
                    new String[] {
                        String.valueOf(i.id),
                        i.departmentId == null ? "-" : i.departmentId,
                        i.severity == null ? "-" : i.severity,
                        Integer.toString(i.risk),
                        i.disposition == null ? i.status : i.status + "/" + i.disposition,
                        age(i.firstSeen, now),
                        tier(i),
                        notified(i),
                        i.entityKind == null ? "-" : i.entityText()
                    });
        }
        return TextTable.render(rows, max);
    }

    /** The whole incident for a reader: summary, alerts, tactics and the notification timeline. */
    static String details(Incident i, long now) {
        StringBuilder sb = new StringBuilder();
        sb.append("incident ").append(i.id).append('\n');
        line(sb, "status", i.disposition == null ? i.status : i.status + " as " + i.disposition);
        if (i.statusBy != null) {
            line(
                    sb,
                    "status by",
                    i.statusBy
                            + (i.statusAt > 0 ? " at " + time(i.statusAt) : "")
                            + (i.statusComment == null ? "" : ": " + i.statusComment));
        }
        line(
                sb,
                "department",
                i.departmentId + (i.departmentName == null ? "" : " (" + i.departmentName + ")"));
        if (i.departments.size() > 1) {
            line(sb, "departments", String.join(", ", i.departments));
        }
        line(sb, "entity", i.entityText());
        line(sb, "severity", i.severity + ", risk " + i.risk);
        line(
                sb,
                "seen",
                time(i.firstSeen)
                        + " .. "
                        + time(i.lastSeen)
                        + " ("
                        + age(i.firstSeen, now)
                        + " ago)");
        line(sb, "tactics", i.tactics.isEmpty() ? "-" : String.join(", ", i.tactics));
        line(sb, "tier reached", tier(i));
        sb.append("alerts (")
                .append(i.alertCount)
                .append(i.alertCount > i.alerts.size() ? ", " + i.alerts.size() + " listed" : "")
                .append("):\n");
        List<String[]> alerts = new ArrayList<>();
        alerts.add(new String[] {"  TIME", "SEVERITY", "RISK", "RULE", "STATUS", "ID"});
        for (Incident.Member m : i.alerts) {
            alerts.add(
                    new String[] {
                        "  " + time(m.timestamp),
                        m.severity == null ? "-" : m.severity,
                        Integer.toString(m.riskScore),
                        m.ruleName == null ? String.valueOf(m.ruleId) : m.ruleName,
                        m.status,
                        String.valueOf(m.id)
                    });
        }
        sb.append(TextTable.render(alerts, new int[] {22, 8, 5, 40, 12, 64}));
        sb.append("notifications (").append(i.notifications.size()).append("):\n");
        List<String[]> sent = new ArrayList<>();
        sent.add(new String[] {"  TIME", "TIER", "CHANNEL", "KIND", "OUTCOME"});
        for (Incident.Sent s : i.notifications) {
            sent.add(
                    new String[] {
                        "  " + time(s.at),
                        Integer.toString(s.tier),
                        String.valueOf(s.channel),
                        s.kind == null ? "-" : s.kind,
                        s.ok == null
                                ? "pending"
                                : s.ok ? "sent" : "failed" + (s.error == null ? "" : ": " + s.error)
                    });
        }
        sb.append(TextTable.render(sent, new int[] {22, 4, 24, 12, 60}));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format("%-13s %s%n", label + ":", value));
    }

    private static String time(long millis) {
        return millis <= 0 ? "-" : AlertsCommand.TIME.format(Instant.ofEpochMilli(millis));
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "Print incidents, most recently active first (a table, or NDJSON with --json).",
                "",
                "Columns: id, department, severity, risk, age, tier reached and the channels notified.",
                "Open incidents by default; with --department only soc-incidents-<department> is read."
            })
    static final class ListIncidents extends SearchCommand {

        @Option(
                names = "--status",
                paramLabel = "S",
                defaultValue = "open",
                description = "open, acknowledged, closed or all. Default: ${DEFAULT-VALUE}.")
        String status;

        @Option(names = "--json", description = "One incident document per line (NDJSON).")
        boolean json;

        @Override
        void checkOptions() {
            if (!"all".equals(status) && !AlertStatusChange.STATUSES.contains(status)) {
                throw new CliFailure(
                        "--status must be open, acknowledged, closed or all, got '" + status + "'");
            }
        }

        @Override
        List<ObjectNode> search(ElasticsearchClient client) throws IOException {
            return new IncidentSearch(client)
                    .find(
                            new IncidentSearch.Filter(
                                    department,
                                    severity,
                                    "all".equals(status) ? null : status,
                                    limit));
        }

        @Override
        boolean json() {
            return json;
        }

        @Override
        void printTable(PrintStream out, List<ObjectNode> documents) {
            List<Incident> incidents = documents.stream().map(IncidentsCommand::read).toList();
            out.print(table(incidents, System.currentTimeMillis()));
            out.println(
                    incidents.size()
                            + ("all".equals(status) ? "" : " " + status)
                            + (incidents.size() == 1 ? " incident" : " incidents"));
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = {
                "Print one incident (--json for the document).",
                "",
                "Its status, entity, severity and risk, tactics, its alerts and the timeline of its",
                "notifications (tier, channel, outcome)."
            })
    static final class Show implements Callable<Integer> {

        @Mixin AlertsConnection connection;

        @Parameters(index = "0", paramLabel = "ID", description = "The incident id (inc-…).")
        String id;

        @Option(names = "--json", description = "The incident document as one JSON line.")
        boolean json;

        @Override
        public Integer call() {
            ElasticsearchSettings s = connection.elasticsearch();
            ObjectNode doc = lookUp(connection, s, id).orElseThrow(() -> unknown(id));
            PrintStream out = Terminal.out();
            if (json) {
                out.println(doc.toString());
            } else {
                out.print(details(read(doc), System.currentTimeMillis()));
            }
            return 0;
        }
    }

    /** Shared by ack and close: look the incident up, then publish on soc.alert-status. */
    abstract static class StatusCommand extends StatusChangeCommand {

        @Parameters(index = "0", paramLabel = "ID", description = "The incident id (inc-…).")
        String id;

        @Option(names = "--note", paramLabel = "TEXT", description = "Why, for the record.")
        String note;

        @Override
        public Integer call() {
            AlertStatusChange change = checkedChange();
            // Checked before anything else, so a refusal costs no lookup and changes nothing.
            KafkaSettings kafka = connection.kafkaOrNull();
            if (kafka == null) {
                throw new CliFailure(
                        "no Kafka to publish the change on soc.alert-status: give --kafka or SOC_KAFKA");
            }
            ElasticsearchSettings s = connection.elasticsearch();
            Incident incident = read(lookUp(connection, s, id).orElseThrow(() -> unknown(id)));
            if (incident.isClosed()) {
                throw new CliFailure(
                        "incident "
                                + id
                                + " is already closed"
                                + (incident.disposition == null
                                        ? ""
                                        : " as " + incident.disposition)
                                + "; a closed incident is final");
            }
            change.departmentId = incident.departmentId;
            publish(kafka, change, "");
            PrintStream out = Terminal.out();
            String what =
                    change.disposition == null
                            ? change.status
                            : change.status + " as " + change.disposition;
            out.println(
                    (incident.status.equals(change.status)
                                    ? "incident " + id + " is already " + change.status + "; "
                                    : "incident "
                                            + id
                                            + " "
                                            + what
                                            + " (was "
                                            + incident.status
                                            + "); ")
                            + "published on soc.alert-status");
            return 0;
        }
    }

    @Command(
            name = "ack",
            mixinStandardHelpOptions = true,
            description = {
                "Acknowledges an incident: someone is on it, escalation stops.",
                "",
                "Publishes the acknowledgement on soc.alert-status (Kafka needed); the escalation",
                "job stops notifying and records who acknowledged it. An unknown id is refused."
            })
    static final class Ack extends StatusCommand {
        @Override
        AlertStatusChange change(long now) {
            return AlertStatusChange.of(id, AlertStatusChange.ACKNOWLEDGED, null, by, now, note);
        }
    }

    @Command(
            name = "close",
            mixinStandardHelpOptions = true,
            description = {
                "Closes an incident with a disposition (true_positive, benign, false_positive).",
                "",
                "Publishes the close on soc.alert-status (Kafka needed); the escalation job closes",
                "the incident and each of its alerts with the same disposition. A closed incident",
                "is final. An unknown id is refused."
            })
    static final class Close extends StatusCommand {

        @Mixin DispositionOption disposition;

        @Override
        AlertStatusChange change(long now) {
            return AlertStatusChange.close(id, disposition.normalized(), by, now, note);
        }
    }
}
