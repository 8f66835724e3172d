package org.socengine.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.socengine.connectors.decode.AdversarialRecords;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;

/**
 * The decode stage on hostile records of the maximum size ({@link AdversarialRecords}, the same
 * catalogue as {@code AdversarialRecordTest}): milliseconds per record, one filler behind every
 * header of the source in turn. A linear decoder reads a megabyte in a few milliseconds; the ASA
 * decoder before issue 11 took minutes on {@code issue11} (the ASA regression alone).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 2, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g", "-XX:+UseParallelGC"})
public class AdversarialDecoderBenchmark {

    /** The hostile records of one source with one filler, behind each of the source's headers. */
    @State(Scope.Thread)
    public static class Hostile {
        @Param({
            "syslog",
            "cef",
            "leef",
            "asa",
            "web",
            "suricata",
            "zeek",
            "netflow",
            "winlog",
            "dns"
        })
        public String source;

        /**
         * A filler of {@link AdversarialRecords}, or {@code repeated} (the header over and over).
         */
        @Param({"letters", "equals", "unterminated quote", "repeated"})
        public String filler;

        private RawRecord[] records;
        private RecordDecoder decoder;
        private int next;

        @Setup
        public void setUp() {
            List<AdversarialRecords.Hostile> of =
                    AdversarialRecords.of(source).stream()
                            .filter(
                                    h ->
                                            filler.equals("repeated")
                                                    ? h.name().endsWith("] repeated")
                                                    : h.name().endsWith("] + " + filler))
                            .toList();
            if (of.isEmpty()) {
                throw new IllegalStateException("no hostile " + source + " records with " + filler);
            }
            records = new RawRecord[of.size()];
            for (int i = 0; i < records.length; i++) {
                records[i] = RawRecord.of(source, "x");
                records[i].value = of.get(i).value();
                records[i].kafkaTimestamp = 1_795_608_000_000L;
            }
            decoder = BenchData.decoder();
        }
    }

    @Benchmark
    public Object decode(Hostile h) {
        RawRecord r = h.records[h.next++ % h.records.length];
        return h.decoder.decode(r, 0);
    }

    /** The record of issue 11 alone: {@code %ASA-6-999999: } and 100,000 letters. */
    @State(Scope.Thread)
    public static class Issue11 {
        RawRecord record;
        RecordDecoder decoder;

        @Setup
        public void setUp() {
            record = RawRecord.of("asa", AdversarialRecords.ASA_REGRESSION);
            record.kafkaTimestamp = 1_795_608_000_000L;
            decoder = BenchData.decoder();
        }
    }

    @Benchmark
    public Object issue11(Issue11 s) {
        return s.decoder.decode(s.record, 0);
    }
}
