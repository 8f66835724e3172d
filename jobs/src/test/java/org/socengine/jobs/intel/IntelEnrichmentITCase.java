package org.socengine.jobs.intel;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.elasticsearch.AlertSearch;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.AlertIndexer;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.intel.FeedLoad;
import org.socengine.connectors.intel.Indicator;
import org.socengine.connectors.intel.IntelFiles;
import org.socengine.connectors.intel.IntelTopic;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.jobs.detection.DetectionJob;
import org.socengine.jobs.detection.DetectionJobOptions;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.jobs.internal.SocMetrics;
import org.socengine.jobs.testing.Await;
import org.socengine.jobs.testing.CollectingSink;
import org.socengine.model.Alert;
import org.socengine.rules.engine.CompiledRule;

/**
 * Threat intelligence on the real broker and Elasticsearch: a feed loaded into {@code soc.intel}
 * reaches the running detection job without a restart, and the IOC rule alerts on an event of a
 * listed address, with the enrichment in its evidence; an indicator expired at the event's time
 * does not match. Then the retro-hunt over the retained raw topic raises the past match as a {@code
 * retro_hunt} alert, and a second hunt adds no document.
 */
class IntelEnrichmentITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static final String IOC_RULE = "6d0a6d48-487f-5d9b-a58d-2f064a388666";
    private static final DateTimeFormatter BSD =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);

    @TempDir Path dir;

    private static String sshd(long t, String ip, int port) {
        return "<38>"
                + BSD.format(Instant.ofEpochMilli(t))
                + " yt-app-02 sshd[91]: Accepted password for backup from "
                + ip
                + " port "
                + port
                + " ssh2";
    }

    @Test
    void indicatorsReachTheRunningJobExpiredOnesDoNotMatchAndAHuntIsIdempotent() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "soc.raw.syslog.so-yt";
        SERVICES.kafka().createTopic(topic, 1);
        // Addresses of this run only: soc.intel and the raw topic outlive a test run.
        int n = Math.floorMod(run.hashCode(), 200) + 20;
        String listed = "198.51.100." + n;
        String expired = "198.51.101." + n;
        // An hour ago: the broker refuses timestamps far in the future, and retention drops old
        // ones.
        long t = (System.currentTimeMillis() / 1000) * 1000 - 3_600_000L;
        Path feed = dir.resolve("feed.csv");
        Files.writeString(
                feed,
                String.join(
                        "\n",
                        "type,value,source,confidence,valid_until,description",
                        "ip," + listed + ",it-feed-" + run + ",85,,C2 of the test",
                        "ip,"
                                + expired
                                + ",it-feed-"
                                + run
                                + ",85,"
                                + Instant.ofEpochMilli(t - 86_400_000L)
                                + ",expired a day before the events",
                        ""));
        FeedLoad load = IntelFiles.load(feed);
        assertThat(load.problems).isEmpty();
        assertThat(load.indicators).hasSize(2);

        KafkaSettings kafka = KafkaSettings.of(SERVICES.bootstrapServers());
        ElasticsearchSettings es = ElasticsearchSettings.of(SERVICES.elasticsearchUrl());
        List<CompiledRule> rules =
                RuleSets.compileAll(Path.of("..", "rules", "detections")).stream()
                        .filter(r -> r.id().equals(IOC_RULE))
                        .toList();
        assertThat(rules).hasSize(1);
        CollectingSink<Alert> alerts = new CollectingSink<>();
        String group = "intel-it-" + run;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DetectionJob.build(
                env,
                SocKafka.rawSource(kafka, List.of(topic), group, OffsetsInitializer.latest()),
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                rules,
                null,
                IntelStreams.fromKafka(env, kafka, group),
                List.of(alerts),
                SocKafka.deadLetterSink(kafka),
                // Idle soon, before the first line: the indicators' stream must not lend the rules
                // its end-of-time watermark then (every line after would be late). Longer than the
                // start-up hold, so the three lines, sent at once, give event time.
                DetectionJobOptions.defaults()
                        .withParallelism(1)
                        .withIdleness(Duration.ofSeconds(3)));
        var lateEvents =
                org.socengine.jobs.detection.EsperDetectionOperator.lateEventsCounter(
                        SocMetrics.registry());
        double late0 = lateEvents.count();
        JobClient job = env.executeAsync("intel-it");
        try (KafkaProducer<String, String> producer = SERVICES.stringProducer()) {
            // What ./soc intel load does, and a record another tool got wrong.
            IntelTopic.publish(kafka, load);
            producer.send(
                            new ProducerRecord<>(
                                    org.socengine.model.SocTopics.INTEL,
                                    "ip:bad-" + run,
                                    "{\"type\": \"ip\", \"value\": \"bad-" + run + "\"}"))
                    .get(10, TimeUnit.SECONDS);
            Await.until(
                    "the job to hold this run's indicators",
                    Duration.ofSeconds(60),
                    () ->
                            SocMetrics.registry().scrape().contains("soc_intel_indicators")
                                    && indicatorsHeld() >= 2);
            // The expired one first: once the listed one has alerted, it has been evaluated.
            producer.send(new ProducerRecord<>(topic, null, t, "so-yt", sshd(t, expired, 40001)))
                    .get(10, TimeUnit.SECONDS);
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    null,
                                    t + 1_000,
                                    "so-yt",
                                    sshd(t + 1_000, listed, 40002)))
                    .get(10, TimeUnit.SECONDS);
            // A later line moves event time past both.
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    null,
                                    t + 300_000,
                                    "so-yt",
                                    sshd(t + 300_000, "192.0.2.10", 40003)))
                    .get(10, TimeUnit.SECONDS);
            Await.until(
                    "the IOC alert of " + listed,
                    Duration.ofSeconds(60),
                    () ->
                            alerts.values().stream()
                                    .anyMatch(a -> listed.equals(a.entity.get("source.ip"))));
            assertThat(lateEvents.count() - late0)
                    .as("events evaluated late: the indicators' watermark reached the rules")
                    .isZero();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        // The bad record is not lost: it is in soc.dlq with its reason.
        try (var dlq = SERVICES.stringConsumer("earliest")) {
            dlq.subscribe(List.of(org.socengine.model.SocTopics.DLQ));
            java.util.concurrent.atomic.AtomicReference<String> found =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Await.until(
                    "the refused soc.intel record in soc.dlq",
                    Duration.ofSeconds(30),
                    () -> {
                        for (var r : dlq.poll(Duration.ofMillis(200))) {
                            if (r.value().contains("\"key\":\"ip:bad-" + run + "\"")) {
                                found.set(r.value());
                            }
                        }
                        return found.get() != null;
                    });
            assertThat(found.get())
                    .contains("\"topic\":\"soc.intel\"")
                    .contains("\"reason_code\":\"malformed\"")
                    .contains("is not an IPv4 or IPv6 address");
        }
        List<Alert> raised = alerts.values().stream().filter(a -> !a.update).toList();
        assertThat(raised).extracting(a -> a.entity.get("source.ip")).containsExactly(listed);
        Alert ioc = raised.get(0);
        assertThat(ioc.ruleId).isEqualTo(IOC_RULE);
        assertThat(ioc.entity).containsEntry("threat.indicator.value", listed);
        var enrichment = ioc.evidence.get(0).threat.enrichments.get(0);
        assertThat(enrichment.matched.field).isEqualTo("source.ip");
        assertThat(enrichment.matched.atomic).isEqualTo(listed);
        assertThat(enrichment.indicator.provider).isEqualTo("it-feed-" + run);
        assertThat(enrichment.indicator.confidence).isEqualTo(85);
        assertThat(enrichment.indicator.type).isEqualTo("ipv4-addr");

        // The retro-hunt over what the raw topic retains, with the indicators of soc.intel.
        Map<String, Indicator> all = IntelTopic.readAll(kafka, Duration.ofSeconds(30), null);
        assertThat(all).containsKeys("ip:" + listed, "ip:" + expired);
        List<Indicator> thisRun =
                all.values().stream().filter(i -> ("it-feed-" + run).equals(i.source)).toList();
        long since = t - 3_600_000L;
        long first = hunt(kafka, es, topic, thisRun, since, "hunt-1-" + run);
        assertThat(first).isEqualTo(1);
        List<ObjectNode> docs = huntAlerts(es, listed);
        assertThat(docs).hasSize(1);
        assertThat(docs.get(0).path("@timestamp").asText())
                .isEqualTo(Instant.ofEpochMilli(t + 1_000).toString());
        assertThat(huntAlerts(es, expired)).isEmpty();

        long second = hunt(kafka, es, topic, thisRun, since, "hunt-2-" + run);
        assertThat(second).isEqualTo(1);
        List<ObjectNode> again = huntAlerts(es, listed);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).path("alert").path("id").asText())
                .isEqualTo(docs.get(0).path("alert").path("id").asText());
    }

    private static double indicatorsHeld() {
        for (String line : SocMetrics.registry().scrape().split("\n")) {
            if (line.startsWith("soc_intel_indicators ")) {
                return Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
            }
        }
        return 0;
    }

    private static long hunt(
            KafkaSettings kafka,
            ElasticsearchSettings es,
            String topic,
            List<Indicator> indicators,
            long since,
            String group)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        CollectingSink<Alert> matches = new CollectingSink<>();
        RetroHunt.build(
                env,
                RetroHunt.rawSince(kafka, List.of(topic), group, since),
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                indicators,
                since,
                List.of(AlertIndexer.builder().settings(es).build(), matches));
        env.execute("retro-hunt-it");
        return matches.values().size();
    }

    private static List<ObjectNode> huntAlerts(ElasticsearchSettings es, String value)
            throws Exception {
        try (ElasticsearchClient client = ElasticsearchClients.create(es)) {
            AlertSearch search = new AlertSearch(client);
            search.refresh();
            return search.search(
                    Map.of("rule.id", RetroHunt.RULE_ID, "threat.indicator.value", value),
                    null,
                    100);
        }
    }
}
