package org.socengine.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;

/**
 * The decode stage of the job for one source: {@link RecordDecoder#decode} (decoder, department
 * attribution) on lines of the benchmark's traffic mix. Events/s is the primary score; the {@code
 * bytes} secondary score is raw bytes decoded per second (divide by 1,048,576 for MB/s).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
public class DecoderBenchmark {

    @Param({"syslog", "cef", "leef", "asa", "web", "suricata", "zeek", "netflow", "winlog", "dns"})
    public String source;

    private RawRecord[] records;
    private RecordDecoder decoder;
    private int next;

    /** Raw bytes handed to the decoder, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        List<RawRecord> l = BenchData.records(source, 4096);
        records = l.toArray(new RawRecord[0]);
        decoder = BenchData.decoder();
        for (RawRecord r : records) {
            if (decoder.decode(r, 0).event() == null && !"syslog".equals(source)) {
                throw new IllegalStateException(
                        source + " sample does not decode: " + new String(r.value));
            }
        }
    }

    @Benchmark
    public Object decode(Bytes counter) {
        RawRecord r = records[next++ & 4095];
        counter.bytes += r.value.length;
        return decoder.decode(r, 0).event();
    }
}
