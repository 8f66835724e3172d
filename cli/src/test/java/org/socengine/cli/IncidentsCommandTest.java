package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.socengine.model.Incident;

/** {@code ./soc incidents}: option parsing, help and the one-line refusals, without any server. */
class IncidentsCommandTest {

    /** {@code ./soc incidents ARGS}, run as the launcher runs it. */
    private static CommandRun run(String... args) {
        return CommandRun.under("incidents", args);
    }

    @Test
    void everySubcommandHasHelpWithTheConnectionOptions() {
        for (String sub : new String[] {"list", "show", "ack", "close"}) {
            CommandRun r = run(sub, "--help");
            assertThat(r.code()).as(sub).isZero();
            assertThat(r.out())
                    .as(sub)
                    .contains("Usage: soc incidents " + sub, "--es-url", "--es-ca", "--kafka")
                    .doesNotContain("--es-password ", "--es-api-key ");
        }
        assertThat(run("list", "--help").out())
                .contains("--status", "--department", "--severity", "--limit", "--json")
                .contains("At most N incidents. Default: 50.", "One incident document per line");
        assertThat(run("show", "--help").out()).contains("--json");
        assertThat(run("ack", "--help").out()).contains("--note", "--by");
        assertThat(run("close", "--help").out()).contains("--disposition", "--note", "--by");
        assertThat(CommandRun.of("--help").out()).contains("incidents");
    }

    @Test
    void badOptionsFailWithOneLineBeforeAnyConnection() throws Exception {
        String url = CommandRun.deadUrl();
        CommandRun limit = run("list", "--limit", "0", "--es-url", url);
        assertThat(limit.code()).isEqualTo(1);
        assertThat(limit.err()).contains("--limit must be between 1 and 10000");
        CommandRun sev = run("list", "--severity", "urgent", "--es-url", url);
        assertThat(sev.err()).contains("--severity must be");
        CommandRun status = run("list", "--status", "pending", "--es-url", url);
        assertThat(status.err().strip().lines()).hasSize(1);
        assertThat(status.err()).contains("--status must be open, acknowledged, closed or all");
        CommandRun missing = run("close", "inc-1");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("--disposition");
        CommandRun unknown = run("close", "inc-1", "--disposition", "maybe", "--es-url", url);
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err().strip().lines()).hasSize(1);
        assertThat(unknown.err()).contains("disposition must be one of");
        CommandRun noId = run("show");
        assertThat(noId.code()).isNotZero();
        assertThat(noId.err()).contains("ID");
    }

    @Test
    void aSecretOnTheCommandLineIsRefusedWithExitTwo() {
        CommandRun r = run("list", "--es-password", "hunter2");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--es-password-file").doesNotContain("hunter2");
    }

    @Test
    void anAckWithoutKafkaIsRefusedBeforeLookingAnythingUp() throws Exception {
        assumeTrue(System.getenv("SOC_KAFKA") == null, "SOC_KAFKA is set in this environment");
        CommandRun r = run("ack", "inc-1", "--note", "on it", "--es-url", CommandRun.deadUrl());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("no Kafka", "SOC_KAFKA");
    }

    @Test
    void anUnreachableElasticsearchIsOneLine() throws Exception {
        String url = CommandRun.deadUrl();
        CommandRun r = run("show", "inc-1", "--es-url", url);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("Elasticsearch at " + url);
    }

    @Test
    void tableAndDetailsShowTheIncidentAtAGlance() {
        long first = Instant.parse("2026-11-25T08:00:00Z").toEpochMilli();
        Incident i = TestIncidents.bruteForce("so-yt", "host.name", "yt-portal-01", first);
        i.departmentName = "Sở Y tế";
        i.tactics.add("credential_access");
        i.tierReached = 1;
        i.tierName = "duty";
        i.notifications.add(Incident.Sent.of(0, "soc-webhook", "open", first + 1_000));
        i.notifications.add(Incident.Sent.of(1, "duty-mail", "escalation", first + 900_000));
        i.notifications.add(Incident.Sent.of(1, "soc-webhook", "escalation", first + 900_000));
        i.notifications.get(0).ok = true;
        long now = first + 3 * 3_600_000L + 5 * 60_000L;

        List<String> lines = IncidentsCommand.table(List.of(i), now).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("ID").contains("RISK", "AGE", "TIER", "NOTIFIED");
        assertThat(lines.get(1))
                .contains(
                        i.id,
                        "so-yt",
                        "high",
                        "85",
                        "open",
                        "3h05m",
                        "1:duty",
                        "soc-webhook,duty-mail",
                        "host.name=yt-portal-01");

        String d = IncidentsCommand.details(i, now);
        assertThat(d)
                .contains(
                        "incident " + i.id,
                        "so-yt (Sở Y tế)",
                        "credential_access",
                        "SSH brute force",
                        "alert-yt-portal-01",
                        "notifications (3)",
                        "duty-mail",
                        "sent",
                        "pending");
        assertThat(IncidentsCommand.age(first, first + 45_000)).isEqualTo("45s");
        assertThat(IncidentsCommand.age(first, first + 2 * 86_400_000L)).isEqualTo("2d00h");
    }
}
