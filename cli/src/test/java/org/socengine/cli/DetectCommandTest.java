package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.rules.library.RuleRepository;

/**
 * {@code ./soc detect} as a stream: files merged in event time, gzip, and an input far larger than
 * the heap in a JVM with a tiny one.
 */
class DetectCommandTest {

    private static final String RULES = "../rules/detections/syslog";

    private static String failure(int minute, int second, String ip, int port) {
        return String.format(
                "<38>Nov 20 01:%02d:%02d yt-portal-01 sshd[42]: Failed password for root from %s"
                        + " port %d ssh2",
                minute, second, ip, port);
    }

    private static CommandRun detect(String... args) {
        List<String> all = new ArrayList<>(List.of("detect", "--year", "2026", "--no-rule-cache"));
        all.addAll(List.of("--department", "so-yt", "--rules", RULES));
        all.addAll(List.of(args));
        return CommandRun.of(all.toArray(String[]::new));
    }

    /** The alert lines of stdout (the in-process cluster logs there too in tests). */
    private static List<String> alerts(CommandRun r) {
        return r.outLines().stream().filter(l -> l.startsWith("{")).toList();
    }

    @Test
    void filesAreMergedInEventTimeSoThatAnAttackSplitAcrossThemIsFound(@TempDir Path dir)
            throws Exception {
        // Eight failures within 21 s, alternating between two hosts' logs. The first file also
        // goes on half an hour later: read whole before the second, it would have moved event
        // time past the second's failures, which then came late and out of their window.
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            (i % 2 == 0 ? a : b).add(failure(0, i * 3, "203.0.113.200", 40000 + i));
        }
        a.add("<38>Nov 20 01:30:00 yt-portal-01 sshd[42]: Connection closed by 192.0.2.1 port 1");
        Path first = dir.resolve("a.log");
        Path second = dir.resolve("b.log");
        Files.write(first, a);
        Files.write(second, b);

        CommandRun merged =
                detect(
                        "--source",
                        "syslog",
                        first.toString(),
                        "--source",
                        "syslog",
                        second.toString());
        assertThat(merged.code()).as(merged.err()).isZero();
        assertThat(alerts(merged)).hasSize(1);
        assertThat(alerts(merged).get(0))
                .contains("\"203.0.113.200\"")
                .contains("\"failures\":\"8\"");
        assertThat(merged.summary()).isEqualTo("replayed 9 records, 1 alerts");

        // One --source for both files is the same run.
        CommandRun oneSource = detect("--source", "syslog", first.toString(), second.toString());
        assertThat(oneSource.code()).as(oneSource.err()).isZero();
        assertThat(alerts(oneSource)).isEqualTo(alerts(merged));
    }

    @Test
    void aSecondRunReusesTheCompiledRulesAndRaisesTheSameAlerts(@TempDir Path dir)
            throws Exception {
        Path log = dir.resolve("auth.log");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            lines.add(failure(0, i * 3, "203.0.113.77", 40000 + i));
        }
        Files.write(log, lines);
        Path cache = dir.resolve("cache");
        String[] args = {
            "detect",
            "--year",
            "2026",
            "--department",
            "so-yt",
            "--rules",
            RULES,
            "--rule-cache-dir",
            cache.toString(),
            "--source",
            "syslog",
            log.toString()
        };
        CommandRun first = CommandRun.of(args);
        assertThat(first.code()).as(first.err()).isZero();
        List<Path> entries;
        try (java.util.stream.Stream<Path> s = Files.list(cache)) {
            entries = s.toList();
        }
        assertThat(entries).isNotEmpty();
        assertThat(
                        java.nio.file.attribute.PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(cache)))
                .isEqualTo("rwx------");
        CommandRun second = CommandRun.of(args);
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(alerts(second)).hasSize(1).isEqualTo(alerts(first));
        assertThat(second.err()).doesNotContain("rule cache");

        // A cache others can write is refused with one line, and the run goes on compiling.
        Files.setPosixFilePermissions(
                cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        CommandRun unsafe = CommandRun.of(args);
        assertThat(unsafe.code()).as(unsafe.err()).isZero();
        assertThat(alerts(unsafe)).isEqualTo(alerts(first));
        assertThat(unsafe.err().lines().filter(l -> l.contains("rule cache")).count()).isEqualTo(1);
    }

    @Test
    void rulesReadingNoStreamOfTheSourcesAreSkippedAndSaidSoAndTheOthersRun(@TempDir Path dir)
            throws Exception {
        // A rule of a stream syslog never produces (Ids), broken so that a check would refuse it:
        // it is skipped unchecked. The same rule on Web, which syslog carries (access logs), runs
        // and so is checked, and refused.
        Path rules = dir.resolve("rules");
        Files.createDirectories(rules);
        Path library = Path.of(RULES);
        for (Path f : RuleRepository.ruleFiles(library)) {
            Files.copy(f, rules.resolve(f.getFileName()));
        }
        // The rules' test cases name their fixtures.
        Files.createDirectories(rules.resolve("fixtures"));
        for (String source : List.of("syslog", "suricata")) {
            try (var fixtures = Files.list(library.resolve("../" + source + "/fixtures"))) {
                for (Path f : fixtures.toList()) {
                    Files.copy(f, rules.resolve("fixtures").resolve(f.getFileName()));
                }
            }
        }
        String broken =
                Files.readString(
                                library.resolve(
                                        "../suricata/initial_access_ids_exploit_attempt.yml"))
                        .replace("event.severity <= 2", "event.severity <= 2 and no_such_fn(1)");
        assertThat(broken).contains("no_such_fn").contains("from Ids(");
        Files.writeString(rules.resolve("ids_rule.yml"), broken);
        Path log = dir.resolve("auth.log");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            lines.add(failure(0, i * 3, "203.0.113.200", 40000 + i));
        }
        Files.write(log, lines);

        CommandRun r = detectSyslog(rules, log);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err())
                .contains(
                        "soc: 1 rule(s) skipped: they read none of the streams (Event, Auth,"
                                + " Process, Network, Dns, Web, Iam, File, Host) that syslog"
                                + " events can enter");
        assertThat(alerts(r)).hasSize(1);

        Files.writeString(rules.resolve("ids_rule.yml"), broken.replace("from Ids(", "from Web("));
        CommandRun web = detectSyslog(rules, log);
        assertThat(web.code()).isNotZero();
        assertThat(web.err()).contains("no_such_fn").doesNotContain("skipped");
    }

    private static CommandRun detectSyslog(Path rules, Path log) {
        return CommandRun.of(
                "detect",
                "--year",
                "2026",
                "--no-rule-cache",
                "--department",
                "so-yt",
                "--rules",
                rules.toString(),
                "--source",
                "syslog",
                log.toString());
    }

    @Test
    void aGzipFileIsReadDecompressedWhateverItsName(@TempDir Path dir) throws Exception {
        Path rotated = dir.resolve("auth.log.1");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(rotated));
                BufferedWriter w =
                        new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
            for (int i = 0; i < 9; i++) {
                w.write(failure(0, i * 3, "198.51.100.23", 40000 + i));
                w.write("\r\n");
            }
        }
        CommandRun r = detect("--source", "syslog", rotated.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(alerts(r)).hasSize(1);
        assertThat(alerts(r).get(0)).contains("\"198.51.100.23\"");
        assertThat(r.summary()).isEqualTo("replayed 9 records, 1 alerts");
    }

    @Test
    void anUnknownSourceOfASecondGroupFailsWithOneLine(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("x.log");
        Files.writeString(log, failure(0, 0, "192.0.2.7", 1) + "\n");
        CommandRun r =
                detect("--source", "syslog", log.toString(), "--source", "nosuch", log.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("unknown source 'nosuch'");
    }

    /**
     * 200 MB on standard input through a JVM with a 64 MB heap: the replay holds the rules'
     * windows, not the input. Brute forces at the start and at the end are both found.
     */
    @Test
    void anInputFarLargerThanTheHeapStreamsThroughATinyHeap() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(
                List.of(
                        "-Xmx64m",
                        "-XX:MaxDirectMemorySize=160m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Dlog4j2.configurationFile=soc-log4j2-test.xml"));
        for (String pkg :
                new String[] {
                    "java.base/java.lang",
                    "java.base/java.lang.reflect",
                    "java.base/java.util",
                    "java.base/java.util.concurrent",
                    "java.base/java.util.concurrent.atomic",
                    "java.base/java.io",
                    "java.base/java.nio",
                    "java.base/sun.nio.ch",
                    "java.base/java.net",
                    "java.base/java.text",
                    "java.base/java.time",
                    "java.sql/java.sql"
                }) {
            cmd.add("--add-opens=" + pkg + "=ALL-UNNAMED");
        }
        cmd.addAll(
                List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        SocCommand.class.getName(),
                        "detect",
                        "--no-progress",
                        "--no-rule-cache",
                        "--year",
                        "2026",
                        "--department",
                        "so-yt",
                        "--rules",
                        RULES,
                        "--source",
                        "syslog",
                        "-"));
        Path err = Files.createTempFile("detect-tiny-heap", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader =
                new Thread(
                        () -> {
                            try (InputStream in = p.getInputStream()) {
                                in.transferTo(out);
                            } catch (java.io.IOException ignored) {
                                // The process died; its exit code and stderr tell why.
                            }
                        });
        reader.start();
        long bytes = 0;
        int lines = 100_000;
        String padding = "x".repeat(2400);
        try (BufferedWriter w =
                new BufferedWriter(
                        new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8),
                        1 << 16)) {
            for (int i = 0; i < lines; i++) {
                // One line every two seconds of event time, from Nov 20 00:00 on.
                long t = i * 2L;
                int day = 20 + (int) (t / 86400);
                long s = t % 86400;
                String stamp =
                        String.format(
                                "Nov %d %02d:%02d:%02d", day, s / 3600, (s / 60) % 60, s % 60);
                String line;
                if (i < 10 || i >= lines - 10) {
                    String ip = i < 10 ? "203.0.113.201" : "203.0.113.202";
                    line =
                            "<38>"
                                    + stamp
                                    + " yt-portal-01 sshd[42]: Failed password for root from "
                                    + ip
                                    + " port "
                                    + (40000 + i % 1000)
                                    + " ssh2";
                } else if (i % 10 == 0) {
                    // Failures spread over many addresses: windows to fill, no alert.
                    line =
                            "<38>"
                                    + stamp
                                    + " yt-portal-01 sshd[42]: Failed password for u"
                                    + i
                                    + " from 10.1."
                                    + (i / 250 % 250)
                                    + "."
                                    + (i % 250)
                                    + " port 22 ssh2";
                } else {
                    line = "<30>" + stamp + " yt-portal-01 app[7]: request done " + padding;
                }
                w.write(line);
                w.write('\n');
                bytes += line.length() + 1;
            }
        }
        assertThat(bytes).isGreaterThan(200L << 20);
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        reader.join(10_000);
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        assertThat(done).as("finished; stderr: " + stderr).isTrue();
        assertThat(p.exitValue()).as(stderr).isZero();
        assertThat(stderr).doesNotContain("OutOfMemoryError");
        String alerts = out.toString(StandardCharsets.UTF_8);
        assertThat(alerts).contains("\"203.0.113.201\"").contains("\"203.0.113.202\"");
        assertThat(stderr).contains("replayed " + lines + " records");
    }
}
