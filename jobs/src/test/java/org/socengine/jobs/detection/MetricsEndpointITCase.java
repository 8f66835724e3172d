package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.jobs.internal.SocMetrics;

/**
 * The engine's Prometheus endpoint while the detection job runs as {@code ./soc run} runs it: the
 * production wiring ({@link SocPipelines#detection}) in the embedded cluster, with checkpoints, on
 * the real broker and node. A brute force and some bad lines go in; every metric of docs/metrics.md
 * that this run can move shows a value above zero, the rest are at least exported.
 */
class MetricsEndpointITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    private static final DateTimeFormatter BSD =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);

    /** Moved by this run: decoding, a rule firing, an alert indexed, checkpoints. */
    static final List<String> NON_ZERO =
            List.of(
                    "soc_decode_received_total",
                    "soc_decode_decoded_total",
                    "soc_decode_dead_lettered_total",
                    "soc_last_event_timestamp_seconds",
                    "soc_rule_evaluations_total",
                    "soc_rule_matches_total",
                    "soc_rule_alerts_total",
                    "soc_rule_cpu_seconds_total",
                    "soc_alerts_total",
                    "soc_detection_latency_event_time_seconds_count",
                    "soc_detection_latency_event_time_seconds_bucket",
                    "soc_detection_latency_kafka_seconds_count",
                    "soc_detection_latency_kafka_seconds_bucket",
                    "soc_es_bulk_duration_seconds_count",
                    "soc_es_bulk_duration_seconds_bucket",
                    "soc_checkpoints_completed_total",
                    "soc_checkpoint_last_duration_seconds",
                    "soc_checkpoint_last_size_bytes",
                    "soc_checkpoint_last_full_size_bytes");

    /**
     * Exported, but zero in a healthy run: the job keeps up (lag), Elasticsearch answers (retries,
     * failures), no checkpoint fails.
     */
    static final List<String> PRESENT =
            List.of(
                    "soc_kafka_consumer_lag_records",
                    "soc_es_bulk_retries_total",
                    "soc_es_bulk_failures_total",
                    "soc_checkpoints_failed_total");

    @Test
    void theEndpointShowsEveryMetricTheRunMoves() throws Exception {
        // Not DetectionJobITCase's topic: both run on one broker, and its dead letters are counted
        // by topic.
        String topic = "soc.raw.syslog.so-tc";
        SERVICES.kafka().createTopic(topic, 2);
        long now = System.currentTimeMillis() / 1000 * 1000;
        long t0 = now - 10 * 60_000;
        try (KafkaProducer<String, String> producer = SERVICES.stringProducer()) {
            for (int i = 0; i < 10; i++) {
                long t = t0 + i * 2_000;
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                "so-tc",
                                syslog(
                                        t,
                                        "Failed password for root from 203.0.113.77 port "
                                                + (41000 + i)
                                                + " ssh2")));
            }
            producer.send(new ProducerRecord<>(topic, "so-tc", "definitely not syslog"));
            // Past the attack by more than the allowed lateness: its window is evaluated.
            producer.send(
                    new ProducerRecord<>(
                            topic,
                            "so-tc",
                            syslog(now, "Accepted publickey for ops from 10.12.3.4 port 50022")));
        }

        KafkaSettings kafka = KafkaSettings.of(SERVICES.bootstrapServers());
        Path checkpoints = Files.createTempDirectory("soc-metrics-it");
        StreamExecutionEnvironment env =
                FlinkEnvironments.local(2, checkpoints, Duration.ofSeconds(1));
        SocPipelines.detection(
                env,
                kafka,
                ElasticsearchSettings.of(SERVICES.elasticsearchUrl()),
                List.of(topic),
                "metrics-it-" + UUID.randomUUID(),
                org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer
                        .earliest(),
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                RuleSets.compileAll(Path.of("..", "rules", "detections")),
                DetectionJobOptions.defaults()
                        .withParallelism(2)
                        .withAllowedLateness(Duration.ofSeconds(5))
                        .withIdleness(Duration.ofSeconds(2)),
                0);
        var server = SocMetrics.serve("127.0.0.1", 0);
        JobClient job = env.executeAsync("soc-detection-metrics-it");
        Map<String, Double> seen = Map.of();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
            HttpClient http = HttpClient.newHttpClient();
            // A bound against a hang, not a timing: the loop ends as soon as everything showed.
            long deadline = System.currentTimeMillis() + 180_000;
            while (System.currentTimeMillis() < deadline) {
                String body =
                        http.send(
                                        HttpRequest.newBuilder(uri).build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
                seen = largestValues(body);
                if (missing(seen).isEmpty()) {
                    break;
                }
                Thread.sleep(500);
            }
        } finally {
            job.cancel().get();
            server.stop(0);
        }
        assertThat(missing(seen))
                .as("metrics not above zero (or absent); seen: %s", seen)
                .isEmpty();
        assertThat(seen.get("soc_last_event_timestamp_seconds"))
                .as("the newest record's Kafka time, in seconds")
                .isBetween((now - 600_000) / 1000.0, System.currentTimeMillis() / 1000.0 + 1);
    }

    private static List<String> missing(Map<String, Double> seen) {
        List<String> out = new ArrayList<>();
        for (String name : NON_ZERO) {
            if (seen.getOrDefault(name, 0.0) <= 0) {
                out.add(name);
            }
        }
        for (String name : PRESENT) {
            if (!seen.containsKey(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** Per sample name, the largest value among its series. */
    static Map<String, Double> largestValues(String exposition) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, brace >= 0 ? brace : line.indexOf(' '));
            double v;
            try {
                v = Double.parseDouble(line.substring(space + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            if (Double.isNaN(v)) {
                v = 0;
            }
            out.merge(name, v, Math::max);
        }
        return out;
    }

    private static String syslog(long t, String msg) {
        return "<38>" + BSD.format(Instant.ofEpochMilli(t)) + " yt-portal-01 sshd[4242]: " + msg;
    }
}
