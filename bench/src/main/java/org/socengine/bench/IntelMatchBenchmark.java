package org.socengine.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.socengine.connectors.intel.Indicator;
import org.socengine.connectors.intel.IndicatorIndex;
import org.socengine.connectors.intel.IndicatorKind;
import org.socengine.model.SecurityEvent;

/**
 * The threat-intelligence enrichment alone: {@link IndicatorIndex#enrich} with a million indicators
 * (exact IPv4 and IPv6 addresses, IPv4 and IPv6 CIDR ranges, domains, URLs, SHA-256 and MD5 hashes,
 * e-mail addresses) on a mix of flows, DNS queries, web requests and file events of which about 5%
 * match. Events/s on one thread is the score. The setup prints the heap the indicators take, as the
 * job holds them: the match structures and the broadcast state's map of the same objects.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx3g", "-XX:+UseParallelGC"})
public class IntelMatchBenchmark {

    @Param({"1000000"})
    public int indicators;

    private static final int EVENTS = 8192;

    private SecurityEvent[] events;
    private IndicatorIndex index;
    private int next;

    /** Keeps the broadcast state's map reachable while the heap is measured. */
    static Map<String, Indicator> state;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(42);
        long before = usedHeap();
        List<Indicator> all = indicators(rnd, indicators);
        index = IndicatorIndex.of(all);
        long indexBytes = usedHeap() - before;
        state = new HashMap<>();
        for (Indicator i : all) {
            state.put(i.key(), i);
        }
        long stateBytes = usedHeap() - before - indexBytes;
        System.out.printf(
                "%nintel heap: %,d indicators; match structures with the indicators %,d MB,"
                        + " broadcast state map (keys, entries) %,d MB; together %,d bytes per"
                        + " indicator%n",
                index.size(),
                indexBytes >> 20,
                stateBytes >> 20,
                (indexBytes + stateBytes) / Math.max(1, index.size()));
        events = events(rnd, all);
        int hits = 0;
        for (SecurityEvent e : events) {
            if (index.enrich(e) > 0) {
                hits++;
            }
            e.threat = null;
        }
        System.out.printf("intel events: %,d of %,d match%n", hits, EVENTS);
    }

    @Benchmark
    public int enrich() {
        SecurityEvent e = events[next++ & (EVENTS - 1)];
        // Each call starts from the decoded event, as in the job.
        e.threat = null;
        return index.enrich(e);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    static List<Indicator> indicators(SplittableRandom rnd, int n) {
        List<Indicator> out = new ArrayList<>(n);
        String[] sources = {"misp-vncert", "otx", "abuse.ch", "internal"};
        int ipv4 = n * 35 / 100;
        int ranges4 = n * 10 / 100;
        int ipv6 = n * 5 / 100;
        int domains = n * 25 / 100;
        int urls = n * 5 / 100;
        int sha256 = n * 10 / 100;
        int md5 = n * 5 / 100;
        int emails = n - ipv4 - ranges4 - ipv6 - domains - urls - sha256 - md5;
        for (int i = 0; i < ipv4; i++) {
            out.add(ind(IndicatorKind.IP, ipv4(rnd), sources, rnd));
        }
        for (int i = 0; i < ranges4; i++) {
            int bits = 16 + rnd.nextInt(13);
            long a = rnd.nextLong(1L << 32) & ((0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL);
            out.add(ind(IndicatorKind.IP, text4(a) + "/" + bits, sources, rnd));
        }
        for (int i = 0; i < ipv6; i++) {
            String v6 =
                    String.format(
                            "2001:db8:%x:%x::%x",
                            rnd.nextInt(65536), rnd.nextInt(65536), rnd.nextInt(65536));
            out.add(
                    ind(
                            IndicatorKind.IP,
                            i % 4 == 0 ? v6.substring(0, v6.indexOf("::")) + "::/64" : v6,
                            sources,
                            rnd));
        }
        for (int i = 0; i < domains; i++) {
            out.add(
                    ind(
                            IndicatorKind.DOMAIN,
                            label(rnd, 6 + rnd.nextInt(10)) + "." + tld(rnd),
                            sources,
                            rnd));
        }
        for (int i = 0; i < urls; i++) {
            out.add(
                    ind(
                            IndicatorKind.URL,
                            "http://" + label(rnd, 8) + ".example/" + label(rnd, 10) + ".php",
                            sources,
                            rnd));
        }
        for (int i = 0; i < sha256; i++) {
            out.add(ind(IndicatorKind.SHA256, hex(rnd, 64), sources, rnd));
        }
        for (int i = 0; i < md5; i++) {
            out.add(ind(IndicatorKind.MD5, hex(rnd, 32), sources, rnd));
        }
        for (int i = 0; i < emails; i++) {
            out.add(
                    ind(
                            IndicatorKind.EMAIL,
                            label(rnd, 8) + "@" + label(rnd, 7) + ".example",
                            sources,
                            rnd));
        }
        return out;
    }

    private static Indicator ind(
            IndicatorKind k, String v, String[] sources, SplittableRandom rnd) {
        Indicator i =
                Indicator.of(k, v, sources[rnd.nextInt(sources.length)], 30 + rnd.nextInt(70));
        i.validUntil = rnd.nextInt(10) == 0 ? 1_700_000_000_000L : 0;
        return i;
    }

    /** Flows, DNS queries, web requests and file events; one in twenty names an indicator. */
    static SecurityEvent[] events(SplittableRandom rnd, List<Indicator> all) {
        SecurityEvent[] out = new SecurityEvent[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            SecurityEvent e = new SecurityEvent();
            e.timestamp = 1_790_000_000_000L + i;
            boolean hit = rnd.nextInt(20) == 0;
            Indicator target = hit ? all.get(rnd.nextInt(all.size())) : null;
            switch (i % 4) {
                case 0 -> {
                    e.ensureSource().ip =
                            "10."
                                    + rnd.nextInt(256)
                                    + "."
                                    + rnd.nextInt(256)
                                    + "."
                                    + rnd.nextInt(256);
                    e.ensureDestination().ip =
                            target != null
                                            && target.kind == IndicatorKind.IP
                                            && target.value.indexOf('/') < 0
                                    ? target.value
                                    : ipv4(rnd);
                    e.destination.port = 443;
                }
                case 1 -> {
                    e.ensureSource().ip = "10.1." + rnd.nextInt(256) + "." + rnd.nextInt(256);
                    e.ensureDns().question = new SecurityEvent.Question();
                    e.dns.question.name =
                            target != null && target.kind == IndicatorKind.DOMAIN
                                    ? "www." + target.value
                                    : label(rnd, 5) + "." + label(rnd, 8) + "." + tld(rnd);
                }
                case 2 -> {
                    e.ensureSource().ip = ipv4(rnd);
                    e.ensureDestination().ip = "10.2.0." + rnd.nextInt(256);
                    e.ensureUrl().domain = label(rnd, 8) + ".example";
                    e.url.original = "/" + label(rnd, 10) + ".php?id=" + rnd.nextInt(1000);
                    if (target != null && target.kind == IndicatorKind.URL) {
                        e.url.original = "http://" + target.value;
                    }
                }
                default -> {
                    e.ensureHost().name = "ws-" + rnd.nextInt(500);
                    e.ensureSource().ip = "10.3." + rnd.nextInt(256) + "." + rnd.nextInt(256);
                    e.field(
                            "file.hash.sha256",
                            target != null && target.kind == IndicatorKind.SHA256
                                    ? target.value
                                    : hex(rnd, 64));
                    e.field("Image", "C:\\\\Windows\\\\System32\\\\cmd.exe");
                }
            }
            out[i] = e;
        }
        return out;
    }

    private static String ipv4(SplittableRandom rnd) {
        return text4(rnd.nextLong(1L << 32));
    }

    private static String text4(long a) {
        return ((a >>> 24) & 255)
                + "."
                + ((a >>> 16) & 255)
                + "."
                + ((a >>> 8) & 255)
                + "."
                + (a & 255);
    }

    private static String label(SplittableRandom rnd, int len) {
        char[] c = new char[len];
        for (int i = 0; i < len; i++) {
            c[i] = (char) ('a' + rnd.nextInt(26));
        }
        return new String(c);
    }

    private static String tld(SplittableRandom rnd) {
        String[] t = {"com", "net", "org", "vn", "ru", "xyz", "top", "info"};
        return t[rnd.nextInt(t.length)];
    }

    private static String hex(SplittableRandom rnd, int len) {
        char[] c = new char[len];
        for (int i = 0; i < len; i++) {
            c[i] = "0123456789abcdef".charAt(rnd.nextInt(16));
        }
        return new String(c);
    }
}
