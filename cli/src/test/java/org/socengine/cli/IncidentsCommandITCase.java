package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.IncidentSearch;
import org.socengine.connectors.elasticsearch.sink.IncidentIndexer;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.Incident;
import org.socengine.model.Json;
import org.socengine.model.SocTopics;

/**
 * {@code ./soc incidents} on the real broker and node: two incidents written by the escalation
 * job's own {@link IncidentIndexer}, listed (table and NDJSON), one shown, acknowledged (the change
 * read back from {@code soc.alert-status}), and the refusals of an unknown and a closed incident.
 */
class IncidentsCommandITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    @Test
    void listShowAndAcknowledgeIncidents() throws Exception {
        // A department of its own, so that other tests' incidents on the shared node do not show.
        String department =
                "it-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        long now = System.currentTimeMillis();
        Incident open =
                TestIncidents.bruteForce(department, "host.name", "web-01", now - 2 * 3_600_000L);
        open.tactics.add("credential_access");
        open.tactics.add("lateral_movement");
        open.tierReached = 1;
        open.tierName = "duty";
        open.notifications.add(Incident.Sent.of(0, "soc-webhook", "open", now - 7_000_000L));
        open.notifications.add(Incident.Sent.of(1, "duty-mail", "escalation", now - 6_000_000L));
        open.notifications.get(0).ok = true;
        Incident closed =
                TestIncidents.bruteForce(department, "source.ip", "203.0.113.5", now - 3_600_000L);
        closed.status = Incident.CLOSED;
        closed.disposition = AlertStatusChange.BENIGN;
        closed.statusBy = "le.thi.b";
        closed.statusAt = now - 60_000L;

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(List.of(open, closed), TypeInformation.of(Incident.class))
                .sinkTo(new IncidentIndexer(es()))
                .name("incidents");
        env.execute("incidents-cli-it");
        try (ElasticsearchClient client = ElasticsearchClients.create(es())) {
            new IncidentSearch(client).refresh();
        }

        String[] conn = {"--es-url", SERVICES.elasticsearchUrl()};

        CommandRun table = run(conn, "incidents", "list", "--department", department);
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.outLines()).hasSize(3);
        assertThat(table.outLines().get(0)).startsWith("ID").contains("TIER", "NOTIFIED");
        assertThat(table.outLines().get(1))
                .contains(
                        open.id,
                        department,
                        "high",
                        "85",
                        "2h0",
                        "1:duty",
                        "soc-webhook,duty-mail");
        assertThat(table.outLines().get(2)).isEqualTo("1 open incident");

        CommandRun json =
                run(
                        conn,
                        "incidents",
                        "list",
                        "--department",
                        department,
                        "--status",
                        "all",
                        "--json");
        assertThat(json.code()).as(json.err()).isZero();
        List<String> ids = new ArrayList<>();
        for (String line : json.outLines()) {
            ids.add(Json.mapper().readTree(line).path("incident").path("id").asText());
        }
        // Most recently active first.
        assertThat(ids).containsExactly(closed.id, open.id);

        CommandRun show = run(conn, "incidents", "show", open.id);
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out())
                .contains(
                        "incident " + open.id,
                        "host.name=web-01",
                        "credential_access, lateral_movement",
                        "SSH brute force",
                        "notifications (2)",
                        "duty-mail",
                        "pending");
        CommandRun showJson = run(conn, "incidents", "show", open.id, "--json");
        assertThat(Json.mapper().readTree(showJson.out()).path("incident").path("risk").asInt())
                .isEqualTo(85);

        String[] withKafka = {
            "--es-url", SERVICES.elasticsearchUrl(), "--kafka", SERVICES.bootstrapServers()
        };
        CommandRun ack =
                run(
                        withKafka,
                        "incidents",
                        "ack",
                        open.id,
                        "--note",
                        "on it",
                        "--by",
                        "nguyen.van.a");
        assertThat(ack.code()).as(ack.err()).isZero();
        assertThat(ack.out()).contains("incident " + open.id + " acknowledged (was open)");

        CommandRun unknown = run(withKafka, "incidents", "ack", "inc-000000000000000000000000");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.errLines())
                .containsExactly(
                        "soc ack: no incident inc-000000000000000000000000 in soc-incidents");

        CommandRun closeAgain =
                run(withKafka, "incidents", "close", closed.id, "--disposition", "tp");
        assertThat(closeAgain.code()).isEqualTo(1);
        assertThat(closeAgain.err()).contains("already closed as benign");

        AlertStatusChange published = readBack(open.id);
        assertThat(published.status).isEqualTo(AlertStatusChange.ACKNOWLEDGED);
        assertThat(published.by).isEqualTo("nguyen.van.a");
        assertThat(published.comment).isEqualTo("on it");
        assertThat(published.departmentId).isEqualTo(department);
    }

    private static CommandRun run(String[] connection, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(connection));
        return CommandRun.of(all.toArray(String[]::new));
    }

    private static ElasticsearchSettings es() {
        return ElasticsearchSettings.of(SERVICES.elasticsearchUrl());
    }

    /** The status change keyed by the incident id on soc.alert-status; a bound against a hang. */
    private static AlertStatusChange readBack(String id) throws Exception {
        try (KafkaConsumer<String, String> consumer = SERVICES.stringConsumer("earliest")) {
            consumer.subscribe(List.of(SocTopics.ALERT_STATUS));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (id.equals(r.key())) {
                        JsonNode n = Json.mapper().readTree(r.value());
                        assertThat(n.path("alert_id").asText()).isEqualTo(id);
                        return AlertStatusChange.fromJson(r.value());
                    }
                }
            }
        }
        throw new AssertionError("no status change for " + id + " on " + SocTopics.ALERT_STATUS);
    }
}
