package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.socengine.model.Incident;
import picocli.CommandLine;

/** {@code ./soc incidents}: option parsing, help and the one-line refusals, without any server. */
class IncidentsCommandTest {

    private record Run(int code, String out, String err) {}

    /** Runs like {@link SocCommand#execute}: failures as one line on stderr, non-zero exit. */
    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new IncidentsCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler(
                (ex, cmd, parsed) -> {
                    cmd.getErr().println("soc " + cmd.getCommandName() + ": " + ex.getMessage());
                    return ex instanceof CliFailure f ? f.exitCode() : 1;
                });
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A loopback port nobody listens on. */
    private static String deadUrl() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void everySubcommandHasHelpWithTheConnectionOptions() {
        for (String sub : new String[] {"list", "show", "ack", "close"}) {
            Run r = run(sub, "--help");
            assertThat(r.code()).as(sub).isZero();
            assertThat(r.out())
                    .as(sub)
                    .contains("Usage: incidents " + sub, "--es-url", "--es-ca", "--kafka")
                    .doesNotContain("--es-password ", "--es-api-key ");
        }
        assertThat(run("list", "--help").out())
                .contains("--status", "--department", "--severity", "--limit", "--json");
        assertThat(run("show", "--help").out()).contains("--json");
        assertThat(run("ack", "--help").out()).contains("--note", "--by");
        assertThat(run("close", "--help").out()).contains("--disposition", "--note", "--by");
        assertThat(CommandRun.of("--help").out()).contains("incidents");
    }

    @Test
    void badOptionsFailWithOneLineBeforeAnyConnection() throws Exception {
        String url = deadUrl();
        Run limit = run("list", "--limit", "0", "--es-url", url);
        assertThat(limit.code()).isEqualTo(1);
        assertThat(limit.err()).contains("--limit must be between 1 and 10000");
        Run sev = run("list", "--severity", "urgent", "--es-url", url);
        assertThat(sev.err()).contains("--severity must be");
        Run status = run("list", "--status", "pending", "--es-url", url);
        assertThat(status.err().strip().lines()).hasSize(1);
        assertThat(status.err()).contains("--status must be open, acknowledged, closed or all");
        Run missing = run("close", "inc-1");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("--disposition");
        Run unknown = run("close", "inc-1", "--disposition", "maybe", "--es-url", url);
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err().strip().lines()).hasSize(1);
        assertThat(unknown.err()).contains("disposition must be one of");
        Run noId = run("show");
        assertThat(noId.code()).isNotZero();
        assertThat(noId.err()).contains("ID");
    }

    @Test
    void aSecretOnTheCommandLineIsRefusedWithExitTwo() {
        Run r = run("list", "--es-password", "hunter2");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--es-password-file").doesNotContain("hunter2");
    }

    @Test
    void anAckWithoutKafkaIsRefusedBeforeLookingAnythingUp() throws Exception {
        assumeTrue(System.getenv("SOC_KAFKA") == null, "SOC_KAFKA is set in this environment");
        Run r = run("ack", "inc-1", "--note", "on it", "--es-url", deadUrl());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("no Kafka", "SOC_KAFKA");
    }

    @Test
    void anUnreachableElasticsearchIsOneLine() throws Exception {
        String url = deadUrl();
        Run r = run("show", "inc-1", "--es-url", url);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("Elasticsearch at " + url);
    }

    @Test
    void tableAndDetailsShowTheIncidentAtAGlance() {
        Incident i = new Incident();
        i.id = "inc-0123456789abcdef01234567";
        i.departmentId = "so-yt";
        i.departmentName = "Sở Y tế";
        i.entityKind = "host.name";
        i.entityValue = "yt-portal-01";
        i.severity = "high";
        i.risk = 85;
        long first = Instant.parse("2026-11-25T08:00:00Z").toEpochMilli();
        i.firstSeen = first;
        i.lastSeen = first + 60_000;
        i.tactics.add("credential_access");
        i.tierReached = 1;
        i.tierName = "duty";
        i.notifications.add(Incident.Sent.of(0, "soc-webhook", "open", first + 1_000));
        i.notifications.add(Incident.Sent.of(1, "duty-mail", "escalation", first + 900_000));
        i.notifications.add(Incident.Sent.of(1, "soc-webhook", "escalation", first + 900_000));
        i.notifications.get(0).ok = true;
        Incident.Member m = new Incident.Member();
        m.id = "alert-1";
        m.ruleId = "ssh-brute";
        m.ruleName = "SSH brute force";
        m.severity = "high";
        m.riskScore = 70;
        m.timestamp = first;
        i.alerts.add(m);
        i.alertCount = 1;
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
                        "alert-1",
                        "notifications (3)",
                        "duty-mail",
                        "sent",
                        "pending");
        assertThat(IncidentsCommand.age(first, first + 45_000)).isEqualTo("45s");
        assertThat(IncidentsCommand.age(first, first + 2 * 86_400_000L)).isEqualTo("2d00h");
    }
}
