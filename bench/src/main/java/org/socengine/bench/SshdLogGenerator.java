package org.socengine.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * An sshd auth.log for the {@code ./soc detect} benchmark (docs/benchmarks.md, "Streaming detect"):
 * ordinary logins and sessions, users mistyping a password now and then, brute-force sources (the
 * attacks to find), and two kinds of decoy: slow sources (failures 30 s apart, never eight within
 * the two-minute window) and sub-threshold ones (seven quick failures, then nothing). Each kind has
 * its own address range, so a run's alerts are checked without a list: every brute-force address
 * {@code 203.0.113.0/24} alerted by the brute-force rule, no decoy ({@code 198.51.100.0/24} slow,
 * {@code 192.0.2.0/24} sub-threshold) alerted by any rule.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.socengine.bench.SshdLogGenerator auth.log [lines] [pad]
 * java -cp bench/target/benchmarks.jar org.socengine.bench.SshdLogGenerator --check alerts.ndjson
 * </pre>
 *
 * A file ending in {@code .gz} is written compressed; {@code -} writes to stdout. {@code pad} adds
 * that many bytes of session detail to the ordinary lines (for inputs of several gigabytes without
 * more lines). Lines are in time order, 20 a second of event time, from 2026-11-20 00:00 UTC
 * (replay with {@code --year 2026}).
 */
public final class SshdLogGenerator {

    static final int BRUTE_FORCE_SOURCES = 40;
    static final int SLOW_DECOYS = 40;
    static final int SUB_THRESHOLD_DECOYS = 40;
    static final long START = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    static final long STEP_MILLIS = 50;

    private static final DateTimeFormatter SYSLOG_TIME =
            DateTimeFormatter.ofPattern("MMM d HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private SshdLogGenerator() {}

    /** One line due at a time; ties keep the order they were planned in. */
    private record Planned(long at, long seq, String text) {}

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("--check")) {
            System.exit(check(Path.of(args[1])) ? 0 : 3);
        }
        if (args.length < 1) {
            System.err.println("usage: SshdLogGenerator FILE|- [lines] [pad] | --check ALERTS");
            System.exit(2);
        }
        long lines = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        int pad = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        OutputStream raw =
                args[0].equals("-") ? System.out : Files.newOutputStream(Path.of(args[0]));
        if (args[0].endsWith(".gz")) {
            raw = new GZIPOutputStream(raw, 1 << 16);
        }
        try (BufferedWriter w =
                new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16)) {
            generate(lines, pad, w);
        }
    }

    static void generate(long lines, int pad, BufferedWriter w) throws IOException {
        Random rnd = new Random(20261203);
        long span = lines * STEP_MILLIS;
        PriorityQueue<Planned> attacks =
                new PriorityQueue<>(
                        (a, b) ->
                                a.at != b.at
                                        ? Long.compare(a.at, b.at)
                                        : Long.compare(a.seq, b.seq));
        long seq = 0;
        // Attacks and decoys spread over the whole file, each source with its own user names so
        // that no distributed brute force or spraying rule counts several of them together.
        for (int i = 0; i < BRUTE_FORCE_SOURCES; i++) {
            long t = START + span * (2 * i + 1) / (2 * BRUTE_FORCE_SOURCES);
            int failures = 10 + rnd.nextInt(40);
            for (int k = 0; k < failures; k++) {
                attacks.add(
                        new Planned(
                                t + k * 2_000L,
                                seq++,
                                failed("bf" + i, "203.0.113." + (i + 1), 40000 + k)));
            }
        }
        for (int i = 0; i < SLOW_DECOYS; i++) {
            long t = START + span * (2 * i + 1) / (2 * SLOW_DECOYS) + 60_000;
            for (int k = 0; k < 30; k++) {
                attacks.add(
                        new Planned(
                                t + k * 30_000L,
                                seq++,
                                failed("slow" + i, "198.51.100." + (i + 1), 41000 + k)));
            }
        }
        for (int i = 0; i < SUB_THRESHOLD_DECOYS; i++) {
            long t = START + span * (2 * i + 1) / (2 * SUB_THRESHOLD_DECOYS) + 1_200_000;
            for (int k = 0; k < 7; k++) {
                attacks.add(
                        new Planned(
                                t + k * 3_000L,
                                seq++,
                                failed("few" + i, "192.0.2." + (i + 1), 42000 + k)));
            }
        }
        String detail = pad > 0 ? " " + "d".repeat(pad) : "";
        long written = 0;
        long step = 0;
        while (written < lines) {
            long now = START + step * STEP_MILLIS;
            step++;
            Planned next = attacks.peek();
            String text;
            if (next != null && next.at <= now) {
                attacks.poll();
                text = next.text;
            } else {
                int user = rnd.nextInt(500);
                String ip = "10.20." + (user / 200) + "." + (user % 200 + 1);
                int kind = rnd.nextInt(100);
                int pid = 1000 + rnd.nextInt(60000);
                if (kind < 30) {
                    text =
                            "sshd["
                                    + pid
                                    + "]: Accepted publickey for user"
                                    + user
                                    + " from "
                                    + ip
                                    + " port "
                                    + (30000 + rnd.nextInt(30000))
                                    + " ssh2: RSA SHA256:q1w2e3r4t5y6u7i8o9p0"
                                    + detail;
                } else if (kind < 60) {
                    text =
                            "sshd["
                                    + pid
                                    + "]: pam_unix(sshd:session): session opened for user user"
                                    + user
                                    + "(uid="
                                    + (1000 + user)
                                    + ") by (uid=0)"
                                    + detail;
                } else if (kind < 90) {
                    text =
                            "sshd["
                                    + pid
                                    + "]: pam_unix(sshd:session): session closed for user user"
                                    + user
                                    + detail;
                } else if (kind < 99) {
                    text =
                            "sshd["
                                    + pid
                                    + "]: Disconnected from user user"
                                    + user
                                    + " "
                                    + ip
                                    + " port "
                                    + (30000 + rnd.nextInt(30000))
                                    + detail;
                } else {
                    // A user mistyping once.
                    text = failed("user" + user, ip, 30000 + rnd.nextInt(30000)).substring(0);
                }
            }
            w.write("<38>");
            w.write(SYSLOG_TIME.format(Instant.ofEpochMilli(now)));
            w.write(" auth-gw-01 ");
            w.write(text);
            w.write('\n');
            written++;
        }
    }

    private static String failed(String user, String ip, int port) {
        return "sshd[4242]: Failed password for "
                + user
                + " from "
                + ip
                + " port "
                + port
                + " ssh2";
    }

    private static final Pattern RULE =
            Pattern.compile("\"rule\":\\{\"id\":\"[^\"]*\",\"name\":\"([^\"]*)\"");
    private static final Pattern SOURCE_IP = Pattern.compile("\"source\":\\{\"ip\":\"([0-9.]+)\"");

    /** Reads {@code ./soc detect}'s output and says whether every attack and no decoy alerted. */
    static boolean check(Path alerts) throws IOException {
        Set<String> found = new HashSet<>();
        List<String> decoys = new ArrayList<>();
        long total = 0;
        for (String line : Files.readAllLines(alerts, StandardCharsets.UTF_8)) {
            if (!line.startsWith("{")) {
                continue;
            }
            total++;
            Matcher r = RULE.matcher(line);
            Matcher ip = SOURCE_IP.matcher(line);
            if (!ip.find()) {
                continue;
            }
            String address = ip.group(1);
            String rule = r.find() ? r.group(1) : "?";
            if (address.startsWith("203.0.113.")
                    && rule.equals("SSH brute force from one source")) {
                found.add(address);
            } else if (address.startsWith("198.51.100.") || address.startsWith("192.0.2.")) {
                decoys.add(rule + " " + address);
            }
        }
        boolean ok = found.size() == BRUTE_FORCE_SOURCES && decoys.isEmpty();
        System.out.println(
                "alerts "
                        + total
                        + ", brute-force sources found "
                        + found.size()
                        + "/"
                        + BRUTE_FORCE_SOURCES
                        + ", decoys alerted "
                        + decoys.size()
                        + (decoys.isEmpty() ? "" : " " + decoys)
                        + (ok ? " OK" : " WRONG"));
        return ok;
    }
}
