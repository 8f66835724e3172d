package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.socengine.model.Json;

/** {@code ./soc alerts}: option parsing and the one-line failures, without any server. */
class AlertsCommandTest {

    /** {@code ./soc alerts ARGS}, run as the launcher runs it. */
    private static CommandRun run(String... args) {
        return CommandRun.under("alerts", args);
    }

    @Test
    void everySubcommandHasHelp() {
        for (String sub : new String[] {"search", "ack", "close", "retention"}) {
            CommandRun r = run(sub, "--help");
            assertThat(r.code()).as(sub).isZero();
            assertThat(r.out()).as(sub).contains("Usage: soc alerts " + sub, "--es-url", "--es-ca");
        }
        assertThat(run("close", "--help").out()).contains("--disposition", "--comment");
        assertThat(run("retention", "--help").out()).contains("--months", "--dry-run");
        // Options shared with ./soc incidents list still name what this command lists.
        assertThat(run("search", "--help").out())
                .contains("At most N alerts. Default: 50.", "One alert document per line");
    }

    @Test
    void closeNeedsADispositionAndAKnownOne() throws Exception {
        CommandRun missing = run("close", "abc", "--no-publish");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("--disposition");
        CommandRun unknown =
                run(
                        "close",
                        "abc",
                        "--disposition",
                        "maybe",
                        "--no-publish",
                        "--es-url",
                        CommandRun.deadUrl());
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err().strip().lines()).hasSize(1);
        assertThat(unknown.err()).contains("disposition must be one of");
    }

    @Test
    void badOptionsFailWithOneLineBeforeAnyConnection() throws Exception {
        String url = CommandRun.deadUrl();
        CommandRun since = run("search", "--since", "yesterday", "--es-url", url);
        assertThat(since.code()).isNotZero();
        assertThat(since.err()).contains("--since takes a duration");
        CommandRun sev = run("search", "--severity", "urgent", "--es-url", url);
        assertThat(sev.err()).contains("--severity must be");
        CommandRun months = run("retention", "--months", "0", "--es-url", url);
        assertThat(months.code()).isNotZero();
        assertThat(months.err()).contains("--months must be at least 1");
        CommandRun scheme = run("search", "--es-url", "127.0.0.1:9200");
        assertThat(scheme.err()).contains("must start with http:// or https://");
    }

    @Test
    void aStatusChangeWithoutKafkaIsRefusedBeforeWritingAnything() throws Exception {
        assumeTrue(System.getenv("SOC_KAFKA") == null, "SOC_KAFKA is set in this environment");
        CommandRun r = run("ack", "abc", "--es-url", CommandRun.deadUrl());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("no Kafka", "--no-publish");
    }

    @Test
    void anUnreachableElasticsearchIsOneLineAndNoSecretIsPrinted() throws Exception {
        String url = CommandRun.deadUrl();
        String secret = "Sup3r-secret-pw";
        java.nio.file.Path file = java.nio.file.Files.createTempFile("es-password", ".txt");
        java.nio.file.Files.writeString(file, secret + "\n");
        CommandRun r =
                run(
                        "search",
                        "--es-url",
                        url,
                        "--es-user",
                        "soc",
                        "--es-password-file",
                        file.toString());
        java.nio.file.Files.delete(file);
        assertThat(r.code()).isNotZero();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("Elasticsearch at " + url).doesNotContain(secret);
        assertThat(r.out()).doesNotContain(secret);
    }

    @Test
    void sinceAcceptsDurationsAndInstants() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        assertThat(AlertsCommand.since("90s", now))
                .isEqualTo(Instant.parse("2026-11-25T11:58:30Z"));
        assertThat(AlertsCommand.since("1h", now)).isEqualTo(Instant.parse("2026-11-25T11:00:00Z"));
        assertThat(AlertsCommand.since("7d", now)).isEqualTo(Instant.parse("2026-11-18T12:00:00Z"));
        assertThat(AlertsCommand.since("2w", now)).isEqualTo(Instant.parse("2026-11-11T12:00:00Z"));
        assertThat(AlertsCommand.since("2026-11-01T00:00:00Z", now))
                .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThatThrownBy(() -> AlertsCommand.since("soon", now)).isInstanceOf(CliFailure.class);
    }

    @Test
    void tableShowsOneReadableRowPerAlert() throws Exception {
        ObjectNode a =
                (ObjectNode)
                        Json.mapper()
                                .readTree(
                                        "{\"@timestamp\":\"2026-11-25T08:00:01.000Z\","
                                                + "\"organization\":{\"id\":\"so-yt\"},"
                                                + "\"rule\":{\"name\":\"SSH brute force from one source\",\"severity\":\"high\"},"
                                                + "\"alert\":{\"id\":\"0123abcd\",\"status\":\"closed\",\"disposition\":\"false_positive\","
                                                + "\"count\":12,\"group_key\":\"203.0.113.5\"}}");
        String t = AlertsCommand.table(List.of(a));
        List<String> lines = t.lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("TIME").contains("DEPARTMENT", "SEVERITY", "ID");
        assertThat(lines.get(1))
                .contains(
                        "2026-11-25 08:00:01Z",
                        "so-yt",
                        "high",
                        "SSH brute force",
                        "203.0.113.5",
                        "12",
                        "closed/false_positive",
                        "0123abcd");
    }
}
