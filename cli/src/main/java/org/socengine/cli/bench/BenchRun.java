package org.socengine.cli.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.elasticsearch.AlertSearch;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.intel.FeedLoad;
import org.socengine.connectors.intel.IntelFiles;
import org.socengine.connectors.intel.IntelTopic;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.RawRecordDeserializer;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.jobs.detection.DetectionJob;
import org.socengine.jobs.detection.DetectionJobOptions;
import org.socengine.jobs.detection.SerializerTypeInfo;
import org.socengine.jobs.intel.IntelStreams;
import org.socengine.jobs.intel.IntelUpdate;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.jobs.internal.SocMetrics;
import org.socengine.local.LocalServices;
import org.socengine.model.SocTopics;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.engine.CompiledRule;

/**
 * The end-to-end benchmark of {@code ./soc bench}: a real Kafka broker and Elasticsearch node, the
 * DetectionJob in Flink local mode with checkpoints, alerts indexed in Elasticsearch.
 *
 * <p>Two ways to feed it. By default the raw events are loaded into Kafka first and the job then
 * reads the backlog as fast as it can: that gives the sustained throughput and its CPU cost. With a
 * rate, lines are produced at that rate while the job runs (event time = wall clock), which is what
 * detection latency means for users: time from a line's append to Kafka to its alert's bulk
 * response from Elasticsearch. In the backlog mode the same latency is reported but it is dominated
 * by the time the lines waited in Kafka before the job started.
 */
public final class BenchRun {

    /** Everything a run needs; see {@code ./soc bench --help}. */
    public record Options(
            long events,
            int rules,
            RuleVariants.Kind variants,
            int parallelism,
            double eventTimeRate,
            double liveRate,
            Duration quietSourceEvery,
            boolean holdQuietPartitions,
            Duration allowedLateness,
            Duration flushInterval,
            long seed,
            Path rulesDir,
            Path intelFeed,
            Path workDir) {}

    /** What a run measured. */
    public record Result(
            long events,
            double eventsPerSecond,
            double cpuSecondsPerMillion,
            long p50Millis,
            long p99Millis,
            long maxMillis,
            int latencySamples,
            long peakHeapBytes,
            long peakRssBytes,
            long alertsCreated,
            long alertUpdates,
            long duplicates,
            long alertsInElasticsearch,
            double wallSeconds,
            CheckpointRecorder.Summary checkpoints,
            JvmSpan jvm,
            RuleCosts ruleCosts,
            CheckpointRecorder.HorizonPeak horizon,
            long lateEvents) {}

    /**
     * What the job JVM spent besides the job over the measured 10 %-90 % of the input: the
     * collectors' accumulated collection time and the JIT's compile time. Single runs spread by ±10
     * % on the shared machine, mostly through these two (docs/benchmarks.md), so each run reports
     * them beside its figures.
     */
    public record JvmSpan(double spanSeconds, double gcSeconds, double jitSeconds) {
        public String describe() {
            return String.format(
                    java.util.Locale.ROOT,
                    "in the measured %.1f s: collections %.1f s, JIT compiling %.1f s",
                    spanSeconds,
                    gcSeconds,
                    jitSeconds);
        }
    }

    /** The job JVM's clocks at one point of the input. */
    record Mark(long nanos, long cpuNanos, long gcMillis, long jitMillis) {
        static Mark now() {
            return new Mark(
                    System.nanoTime(),
                    BenchRun.cpuNanos(),
                    BenchRun.gcMillis(),
                    BenchRun.jitMillis());
        }
    }

    /**
     * Counts records at the source and marks the JVM's clocks at 10 % and 90 % of the input. In the
     * source's deserializer, not in an operator after it: the bench measures the job's own
     * topology, with nothing of its own between the source and the decode step.
     */
    static final class Progress implements KafkaRecordDeserializationSchema<RawRecord> {
        static final AtomicLong SEEN = new AtomicLong();
        static final AtomicLong FIRST_NANOS = new AtomicLong();
        static final AtomicReference<Mark> AT10 = new AtomicReference<>();
        static final AtomicReference<Mark> AT90 = new AtomicReference<>();
        private final long total;

        Progress(long total) {
            this.total = total;
        }

        static void reset() {
            SEEN.set(0);
            FIRST_NANOS.set(0);
            AT10.set(null);
            AT90.set(null);
        }

        private final RawRecordDeserializer records = new RawRecordDeserializer();

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return records.getProducedType();
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
            records.deserialize(record, out);
            long n = SEEN.incrementAndGet();
            if (n == 1) {
                FIRST_NANOS.set(System.nanoTime());
            }
            if (n == total / 10) {
                AT10.set(Mark.now());
            } else if (n == total * 9 / 10) {
                AT90.set(Mark.now());
            }
        }
    }

    private final Options o;
    private final PrintStream err;

    public BenchRun(Options options, PrintStream err) {
        this.o = options;
        this.err = err;
    }

    /** The collectors' accumulated collection time; -1 where a collector does not say. */
    static long gcMillis() {
        long total = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            long t = gc.getCollectionTime();
            if (t < 0) {
                return -1;
            }
            total += t;
        }
        return total;
    }

    /** The JIT's accumulated compile time (all compiler threads); -1 where not monitored. */
    static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit.getTotalCompilationTime()
                : -1;
    }

    static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * With {@code --intel}: the feed loaded into {@code soc.intel}, and the job's updates read from
     * there, as {@code ./soc run} reads them (to the end of the topic and no further on a backlog,
     * so that the job finishes); otherwise none, and the job has no enrichment step.
     */
    private DataStream<IntelUpdate> intel(
            StreamExecutionEnvironment env, KafkaSettings kafka, boolean live) throws Exception {
        if (o.intelFeed() == null) {
            return null;
        }
        FeedLoad load = IntelFiles.load(o.intelFeed());
        int n = IntelTopic.publish(kafka, load);
        err.printf("soc bench: %d indicators loaded into soc.intel from %s%n", n, o.intelFeed());
        return IntelStreams.fromKafka(env, kafka, "soc-bench", !live);
    }

    public Result run() throws Exception {
        long t0 = System.nanoTime();
        List<RuleDefinition> defs =
                RuleVariants.generate(RuleVariants.library(o.rulesDir()), o.rules(), o.variants());
        List<CompiledRule> rules = RuleVariants.compile(defs);
        err.printf(
                "soc bench: %d rules compiled in %.1f s%n",
                rules.size(), (System.nanoTime() - t0) / 1e9);

        // A clean broker and node: the alert count in Elasticsearch must be this run's alone.
        deleteTree(o.workDir().resolve("kafka").resolve("data"));
        deleteTree(o.workDir().resolve("elasticsearch").resolve("data"));
        deleteTree(o.workDir().resolve("checkpoints"));
        MeasuredAlertSink.RESULTS.reset();
        Progress.reset();
        AppendTimes.get().clear((int) Math.min(o.events(), 50_000_000L));
        PeakMemory peak = new PeakMemory();
        peak.start();
        CheckpointRecorder checkpoints = null;
        try (LocalServices services = LocalServices.start(o.workDir(), o.parallelism())) {
            KafkaSettings kafka = KafkaSettings.of(services.kafka().bootstrapServers());
            ElasticsearchSettings es = ElasticsearchSettings.of(services.elasticsearch().url());
            boolean live = o.liveRate() > 0;
            List<String> topics = createTopics(services, live);
            long start = live ? System.currentTimeMillis() + 3_000 : 1_795_564_800_000L;
            if (live) {
                MeasuredAlertSink.RESULTS.steadyFrom.set(
                        start + (long) (o.events() * 0.1 / o.liveRate() * 1000));
            }
            TrafficMix mix =
                    new TrafficMix(
                            o.seed(),
                            start,
                            live ? o.liveRate() : o.eventTimeRate(),
                            o.events(),
                            DepartmentDirectory.defaults());
            if (!live) {
                long l0 = System.nanoTime();
                produce(kafka, mix, false);
                err.printf(
                        "soc bench: %,d events loaded into Kafka in %.1f s%n",
                        o.events(), (System.nanoTime() - l0) / 1e9);
            }
            StreamExecutionEnvironment env =
                    FlinkEnvironments.local(
                            o.parallelism(),
                            o.workDir().resolve("checkpoints"),
                            Duration.ofSeconds(10));
            KafkaSettings consumer =
                    KafkaSettings.builder(kafka.bootstrapServers())
                            .properties(kafka.properties())
                            // Small per-partition fetches keep the sources' topics within the
                            // allowed lateness of each other in event time.
                            .property("max.partition.fetch.bytes", "32768")
                            .build();
            Progress progress = new Progress(o.events());
            Source<RawRecord, ?, ?> source =
                    live
                            ? SocKafka.rawSource(
                                    consumer,
                                    topics,
                                    "soc-bench",
                                    OffsetsInitializer.earliest(),
                                    progress)
                            : SocKafka.boundedRawSource(consumer, topics, "soc-bench", progress);
            DetectionJobOptions options =
                    DetectionJobOptions.defaults()
                            .withParallelism(o.parallelism())
                            .withAllowedLateness(o.allowedLateness())
                            .withFollowLivePartitions(!o.holdQuietPartitions());
            DataStream<RawRecord> raw =
                    env.fromSource(
                                    source,
                                    DetectionJob.readingPace(options),
                                    "raw records",
                                    SerializerTypeInfo.rawRecords())
                            .uid("raw-source");
            DetectionJob.build(
                    raw,
                    RuleSets.defaultDecoder(),
                    rules,
                    null,
                    intel(env, kafka, live),
                    List.of(),
                    List.of(new MeasuredAlertSink(es, o.flushInterval())),
                    SocKafka.deadLetterSink(kafka),
                    options);
            // Flink's own measure of each checkpoint, bridged into the engine's registry.
            checkpoints = new CheckpointRecorder(SocMetrics.registry(), "soc-bench");
            checkpoints.start();
            var lateEvents =
                    org.socengine.jobs.detection.EsperDetectionOperator.lateEventsCounter(
                            SocMetrics.registry());
            double late0 = lateEvents.count();
            long j0 = System.nanoTime();
            long cpu0 = cpuNanos();
            if (live) {
                JobClient job = env.executeAsync("soc-bench");
                try {
                    produce(kafka, mix, true);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (Progress.SEEN.get() < o.events() && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                    // Past the last line: let the watermark, the operator and the flush catch up.
                    Thread.sleep(
                            o.allowedLateness().toMillis() + o.flushInterval().toMillis() + 3_000);
                } finally {
                    job.cancel().get(60, TimeUnit.SECONDS);
                }
            } else {
                env.execute("soc-bench");
            }
            double wall = (System.nanoTime() - j0) / 1e9;
            long seen = Progress.SEEN.get();
            if (seen < o.events()) {
                throw new IllegalStateException(
                        "the job read " + seen + " of " + o.events() + " events");
            }
            double middle = o.events() * 0.8;
            Mark at10 = Progress.AT10.get();
            Mark at90 = Progress.AT90.get();
            double span = at10 == null || at90 == null ? 0 : (at90.nanos() - at10.nanos()) / 1e9;
            double eps = span > 0 ? middle / span : o.events() / wall;
            double cpuPerMillion =
                    span > 0
                            ? (at90.cpuNanos() - at10.cpuNanos()) / 1e9 / (middle / 1e6)
                            : (cpuNanos() - cpu0) / 1e9 / (o.events() / 1e6);
            JvmSpan jvm =
                    span > 0
                            ? new JvmSpan(
                                    span,
                                    spanOf(at10.gcMillis(), at90.gcMillis()),
                                    spanOf(at10.jitMillis(), at90.jitMillis()))
                            : new JvmSpan(0, 0, 0);
            long inEs;
            try (ElasticsearchClient client = ElasticsearchClients.create(es)) {
                AlertSearch search = new AlertSearch(client);
                search.refresh();
                inEs = search.count();
            } catch (Exception e) {
                throw new IOException("cannot count the alerts in Elasticsearch: " + e, e);
            }
            peak.finish();
            CheckpointRecorder.Summary checkpointed = checkpoints.finish();
            long[] lat = MeasuredAlertSink.RESULTS.latencies();
            var r = MeasuredAlertSink.RESULTS;
            return new Result(
                    o.events(),
                    eps,
                    cpuPerMillion,
                    percentile(lat, 0.50),
                    percentile(lat, 0.99),
                    lat.length == 0 ? -1 : lat[lat.length - 1],
                    lat.length,
                    peak.heap.get(),
                    vmHwm(),
                    r.created.get(),
                    r.updates.get(),
                    r.duplicates.get(),
                    inEs,
                    wall,
                    checkpointed,
                    jvm,
                    RuleCosts.read(SocMetrics.registry(), defs),
                    checkpoints.horizonPeak(),
                    (long) (lateEvents.count() - late0));
        } finally {
            peak.finish();
            if (checkpoints != null) {
                checkpoints.finish();
            }
        }
    }

    /** Seconds between two accumulated millisecond readings; NaN when either is unknown. */
    static double spanOf(long from, long to) {
        return from < 0 || to < 0 ? Double.NaN : (to - from) / 1e3;
    }

    private List<String> createTopics(LocalServices services, boolean live) throws IOException {
        List<String> topics = new ArrayList<>();
        List<NewTopic> create = new ArrayList<>();
        List<String> sources = new ArrayList<>(List.of(TrafficMix.SOURCES));
        sources.add("syslog");
        List<String> names = new ArrayList<>();
        sources.forEach(s -> names.add(SocTopics.raw(s, "bench")));
        if (live && !o.quietSourceEvery().isZero()) {
            names.add(QUIET_TOPIC);
        }
        for (String t : names) {
            // soc.raw.<source>.<suffix> is still read as <source>; the record key names the
            // department. Live: append time, latency starts when Kafka has the line. Backlog: the
            // line's own time, as if each had been appended when it happened, which is what a
            // backlog after an outage looks like and what the reader's pace goes by.
            topics.add(t);
            create.add(
                    new NewTopic(t, o.parallelism(), (short) 1)
                            .configs(
                                    Map.of(
                                            "message.timestamp.type",
                                            live ? "LogAppendTime" : "CreateTime",
                                            // Lines of a fixed past day: never old enough to go.
                                            "retention.ms",
                                            "-1")));
        }
        services.kafka().createTopics(create);
        return topics;
    }

    private void produce(KafkaSettings kafka, TrafficMix mix, boolean paced)
            throws InterruptedException {
        Properties p = kafka.toProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, paced ? "5" : "50");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        AtomicReference<Exception> failure = new AtomicReference<>();
        AppendTimes book = AppendTimes.get();
        long quietEvery = paced ? o.quietSourceEvery().toMillis() : 0;
        // Its own generator, so that the main mix is the same line for line with or without it.
        TrafficMix quiet =
                new TrafficMix(
                        o.seed() + 1, 0, 1, Long.MAX_VALUE, DepartmentDirectory.defaults(), false);
        long nextQuiet = Long.MIN_VALUE;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            while (mix.hasNext()) {
                TrafficMix.Line line = mix.next();
                if (paced) {
                    long wait = line.timestamp() - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                }
                if (quietEvery > 0) {
                    if (nextQuiet == Long.MIN_VALUE) {
                        nextQuiet = line.timestamp();
                    }
                    while (nextQuiet <= line.timestamp()) {
                        TrafficMix.Line q = quiet.line(QUIET_SOURCE, nextQuiet);
                        producer.send(
                                new ProducerRecord<>(
                                        QUIET_TOPIC,
                                        q.department().getBytes(UTF_8),
                                        q.text().getBytes(UTF_8)));
                        nextQuiet += quietEvery;
                    }
                }
                String text = line.text();
                producer.send(
                        new ProducerRecord<>(
                                SocTopics.raw(line.source(), "bench"),
                                null,
                                paced ? null : line.timestamp(),
                                line.department().getBytes(StandardCharsets.UTF_8),
                                text.getBytes(StandardCharsets.UTF_8)),
                        (md, ex) -> {
                            if (ex != null) {
                                failure.compareAndSet(null, ex);
                            } else {
                                // Live: the append time. Backlog: the record carries the line's
                                // time, so the acknowledgement's time stands for the append.
                                book.putIfAbsent(
                                        text, paced ? md.timestamp() : System.currentTimeMillis());
                            }
                        });
                if (failure.get() != null) {
                    break;
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "cannot produce to Kafka: " + failure.get().getMessage(), failure.get());
        }
    }

    /** The source of {@code --quiet-source}: one department's DNS server, on a topic of its own. */
    static final String QUIET_SOURCE = "dns";

    static final String QUIET_TOPIC = SocTopics.raw(QUIET_SOURCE, "bench-quiet");

    public static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Peak resident set of this process (VmHWM), in bytes, or -1 off Linux. */
    static long vmHwm() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
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

    /** Samples the used heap every 50 ms: the peak between collections, not after them. */
    static final class PeakMemory extends Thread {
        final AtomicLong heap = new AtomicLong();
        private volatile boolean running = true;

        PeakMemory() {
            super("bench-peak-memory");
            setDaemon(true);
        }

        @Override
        public void run() {
            var mem = ManagementFactory.getMemoryMXBean();
            while (running) {
                heap.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void finish() {
            running = false;
        }
    }
}
