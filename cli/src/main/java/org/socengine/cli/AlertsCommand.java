package org.socengine.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.elasticsearch.AlertRetention;
import org.socengine.connectors.elasticsearch.AlertSearch;
import org.socengine.connectors.elasticsearch.AlertStatusRefused;
import org.socengine.connectors.elasticsearch.AlertStatusWriter;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.Timestamps;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./soc alerts}: search, triage and retention of the alerts in Elasticsearch. */
@Command(
        name = "alerts",
        mixinStandardHelpOptions = true,
        description = {
            "Search, acknowledge and close alerts; drop old alert indices.",
            "",
            "Alerts in Elasticsearch: search them, acknowledge or close them (the change is also",
            "published on soc.alert-status so the running job learns false-positive closes),",
            "and drop monthly indices past the retention."
        },
        subcommands = {
            AlertsCommand.Search.class,
            AlertsCommand.Ack.class,
            AlertsCommand.Close.class,
            AlertsCommand.Retention.class
        })
public final class AlertsCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static final Pattern SINCE = Pattern.compile("(\\d+)\\s*([smhdw])");

    /** {@code 90s}, {@code 15m}, {@code 1h}, {@code 7d}, {@code 2w}, or an ISO instant. */
    static Instant since(String text, Instant now) {
        Matcher m = SINCE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d =
                    switch (m.group(2)) {
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        default -> Duration.ofDays(7 * n);
                    };
            return now.minus(d);
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new CliFailure(
                    "--since takes a duration like 30m, 1h, 7d or an ISO time like 2026-11-25T08:00:00Z, got '"
                            + text
                            + "'");
        }
    }

    @Command(
            name = "search",
            mixinStandardHelpOptions = true,
            description = {
                "Prints recent alerts, newest first, as a table (or NDJSON with --json).",
                "With --department only that department's alias soc-alerts-<department> is read."
            })
    static final class Search extends SearchCommand {

        @Option(names = "--rule", paramLabel = "R", description = "Rule id or exact rule name.")
        String rule;

        @Option(names = "--status", paramLabel = "S", description = "open, acknowledged or closed.")
        String status;

        @Option(
                names = "--since",
                paramLabel = "AGE",
                defaultValue = "24h",
                description =
                        "Alerts at most this old (30m, 1h, 7d) or since an ISO time. Default: ${DEFAULT-VALUE}.")
        String since;

        @Option(names = "--json", description = "One alert document per line (NDJSON).")
        boolean json;

        private Instant from;

        @Override
        void checkOptions() {
            if (status != null && !AlertStatusChange.STATUSES.contains(status)) {
                throw new CliFailure(
                        "--status must be open, acknowledged or closed, got '" + status + "'");
            }
            from = since(since, Instant.now());
        }

        @Override
        List<ObjectNode> search(ElasticsearchClient client) throws IOException {
            return new AlertSearch(client)
                    .find(
                            new AlertSearch.Filter(
                                    department,
                                    severity,
                                    rule,
                                    status,
                                    Timestamps.format(from.toEpochMilli()),
                                    limit));
        }

        @Override
        boolean json() {
            return json;
        }

        @Override
        void printTable(PrintStream out, List<ObjectNode> alerts) {
            out.print(table(alerts));
            out.println(
                    alerts.size()
                            + (alerts.size() == 1 ? " alert" : " alerts")
                            + " since "
                            + TIME.format(from));
        }
    }

    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** A fixed-width table an analyst can read in a terminal; long cells are cut with "…". */
    static String table(List<ObjectNode> alerts) {
        String[] head = {
            "TIME", "DEPARTMENT", "SEVERITY", "RULE", "ENTITY", "COUNT", "STATUS", "ID"
        };
        int[] max = {20, 16, 8, 40, 30, 7, 21, 64};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (ObjectNode a : alerts) {
            JsonNode alert = a.path("alert");
            String time;
            try {
                time =
                        TIME.format(
                                Instant.ofEpochMilli(
                                        Timestamps.parse(a.path("@timestamp").asText())));
            } catch (RuntimeException e) {
                time = a.path("@timestamp").asText("-");
            }
            String st = alert.path("status").asText("open");
            if (alert.hasNonNull("disposition")) {
                st = st + "/" + alert.path("disposition").asText();
            }
            rows.add(
                    new String[] {
                        time,
                        a.path("organization").path("id").asText("-"),
                        a.path("rule").path("severity").asText("-"),
                        (alert.path("meta").asBoolean() ? "[meta] " : "")
                                + a.path("rule").path("name").asText("-"),
                        alert.path("group_key").asText("-"),
                        alert.path("count").asText("0"),
                        st,
                        alert.path("id").asText("-")
                    });
        }
        return TextTable.render(rows, max);
    }

    /** Shared by ack and close: write to Elasticsearch, then publish on soc.alert-status. */
    abstract static class StatusCommand extends StatusChangeCommand {

        @Parameters(index = "0", paramLabel = "ID", description = "The alert id.")
        String id;

        @Option(
                names = "--no-publish",
                description = "Write to Elasticsearch only; the running job will not learn of it.")
        boolean noPublish;

        @Override
        public Integer call() {
            AlertStatusChange change = checkedChange();
            ElasticsearchSettings s = connection.elasticsearch();
            KafkaSettings kafka = noPublish ? null : connection.kafkaOrNull();
            if (!noPublish && kafka == null) {
                // Checked before writing anything, so a refusal leaves no half-done change.
                throw new CliFailure(
                        "no Kafka to publish the change on soc.alert-status: give --kafka or SOC_KAFKA (or --no-publish)");
            }
            AlertStatusWriter.Applied applied;
            try (ElasticsearchClient client = connection.client(s)) {
                applied = new AlertStatusWriter(client).apply(change);
            } catch (AlertStatusRefused e) {
                throw new CliFailure(e.getMessage());
            } catch (IOException | ElasticsearchException e) {
                throw AlertsConnection.failure(e, s);
            }
            PrintStream out = Terminal.out();
            out.println(
                    applied.changed()
                            ? "alert "
                                    + change.alertId
                                    + " "
                                    + describe(change)
                                    + " (was "
                                    + applied.previousStatus()
                                    + ") in "
                                    + applied.index()
                            : "alert " + change.alertId + " is already " + describe(change));
            if (kafka != null) {
                // Published even when unchanged: re-running the command after a Kafka failure
                // must still reach the job, and the job applies a change idempotently.
                publish(kafka, applied.change(), "written to Elasticsearch but ");
                out.println("published on soc.alert-status");
            }
            return 0;
        }

        private static String describe(AlertStatusChange c) {
            return c.disposition == null ? c.status : c.status + " as " + c.disposition;
        }
    }

    @Command(
            name = "ack",
            mixinStandardHelpOptions = true,
            description = "Acknowledges an open alert: someone is looking at it.")
    static final class Ack extends StatusCommand {
        @Override
        AlertStatusChange change(long now) {
            return AlertStatusChange.acknowledge(id, by, now);
        }
    }

    @Command(
            name = "close",
            mixinStandardHelpOptions = true,
            description = {
                "Close an alert with a disposition (true_positive, benign, false_positive).",
                "",
                "Closes an alert with a disposition. A closed alert is final. A false-positive",
                "close keeps the same rule and key from re-alerting within the rule's suppression."
            })
    static final class Close extends StatusCommand {

        @Mixin DispositionOption disposition;

        @Option(names = "--comment", paramLabel = "TEXT", description = "Why, for the record.")
        String comment;

        @Override
        AlertStatusChange change(long now) {
            return AlertStatusChange.close(id, disposition.normalized(), by, now, comment);
        }
    }

    @Command(
            name = "retention",
            mixinStandardHelpOptions = true,
            description = {
                "Drop whole monthly alert indices older than N months.",
                "",
                "Drops whole monthly alert indices older than the retention: the current month and",
                "the N months before it are kept. Works without ILM; run it daily (cron)."
            })
    static final class Retention implements Callable<Integer> {

        @Mixin AlertsConnection connection;

        @Option(
                names = "--months",
                required = true,
                paramLabel = "N",
                description = "Months to keep besides the current one (at least 1).")
        int months;

        @Option(names = "--dry-run", description = "Only list what would be dropped.")
        boolean dryRun;

        @Override
        public Integer call() {
            if (months < 1) {
                throw new CliFailure("--months must be at least 1, got " + months);
            }
            ElasticsearchSettings s = connection.elasticsearch();
            AlertRetention.Outcome o;
            try (ElasticsearchClient client = connection.client(s)) {
                o = new AlertRetention(client).apply(months, YearMonth.now(ZoneOffset.UTC), dryRun);
            } catch (IOException | ElasticsearchException e) {
                throw AlertsConnection.failure(e, s);
            }
            PrintStream out = Terminal.out();
            for (String i : o.dropped()) {
                out.println((dryRun ? "would drop " : "dropped ") + i);
            }
            out.println(
                    (dryRun ? "would drop " : "dropped ")
                            + o.dropped().size()
                            + ", kept "
                            + o.kept().size()
                            + " alert indices (retention "
                            + months
                            + " months)");
            return 0;
        }
    }
}
