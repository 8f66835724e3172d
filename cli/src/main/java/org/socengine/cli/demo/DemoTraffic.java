package org.socengine.cli.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.socengine.cli.bench.LogTimestamps;
import org.socengine.cli.bench.TrafficMix;
import org.socengine.connectors.enrich.Department;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SocTopics;
import org.socengine.sim.SimulatorProducer;

/**
 * The traffic of {@code ./soc demo}: the province's whole mix, every source the engine decodes (the
 * benchmark's {@link TrafficMix}, without the attacks of its own), with attacks of several families
 * planted at known times from known addresses against several departments, and for each family a
 * benign source that comes close to its rule's threshold without reaching it. The plan is the
 * ground truth the demo's summary scores the alerts against.
 */
public final class DemoTraffic implements Iterator<TrafficMix.Line> {

    /** A kind of attack, the source it shows in, and what it looks like there. */
    public enum Family {
        SSH_BRUTE_FORCE("SSH brute force", "syslog"),
        FIREWALL_DENY_BURST("firewall deny burst", "asa"),
        WEB_SCAN("web scan", "web"),
        IDS_EXPLOIT("IDS exploit attempt", "suricata"),
        PORT_SCAN("port scan", "netflow"),
        WINDOWS_LOGON_FAILURES("Windows logon failures", "winlog");

        public final String title;
        public final String source;

        Family(String title, String source) {
            this.title = title;
            this.source = source;
        }
    }

    /** A planted attack: the engine must alert on its address. */
    public record Attack(
            Family family, String sourceIp, String department, long start, long end, int lines) {}

    /** A benign source close to the family's threshold: the engine must stay quiet on it. */
    public record Benign(Family family, String sourceIp, String department, String why) {}

    /** The ground truth of a run. */
    public record Plan(List<Attack> attacks, List<Benign> benign) {}

    /** Attacks a run can plant, each from an address of its own. */
    public static final int MAX_ATTACKS = 30;

    private static final String[] DICTIONARY = {
        "root", "admin", "oracle", "test", "ubuntu", "postgres", "git", "guest", "support", "deploy"
    };
    private static final String[] ACCOUNTS = {
        "administrator",
        "admin",
        "nguyenvana",
        "tranthib",
        "ketoan",
        "vanthu",
        "lanhdao",
        "it",
        "backup",
        "scanner"
    };

    private final TrafficMix background;
    private final List<TrafficMix.Line> planted = new ArrayList<>();
    private final List<Attack> attacks = new ArrayList<>();
    private final List<Benign> benign = new ArrayList<>();
    private final Random rnd;
    private TrafficMix.Line nextBackground;
    private int nextPlanted;

    /**
     * @param start event time of the first line, epoch milliseconds
     * @param durationMillis span of event time
     * @param eventsPerSecond lines per second of the background, all sources together
     * @param attackCount attacks to plant, the families taken in turn, each against another
     *     department
     */
    public DemoTraffic(
            long seed,
            long start,
            long durationMillis,
            double eventsPerSecond,
            int attackCount,
            DepartmentDirectory directory) {
        if (attackCount < 0 || attackCount > MAX_ATTACKS) {
            throw new IllegalArgumentException("attacks: 0 to " + MAX_ATTACKS);
        }
        this.rnd = new Random(seed ^ 0x5DEECE66DL);
        this.background =
                new TrafficMix(
                        seed,
                        start,
                        eventsPerSecond,
                        Math.round(eventsPerSecond * durationMillis / 1000.0),
                        directory,
                        false);
        List<Department> departments = directory.all();
        Family[] families = Family.values();
        // Every attack starts within the first half of the run and lasts under 25 s, so that even
        // a one-minute demo sees each one's alert before it ends.
        long span = Math.max(20_000, durationMillis / 2 - 5_000);
        for (int i = 0; i < attackCount; i++) {
            Family f = families[i % families.length];
            Department d = departments.get((i * 3 + 1) % departments.size());
            // The simulator's attacker addresses, which the demo's indicator feed knows
            // (config/intel/demo-feed.csv): the first is a listed scanner, the odd ones fall in a
            // listed range, so the IOC rule has hits on the planted attacks too.
            String ip = (i % 2 == 0 ? "203.0.113." : "198.51.100.") + (20 + i * 7);
            long at = start + 5_000 + span * i / Math.max(1, attackCount);
            int before = planted.size();
            long end = attack(f, d, ip, at);
            attacks.add(new Attack(f, ip, d.id(), at, end, planted.size() - before));
        }
        for (int i = 0; i < families.length; i++) {
            Family f = families[i];
            Department d = departments.get((i * 7 + 4) % departments.size());
            String ip = "192.0.2." + (10 + i);
            long at = start + 8_000 + span * i / families.length;
            benign.add(new Benign(f, ip, d.id(), nearMiss(f, d, ip, at)));
        }
        planted.sort(Comparator.comparingLong(TrafficMix.Line::timestamp));
    }

    public Plan plan() {
        return new Plan(List.copyOf(attacks), List.copyOf(benign));
    }

    /** The sources of the mix: one raw topic each. */
    public static List<String> sources() {
        List<String> out = new ArrayList<>(List.of("syslog"));
        out.addAll(List.of(TrafficMix.SOURCES));
        return out;
    }

    @Override
    public boolean hasNext() {
        return nextPlanted < planted.size() || nextBackground != null || background.hasNext();
    }

    /** The next line in event-time order, background and planted lines merged. */
    @Override
    public TrafficMix.Line next() {
        if (nextBackground == null && background.hasNext()) {
            nextBackground = background.next();
        }
        TrafficMix.Line p = nextPlanted < planted.size() ? planted.get(nextPlanted) : null;
        if (p != null && (nextBackground == null || p.timestamp() <= nextBackground.timestamp())) {
            nextPlanted++;
            return p;
        }
        if (nextBackground == null) {
            throw new NoSuchElementException();
        }
        TrafficMix.Line b = nextBackground;
        nextBackground = null;
        return b;
    }

    /**
     * Sends every line to its source's raw topic once the clock reaches its time; returns early
     * when {@code stop} says so.
     */
    public void sendPaced(SimulatorProducer producer, LongSupplier clock, BooleanSupplier stop)
            throws InterruptedException {
        while (hasNext()) {
            TrafficMix.Line line = next();
            long wait;
            while ((wait = line.timestamp() - clock.getAsLong()) > 0) {
                if (stop.getAsBoolean()) {
                    producer.flush();
                    return;
                }
                Thread.sleep(Math.min(wait, 200));
            }
            if (stop.getAsBoolean()) {
                break;
            }
            producer.send(
                    SocTopics.raw(line.source()), line.timestamp(), line.department(), line.text());
        }
        producer.flush();
    }

    /** Plants one attack from ip against department d at t; returns the time of its last line. */
    private long attack(Family f, Department d, String ip, long t) {
        String target = internalIp(d);
        String host = d.id() + "-portal-01";
        switch (f) {
            case SSH_BRUTE_FORCE -> {
                // Twelve failures 2 s apart: eight within two minutes is the rule's threshold.
                for (int i = 0; i < 12; i++, t += 2_000) {
                    String user = DICTIONARY[rnd.nextInt(DICTIONARY.length)];
                    add(
                            f,
                            d,
                            t,
                            sshd(
                                    t,
                                    host,
                                    "Failed password for "
                                            + user
                                            + " from "
                                            + ip
                                            + " port "
                                            + port()
                                            + " ssh2"));
                }
            }
            case FIREWALL_DENY_BURST -> {
                // Forty denies in 20 s against the department's RDP and SMB: thirty a minute fire.
                for (int i = 0; i < 40; i++, t += 500) {
                    add(f, d, t, asaDeny(t, ip, internalIp(d), i % 2 == 0 ? 3389 : 445));
                }
            }
            case WEB_SCAN -> {
                String[] paths = {
                    "/.env",
                    "/.git/config",
                    "/wp-login.php",
                    "/phpmyadmin/",
                    "/admin/",
                    "/backup.zip",
                    "/config.php.bak",
                    "/server-status",
                    "/actuator/env",
                    "/cgi-bin/luci",
                    "/.aws/credentials",
                    "/xmlrpc.php",
                    "/vendor/phpunit/",
                    "/manager/html",
                    "/console/",
                    "/solr/admin/",
                    "/jenkins/login",
                    "/boaform/admin",
                    "/HNAP1/",
                    "/owa/auth/logon.aspx"
                };
                // Twenty 404s in 20 s: fourteen within 90 s fire.
                for (String path : paths) {
                    add(f, d, t, web(t, ip, path, 404));
                    t += 1_000;
                }
            }
            case IDS_EXPLOIT -> {
                for (int i = 0; i < 3; i++, t += 2_000) {
                    add(
                            f,
                            d,
                            t,
                            suricataAlert(
                                    t,
                                    ip,
                                    target,
                                    2_034_647,
                                    "ET EXPLOIT Apache log4j RCE Attempt (http ldap) (CVE-2021-44228)",
                                    "Attempted Administrator Privilege Gain",
                                    1));
                }
            }
            case PORT_SCAN -> {
                // Forty ports of one host in 16 s: twenty-five within a minute fire.
                for (int i = 0; i < 40; i++, t += 400) {
                    add(f, d, t, netflow(t, ip, target, 20 + i * 37));
                }
            }
            case WINDOWS_LOGON_FAILURES -> {
                // Fifteen failed network logons in 15 s: ten within five minutes fire.
                for (int i = 0; i < 15; i++, t += 1_000) {
                    add(f, d, t, winlog(t, d, ACCOUNTS[i % ACCOUNTS.length], ip));
                }
            }
        }
        return t;
    }

    /** Plants a benign source just under the family's threshold; returns why it is benign. */
    private String nearMiss(Family f, Department d, String ip, long t) {
        String host = d.id() + "-mail-01";
        String target = internalIp(d);
        switch (f) {
            case SSH_BRUTE_FORCE -> {
                for (int i = 0; i < 4; i++, t += 10_000) {
                    add(
                            f,
                            d,
                            t,
                            sshd(
                                    t,
                                    host,
                                    "Failed password for tranthib from "
                                            + ip
                                            + " port "
                                            + port()
                                            + " ssh2"));
                }
                add(
                        f,
                        d,
                        t,
                        sshd(
                                t,
                                host,
                                "Accepted password for tranthib from "
                                        + ip
                                        + " port "
                                        + port()
                                        + " ssh2"));
                return "four failures, then the right password";
            }
            case FIREWALL_DENY_BURST -> {
                for (int i = 0; i < 15; i++, t += 2_000) {
                    add(f, d, t, asaDeny(t, ip, target, 443));
                }
                return "fifteen denies in 30 s (a client retrying a closed service)";
            }
            case WEB_SCAN -> {
                for (int i = 0; i < 6; i++, t += 3_000) {
                    add(f, d, t, web(t, ip, "/tra-cuu/ho-so-" + i, 404));
                }
                return "six 404s in 18 s (stale bookmarks)";
            }
            case IDS_EXPLOIT -> {
                add(
                        f,
                        d,
                        t,
                        suricataAlert(
                                t,
                                ip,
                                target,
                                2_013_028,
                                "ET POLICY curl User-Agent Outbound",
                                "Attempted Information Leak",
                                3));
                return "one policy signature, no exploit";
            }
            case PORT_SCAN -> {
                for (int i = 0; i < 10; i++, t += 1_000) {
                    add(f, d, t, netflow(t, ip, target, 8_080 + i));
                }
                return "ten ports of one host (a monitoring probe)";
            }
            case WINDOWS_LOGON_FAILURES -> {
                for (int i = 0; i < 4; i++, t += 20_000) {
                    add(f, d, t, winlog(t, d, "ketoan", ip));
                }
                return "four failed logons of one account in a minute";
            }
        }
        throw new IllegalArgumentException(f.name());
    }

    private void add(Family f, Department d, long t, String text) {
        planted.add(new TrafficMix.Line(f.source, d.id(), t, text));
    }

    private String sshd(long t, String host, String message) {
        return "<38>"
                + LogTimestamps.BSD.format(Instant.ofEpochMilli(t))
                + " "
                + host
                + " sshd["
                + (1000 + Math.abs(host.hashCode() % 30000))
                + "]: "
                + message;
    }

    private String asaDeny(long t, String outside, String inside, int port) {
        return "<164>"
                + LogTimestamps.BSD_YEAR.format(Instant.ofEpochMilli(t))
                + ": %ASA-4-106023: Deny tcp src outside:"
                + outside
                + "/"
                + port()
                + " dst inside:"
                + inside
                + "/"
                + port
                + " by access-group \"outside_in\" [0x0, 0x0]";
    }

    private String web(long t, String client, String path, int status) {
        return client
                + " - - ["
                + LogTimestamps.CLF.format(Instant.ofEpochMilli(t))
                + "] \"GET "
                + path
                + " HTTP/1.1\" "
                + status
                + " "
                + (200 + rnd.nextInt(800))
                + " \"-\" \"Mozilla/5.0 zgrab/0.x\"";
    }

    private String suricataAlert(
            long t, String src, String dst, int sid, String signature, String category, int sev) {
        return "{\"timestamp\":\""
                + LogTimestamps.EVE.format(Instant.ofEpochMilli(t))
                + "\",\"flow_id\":"
                + rnd.nextInt(Integer.MAX_VALUE)
                + ",\"src_ip\":\""
                + src
                + "\",\"src_port\":"
                + port()
                + ",\"dest_ip\":\""
                + dst
                + "\",\"dest_port\":80,\"proto\":\"TCP\","
                + "\"event_type\":\"alert\",\"alert\":{\"action\":\"allowed\",\"signature_id\":"
                + sid
                + ",\"signature\":\""
                + signature
                + "\",\"category\":\""
                + category
                + "\",\"severity\":"
                + sev
                + "}}";
    }

    private String netflow(long t, String src, String dst, int dstPort) {
        String at = LogTimestamps.PMACCT.format(Instant.ofEpochMilli(t));
        return "{\"event_type\": \"purge\", \"ip_src\": \""
                + src
                + "\", \"ip_dst\": \""
                + dst
                + "\", \"port_src\": "
                + port()
                + ", \"port_dst\": "
                + dstPort
                + ", \"ip_proto\": \"tcp\", \"tos\": 0, \"timestamp_start\": \""
                + at
                + "\", \"timestamp_end\": \""
                + at
                + "\", \"packets\": 1, \"bytes\": 60,"
                + " \"writer_id\": \"nf/13628\"}";
    }

    private String winlog(long t, Department d, String user, String from) {
        return "{\"EventTime\":\""
                + LogTimestamps.WINLOG.format(Instant.ofEpochMilli(t))
                + "\",\"Hostname\":\"DC-"
                + d.id().toUpperCase(Locale.ROOT)
                + "-01\",\"EventID\":4625,\"Channel\":\"Security\",\"TargetUserName\":\""
                + user
                + "\",\"TargetDomainName\":\"SO\",\"LogonType\":3,\"IpAddress\":\""
                + from
                + "\"}";
    }

    /** An address in the department's own range (the first of its ranges). */
    private String internalIp(Department d) {
        if (d.cidrs().isEmpty()) {
            return "10.99." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
        }
        String cidr = d.cidrs().get(0);
        String[] o = cidr.substring(0, cidr.indexOf('/')).split("\\.");
        int len = Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
        return len <= 16
                ? o[0] + "." + o[1] + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254))
                : o[0] + "." + o[1] + "." + o[2] + "." + (1 + rnd.nextInt(254));
    }

    private int port() {
        return 1024 + rnd.nextInt(64_000);
    }
}
