package org.socengine.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.Decoders;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.Department;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.Json;
import org.socengine.model.SecurityEventCodec;

/**
 * The fuzz run of {@code ./soc bench --fuzz}: N hostile records of every source, made by {@link
 * RecordMutator} from the benchmark's traffic, through the decode path of the job ({@link
 * RecordDecoder} with the department trust policy of its configuration, the event then through the
 * codec that carries it to the detector, the dead letter through its JSON), in this process: no
 * Kafka, since what is under test is what the job does with a record once it has it.
 *
 * <p>The accounting the job promises: every record received ends as exactly one of decoded,
 * dead-lettered (by reason) or skipped, so the three add up to the received; nothing escapes the
 * decode path; memory stays bounded (the heap retained after a collection is measured at every
 * tenth of the run).
 */
public final class FuzzRun {

    /** What a run counted and measured. */
    public record Result(
            long received,
            long decoded,
            long deadLettered,
            Map<String, Long> deadLetteredByReason,
            long skipped,
            long internalErrors,
            long escaped,
            Map<RecordMutator.Kind, Long> byKind,
            long bytes,
            int maxFieldBytes,
            long peakHeapBytes,
            long maxRetainedHeapBytes,
            long lastRetainedHeapBytes,
            long maxHeapBytes,
            double wallSeconds,
            long slowestRecordMicros,
            String slowestRecord) {

        public boolean balanced() {
            return decoded + deadLettered + skipped == received;
        }

        public boolean ok() {
            return balanced() && escaped == 0;
        }

        public double recordsPerSecond() {
            return wallSeconds > 0 ? received / wallSeconds : 0;
        }

        /** The one-line NDJSON summary {@code ./soc bench --fuzz} prints. */
        public String toJson() {
            ObjectNode n = Json.mapper().createObjectNode();
            n.put("received", received);
            n.put("decoded", decoded);
            n.put("dead_lettered", deadLettered);
            ObjectNode reasons = n.putObject("dead_lettered_by_reason");
            deadLetteredByReason.forEach(reasons::put);
            n.put("skipped", skipped);
            n.put("balanced", balanced());
            n.put("internal_error", internalErrors);
            n.put("escaped", escaped);
            ObjectNode kinds = n.putObject("mutations");
            byKind.forEach((k, v) -> kinds.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
            n.put("bytes", bytes);
            n.put("max_field_bytes", maxFieldBytes);
            n.put("peak_heap_mib", peakHeapBytes >> 20);
            n.put("max_retained_heap_mib", maxRetainedHeapBytes >> 20);
            n.put("last_retained_heap_mib", lastRetainedHeapBytes >> 20);
            n.put("max_heap_mib", maxHeapBytes >> 20);
            n.put("wall_seconds", Math.round(wallSeconds * 10) / 10.0);
            n.put("records_per_second", Math.round(recordsPerSecond()));
            n.put("slowest_record_ms", Math.round(slowestRecordMicros / 100.0) / 10.0);
            n.put("slowest_record", slowestRecord);
            return n.toString();
        }
    }

    /** Example records kept for the log, per problem, so that a finding can be reproduced. */
    private static final int EXAMPLES = 5;

    /**
     * A record that takes longer than this to decode is reported: one record stalls a partition.
     */
    private static final long SLOW_MICROS = 1_000_000;

    /** Event time of the traffic: the day of the other benchmarks. */
    private static final long START = 1_795_608_000_000L;

    private final long records;
    private final long seed;
    private final int maxFieldBytes;
    private final PrintStream log;

    public FuzzRun(long records, long seed, PrintStream log) {
        this(records, seed, RecordMutator.MAX_HUGE, log);
    }

    /**
     * @param maxFieldBytes the most bytes one mutation adds; see {@link RecordMutator}
     */
    public FuzzRun(long records, long seed, int maxFieldBytes, PrintStream log) {
        this.records = records;
        this.seed = seed;
        this.maxFieldBytes = maxFieldBytes;
        this.log = log;
    }

    /** The record decoder of the job with the default configuration, plus a collector's topics. */
    static RecordDecoder jobDecoder() {
        DepartmentDirectory departments = DepartmentDirectory.defaults();
        SocConfig cfg = SocConfig.empty();
        for (String source : Decoders.sources()) {
            // shared topics of a collector the SOC runs: the department header decides
            cfg = cfg.with("topic.soc.raw." + source + ".trust_header", "true");
            // a relay nobody vouches for: unattributed records are dead-lettered
            cfg = cfg.with("topic.soc.raw." + source + ".relay.unattributed", "dead_letter");
        }
        return new RecordDecoder(
                DecoderOptions.defaults(),
                Map.of(),
                departments,
                cfg.departmentTrust(departments),
                null);
    }

    public Result run() {
        DepartmentDirectory directory = DepartmentDirectory.defaults();
        List<String> ids = directory.all().stream().map(Department::id).toList();
        RecordDecoder decoder = jobDecoder();
        RecordMutator mutator = new RecordMutator(seed, maxFieldBytes);
        java.util.Random topics = new java.util.Random(seed ^ 0x5DEECE66DL);
        TrafficMix mix = new TrafficMix(seed, START, 2_000, records, directory);

        long decoded = 0;
        long dead = 0;
        long skipped = 0;
        long internal = 0;
        long escaped = 0;
        long bytes = 0;
        Map<String, Long> reasons = new TreeMap<>();
        Map<RecordMutator.Kind, Long> kinds = new EnumMap<>(RecordMutator.Kind.class);
        long slowest = -1;
        String slowestWhat = "";
        long maxRetained = 0;
        long lastRetained = 0;
        int examplesInternal = 0;
        int examplesEscaped = 0;
        int examplesSlow = 0;
        byte[] previous = new byte[0];
        long tenth = Math.max(1, records / 10);

        List<MemoryPoolMXBean> heap =
                ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP)
                        .toList();
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();
        for (long i = 0; i < records; i++) {
            TrafficMix.Line line = mix.next();
            byte[] original = line.text().getBytes(StandardCharsets.UTF_8);
            RecordMutator.Mutant m = mutator.mutate(original, previous);
            previous = original;
            kinds.merge(m.kind(), 1L, Long::sum);
            RawRecord r = raw(line, m.value(), i, ids, topics);
            bytes += m.value().length;

            long t0 = System.nanoTime();
            try {
                RecordDecoder.Outcome o = decoder.decode(r, START);
                if (o.event() != null && o.deadLetter() != null) {
                    throw new IllegalStateException("an event and a dead letter for one record");
                }
                if (o.event() != null) {
                    // on to the detector, as Flink serializes it
                    SecurityEventCodec.fromBytes(SecurityEventCodec.toBytes(o.event()));
                    decoded++;
                } else if (o.deadLetter() != null) {
                    DeadLetter d = o.deadLetter();
                    d.toJson(); // what goes to soc.dlq
                    dead++;
                    reasons.merge(d.reasonCode, 1L, Long::sum);
                    if ("internal_error".equals(d.reasonCode)) {
                        internal++;
                        if (examplesInternal++ < EXAMPLES) {
                            log.printf(
                                    "soc bench --fuzz: internal_error at record %d (%s, %s): %s; value (base64): %s%n",
                                    i, line.source(), m.kind(), d.reason, sample(m.value()));
                        }
                    }
                } else {
                    skipped++;
                }
            } catch (Throwable e) { // NOPMD: counting what escapes is the point of the run
                escaped++;
                if (examplesEscaped++ < EXAMPLES) {
                    log.printf(
                            "soc bench --fuzz: escaped at record %d (%s, %s): %s; value (base64): %s%n",
                            i, line.source(), m.kind(), e, sample(m.value()));
                }
                if (e instanceof VirtualMachineError vm && !(e instanceof StackOverflowError)) {
                    throw vm;
                }
            }
            long micros = (System.nanoTime() - t0) / 1_000;
            if (micros > SLOW_MICROS && examplesSlow++ < EXAMPLES) {
                log.printf(
                        "soc bench --fuzz: slow record %d (%s, %s, %d bytes): %d ms; value (base64): %s%n",
                        i,
                        line.source(),
                        m.kind(),
                        m.value().length,
                        micros / 1000,
                        sample(m.value()));
            }
            if (micros > slowest) {
                slowest = micros;
                slowestWhat =
                        line.source()
                                + " "
                                + m.kind().name().toLowerCase(java.util.Locale.ROOT)
                                + " of "
                                + m.value().length
                                + " bytes (record "
                                + i
                                + ")";
            }
            if ((i + 1) % tenth == 0) {
                lastRetained = retainedAfterGc();
                maxRetained = Math.max(maxRetained, lastRetained);
                log.printf(
                        "soc bench --fuzz: %,d of %,d records, %d MiB retained after GC%n",
                        i + 1, records, lastRetained >> 20);
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return new Result(
                records,
                decoded,
                dead,
                reasons,
                skipped,
                internal,
                escaped,
                kinds,
                bytes,
                maxFieldBytes,
                peak,
                maxRetained,
                lastRetained,
                Runtime.getRuntime().maxMemory(),
                wall,
                slowest,
                slowestWhat);
    }

    /**
     * The record as the job's Kafka source would hand it over. Most arrive on their department's
     * topic keyed by it; some claim another department there (spoofing); the rest come through the
     * collector's shared topic (header trusted) or an untrusted relay.
     */
    private static RawRecord raw(
            TrafficMix.Line line, byte[] value, long i, List<String> ids, java.util.Random rnd) {
        RawRecord r = new RawRecord();
        String dept = line.department();
        int p = rnd.nextInt(100);
        if (p < 70) {
            r.topic = "soc.raw." + line.source() + "." + dept;
            r.key = dept;
        } else if (p < 78) {
            r.topic = "soc.raw." + line.source() + "." + dept;
            r.departmentHeader = ids.get(rnd.nextInt(ids.size()));
        } else if (p < 92) {
            r.topic = "soc.raw." + line.source();
            r.departmentHeader = rnd.nextInt(10) == 0 ? "so-nowhere" : dept;
        } else {
            r.topic = "soc.raw." + line.source() + ".relay";
            r.key = rnd.nextBoolean() ? dept : null;
        }
        r.partition = 0;
        r.offset = i;
        r.kafkaTimestamp = line.timestamp();
        r.value = value;
        return r;
    }

    private static long retainedAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static String sample(byte[] value) {
        byte[] head = value.length > 4096 ? java.util.Arrays.copyOf(value, 4096) : value;
        return Base64.getEncoder().encodeToString(head) + (head != value ? " (first 4 KiB)" : "");
    }
}
