package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.decode.Decoders;
import org.socengine.connectors.decode.DepartmentTrustPolicy;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.connectors.testing.LocalServicesExtension;

/**
 * The decode stage's accounting on the real broker: good and bad records of every source go into
 * their {@code soc.raw.<source>.<department>} topics, a bounded job decodes them, and per source
 * every record ends as exactly one event, dead letter or skipped control record. Each bad record is
 * a dead letter that names its own topic, partition and offset; no good record is dead-lettered;
 * the job's own counters agree. Good records whose {@code department} header or key claims another
 * department than the topic's are dead-lettered as {@code department_mismatch}, with the claimed
 * and the authoritative department, and counted under that reason.
 */
class DecodeAccountingITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    // Retained, because the job's counters are unregistered when the bounded job finishes.
    static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                            .build());

    private static final int PARTITIONS = 2;

    /**
     * Record sequences that must stay together on one partition: Zeek TSV lines and IIS lines
     * depend on the header lines before them, which the decoder of that partition's reader holds.
     */
    private static final List<String> HEADER_SOURCES = List.of("zeek", "web");

    /** A record as produced, with where Kafka put it. */
    record Produced(
            String source,
            boolean good,
            boolean control,
            byte[] value,
            String topic,
            int partition,
            long offset,
            String spoofed) {
        String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    private static String department;
    private static String neighbour;
    private static DepartmentDirectory directory;
    private static final List<Produced> PRODUCED = new ArrayList<>();

    @BeforeAll
    static void produce() throws Exception {
        // A department of its own per run: the broker outlives one test class, and other tests
        // write to the topics of the real departments.
        department = "it-" + UUID.randomUUID().toString().substring(0, 8);
        neighbour = department + "-other";
        directory =
                DepartmentDirectory.parse(
                        department
                                + "\tSở Kiểm thử (decode accounting)\n"
                                + neighbour
                                + "\tSở Láng giềng (decode accounting)\n");
        List<NewTopic> topics = new ArrayList<>();
        for (String source : Decoders.sources()) {
            topics.add(new NewTopic(topic(source), PARTITIONS, (short) 1));
        }
        SERVICES.kafka().createTopics(topics);

        var p = new java.util.Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SERVICES.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        Random random = new Random(20261125);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (String source : Decoders.sources()) {
                List<String> good = lines(source + ".log");
                List<String> bad = lines(source + ".bad");
                List<byte[]> badBytes = new ArrayList<>();
                bad.forEach(b -> badBytes.add(b.getBytes(StandardCharsets.UTF_8)));
                badBytes.add(invalidUtf8(good.get(0)));
                badBytes.add(new byte[0]);
                byte[] garbage = new byte[64 + random.nextInt(512)];
                random.nextBytes(garbage);
                badBytes.add(garbage);
                // Good and bad interleaved, as a misconfigured shipper would mix them.
                int b = 0;
                for (int i = 0; i < good.size(); i++) {
                    String line = good.get(i);
                    int partition = HEADER_SOURCES.contains(source) ? 0 : i % PARTITIONS;
                    PRODUCED.add(
                            send(
                                    producer,
                                    source,
                                    true,
                                    line.startsWith("#"),
                                    line.getBytes(StandardCharsets.UTF_8),
                                    partition));
                    if (b < badBytes.size() && i % 2 == 1) {
                        PRODUCED.add(send(producer, source, false, false, badBytes.get(b), b % 2));
                        b++;
                    }
                }
                for (; b < badBytes.size(); b++) {
                    PRODUCED.add(send(producer, source, false, false, badBytes.get(b), b % 2));
                }
                // A good record that claims the neighbour's department, by header and by key: on
                // a topic only this department may write to, both are spoofing attempts.
                byte[] data =
                        good.stream()
                                .filter(l -> !l.startsWith("#"))
                                .findFirst()
                                .orElseThrow()
                                .getBytes(StandardCharsets.UTF_8);
                PRODUCED.add(spoof(producer, source, data, true));
                PRODUCED.add(spoof(producer, source, data, false));
            }
        }
    }

    private static Produced send(
            KafkaProducer<byte[], byte[]> producer,
            String source,
            boolean good,
            boolean control,
            byte[] value,
            int partition)
            throws Exception {
        RecordMetadata m =
                producer.send(new ProducerRecord<>(topic(source), partition, null, value)).get();
        return new Produced(
                source, good, control, value, m.topic(), m.partition(), m.offset(), null);
    }

    private static Produced spoof(
            KafkaProducer<byte[], byte[]> producer, String source, byte[] value, boolean header)
            throws Exception {
        ProducerRecord<byte[], byte[]> r =
                new ProducerRecord<>(
                        topic(source),
                        0,
                        header ? null : neighbour.getBytes(StandardCharsets.UTF_8),
                        value);
        if (header) {
            r.headers().add("department", neighbour.getBytes(StandardCharsets.UTF_8));
        }
        RecordMetadata m = producer.send(r).get();
        return new Produced(
                source,
                false,
                false,
                value,
                m.topic(),
                m.partition(),
                m.offset(),
                header ? "header" : "key");
    }

    private static String topic(String source) {
        return "soc.raw." + source + "." + department;
    }

    private static List<String> lines(String resource) throws IOException {
        try (InputStream in =
                DecodeAccountingITCase.class.getResourceAsStream("/sources/" + resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isEmpty())
                    .toList();
        }
    }

    private static byte[] invalidUtf8(String line) {
        byte[] valid = line.getBytes(StandardCharsets.UTF_8);
        byte[] bad = Arrays.copyOf(valid, valid.length + 2);
        bad[valid.length / 2] = (byte) 0xC3;
        bad[valid.length / 2 + 1] = (byte) 0x28;
        bad[valid.length] = (byte) 0xFF;
        bad[valid.length + 1] = (byte) 0xFE;
        return bad;
    }

    /** One output of the decode stage, events and dead letters in one collectable stream. */
    public static class Outcome {
        public boolean dead;
        public String source;
        public String original;
        public String organization;
        public String topic;
        public int partition;
        public long offset;
        public String reasonCode;
        public String reason;
        public String decoder;
        public String department;
        public String claimedDepartment;

        public Outcome() {}
    }

    @Test
    void everyRecordOfEverySourceIsDecodedDeadLetteredOrSkippedExactlyOnce() throws Exception {
        KafkaSettings kafka = KafkaSettings.of(SERVICES.bootstrapServers());
        List<String> topics = Decoders.sources().stream().map(s -> topic(s)).toList();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARTITIONS);
        SingleOutputStreamOperator<org.socengine.model.SecurityEvent> events =
                env.fromSource(
                                SocKafka.boundedRawSource(
                                        kafka, topics, "decode-accounting-" + department),
                                WatermarkStrategy.noWatermarks(),
                                "raw")
                        .transform(
                                "decode",
                                SerializerTypeInfo.events(),
                                DecodeOperator.of(
                                        new RecordDecoder(
                                                DecoderOptions.defaults(),
                                                Map.of(),
                                                directory,
                                                DepartmentTrustPolicy.defaults(),
                                                null),
                                        DetectionJobOptions.defaults()));
        DataStream<Outcome> decoded =
                events.map(
                        e -> {
                            Outcome o = new Outcome();
                            o.source = e.event == null ? null : e.event.module;
                            o.original = e.event == null ? null : e.event.original;
                            o.organization = e.organization == null ? null : e.organization.id;
                            return o;
                        });
        DataStream<Outcome> dead =
                events.getSideOutput(DecodeOperator.DEAD_LETTERS)
                        .map(
                                d -> {
                                    Outcome o = new Outcome();
                                    o.dead = true;
                                    o.source = d.source;
                                    o.topic = d.topic;
                                    o.partition = d.partition;
                                    o.offset = d.offset;
                                    o.reasonCode = d.reasonCode;
                                    o.reason = d.reason;
                                    o.decoder = d.decoder;
                                    o.department = d.department;
                                    o.claimedDepartment = d.claimedDepartment;
                                    o.original =
                                            d.raw == null
                                                    ? null
                                                    : new String(d.raw, StandardCharsets.UTF_8);
                                    return o;
                                });
        List<Outcome> outcomes = new ArrayList<>();
        JobID jobId;
        try (CloseableIterator<Outcome> it = decoded.union(dead).collectAsync()) {
            JobClient client = env.executeAsync("decode-accounting-" + department);
            jobId = client.getJobID();
            it.forEachRemaining(outcomes::add);
            client.getJobExecutionResult().get();
        }

        Map<String, Produced> byOrigin = new HashMap<>();
        for (Produced p : PRODUCED) {
            byOrigin.put(p.topic() + "/" + p.partition() + "@" + p.offset(), p);
        }
        Map<String, List<Produced>> goodByText = new HashMap<>();
        for (Produced p : PRODUCED) {
            if (p.good() && !p.control()) {
                goodByText.computeIfAbsent(p.text(), k -> new ArrayList<>()).add(p);
            }
        }

        Map<String, Long> spoofs = new TreeMap<>();
        Map<String, long[]> tally = new TreeMap<>(); // produced, decoded, dead, skipped
        for (String s : Decoders.sources()) {
            tally.put(s, new long[4]);
        }
        PRODUCED.forEach(p -> tally.get(p.source())[0]++);
        PRODUCED.stream().filter(Produced::control).forEach(p -> tally.get(p.source())[3]++);

        for (Outcome o : outcomes) {
            if (o.dead) {
                String origin = o.topic + "/" + o.partition + "@" + o.offset;
                Produced p = byOrigin.remove(origin);
                assertThat(p).as("dead letter %s is a produced record, once", origin).isNotNull();
                assertThat(p.good())
                        .as(
                                "good %s record at %s dead-lettered: %s %s",
                                p.source(), origin, o.reasonCode, o.reason)
                        .isFalse();
                assertThat(o.source).isEqualTo(p.source());
                assertThat(o.reasonCode).as(origin).isNotBlank().isNotEqualTo("internal_error");
                assertThat(o.reason).as(origin).isNotBlank();
                assertThat(o.decoder).as(origin).isNotBlank();
                if (p.spoofed() != null) {
                    assertThat(o.reasonCode).as(origin).isEqualTo("department_mismatch");
                    assertThat(o.reason).as(origin).contains(p.spoofed()).contains(neighbour);
                    assertThat(o.claimedDepartment).as(origin).isEqualTo(neighbour);
                    assertThat(o.department).as(origin).isEqualTo(department);
                    spoofs.merge(p.source(), 1L, Long::sum);
                } else {
                    assertThat(o.reasonCode).as(origin).isNotEqualTo("department_mismatch");
                }
                tally.get(p.source())[2]++;
            } else {
                List<Produced> candidates = goodByText.get(o.original);
                assertThat(candidates)
                        .as("event of %s matches a good record not yet decoded", o.source)
                        .isNotNull()
                        .isNotEmpty();
                Produced p = candidates.remove(0);
                byOrigin.remove(p.topic() + "/" + p.partition() + "@" + p.offset());
                assertThat(o.organization).as("department from the topic").isEqualTo(department);
                tally.get(p.source())[1]++;
            }
        }

        // What is left over was neither decoded nor dead-lettered: only control records may be.
        assertThat(byOrigin.values())
                .as("records without an outcome")
                .allMatch(Produced::control, "is a header line");
        for (var e : tally.entrySet()) {
            long[] t = e.getValue();
            assertThat(t[1] + t[2] + t[3])
                    .as(
                            "%s: decoded %d + dead-lettered %d + skipped %d",
                            e.getKey(), t[1], t[2], t[3])
                    .isEqualTo(t[0]);
            long goodData =
                    PRODUCED.stream()
                            .filter(p -> p.source().equals(e.getKey()) && p.good() && !p.control())
                            .count();
            long bad =
                    PRODUCED.stream()
                            .filter(p -> p.source().equals(e.getKey()) && !p.good())
                            .count();
            assertThat(t[1]).as("%s decoded", e.getKey()).isEqualTo(goodData);
            assertThat(t[2]).as("%s dead-lettered", e.getKey()).isEqualTo(bad);
            assertThat(bad).isGreaterThanOrEqualTo(4);
        }
        assertThat(tally.get("zeek")[3]).as("Zeek TSV header lines skipped").isEqualTo(8);
        assertThat(tally.get("web")[3]).as("IIS directives skipped").isEqualTo(2);

        // The job's own counters tell the same story.
        Map<String, Long> counters = counters(jobId);
        for (var e : tally.entrySet()) {
            long[] t = e.getValue();
            String s = e.getKey();
            assertThat(counters.getOrDefault(s + ".received", 0L)).as(s).isEqualTo(t[0]);
            assertThat(counters.getOrDefault(s + ".decoded", 0L)).as(s).isEqualTo(t[1]);
            assertThat(counters.getOrDefault(s + ".deadLettered", 0L)).as(s).isEqualTo(t[2]);
            assertThat(counters.getOrDefault(s + ".skipped", 0L)).as(s).isEqualTo(t[3]);
            long byReason =
                    counters.entrySet().stream()
                            .filter(c -> c.getKey().startsWith(s + ".deadLettered."))
                            .mapToLong(Map.Entry::getValue)
                            .sum();
            assertThat(byReason).as("%s dead letters by reason", s).isEqualTo(t[2]);
            assertThat(counters.getOrDefault(s + ".deadLettered.department_mismatch", 0L))
                    .as("%s spoofed records counted as department_mismatch", s)
                    .isEqualTo(2L)
                    .isEqualTo(spoofs.get(s));
        }
    }

    /** The DecodeOperator counters of a job, summed over subtasks: {@code syslog.decoded}. */
    private static Map<String, Long> counters(JobID jobId) {
        Map<String, Long> sums = new TreeMap<>();
        for (var g : REPORTER.getMetricsByGroup().entrySet()) {
            Map<String, String> vars = g.getKey().getAllVariables();
            String source = vars.get("<source>");
            if (source == null || !jobId.toString().equals(vars.get("<job_id>"))) {
                continue;
            }
            for (Map.Entry<String, Metric> m : g.getValue().entrySet()) {
                if (m.getValue() instanceof Counter c) {
                    sums.merge(source + "." + m.getKey(), c.getCount(), Long::sum);
                }
            }
        }
        assertThat(sums)
                .as(
                        "DecodeOperator counters: %s",
                        sums.keySet().stream().collect(Collectors.toList()))
                .isNotEmpty();
        return sums;
    }
}
