package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.jobs.internal.RetainedCheckpoints;
import org.socengine.jobs.internal.StateSettings;
import org.socengine.jobs.testing.Await;
import org.socengine.local.WorkDirs;
import org.socengine.model.Json;

/**
 * {@code ./soc run} stopped and started again in the middle of an SSH brute force raises exactly
 * one alert: five failed logins before the stop and five after, against a threshold of eight, so
 * the alert exists only if the first five came back from the retained checkpoint. Real Kafka, real
 * Elasticsearch, the production state backend (RocksDB, incremental), the run's REST endpoint
 * reached by {@code ./soc savepoint} and {@code ./soc stop} through its control file. The first
 * stop cancels the job and the second run resumes from the checkpoint that was kept; the second
 * stop writes a savepoint.
 */
class RunRestartITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    private static final String RULE_ID = "6f1c2a8e-3b7d-4c1e-9a55-0d2b8e4f7a10";
    private static final String TOPIC = "soc.raw.syslog.so-yt";
    private static final Duration HANG = Duration.ofSeconds(120);
    private static final DateTimeFormatter BSD =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);

    @Test
    void aRestartInTheMiddleOfABruteForceRaisesExactlyOneAlert() throws Exception {
        Path work = WorkDirs.defaultWorkDir().resolve("run-restart-it-" + UUID.randomUUID());
        Files.createDirectories(work);
        Path rules = rulesWithTheBruteForceRule(work);
        String group = "run-restart-" + UUID.randomUUID();
        // A fresh address per run, in a range no other test uses: the broker and the index are
        // shared with the other tests of this JVM (ConsoleBrowserITCase indexes this rule's
        // alerts for 198.51.100.23, which a draw from 198.51.100.0/24 once hit).
        java.util.Random random = new java.util.Random();
        String attacker = "198.18." + random.nextInt(256) + "." + (1 + random.nextInt(254));
        long t0 = Instant.now().minus(Duration.ofMinutes(10)).toEpochMilli() / 1000 * 1000;
        Path config = work.resolve("soc.yml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "kafka:",
                        "  bootstrap: " + SERVICES.bootstrapServers(),
                        "es:",
                        "  url: " + SERVICES.elasticsearchUrl(),
                        "job:",
                        "  group: " + group,
                        "  parallelism: 1",
                        "  checkpoint_interval: 1s",
                        // Longer than the test: a quiet raw input lets the control streams'
                        // end-of-time watermark through, which would close the attack's window.
                        "  idle_timeout: 10m",
                        "  raw_topics: [" + TOPIC + "]",
                        "rules.dir: " + rules,
                        "state:",
                        "  backend: rocksdb",
                        "  incremental: true",
                        "  checkpoints_dir: " + work.resolve("checkpoints"),
                        "  savepoints_dir: " + work.resolve("savepoints"),
                        "run.control_file: " + work.resolve("soc-run.json"),
                        ""));
        assertThat(CommandRun.of("config", "check", "--no-env", config.toString()).code()).isZero();
        createTopic();

        CompletableFuture<Integer> first = run(config);
        awaitControlFile(work);
        send(attacker, t0, 0, 5);
        awaitCommitted(group, "the first five failures checkpointed");
        assertThat(alerts(attacker)).as("alerts before the restart").isZero();

        CommandRun stop = CommandRun.of("stop", "--config", config.toString());
        assertThat(stop.code()).as(stop.err()).isZero();
        assertThat(first.get(HANG.toSeconds(), TimeUnit.SECONDS)).isZero();
        assertThat(work.resolve("soc-run.json")).doesNotExist();

        // What the next run resumes from: the checkpoint kept when the job was cancelled.
        var retained =
                RetainedCheckpoints.latest(
                        StateSettings.from(SocConfig.load(config, Map.of()), work));
        assertThat(retained).get().extracting(r -> r.savepoint()).isEqualTo(false);
        assertThat(retained.get().path()).contains("/chk-");

        // The second half of the attack arrives while the engine is down.
        send(attacker, t0, 5, 5);
        // A later login of someone else moves event time past the attack.
        sendLine(
                t0 + 300_000,
                "yt-portal-01 sshd[4243]: Accepted password for alice from 10.20.0.5 port 50000 ssh2");

        CompletableFuture<Integer> second = run(config);
        awaitControlFile(work);
        Await.until("the brute-force alert in Elasticsearch", HANG, () -> alerts(attacker) > 0);
        awaitCommitted(group, "every record checkpointed after the restart");
        assertThat(alerts(attacker)).as("alerts after the restart").isEqualTo(1);

        CommandRun savepoint = CommandRun.of("savepoint", "--config", config.toString());
        assertThat(savepoint.code()).as(savepoint.err()).isZero();
        assertThat(Path.of(URI.create(savepoint.outLines().get(0))).resolve("_metadata")).exists();

        CommandRun stopWithSavepoint =
                CommandRun.of("stop", "--savepoint", "--config", config.toString());
        assertThat(stopWithSavepoint.code()).as(stopWithSavepoint.err()).isZero();
        assertThat(Path.of(URI.create(stopWithSavepoint.outLines().get(0))).resolve("_metadata"))
                .exists();
        assertThat(second.get(HANG.toSeconds(), TimeUnit.SECONDS)).isZero();
        assertThat(alerts(attacker)).isEqualTo(1);
    }

    private static CompletableFuture<Integer> run(Path config) {
        // Not through CommandRun: the run goes on while the other commands capture the output.
        return CompletableFuture.supplyAsync(
                () ->
                        SocCommand.execute(
                                "run", "--config", config.toString(), "--metrics-port", "0"));
    }

    private static void awaitControlFile(Path work) {
        Await.until(
                "./soc run's control file", HANG, () -> Files.exists(work.resolve("soc-run.json")));
    }

    private static Path rulesWithTheBruteForceRule(Path work) throws Exception {
        Path syslog = work.resolve("rules").resolve("syslog");
        Files.createDirectories(syslog);
        Files.copy(
                Path.of(
                        "..",
                        "rules",
                        "detections",
                        "syslog",
                        "credential_access_ssh_brute_force.yml"),
                syslog.resolve("credential_access_ssh_brute_force.yml"),
                StandardCopyOption.REPLACE_EXISTING);
        return work.resolve("rules");
    }

    private static void createTopic() throws Exception {
        try (Admin admin = admin()) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(TOPIC)) {
                try {
                    admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause()
                            instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private static void send(String attacker, long t0, int from, int count) throws Exception {
        for (int i = from; i < from + count; i++) {
            sendLine(
                    t0 + i * 2_000L,
                    "yt-portal-01 sshd[4242]: Failed password for root from "
                            + attacker
                            + " port "
                            + (41000 + i)
                            + " ssh2");
        }
    }

    private static void sendLine(long t, String text) throws Exception {
        try (KafkaProducer<String, String> p = SERVICES.stringProducer()) {
            p.send(
                            new ProducerRecord<>(
                                    TOPIC,
                                    null,
                                    t,
                                    "so-yt",
                                    "<38>" + BSD.format(Instant.ofEpochMilli(t)) + " " + text))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits until the job's consumer group has committed the end of the topic: Flink commits the
     * offsets of a checkpoint once it is complete, so everything read so far is in it.
     */
    private static void awaitCommitted(String group, String what) throws Exception {
        try (Admin admin = admin()) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            long end =
                    admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                            .all()
                            .get(30, TimeUnit.SECONDS)
                            .get(tp)
                            .offset();
            Await.until(
                    what,
                    HANG,
                    () -> {
                        try {
                            Map<TopicPartition, OffsetAndMetadata> committed =
                                    admin.listConsumerGroupOffsets(group)
                                            .partitionsToOffsetAndMetadata()
                                            .get(30, TimeUnit.SECONDS);
                            OffsetAndMetadata o = committed.get(tp);
                            return o != null && o.offset() >= end;
                        } catch (Exception e) {
                            return false;
                        }
                    });
        }
    }

    private static Admin admin() {
        Properties p = new Properties();
        p.put("bootstrap.servers", SERVICES.bootstrapServers());
        return Admin.create(p);
    }

    /** Alert documents of the brute-force rule for this attacker. */
    private static long alerts(String attacker) {
        try {
            HttpClient http = HttpClient.newHttpClient();
            String es = SERVICES.elasticsearchUrl();
            http.send(
                    HttpRequest.newBuilder(URI.create(es + "/soc-alerts*/_refresh"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String query =
                    "{\"query\":{\"bool\":{\"filter\":[{\"term\":{\"rule.id\":\""
                            + RULE_ID
                            + "\"}},{\"term\":{\"source.ip\":\""
                            + attacker
                            + "\"}}]}}}";
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    es
                                                            + "/soc-alerts*/_count?ignore_unavailable=true&allow_no_indices=true"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(query))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            JsonNode n = Json.mapper().readTree(r.body());
            return n.path("count").asLong(0);
        } catch (Exception e) {
            return 0;
        }
    }
}
