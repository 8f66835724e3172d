package org.socengine.cli.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Random;
import org.socengine.connectors.enrich.Department;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.sim.DepartmentTrafficSimulator;

/**
 * Raw traffic of the province's departments across every source the engine decodes, in event-time
 * order and deterministic for a seed: what the benchmarks load into Kafka and feed the decoders.
 *
 * <p>Syslog comes from {@link DepartmentTrafficSimulator} (logins, typos, cron, sudo, injected SSH
 * brute forces), generated one minute at a time so that millions of lines never sit in memory at
 * once. The other sources follow the formats of the decoders' test samples with department
 * addresses, ports, users and hosts drawn at random, and a share of hostile bursts (firewall deny
 * storms, web scans, Windows logon failures, IDS alerts, port sweeps) so that rules of every source
 * have something to find.
 */
public final class TrafficMix implements Iterator<TrafficMix.Line> {

    /** One raw line for topic {@code soc.raw.<source>}, keyed by its department. */
    public record Line(String source, String department, long timestamp, String text) {}

    /** The sources besides syslog, and their share of the mix in percent; syslog takes the rest. */
    public static final String[] SOURCES = {
        "cef", "leef", "asa", "web", "suricata", "zeek", "netflow", "winlog", "dns"
    };

    static final int[] SHARE = {3, 2, 12, 12, 5, 8, 12, 10, 8};

    private static final int SHARES_TOTAL = java.util.Arrays.stream(SHARE).sum();

    private static final String[] USERS = {
        "nguyenvana", "tranthib", "lethic", "phamvand", "hoangthie", "vuvanf", "dangthig", "admin"
    };
    private static final String[] PATHS = {
        "/",
        "/dich-vu-cong/ho-so",
        "/tra-cuu?ma=HS2026",
        "/static/app.js",
        "/login",
        "/api/v1/thu-tuc"
    };
    private static final String[] DOMAINS = {
        "dichvucong.gov.vn", "mail.google.com", "update.microsoft.com", "zalo.me", "vnexpress.net"
    };
    private static final String[] AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0", "Mozilla/5.0 (Linux; Android 14)",
    };

    private final Random rnd;
    private final List<Department> departments;
    private final DepartmentDirectory directory;
    private final long seed;
    private final double rate;
    private final long limit;
    private final boolean hostile;

    /**
     * Syslog lines generated and not sent yet, earliest first: a simulated minute's attacks run on
     * past its end, into the next minute's lines.
     */
    private final PriorityQueue<Planted> syslog = new PriorityQueue<>(Planted.ORDER);

    /**
     * Lines of the bursts under way, earliest first. Bursts overlap (one starts every second or so
     * and lasts 20-40 s); a queue in planting order held each burst's lines back until the bursts
     * planted before it had gone out, so they reached Kafka up to 40 s after their own time, and
     * the detector evaluated them as late, out of order (the latency mode measured those, not the
     * wait for the watermark).
     */
    private final PriorityQueue<Planted> burst = new PriorityQueue<>(Planted.ORDER);

    /** A line waiting for its time; equal times go out in the order they were made. */
    private record Planted(Line line, long seq) {
        static final Comparator<Planted> ORDER =
                Comparator.comparingLong((Planted p) -> p.line().timestamp())
                        .thenComparingLong(Planted::seq);
    }

    private long planted;
    private long chunkStart;
    private long produced;

    /**
     * Event time of the mix, with its fraction of a millisecond: at 10,000 events/s the mean gap is
     * 0.1 ms, which rounded per event to whole milliseconds almost never moved the clock (600,000
     * events spanned 4 s instead of 60), and at 2,000 events/s ran it 14 % slow.
     */
    private double clock;

    private int chunk;

    /**
     * @param start event time of the first line, epoch milliseconds
     * @param eventsPerSecond lines per second of event time, all sources together
     * @param count how many lines in all
     */
    public TrafficMix(
            long seed, long start, double eventsPerSecond, long count, DepartmentDirectory dir) {
        this(seed, start, eventsPerSecond, count, dir, true);
    }

    /**
     * @param hostile whether the mix carries its own attacks (random bursts, a brute force a
     *     minute); without them it is the benign background of a run that plants its own, known
     *     attacks and scores them ({@code ./soc demo}), and any alert on it is a false alarm
     */
    public TrafficMix(
            long seed,
            long start,
            double eventsPerSecond,
            long count,
            DepartmentDirectory dir,
            boolean hostile) {
        this.hostile = hostile;
        this.seed = seed;
        this.rnd = new Random(seed);
        this.directory = dir;
        this.departments = dir.all();
        this.rate = eventsPerSecond;
        this.limit = count;
        this.chunkStart = start;
        this.clock = start;
    }

    @Override
    public boolean hasNext() {
        return produced < limit;
    }

    @Override
    public Line next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        produced++;
        clock += -Math.log(1 - rnd.nextDouble()) * 1000.0 / rate;
        long now = clock();
        // Syslog lines come from the department simulator a minute at a time, with their own
        // times: each goes out when the clock reaches it, never ahead of the other sources. (They
        // used to go out at every syslog pick, drifting up to a minute ahead of the clock; a live
        // run paced by the lines' times then stalled the other sources behind them.) Of a due
        // syslog line and a due burst line the earlier goes first: the mix stays in time order.
        Line due = dueSyslog(now);
        Planted b = burst.peek();
        if (b != null
                && b.line().timestamp() <= now
                && (due == null || b.line().timestamp() < due.timestamp())) {
            return burst.poll().line();
        }
        if (due != null) {
            return syslog.poll().line();
        }
        int pick = rnd.nextInt(SHARES_TOTAL);
        int acc = 0;
        for (int i = 0; i < SOURCES.length; i++) {
            acc += SHARE[i];
            if (pick < acc) {
                return line(SOURCES[i], now);
            }
        }
        throw new IllegalStateException("shares do not add up");
    }

    /** The generator's clock: no line returned so far is later than it. */
    long clock() {
        return (long) clock;
    }

    /** The next syslog line if its time has come (left in the queue), refilling a minute ahead. */
    private Line dueSyslog(long now) {
        while (chunkStart <= now + 60_000) {
            double syslogShare = 100 - SHARES_TOTAL;
            DepartmentTrafficSimulator sim =
                    new DepartmentTrafficSimulator(
                            seed * 1_000 + chunk++,
                            chunkStart,
                            60_000,
                            Math.max(1, rate * syslogShare / 100),
                            hostile ? 1 : 0,
                            directory);
            List<Line> lines = new ArrayList<>();
            for (DepartmentTrafficSimulator.SimEvent e : sim.events()) {
                lines.add(new Line("syslog", e.department(), e.timestamp(), e.line()));
            }
            lines.sort(java.util.Comparator.comparingLong(Line::timestamp));
            for (Line l : lines) {
                syslog.add(new Planted(l, planted++));
            }
            chunkStart += 60_000;
        }
        Planted next = syslog.peek();
        if (next != null && next.line().timestamp() <= now) {
            return next.line();
        }
        return null;
    }

    /** One line of a source at time t: benign mostly, now and then the start of a burst. */
    Line line(String source, long t) {
        Department d = departments.get(rnd.nextInt(departments.size()));
        String text =
                switch (source) {
                    case "cef" -> cef(d, t);
                    case "leef" -> leef(d, t);
                    case "asa" -> asa(d, t, rnd.nextInt(4) == 0, external());
                    case "web" ->
                            web(d, t, external(), pick(PATHS), rnd.nextInt(20) == 0 ? 404 : 200);
                    case "suricata" -> suricata(d, t, external(), rnd.nextInt(10) == 0);
                    case "zeek" -> zeek(d, t);
                    case "netflow" -> netflow(d, t, ip(d), ip(d), 443);
                    case "winlog" -> winlog(d, t, rnd.nextInt(8) == 0 ? 4625 : 4624, ip(d));
                    case "dns" -> dns(d, t);
                    default -> throw new IllegalArgumentException(source);
                };
        if (rnd.nextInt(4_000) == 0 && hostile) {
            plantBurst(source, d, t);
        }
        return new Line(source, d.id(), t, text);
    }

    /** A hostile burst starting at t, from one address: what the rules of the source look for. */
    private void plantBurst(String source, Department d, long t) {
        String attacker = external();
        int n = 40 + rnd.nextInt(40);
        for (int i = 0; i < n; i++) {
            long at = t + 1 + i * 500L;
            String text =
                    switch (source) {
                        case "asa" -> asa(d, at, true, attacker);
                        case "web" -> web(d, at, attacker, "/admin/" + i + ".php", 404);
                        case "suricata" -> suricata(d, at, attacker, true);
                        case "netflow" -> probe(at, attacker, ip(d), 1 + i);
                        case "winlog" -> winlog(d, at, 4625, attacker);
                        default -> null;
                    };
            if (text != null) {
                burst.add(new Planted(new Line(source, d.id(), at, text), planted++));
            }
        }
    }

    private String cef(Department d, long t) {
        return "CEF:0|Fortinet|FortiGate|7.2|13|traffic forward|5|src="
                + ip(d)
                + " dst="
                + external()
                + " spt="
                + port()
                + " dpt=443 proto=6 act=accept rt="
                + t;
    }

    private String leef(Department d, long t) {
        return "LEEF:1.0|Microsoft|MSExchange|2016|15345|src="
                + ip(d)
                + "\tdst="
                + ip(d)
                + "\tsev=3\tcat=login\tsrcPort="
                + port()
                + "\tdstPort=443\tusrName="
                + pick(USERS)
                + "\tdevTime="
                + t;
    }

    private String asa(Department d, long t, boolean deny, String outside) {
        String ts = LogTimestamps.BSD_YEAR.format(Instant.ofEpochMilli(t));
        if (deny) {
            return "<164>"
                    + ts
                    + ": %ASA-4-106023: Deny tcp src outside:"
                    + outside
                    + "/"
                    + port()
                    + " dst inside:"
                    + ip(d)
                    + "/"
                    + (rnd.nextBoolean() ? 3389 : 445)
                    + " by access-group \"outside_in\" [0x0, 0x0]";
        }
        String inside = ip(d);
        int p = port();
        return "<166>"
                + ts
                + ": %ASA-6-302013: Built outbound TCP connection "
                + rnd.nextInt(1_000_000)
                + " for outside:"
                + outside
                + "/443 ("
                + outside
                + "/443) to inside:"
                + inside
                + "/"
                + p
                + " ("
                + inside
                + "/"
                + p
                + ")";
    }

    private String web(Department d, long t, String client, String path, int status) {
        return client
                + " - - ["
                + LogTimestamps.CLF.format(Instant.ofEpochMilli(t))
                + "] \"GET "
                + path
                + " HTTP/1.1\" "
                + status
                + " "
                + (200 + rnd.nextInt(20_000))
                + " \"-\" \""
                + pick(AGENTS)
                + "\"";
    }

    private String suricata(Department d, long t, String attacker, boolean alert) {
        String head =
                "{\"timestamp\":\""
                        + LogTimestamps.EVE.format(Instant.ofEpochMilli(t))
                        + "\",\"flow_id\":"
                        + rnd.nextInt(Integer.MAX_VALUE)
                        + ",\"src_ip\":\""
                        + attacker
                        + "\",\"src_port\":"
                        + port()
                        + ",\"dest_ip\":\""
                        + ip(d)
                        + "\",\"dest_port\":80,\"proto\":\"TCP\",";
        if (alert) {
            int sid = 2_010_000 + rnd.nextInt(50);
            return head
                    + "\"event_type\":\"alert\",\"alert\":{\"action\":\"allowed\",\"signature_id\":"
                    + sid
                    + ",\"signature\":\"ET SCAN Suspicious inbound "
                    + sid
                    + "\",\"category\":\"Attempted Information Leak\",\"severity\":2}}";
        }
        return head
                + "\"event_type\":\"flow\",\"flow\":{\"pkts_toserver\":"
                + (1 + rnd.nextInt(40))
                + ",\"bytes_toserver\":"
                + rnd.nextInt(50_000)
                + ",\"state\":\"closed\"}}";
    }

    private String zeek(Department d, long t) {
        return "{\"ts\":"
                + (t / 1000)
                + "."
                + String.format(Locale.ROOT, "%03d", t % 1000)
                + ",\"uid\":\"C"
                + Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36)
                + "\",\"id.orig_h\":\""
                + ip(d)
                + "\",\"id.orig_p\":"
                + port()
                + ",\"id.resp_h\":\""
                + external()
                + "\",\"id.resp_p\":443,\"proto\":\"tcp\",\"service\":\"ssl\",\"duration\":"
                + rnd.nextInt(30)
                + ".5,\"orig_bytes\":"
                + rnd.nextInt(20_000)
                + ",\"resp_bytes\":"
                + rnd.nextInt(200_000)
                + ",\"conn_state\":\"SF\",\"orig_pkts\":10,\"resp_pkts\":12}";
    }

    // The source port is drawn before the counters, as it always was: the same seed gives the
    // same background traffic as before scans were made of probes.
    private String netflow(Department d, long t, String src, String dst, int dstPort) {
        int srcPort = port();
        int packets = 1 + rnd.nextInt(50);
        return flow(t, src, srcPort, dst, dstPort, packets, 60 + rnd.nextInt(100_000));
    }

    /** A scanner's flow: a SYN and perhaps its retry, nothing else. */
    private String probe(long t, String src, String dst, int dstPort) {
        int srcPort = port();
        int packets = 1 + rnd.nextInt(2);
        return flow(t, src, srcPort, dst, dstPort, packets, packets * (40 + rnd.nextInt(21)));
    }

    private String flow(
            long t, String src, int srcPort, String dst, int dstPort, int packets, int bytes) {
        String start = LogTimestamps.PMACCT.format(Instant.ofEpochMilli(t));
        return "{\"event_type\": \"purge\", \"ip_src\": \""
                + src
                + "\", \"ip_dst\": \""
                + dst
                + "\", \"port_src\": "
                + srcPort
                + ", \"port_dst\": "
                + dstPort
                + ", \"ip_proto\": \"tcp\", \"tos\": 0, \"timestamp_start\": \""
                + start
                + "\", \"timestamp_end\": \""
                + start
                + "\", \"packets\": "
                + packets
                + ", \"bytes\": "
                + bytes
                + ", \"writer_id\": \"nf/13628\"}";
    }

    private String winlog(Department d, long t, int id, String from) {
        return "{\"EventTime\":\""
                + LogTimestamps.WINLOG.format(Instant.ofEpochMilli(t))
                + "\",\"Hostname\":\"PC-"
                + d.id().toUpperCase(Locale.ROOT)
                + "-"
                + rnd.nextInt(40)
                + "\",\"EventID\":"
                + id
                + ",\"Channel\":\"Security\",\"TargetUserName\":\""
                + pick(USERS)
                + "\",\"TargetDomainName\":\"SO\",\"LogonType\":"
                + (rnd.nextBoolean() ? 3 : 2)
                + ",\"IpAddress\":\""
                + from
                + "\"}";
    }

    private String dns(Department d, long t) {
        String client = ip(d);
        String name =
                rnd.nextInt(50) == 0
                        ? Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36) + ".xyz"
                        : pick(DOMAINS);
        return LogTimestamps.BIND.format(Instant.ofEpochMilli(t))
                + " queries: info: client @0x7f1 "
                + client
                + "#"
                + port()
                + " ("
                + name
                + "): query: "
                + name
                + " IN A + ("
                + ip(d)
                + ")";
    }

    private String ip(Department d) {
        if (d.cidrs().isEmpty()) {
            return "10." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
        }
        String cidr = d.cidrs().get(0);
        String[] o = cidr.substring(0, cidr.indexOf('/')).split("\\.");
        int len = Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
        if (len <= 16) {
            return o[0] + "." + o[1] + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
        }
        return o[0] + "." + o[1] + "." + o[2] + "." + (1 + rnd.nextInt(254));
    }

    private String external() {
        int kind = rnd.nextInt(3);
        if (!hostile) {
            // A benign mix leaves the documentation ranges to the attacks a run plants there (the
            // demo's, whose indicator feed lists some of them): background addresses in a listed
            // range made the IOC rule fire some 350 times in a one-minute demo.
            kind = 2;
        }
        return switch (kind) {
            case 0 -> "203.0.113." + (1 + rnd.nextInt(254));
            case 1 -> "198.51.100." + (1 + rnd.nextInt(254));
            default ->
                    (11 + rnd.nextInt(180))
                            + "."
                            + rnd.nextInt(256)
                            + "."
                            + rnd.nextInt(256)
                            + "."
                            + (1 + rnd.nextInt(254));
        };
    }

    private int port() {
        return 1024 + rnd.nextInt(64_000);
    }

    private String pick(String[] a) {
        return a[rnd.nextInt(a.length)];
    }
}
