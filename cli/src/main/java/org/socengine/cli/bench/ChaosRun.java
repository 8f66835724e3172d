package org.socengine.cli.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.elasticsearch.AlertIndices;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.AlertIndexer;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.jobs.detection.DetectionJob;
import org.socengine.jobs.detection.DetectionJobOptions;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.local.LocalKafka;
import org.socengine.model.Alert;
import org.socengine.model.Json;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.engine.CompiledRule;

/**
 * The chaos run of {@code ./soc bench --chaos}: the detection job is killed and restored from its
 * checkpoints many times over a generated stream with attacks, and every alert is accounted for.
 *
 * <p>The traffic ({@link TrafficMix}) goes into Kafka once. A reference run of the same job with no
 * kills collects what the job alerts on when nothing breaks: every alert id and its final count.
 * Then the chaos run reads the same records with failures injected by {@link ChaosSwitch} at seeded
 * random record counts, and once at a line in the middle of an attack the reference alerted on;
 * Flink restarts the tasks from the last completed checkpoint each time, replaying what came after
 * it, and the alerts go to Elasticsearch through the real sink. Accounting: the alert ids in
 * Elasticsearch (documents in this run's event-time range) against the reference's: expected =
 * found, none missing, none unexpected, no id in two documents, each document's final count the
 * reference's, and the planned kills performed.
 */
public final class ChaosRun {

    /** Everything a run needs; see {@code ./soc bench --help}. */
    public record Options(
            long events,
            int kills,
            long seed,
            int parallelism,
            double eventRate,
            Duration checkpointInterval,
            Duration pacePerRecord,
            long start,
            List<CompiledRule> rules,
            Path checkpointDir,
            Duration allowedLateness) {}

    /** What the run found; {@link #ok} when every alert is accounted for. */
    public record Result(
            long events,
            int killsPlanned,
            long killsPerformed,
            long midAttackKills,
            long expected,
            long found,
            List<String> missing,
            List<String> unexpected,
            long duplicates,
            List<String> countMismatches,
            double loadSeconds,
            double referenceSeconds,
            double chaosSeconds,
            double wallSeconds) {

        public boolean ok() {
            return expected > 0
                    && expected == found
                    && missing.isEmpty()
                    && unexpected.isEmpty()
                    && duplicates == 0
                    && countMismatches.isEmpty()
                    && killsPerformed >= killsPlanned
                    && midAttackKills >= 1;
        }

        /** One line of NDJSON. */
        public String toJson() {
            ObjectNode n = Json.mapper().createObjectNode();
            n.put("run", "chaos");
            n.put("ok", ok());
            n.put("events", events);
            n.put("kills_planned", killsPlanned);
            n.put("kills_performed", killsPerformed);
            n.put("mid_attack_kills", midAttackKills);
            n.put("expected", expected);
            n.put("found", found);
            n.put("missing", missing.size());
            n.put("unexpected", unexpected.size());
            n.put("duplicate_ids", duplicates);
            n.put("count_mismatches", countMismatches.size());
            var examples = n.putObject("examples");
            missing.stream().limit(5).forEach(examples.withArray("missing")::add);
            unexpected.stream().limit(5).forEach(examples.withArray("unexpected")::add);
            countMismatches.stream().limit(5).forEach(examples.withArray("count_mismatches")::add);
            n.put("load_seconds", round(loadSeconds));
            n.put("reference_seconds", round(referenceSeconds));
            n.put("chaos_seconds", round(chaosSeconds));
            n.put("wall_seconds", round(wallSeconds));
            return n.toString();
        }

        private static double round(double s) {
            return Math.round(s * 10) / 10.0;
        }
    }

    private final Options o;
    private final PrintStream err;

    public ChaosRun(Options options, PrintStream err) {
        this.o = options;
        this.err = err;
    }

    /**
     * Runs on a broker and node that may be shared: the run's topics are its own, and its alerts
     * are told apart by their event time, so {@code start} must be a month no one else writes.
     */
    public Result run(LocalKafka broker, String elasticsearchUrl) throws Exception {
        long t0 = System.nanoTime();
        String run = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers());
        List<String> topics = createTopics(broker, run);
        long end = produce(kafka, run);
        double load = (System.nanoTime() - t0) / 1e9;
        err.printf("soc bench --chaos: %,d events loaded into Kafka in %.1f s%n", o.events(), load);

        // The reference: nothing breaks.
        long r0 = System.nanoTime();
        String referenceId = run + "-reference";
        Map<String, Alert> reference = ReferenceSink.open(referenceId);
        try {
            StreamExecutionEnvironment env = environment(o.checkpointDir().resolve("reference"));
            build(env, kafka, topics, run + "-reference", null, new ReferenceSink(referenceId));
            env.execute("soc-bench-chaos-reference");
        } finally {
            ReferenceSink.close(referenceId);
        }
        double referenceSeconds = (System.nanoTime() - r0) / 1e9;
        err.printf(
                "soc bench --chaos: reference run, no kills: %d alerts in %.1f s%n",
                reference.size(), referenceSeconds);

        // The kills: seeded record counts over the first 90 % of the input, and one in the
        // middle of an attack the reference alerted on.
        Random rnd = new Random(o.seed());
        Set<Long> positions = new TreeSet<>();
        int planned = o.kills() - 1;
        while (positions.size() < planned) {
            positions.add(1 + (long) (rnd.nextDouble() * o.events() * 0.9));
        }
        // Past the middle: by then the attempt has checkpointed, whatever the kills before it did.
        Set<String> triggers =
                midAttackLines(reference.values(), o.start() + (end - o.start()) * 6 / 10);
        err.printf(
                "soc bench --chaos: %d kills planned at seeded record counts, one at the first of"
                        + " %d lines in the middle of an attack%n",
                positions.size(), triggers.size());
        String switchId = run + "-switch";
        ChaosSwitch.Run kills =
                ChaosSwitch.plan(
                        switchId,
                        positions,
                        triggers,
                        midAttack(reference.values(), o.start() + (end - o.start()) * 6 / 10));
        long c0 = System.nanoTime();
        try {
            StreamExecutionEnvironment env = environment(o.checkpointDir().resolve("chaos"));
            build(
                    env,
                    kafka,
                    topics,
                    run,
                    new ChaosSwitch(switchId, o.pacePerRecord().toNanos()),
                    AlertIndexer.builder()
                            .settings(ElasticsearchSettings.of(elasticsearchUrl))
                            .build());
            env.execute("soc-bench-chaos");
        } finally {
            ChaosSwitch.forget(switchId);
        }
        double chaosSeconds = (System.nanoTime() - c0) / 1e9;
        err.printf(
                "soc bench --chaos: chaos run, %d kills (%d mid-attack) in %.1f s%n",
                kills.kills(), kills.midAttackKills(), chaosSeconds);

        // Accounting.
        Map<String, List<ObjectNode>> docs = documents(elasticsearchUrl, o.start(), end);
        Map<String, List<Long>> found = new LinkedHashMap<>();
        docs.forEach(
                (id, list) ->
                        found.put(
                                id,
                                list.stream()
                                        .map(d -> d.path("alert").path("count").asLong())
                                        .toList()));
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> countMismatches = new ArrayList<>();
        long duplicates = 0;
        for (Map.Entry<String, List<Long>> e : found.entrySet()) {
            duplicates += e.getValue().size() - 1;
            Alert expected = reference.get(e.getKey());
            if (expected == null) {
                unexpected.add(e.getKey());
            } else if (e.getValue().get(0) != expected.count) {
                countMismatches.add(
                        e.getKey()
                                + " count "
                                + e.getValue().get(0)
                                + " expected "
                                + expected.count);
            }
        }
        for (String id : reference.keySet()) {
            if (!found.containsKey(id)) {
                missing.add(id);
            }
        }
        writeDifferences(reference, docs, missing, unexpected, countMismatches);
        return new Result(
                o.events(),
                o.kills(),
                kills.kills(),
                kills.midAttackKills(),
                reference.size(),
                found.size(),
                missing,
                unexpected,
                duplicates,
                countMismatches,
                load,
                referenceSeconds,
                chaosSeconds,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Loads the traffic once and runs the reference (no kills) {@code times} times over it, each
     * with its own consumer group: whether the job without kills is repeatable, which the chaos
     * accounting takes for granted. Every alert's last version, per run.
     */
    List<Map<String, Alert>> referenceRuns(LocalKafka broker, int times) throws Exception {
        String run = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers());
        List<String> topics = createTopics(broker, run);
        produce(kafka, run);
        List<Map<String, Alert>> out = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            String id = run + "-reference-" + i;
            Map<String, Alert> reference = ReferenceSink.open(id);
            try {
                StreamExecutionEnvironment env =
                        environment(o.checkpointDir().resolve("reference-" + i));
                build(env, kafka, topics, id, null, new ReferenceSink(id));
                env.execute("soc-bench-chaos-reference-" + i);
            } finally {
                ReferenceSink.close(id);
            }
            out.add(new java.util.TreeMap<>(reference));
        }
        return out;
    }

    private StreamExecutionEnvironment environment(Path checkpoints) throws IOException {
        deleteTree(checkpoints);
        Files.createDirectories(checkpoints);
        StreamExecutionEnvironment env =
                FlinkEnvironments.local(o.parallelism(), checkpoints, o.checkpointInterval());
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
                Math.max(10, o.kills() * 3));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        env.configure(conf);
        return env;
    }

    private void build(
            StreamExecutionEnvironment env,
            KafkaSettings kafka,
            List<String> topics,
            String group,
            ChaosSwitch chaos,
            Sink<Alert> alerts) {
        KafkaSettings consumer =
                KafkaSettings.builder(kafka.bootstrapServers())
                        .properties(kafka.properties())
                        // As the benchmark: small fetches keep the topics close in event time.
                        .property("max.partition.fetch.bytes", "32768")
                        .build();
        // Lateness above the traffic mix's disorder: an event beyond it is late or not depending on
        // when the decode step's watermark ticked, which no two runs share.
        DetectionJobOptions options =
                DetectionJobOptions.defaults()
                        .withParallelism(o.parallelism())
                        .withAllowedLateness(o.allowedLateness());
        DataStream<RawRecord> raw =
                env.fromSource(
                                SocKafka.boundedRawSource(consumer, topics, group),
                                DetectionJob.readingPace(options),
                                "raw records")
                        .uid("raw-source");
        if (chaos != null) {
            raw = raw.map(chaos).name("chaos switch").uid("chaos-switch");
        }
        DetectionJob.build(
                raw,
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                o.rules(),
                null,
                List.of(alerts),
                null,
                options);
    }

    private List<String> createTopics(LocalKafka broker, String run) throws IOException {
        List<String> topics = new ArrayList<>();
        List<NewTopic> create = new ArrayList<>();
        List<String> sources = new ArrayList<>(List.of(TrafficMix.SOURCES));
        sources.add("syslog");
        for (String s : sources) {
            // A relay's topic (no department in its name): the key names the department.
            String t = "soc.raw." + s + "." + run;
            topics.add(t);
            create.add(
                    new NewTopic(t, o.parallelism(), (short) 1)
                            .configs(
                                    Map.of(
                                            "message.timestamp.type",
                                            "CreateTime",
                                            "retention.ms",
                                            "-1")));
        }
        broker.createTopics(create);
        return topics;
    }

    /** Loads the traffic; returns the event time of its last line. */
    private long produce(KafkaSettings kafka, String run) {
        Properties p = kafka.toProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "50");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // The whole load is handed to the producer at once, and Kafka's delivery timeout runs from
        // when a batch was made, not from when the broker last made progress: against a broker
        // slowed by a loaded machine (the test suite's other jobs), batches queued behind the
        // others expired after the default two minutes while the broker was still taking them.
        // Generous bounds against a broker that is gone.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofMinutes(10).toMillis());
        // Not idempotent: in a CI run the idempotent producer resent its first batches (sequence
        // 0) after later ones had been appended, and the broker refused them as out of order
        // (OutOfOrderSequenceException, 2,456 times in its log) until the delivery timeout ten
        // minutes later. One request in flight keeps the lines in order through retries; a retry
        // after a lost answer may write a line twice, which the reference run and the killed runs
        // then both read from the same topics.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        TrafficMix mix =
                new TrafficMix(
                        o.seed(),
                        o.start(),
                        o.eventRate(),
                        o.events(),
                        DepartmentDirectory.defaults());
        long last = o.start();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            while (mix.hasNext() && failure.get() == null) {
                TrafficMix.Line line = mix.next();
                last = Math.max(last, line.timestamp());
                producer.send(
                        new ProducerRecord<>(
                                "soc.raw." + line.source() + "." + run,
                                null,
                                line.timestamp(),
                                line.department().getBytes(StandardCharsets.UTF_8),
                                line.text().getBytes(StandardCharsets.UTF_8)),
                        (md, ex) -> {
                            if (ex != null) {
                                failure.compareAndSet(null, ex);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "cannot produce to Kafka: " + failure.get().getMessage(), failure.get());
        }
        return last;
    }

    /**
     * Lines in the middle of an attack: the evidence, without its first and last events, of the
     * reference's alert (three evidence events or more) nearest the given time, so that the job has
     * checkpointed before it and still has work after it. The first of them the job meets after a
     * checkpoint kills it, between the attack's first events and its alert.
     */
    static Set<String> midAttackLines(java.util.Collection<Alert> alerts, long middle) {
        Alert chosen = attackNear(alerts, middle);
        Set<String> out = new LinkedHashSet<>();
        if (chosen == null) {
            return out;
        }
        List<SecurityEvent> ev = chosen.evidence;
        for (int i = 1; i < ev.size() - 1; i++) {
            SecurityEvent e = ev.get(i);
            if (e.event != null && e.event.original != null) {
                out.add(e.event.original);
            }
        }
        return out;
    }

    /**
     * The same attack as times and the attacker's value: between its second and its last but one
     * event, a line that names the first value of its entity (the source address of a brute force).
     */
    static ChaosSwitch.MidAttack midAttack(java.util.Collection<Alert> alerts, long middle) {
        Alert chosen = attackNear(alerts, middle);
        if (chosen == null || chosen.entity.isEmpty()) {
            return null;
        }
        List<SecurityEvent> ev = chosen.evidence;
        return new ChaosSwitch.MidAttack(
                ev.get(1).timestamp, ev.get(ev.size() - 2).timestamp, attackerText(chosen));
    }

    /**
     * The entity value a raw line of the attack names: the first one found in an evidence event's
     * original line. The department is an entity value too, but it travels in the record's key, not
     * in the line.
     */
    static String attackerText(Alert a) {
        for (Map.Entry<String, String> e : a.entity.entrySet()) {
            String v = e.getValue();
            if (v == null || v.isEmpty()) {
                continue;
            }
            for (SecurityEvent s : a.evidence) {
                if (s.event != null && s.event.original != null && s.event.original.contains(v)) {
                    return v;
                }
            }
        }
        for (Map.Entry<String, String> e : a.entity.entrySet()) {
            if (!"organization.id".equals(e.getKey())
                    && e.getValue() != null
                    && !e.getValue().isEmpty()) {
                return e.getValue();
            }
        }
        return null;
    }

    private static Alert attackNear(java.util.Collection<Alert> alerts, long middle) {
        return alerts.stream()
                .filter(a -> a.evidence != null && a.evidence.size() >= 3)
                .min(
                        Comparator.<Alert>comparingLong(
                                        a ->
                                                Math.abs(
                                                        a.evidence.get(a.evidence.size() / 2)
                                                                        .timestamp
                                                                - middle))
                                .thenComparing(a -> a.id))
                .orElse(null);
    }

    /**
     * What did not add up, one NDJSON line per alert (the reference's alert, or the document
     * found), into {@code differences.ndjson} beside the checkpoints: the rule, group, window and
     * counts are what tell a lost event from a window that began elsewhere.
     */
    private void writeDifferences(
            Map<String, Alert> reference,
            Map<String, List<ObjectNode>> docs,
            List<String> missing,
            List<String> unexpected,
            List<String> countMismatches)
            throws IOException {
        Path file = o.checkpointDir().resolve("differences.ndjson");
        try (var w = Files.newBufferedWriter(file)) {
            for (String id : missing) {
                Alert a = reference.get(id);
                w.write(
                        difference(
                                "missing",
                                id,
                                a.ruleId,
                                a.groupKey(),
                                a.windowStart,
                                a.count,
                                a.late));
            }
            for (String id : unexpected) {
                ObjectNode d = docs.get(id).get(0);
                w.write(documentDifference("unexpected", id, d, -1));
            }
            for (String line : countMismatches) {
                String id = line.substring(0, line.indexOf(' '));
                w.write(
                        documentDifference(
                                "count", id, docs.get(id).get(0), reference.get(id).count));
            }
        }
        err.printf("soc bench --chaos: differences written to %s%n", file);
    }

    private static String documentDifference(String kind, String id, ObjectNode d, long expected) {
        JsonNode alert = d.path("alert");
        ObjectNode n =
                (ObjectNode)
                        Json.mapper()
                                .valueToTree(
                                        Map.of(
                                                "kind", kind,
                                                "id", id,
                                                "rule", d.path("rule").path("id").asText(),
                                                "group", alert.path("group_key").asText(),
                                                "window_start",
                                                        alert.path("window").path("start").asText(),
                                                "count", alert.path("count").asLong(),
                                                "late", alert.path("late").asBoolean()));
        if (expected >= 0) {
            n.put("expected", expected);
        }
        return n + "\n";
    }

    private static String difference(
            String kind,
            String id,
            String rule,
            String group,
            long windowStart,
            long count,
            boolean late) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("kind", kind).put("id", id).put("rule", rule).put("group", group);
        n.put("window_start", Instant.ofEpochMilli(windowStart).toString());
        n.put("count", count).put("late", late);
        return n + "\n";
    }

    /**
     * Alert id → its documents (rule and alert fields), over every alert index in the time range.
     */
    private static Map<String, List<ObjectNode>> documents(String url, long from, long to)
            throws IOException {
        Map<String, List<ObjectNode>> out = new LinkedHashMap<>();
        try (ElasticsearchClient client =
                ElasticsearchClients.create(ElasticsearchSettings.of(url))) {
            client.indices().refresh(r -> r.index(AlertIndices.ALIAS + "*"));
            List<FieldValue> after = null;
            while (true) {
                List<FieldValue> searchAfter = after;
                SearchResponse<ObjectNode> r =
                        client.search(
                                s -> {
                                    s.index(AlertIndices.ALIAS + "*")
                                            .size(1000)
                                            .ignoreUnavailable(true)
                                            .allowNoIndices(true)
                                            .query(
                                                    q ->
                                                            q.range(
                                                                    g ->
                                                                            g.date(
                                                                                    d ->
                                                                                            d.field(
                                                                                                            "@timestamp")
                                                                                                    .gte(
                                                                                                            Instant
                                                                                                                    .ofEpochMilli(
                                                                                                                            from)
                                                                                                                    .toString())
                                                                                                    .lte(
                                                                                                            Instant
                                                                                                                    .ofEpochMilli(
                                                                                                                            to
                                                                                                                                    + 86_400_000L)
                                                                                                                    .toString()))))
                                            .sort(so -> so.field(f -> f.field("_doc")))
                                            .source(
                                                    src ->
                                                            src.filter(
                                                                    f ->
                                                                            f.includes(
                                                                                    "alert.*",
                                                                                    "rule.id")));
                                    if (searchAfter != null) {
                                        s.searchAfter(searchAfter);
                                    }
                                    return s;
                                },
                                ObjectNode.class);
                List<Hit<ObjectNode>> hits = r.hits().hits();
                for (Hit<ObjectNode> h : hits) {
                    ObjectNode doc = h.source();
                    out.computeIfAbsent(
                                    doc.path("alert").path("id").asText(), k -> new ArrayList<>())
                            .add(doc);
                }
                if (hits.size() < 1000) {
                    return out;
                }
                after = hits.get(hits.size() - 1).sort();
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Keeps the last version of every alert the reference run emitted (an update carries the
     * totals): in local mode, in this JVM's memory.
     */
    static final class ReferenceSink implements Sink<Alert> {
        private static final Map<String, Map<String, Alert>> RUNS = new ConcurrentHashMap<>();
        private final String id;

        ReferenceSink(String id) {
            this.id = id;
        }

        static Map<String, Alert> open(String id) {
            Map<String, Alert> m = new ConcurrentHashMap<>();
            RUNS.put(id, m);
            return m;
        }

        static void close(String id) {
            RUNS.remove(id);
        }

        @Override
        public SinkWriter<Alert> createWriter(WriterInitContext context) {
            Map<String, Alert> target = RUNS.get(id);
            return new SinkWriter<>() {
                @Override
                public void write(Alert a, Context ctx) {
                    target.merge(a.id, a, (old, neu) -> neu.count >= old.count ? neu : old);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
