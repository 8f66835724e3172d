package org.socengine.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.connectors.elasticsearch.AlertIndices;
import org.socengine.connectors.elasticsearch.IncidentIndices;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.local.LocalFlinkCluster;
import org.socengine.local.WorkDirs;
import org.socengine.sim.DepartmentTrafficSimulator;

/**
 * The job jar on a real standalone Flink cluster (a JobManager and two TaskManagers in their own
 * JVMs, Flink's classes from Maven Central, the engine's only from the uploaded jar), submitted
 * through the REST API as {@code flink run} does, against the real Kafka and Elasticsearch.
 *
 * <p>Both jobs run at parallelism 4. Half of a simulated day's traffic goes in, with a brute force
 * cut in the middle; both jobs are savepointed and cancelled, the rest goes in, and they resume
 * from their savepoints. The alerts are then exactly those of the detection job at parallelism 1
 * over the whole input on the same cluster: none lost, none extra, one per attack.
 */
class StandaloneClusterITCase {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterITCase.class);

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    private static final String DETECTION = "org.socengine.jobs.detection.DetectionJobMain";
    private static final String ESCALATION = "org.socengine.jobs.escalation.EscalationJobMain";
    private static final String BRUTE_FORCE = "6f1c2a8e-3b7d-4c1e-9a55-0d2b8e4f7a10";

    /**
     * A topic of this run only: the jobs read nothing a former run or another test left on the
     * broker, and the alerts of parallelism 1 and 4 come from the same records.
     */
    private static final String TOPIC =
            "soc.raw.syslog.cluster-it-" + Long.toHexString(System.nanoTime() & 0xffffffL);

    private static final int PARTITIONS = 4;
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
    private static final DateTimeFormatter BSD =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalFlinkCluster flink;
    private static String jarId;
    private static Path config;

    /**
     * Ports the engine's metric reporter may take, one per Flink process (JobManager first, then
     * the TaskManagers, each the first one free).
     */
    private static int[] reporterPorts;

    @BeforeAll
    static void startCluster() throws Exception {
        List<Path> classpath =
                LocalFlinkCluster.classpathFile(Path.of(property("soc.flink.classpath.file")));
        long t0 = System.nanoTime();
        Path jobJar = Path.of(property("soc.job.jar"));
        // The repository's compiler directives file, the one the image copies (soc.rules.dir is
        // <repository>/rules/detections).
        Path jitDirectives =
                Path.of(property("soc.rules.dir"))
                        .toAbsolutePath()
                        .normalize()
                        .getParent()
                        .getParent()
                        .resolve("config/jvm/esper-generated-code.json");
        int first = org.socengine.local.Ports.free();
        reporterPorts = new int[] {first, Math.min(65535, first + 8)};
        flink =
                LocalFlinkCluster.start(
                        WorkDirs.defaultWorkDir().resolve("cluster-it"),
                        classpath,
                        LocalFlinkCluster.Options.defaults()
                                .withEnv(
                                        Map.of(
                                                "SOC_KAFKA", SERVICES.bootstrapServers(),
                                                "SOC_ES_URL", SERVICES.elasticsearchUrl(),
                                                "SOC_WEBHOOK_SECRET", "cluster-it-secret"))
                                // The engine's metric reporter as docs/metrics.md deploys it,
                                // here as a plugin: the cluster's class path stays Flink's own.
                                .withPlugin("soc-metrics", List.of(jobJar))
                                .withConfig(
                                        Map.of(
                                                // Each job's slots spread over both
                                                // TaskManagers: both serve detection metrics.
                                                "taskmanager.load-balance.mode",
                                                "SLOTS",
                                                "metrics.reporter.soc.factory.class",
                                                "org.socengine.jobs.internal."
                                                        + "SocMetricsReporterFactory",
                                                "metrics.reporter.soc.port",
                                                reporterPorts[0] + "-" + reporterPorts[1],
                                                "metrics.reporter.soc.bind",
                                                "127.0.0.1",
                                                // As the image's TaskManagers run (compose,
                                                // deploy/k8s): Esper's generated code left to C1.
                                                "env.java.opts.taskmanager",
                                                "-XX:+UnlockDiagnosticVMOptions"
                                                        + " -XX:+DisplayVMOutputToStderr"
                                                        + " -XX:CompilerDirectivesFile="
                                                        + jitDirectives)));
        LOG.info("cluster up in {} ms", (System.nanoTime() - t0) / 1_000_000);
        jarId = flink.uploadJar(jobJar);
        // What main reads on the JobManager: the one configuration file, this run's topic only.
        config =
                Files.writeString(
                        flink.dir().resolve("soc.yml"), "job:\n  raw_topics: [" + TOPIC + "]\n");
    }

    @AfterAll
    static void stopCluster() {
        if (flink != null) {
            flink.close();
        }
    }

    @Test
    void bothJobsAtParallelismFourKeepEveryAlertOfParallelismOneAcrossASavepoint()
            throws Exception {
        // The simulated day is weeks old: the broker's 7-day retention would delete it at its next
        // check (then the job reads nothing). A replayed topic keeps its records.
        SERVICES.kafka()
                .createTopics(
                        List.of(
                                new org.apache.kafka.clients.admin.NewTopic(
                                                TOPIC, PARTITIONS, (short) 1)
                                        .configs(Map.of("retention.ms", "-1"))));
        deleteAll(AlertIndices.ALIAS);
        deleteAll(IncidentIndices.ALIAS);
        long start = Instant.parse("2026-10-07T08:00:00Z").toEpochMilli();
        DepartmentTrafficSimulator sim =
                new DepartmentTrafficSimulator(
                        14,
                        start,
                        Duration.ofMinutes(6).toMillis(),
                        8,
                        4,
                        DepartmentDirectory.defaults());
        List<DepartmentTrafficSimulator.SimEvent> events = sim.events();
        List<DepartmentTrafficSimulator.Attack> attacks = sim.plan().attacks();
        assertThat(attacks).hasSize(4);
        // Cut in the middle of the first attack: its window is in the savepoint's state.
        DepartmentTrafficSimulator.Attack cutAttack = attacks.get(0);
        int cut = 0;
        int failures = 0;
        for (int i = 0; i < events.size(); i++) {
            String line = events.get(i).line();
            if (line.contains("Failed password")
                    && line.contains(" " + cutAttack.sourceIp() + " ")
                    && ++failures == cutAttack.failures() / 2) {
                cut = i + 1;
                break;
            }
        }
        assertThat(cut).isPositive();

        // Part one at parallelism 4, both jobs.
        produce(events.subList(0, cut));
        String detectionGroup = "soc-detection-cluster-p4";
        List<String> detectionArgs = detectionArgs(detectionGroup, 4);
        List<String> escalationArgs =
                List.of(
                        "--parallelism",
                        "4",
                        "--checkpoint-interval",
                        "1s",
                        "--policy",
                        policy().toString());
        String detection = flink.run(jarId, DETECTION, 4, detectionArgs, null);
        String escalation = flink.run(jarId, ESCALATION, 4, escalationArgs, null);
        flink.awaitRunning(detection, JOB_TIMEOUT);
        flink.awaitRunning(escalation, JOB_TIMEOUT);
        assertThat(vertexParallelisms(detection)).contains(4);
        assertThat(vertexParallelisms(escalation)).contains(4);
        awaitConsumed(detectionGroup, detection);

        // Upgrade: savepoint, cancel, more input meanwhile, resume from the savepoint.
        String detectionSavepoint = flink.savepoint(detection, flink.savepointDir(), JOB_TIMEOUT);
        String escalationSavepoint = flink.savepoint(escalation, flink.savepointDir(), JOB_TIMEOUT);
        flink.cancel(detection, JOB_TIMEOUT);
        flink.cancel(escalation, JOB_TIMEOUT);
        assertThat(Files.isDirectory(Path.of(URI.create(detectionSavepoint)))).isTrue();
        produce(events.subList(cut, events.size()));
        produceTail(events.get(events.size() - 1).timestamp() + Duration.ofMinutes(20).toMillis());
        detection = flink.run(jarId, DETECTION, 4, detectionArgs, detectionSavepoint);
        escalation = flink.run(jarId, ESCALATION, 4, escalationArgs, escalationSavepoint);
        flink.awaitRunning(detection, JOB_TIMEOUT);
        flink.awaitRunning(escalation, JOB_TIMEOUT);
        // The new run restored from the savepoint, not from nothing.
        JsonNode restored =
                JSON.readTree(flink.get("/jobs/" + detection + "/checkpoints"))
                        .path("latest")
                        .path("restored");
        assertThat(restored.path("is_savepoint").asBoolean()).as(restored.toString()).isTrue();
        awaitConsumed(detectionGroup, detection);
        awaitAlertPerAttack(attacks, detection);
        awaitCheckpoints(detection, 2);
        Map<String, String> atFour = alerts();
        assertCheckpointMetricsServed();
        assertEngineMetricsServedByEachTaskManager();
        awaitIncidents(escalation);
        flink.cancel(detection, JOB_TIMEOUT);
        flink.cancel(escalation, JOB_TIMEOUT);

        // The reference: parallelism 1 over the whole input, from an empty index.
        deleteAll(AlertIndices.ALIAS);
        String referenceGroup = "soc-detection-cluster-p1";
        String reference = flink.run(jarId, DETECTION, 1, detectionArgs(referenceGroup, 1), null);
        flink.awaitRunning(reference, JOB_TIMEOUT);
        awaitConsumed(referenceGroup, reference);
        awaitAlertPerAttack(attacks, reference);
        awaitCheckpoints(reference, 2);
        Map<String, String> atOne = alerts();
        flink.cancel(reference, JOB_TIMEOUT);

        LOG.info(
                "alerts at parallelism 1: {}, at 4 across the savepoint: {}",
                atOne.size(),
                atFour.size());
        assertThat(atOne).isNotEmpty();
        assertThat(atFour).isEqualTo(atOne);
        // Every TaskManager ran the jobs with the compiler directives the image's TaskManagers use.
        for (int i = 0; i < 2; i++) {
            assertThat(flink.dir().resolve("log/taskmanager-" + i + ".out"))
                    .content()
                    .contains("compiler directives added");
        }
        for (DepartmentTrafficSimulator.Attack a : attacks) {
            assertThat(atFour.values())
                    .as(a.sourceIp())
                    .filteredOn(v -> v.startsWith(BRUTE_FORCE + "|" + a.sourceIp() + "|"))
                    .hasSize(1);
        }
    }

    /**
     * The engine's metric reporter on the JobManager serves both jobs' checkpoint statistics under
     * the engine's names (docs/metrics.md), and they moved: the jobs checkpoint every second.
     */
    private static void assertCheckpointMetricsServed() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> seen = new ArrayList<>();
        while (true) {
            seen.clear();
            for (int port = reporterPorts[0]; port <= reporterPorts[1]; port++) {
                String body = scrape(port);
                if (body == null) {
                    continue;
                }
                seen.add(port + ": " + body.lines().filter(l -> l.startsWith("soc_")).count());
                if (value(body, "soc_checkpoints_completed_total{job=\"soc-detection\"}") > 0
                        && value(body, "soc_checkpoints_completed_total{job=\"soc-escalation\"}")
                                > 0
                        && value(body, "soc_checkpoint_last_full_size_bytes{job=\"soc-detection\"}")
                                > 0
                        && body.contains(
                                "soc_checkpoint_last_duration_seconds{job=\"soc-detection\"}")
                        && body.contains("soc_checkpoints_failed_total{job=\"soc-detection\"}")) {
                    LOG.info("checkpoint metrics served by the JobManager on port {}", port);
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "no engine endpoint in ports "
                                + reporterPorts[0]
                                + "-"
                                + reporterPorts[1]
                                + " serves both jobs' checkpoint metrics; soc_ lines by port: "
                                + seen);
            }
            Thread.sleep(500);
        }
    }

    /**
     * Each TaskManager's endpoint serves the engine's meters of the tasks it runs (the job's class
     * loader's registry, handed to the reporter's plugin through Flink's metric system), under the
     * names of docs/metrics.md and with none of Flink's per-attempt labels: records decoded per
     * source there, and, added up over both, the brute-force rule's evaluations, matches and
     * alerts, the alerts indexed and their detection latency.
     */
    private static void assertEngineMetricsServedByEachTaskManager() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String rule = "rule=\"" + BRUTE_FORCE + "\"";
        while (true) {
            Map<Integer, String> taskManagers = new TreeMap<>();
            for (int port = reporterPorts[0]; port <= reporterPorts[1]; port++) {
                String body = scrape(port);
                if (body != null && !body.contains("soc_checkpoints_completed_total")) {
                    taskManagers.put(port, body);
                }
            }
            List<String> missing = new ArrayList<>();
            if (taskManagers.size() != 2) {
                missing.add("2 TaskManager endpoints, found " + taskManagers.keySet());
            }
            for (Map.Entry<Integer, String> tm : taskManagers.entrySet()) {
                if (sum(tm.getValue(), "soc_decode_decoded_total", "source=\"syslog\"") <= 0) {
                    missing.add(tm.getKey() + ": soc_decode_decoded_total{source=syslog}");
                }
                if (sum(tm.getValue(), "soc_decode_received_total", "source=\"syslog\"") <= 0) {
                    missing.add(tm.getKey() + ": soc_decode_received_total{source=syslog}");
                }
            }
            String all = String.join("\n", taskManagers.values());
            for (String[] series :
                    List.of(
                            new String[] {"soc_rule_evaluations_total", rule},
                            new String[] {"soc_rule_matches_total", rule},
                            new String[] {"soc_rule_alerts_total", rule},
                            new String[] {"soc_alerts_total", "severity="},
                            new String[] {"soc_detection_latency_event_time_seconds_count", ""},
                            new String[] {
                                "soc_detection_latency_kafka_seconds_bucket", "le=\"+Inf\""
                            },
                            new String[] {"soc_last_event_timestamp_seconds", "source=\"syslog\""},
                            new String[] {"soc_es_bulk_duration_seconds_count", ""})) {
                if (sum(all, series[0], series[1]) <= 0) {
                    missing.add(series[0] + "{" + series[1] + "}");
                }
            }
            if (missing.isEmpty()) {
                for (Map.Entry<Integer, String> tm : taskManagers.entrySet()) {
                    // Flink's scope is not a label; the webhook's secret is nowhere.
                    assertThat(tm.getValue())
                            .as("TaskManager endpoint on port " + tm.getKey())
                            .doesNotContain("task_attempt")
                            .doesNotContain("tm_id")
                            .doesNotContain("subtask")
                            .doesNotContain("job_id")
                            .doesNotContain("cluster-it-secret");
                    LOG.info(
                            "TaskManager on port {}: {} soc_ series, {} records decoded",
                            tm.getKey(),
                            tm.getValue().lines().filter(l -> l.startsWith("soc_")).count(),
                            sum(tm.getValue(), "soc_decode_decoded_total", ""));
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "TaskManager endpoints in ports "
                                + reporterPorts[0]
                                + "-"
                                + reporterPorts[1]
                                + " miss non-zero "
                                + missing);
            }
            Thread.sleep(500);
        }
    }

    /**
     * The sum of a family's series whose labels contain {@code label} (a {@code name="value"} pair,
     * or empty for all) in the Prometheus text format.
     */
    private static double sum(String body, String family, String label) {
        return body.lines()
                .filter(l -> l.startsWith(family + "{") || l.startsWith(family + " "))
                .filter(l -> l.substring(0, l.lastIndexOf(' ')).contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** {@code GET /metrics} on the loopback; null when nothing listens there. */
    private static String scrape(int port) throws InterruptedException {
        try {
            HttpResponse<String> r =
                    HTTP.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The value of one series in the Prometheus text format; -1 when absent. */
    private static double value(String body, String series) {
        return body.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .findFirst()
                .orElse(-1);
    }

    /**
     * The compose stack's policy (docker/escalation-policy.yml), its webhook secret taken from the
     * environment instead of the Docker secret's file.
     */
    private static Path policy() throws IOException {
        String text = Files.readString(Path.of(property("soc.policy.file")));
        assertThat(text).contains("file:/run/secrets/webhook_secret");
        Path p = flink.dir().resolve("escalation-policy.yml");
        Files.writeString(
                p, text.replace("file:/run/secrets/webhook_secret", "env:SOC_WEBHOOK_SECRET"));
        return p;
    }

    private static List<String> detectionArgs(String group, int parallelism) {
        return List.of(
                "--config",
                config.toString(),
                "--group",
                group,
                "--parallelism",
                Integer.toString(parallelism),
                "--checkpoint-interval",
                "1s",
                // Long enough that no partition goes idle during the test: with every raw
                // partition idle the control streams' end-of-time watermark alone would close the
                // open windows early (docs/operations.md, "Known limit"); the tail line moves
                // event time past the last windows instead.
                "--idle-timeout",
                "10m",
                "--rules",
                Path.of(property("soc.rules.dir")).toAbsolutePath().normalize().toString());
    }

    private static void produce(List<DepartmentTrafficSimulator.SimEvent> events) {
        try (KafkaProducer<String, String> producer = SERVICES.stringProducer()) {
            for (DepartmentTrafficSimulator.SimEvent e : events) {
                producer.send(
                        new ProducerRecord<>(TOPIC, null, e.timestamp(), e.department(), e.line()));
            }
        }
    }

    /**
     * One quiet line per partition, well after the traffic: it moves every partition's watermark
     * past the last windows, as the next minutes of a live feed would.
     */
    private static void produceTail(long t) {
        String line =
                "<38>"
                        + BSD.format(Instant.ofEpochMilli(t))
                        + " yt-portal-01 sshd[4242]: Accepted publickey for nguyenvana from"
                        + " 10.12.3.4 port 50022 ssh2";
        try (KafkaProducer<String, String> producer = SERVICES.stringProducer()) {
            for (int p = 0; p < PARTITIONS; p++) {
                producer.send(new ProducerRecord<>(TOPIC, p, t, "so-yt", line));
            }
        }
    }

    /** The job has committed (on a completed checkpoint) every offset of the input topic. */
    private static void awaitConsumed(String group, String jobId) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        try (Admin admin = SERVICES.kafka().admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            while (System.nanoTime() < deadline) {
                requireRunning(jobId);
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata()
                                .get(30, TimeUnit.SECONDS);
                boolean all =
                        ends.entrySet().stream()
                                .allMatch(
                                        e ->
                                                e.getValue() == 0
                                                        || (committed.get(e.getKey()) != null
                                                                && committed
                                                                                .get(e.getKey())
                                                                                .offset()
                                                                        >= e.getValue()));
                if (all) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new AssertionError(
                    group
                            + " did not consume "
                            + TOPIC
                            + " within "
                            + JOB_TIMEOUT
                            + ": end offsets "
                            + ends
                            + ", committed "
                            + admin.listConsumerGroupOffsets(group)
                                    .partitionsToOffsetAndMetadata()
                                    .get(30, TimeUnit.SECONDS)
                            + ", groups "
                            + admin.listGroups().all().get(30, TimeUnit.SECONDS)
                            + ", tasks "
                            + taskMetrics(jobId));
        }
    }

    /** Records in and out and the watermark of every task: what a stuck job looks like. */
    private static String taskMetrics(String jobId) throws IOException {
        StringBuilder b = new StringBuilder();
        for (JsonNode v : JSON.readTree(flink.jobDetails(jobId)).path("vertices")) {
            b.append("\n  ")
                    .append(v.path("name").asText())
                    .append(": ")
                    .append(
                            flink.get(
                                    "/jobs/"
                                            + jobId
                                            + "/vertices/"
                                            + v.path("id").asText()
                                            + "/subtasks/metrics?get=numRecordsIn,numRecordsOut,"
                                            + "currentInputWatermark,currentOutputWatermark"));
        }
        return b.toString();
    }

    private static void awaitAlertPerAttack(
            List<DepartmentTrafficSimulator.Attack> attacks, String jobId) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            requireRunning(jobId);
            Map<String, String> now = alerts();
            if (attacks.stream()
                    .allMatch(
                            a ->
                                    now.values().stream()
                                            .anyMatch(
                                                    v ->
                                                            v.startsWith(
                                                                    BRUTE_FORCE
                                                                            + "|"
                                                                            + a.sourceIp()
                                                                            + "|")))) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not every attack alerted within " + JOB_TIMEOUT);
    }

    /** A few more checkpoints: the sinks flush what the last watermark fired on each. */
    private static void awaitCheckpoints(String jobId, int more) throws Exception {
        long target = flink.completedCheckpoints(jobId) + more;
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (flink.completedCheckpoints(jobId) < target) {
            requireRunning(jobId);
            if (System.nanoTime() > deadline) {
                throw new AssertionError(jobId + ": no checkpoint within " + JOB_TIMEOUT);
            }
            Thread.sleep(250);
        }
    }

    private static void awaitIncidents(String jobId) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            requireRunning(jobId);
            JsonNode r = es("GET", "/" + IncidentIndices.ALIAS + "/_count", null, true);
            if (r != null && r.path("count").asLong() > 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the escalation job indexed no incident within " + JOB_TIMEOUT);
    }

    private static void requireRunning(String jobId) throws IOException {
        String state = flink.jobState(jobId);
        if (!state.equals("RUNNING")) {
            throw new AssertionError(
                    "job " + jobId + " is " + state + ": " + flink.exceptions(jobId));
        }
    }

    private static List<Integer> vertexParallelisms(String jobId) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (JsonNode v : JSON.readTree(flink.jobDetails(jobId)).path("vertices")) {
            out.add(v.path("parallelism").asInt());
        }
        return out;
    }

    /**
     * Every alert document: its id to what identifies the alert (rule, source address, department,
     * window and count).
     */
    private static Map<String, String> alerts() throws Exception {
        es("POST", "/" + AlertIndices.ALIAS + "/_refresh", null, true);
        JsonNode r =
                es(
                        "POST",
                        "/" + AlertIndices.ALIAS + "/_search",
                        "{\"size\":10000,\"query\":{\"match_all\":{}}}",
                        true);
        Map<String, String> out = new TreeMap<>();
        if (r == null) {
            return out;
        }
        for (JsonNode hit : r.path("hits").path("hits")) {
            JsonNode a = hit.path("_source");
            out.put(
                    a.path("alert").path("id").asText(),
                    String.join(
                            "|",
                            a.path("rule").path("id").asText(),
                            a.path("source").path("ip").asText(),
                            a.path("organization").path("id").asText(),
                            a.path("alert").path("window").path("start").asText(),
                            a.path("alert").path("window").path("end").asText(),
                            a.path("alert").path("count").asText()));
        }
        return out;
    }

    /** Deletes the indices behind the alias (the test node has no delete-by-query). */
    private static void deleteAll(String alias) throws Exception {
        JsonNode indices = es("GET", "/_alias/" + alias, null, true);
        if (indices == null || indices.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>();
        indices.fieldNames().forEachRemaining(names::add);
        es("DELETE", "/" + String.join(",", names), null, true);
    }

    /**
     * A request to the local Elasticsearch; null for a missing index, or one whose shards are not
     * assigned yet, when {@code missingOk}.
     */
    private static JsonNode es(String method, String path, String body, boolean missingOk)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(SERVICES.elasticsearchUrl() + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json");
        b.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        // An index the job has just created answers 503 until its primary shard is assigned: not
        // there yet, for a caller waiting for it.
        if (missingOk
                && (r.statusCode() == 404
                        || r.statusCode() == 503
                                && r.body().contains("no_shard_available_action_exception"))) {
            return null;
        }
        if (r.statusCode() / 100 != 2) {
            throw new IOException(
                    method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set (the module's failsafe setup)");
        }
        return v;
    }
}
