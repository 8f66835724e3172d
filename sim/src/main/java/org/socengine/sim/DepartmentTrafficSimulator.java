package org.socengine.sim;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.socengine.connectors.enrich.Department;
import org.socengine.connectors.enrich.DepartmentDirectory;

/**
 * Syslog traffic of the province's departments, deterministic for a seed: successful logins,
 * password typos, cron, sudo, session starts and disconnects from each department's own hosts and
 * staff, with SSH brute-force attacks injected at known times from known addresses, benign sources
 * that stay under the brute-force threshold, and a few malformed lines. The plan says what a
 * correct engine must find, so a run can be scored.
 */
public final class DepartmentTrafficSimulator {

    /** One simulated syslog line, keyed by its department. */
    public record SimEvent(long timestamp, String department, String line) {}

    /** An injected brute force: what the engine must alert on. */
    public record Attack(
            String sourceIp, String department, String host, long start, long end, int failures) {}

    /** A source that fails a few logins but stays under the threshold: what must stay quiet. */
    public record NearMiss(String sourceIp, String department, String why) {}

    /** The ground truth of a run. */
    public record Plan(List<Attack> attacks, List<NearMiss> nearMisses, int malformed) {}

    private static final DateTimeFormatter BSD =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);
    private static final String[] STAFF = {
        "nguyenvana",
        "tranthib",
        "lethic",
        "phamvand",
        "hoangthie",
        "vuvanf",
        "dangthig",
        "buivanh",
        "doanthik",
        "ngothil",
        "duongvanm",
        "lythin"
    };
    private static final String[] DICTIONARY = {
        "root",
        "admin",
        "oracle",
        "test",
        "ubuntu",
        "postgres",
        "git",
        "user",
        "guest",
        "ftpuser",
        "support",
        "deploy",
        "jenkins",
        "mysql",
        "pi",
        "administrator"
    };
    private static final String[] CRON = {
        "/usr/lib/sa/sa1 1 1",
        "/usr/local/bin/backup-db.sh",
        "run-parts /etc/cron.hourly",
        "/usr/bin/certbot renew --quiet",
        "/opt/egov/bin/sync-hoso.sh"
    };
    private static final String[] SUDO = {
        "/usr/bin/systemctl restart nginx",
        "/usr/bin/apt-get update",
        "/usr/bin/journalctl -u egov-portal",
        "/usr/bin/tail -n 100 /var/log/egov/app.log",
        "/usr/bin/systemctl status postgresql"
    };

    private static final int STAFF_PER_DEPARTMENT = 250;

    private final long seed;
    private final long start;
    private final long duration;
    private final double rate;
    private final List<Department> departments;
    private final List<SimEvent> events = new ArrayList<>();
    private final List<Attack> attacks = new ArrayList<>();
    private final List<NearMiss> nearMisses = new ArrayList<>();
    private int malformed;

    /**
     * @param start event time of the first line, epoch milliseconds
     * @param durationMillis span of event time
     * @param eventsPerSecond background lines per second of event time
     * @param attackCount brute-force attacks to inject
     */
    public DepartmentTrafficSimulator(
            long seed,
            long start,
            long durationMillis,
            double eventsPerSecond,
            int attackCount,
            DepartmentDirectory directory) {
        if (durationMillis < 60_000) {
            throw new IllegalArgumentException("the simulation needs at least one minute");
        }
        if (eventsPerSecond <= 0) {
            throw new IllegalArgumentException("the rate must be positive");
        }
        this.seed = seed;
        this.start = start;
        this.duration = durationMillis;
        this.rate = eventsPerSecond;
        this.departments = directory.all();
        generate(attackCount);
        events.sort(Comparator.comparingLong(SimEvent::timestamp));
    }

    public List<SimEvent> events() {
        return events;
    }

    public Plan plan() {
        return new Plan(List.copyOf(attacks), List.copyOf(nearMisses), malformed);
    }

    private void generate(int attackCount) {
        Random rnd = new Random(seed);
        long count = Math.round(rate * duration / 1000.0);
        for (long i = 0; i < count; i++) {
            long t =
                    start
                            + (long) (i * 1000.0 / rate)
                            + rnd.nextInt(Math.max(1, (int) (1000.0 / rate)));
            background(rnd, t);
        }
        // Attacks spread over the run, each far enough from the end for the watermark to pass it.
        for (int a = 0; a < attackCount; a++) {
            long at = start + duration * (a + 1) / (attackCount + 2);
            Department d = departments.get((a * 3 + 1) % departments.size());
            String ip = (a % 2 == 0 ? "203.0.113." : "198.51.100.") + (20 + a * 7);
            String host = host(d, rnd);
            int failures = 10 + rnd.nextInt(15);
            long t = at;
            for (int f = 0; f < failures; f++) {
                String user = DICTIONARY[rnd.nextInt(DICTIONARY.length)];
                boolean invalid = !user.equals("root") && rnd.nextBoolean();
                int port = 30000 + rnd.nextInt(30000);
                if (invalid) {
                    add(
                            t,
                            d,
                            host,
                            "sshd",
                            "Invalid user " + user + " from " + ip + " port " + port);
                }
                add(
                        t,
                        d,
                        host,
                        "sshd",
                        "Failed password for "
                                + (invalid ? "invalid user " : "")
                                + user
                                + " from "
                                + ip
                                + " port "
                                + port
                                + " ssh2");
                t += 2000 + rnd.nextInt(3000);
            }
            add(
                    t,
                    d,
                    host,
                    "sshd",
                    "Connection closed by "
                            + ip
                            + " port "
                            + (30000 + rnd.nextInt(30000))
                            + " [preauth]");
            attacks.add(new Attack(ip, d.id(), host, at, t, failures));
        }
        // A staff member who forgot a password: four failures in a minute, then success.
        Department forgetful = departments.get(0);
        String staffIp = internalIp(forgetful, rnd);
        String staffHost = host(forgetful, rnd);
        long ft = start + duration / 3 + 7_000;
        for (int f = 0; f < 4; f++) {
            add(
                    ft,
                    forgetful,
                    staffHost,
                    "sshd",
                    "Failed password for tranthib from "
                            + staffIp
                            + " port "
                            + (40000 + f)
                            + " ssh2");
            ft += 16_000;
        }
        add(
                ft,
                forgetful,
                staffHost,
                "sshd",
                "Accepted password for tranthib from " + staffIp + " port 40010 ssh2");
        nearMisses.add(
                new NearMiss(
                        staffIp,
                        forgetful.id(),
                        "four failures in a minute, then the right password"));
        // A slow scanner: one failure every 21 s never puts eight into two minutes.
        Department slowTarget = departments.get(departments.size() - 1);
        String slowIp = "192.0.2.77";
        String slowHost = host(slowTarget, rnd);
        for (long st = start + 30_000; st < start + duration - 30_000; st += 21_000) {
            add(
                    st,
                    slowTarget,
                    slowHost,
                    "sshd",
                    "Failed password for root from "
                            + slowIp
                            + " port "
                            + (50000 + rnd.nextInt(9999))
                            + " ssh2");
        }
        nearMisses.add(
                new NearMiss(
                        slowIp,
                        slowTarget.id(),
                        "one failure every 21 s: never eight within two minutes"));
        // A few lines a broken shipper would send: they must reach the dead-letter topic.
        for (int m = 0; m < Math.max(2, (int) (duration / 60_000)); m++) {
            long t =
                    start
                            + 5_000
                            + rnd.nextInt((int) Math.min(Integer.MAX_VALUE, duration - 10_000));
            Department d = departments.get(rnd.nextInt(departments.size()));
            String line =
                    switch (m % 3) {
                        case 0 -> "<34>Nov";
                        case 1 -> "\u0001\u0002 garbage from a misconfigured shipper";
                        default -> "this is not syslog at all";
                    };
            events.add(new SimEvent(t, d.id(), line));
            malformed++;
        }
    }

    private void background(Random rnd, long t) {
        int di = rnd.nextInt(departments.size());
        Department d = departments.get(di);
        String host = host(d, rnd);
        // Each department has its own staff, each at a workstation with a fixed address.
        int staff = rnd.nextInt(STAFF_PER_DEPARTMENT);
        String user = STAFF[staff % STAFF.length] + (di * 100 + staff / STAFF.length);
        String ip = workstation(d, staff);
        int port = 40000 + rnd.nextInt(20000);
        int kind = rnd.nextInt(100);
        if (kind < 32) {
            add(
                    t,
                    d,
                    host,
                    "sshd",
                    "Accepted publickey for "
                            + user
                            + " from "
                            + ip
                            + " port "
                            + port
                            + " ssh2: ED25519 SHA256:"
                            + Long.toHexString(rnd.nextLong()));
        } else if (kind < 43) {
            add(
                    t,
                    d,
                    host,
                    "sshd",
                    "Accepted password for " + user + " from " + ip + " port " + port + " ssh2");
        } else if (kind < 45 && rnd.nextInt(4) == 0) {
            // A typo: one failure, then the right password (half a percent of the lines).
            add(
                    t,
                    d,
                    host,
                    "sshd",
                    "Failed password for " + user + " from " + ip + " port " + port + " ssh2");
            add(
                    t + 4000,
                    d,
                    host,
                    "sshd",
                    "Accepted password for "
                            + user
                            + " from "
                            + ip
                            + " port "
                            + (port + 1)
                            + " ssh2");
        } else if (kind < 60) {
            add(t, d, host, "CRON", "(root) CMD (" + CRON[rnd.nextInt(CRON.length)] + ")");
        } else if (kind < 70) {
            add(
                    t,
                    d,
                    host,
                    "sudo",
                    user
                            + " : TTY=pts/0 ; PWD=/home/"
                            + user
                            + " ; USER=root ; COMMAND="
                            + SUDO[rnd.nextInt(SUDO.length)]);
        } else if (kind < 82) {
            add(
                    t,
                    d,
                    host,
                    "sshd",
                    "Received disconnect from "
                            + ip
                            + " port "
                            + port
                            + ":11: disconnected by user");
        } else if (kind < 92) {
            add(
                    t,
                    d,
                    host,
                    "systemd-logind",
                    "New session " + (1000 + rnd.nextInt(9000)) + " of user " + user + ".");
        } else {
            add(t, d, host, "sshd", "Connection closed by " + ip + " port " + port + " [preauth]");
        }
    }

    private void add(long t, Department d, String host, String program, String message) {
        int pid = 1000 + (int) (Math.abs((host + program).hashCode()) % 30000);
        String line =
                "<38>"
                        + BSD.format(Instant.ofEpochMilli(t))
                        + " "
                        + host
                        + " "
                        + program
                        + "["
                        + pid
                        + "]: "
                        + message;
        events.add(new SimEvent(t - t % 1000, d.id(), line));
    }

    private static String host(Department d, Random rnd) {
        String[] roles = {"portal", "mail", "db", "app", "hoso"};
        return d.id() + "-" + roles[rnd.nextInt(roles.length)] + "-0" + (1 + rnd.nextInt(2));
    }

    private static String workstation(Department d, int staff) {
        String cidr = d.cidrs().isEmpty() ? "10.99.0.0/16" : d.cidrs().get(0);
        String[] o = cidr.substring(0, cidr.indexOf('/')).split("\\.");
        return o[0] + "." + o[1] + "." + (1 + staff / 200) + "." + (20 + staff % 200);
    }

    private static String internalIp(Department d, Random rnd) {
        String cidr = d.cidrs().isEmpty() ? "10.99.0.0/16" : d.cidrs().get(0);
        String[] o = cidr.substring(0, cidr.indexOf('/')).split("\\.");
        return o[0] + "." + o[1] + "." + (1 + rnd.nextInt(20)) + "." + (10 + rnd.nextInt(200));
    }
}
