package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.socengine.connectors.decode.Decoders;
import org.socengine.model.Json;

/**
 * {@code ./soc decode} for every source, as an admin onboarding a department's shipper runs it: a
 * sample of what the shipper sends decodes to one NDJSON event per record on stdout, records that
 * are not that source are dead letters on stderr, and the last stderr line counts both.
 */
class DecodeCommandTest {

    static Stream<String> sources() {
        return Decoders.sources().stream();
    }

    /**
     * A sample of the job's tests as a file: the samples live in the jobs module's test jar, and a
     * jar entry is not a path the command line can open.
     */
    private static Path sample(String name) {
        try (var in = DecodeCommandTest.class.getResourceAsStream("/sources/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no sample " + name);
            }
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "soc-decode-samples");
            Files.createDirectories(dir);
            Path file = dir.resolve(name);
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path p) throws IOException {
        return Files.readAllLines(p, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isEmpty())
                .toList();
    }

    @Test
    void everySourceHasASample() {
        for (String s : Decoders.sources()) {
            assertThat(DecodeCommandTest.class.getResource("/sources/" + s + ".log"))
                    .as(s)
                    .isNotNull();
            assertThat(DecodeCommandTest.class.getResource("/sources/" + s + ".bad"))
                    .as(s)
                    .isNotNull();
        }
    }

    @ParameterizedTest
    @MethodSource("sources")
    void theSampleOfEverySourceDecodes(String source) throws Exception {
        Path file = sample(source + ".log");
        List<String> records = lines(file);
        List<String> data = records.stream().filter(l -> !l.startsWith("#")).toList();
        long headers = records.size() - data.size();

        CommandRun r =
                CommandRun.of(
                        "decode", "--source", source, "--department", "so-yt", file.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.errLines()).as("only the summary on stderr").hasSize(1);
        assertThat(r.summary())
                .isEqualTo(
                        "decoded "
                                + data.size()
                                + ", dead-lettered 0"
                                + (headers > 0 ? ", skipped " + headers : ""));
        List<String> out = r.outLines();
        assertThat(out).hasSize(data.size());
        for (int i = 0; i < out.size(); i++) {
            JsonNode e = Json.mapper().readTree(out.get(i));
            assertThat(e.path("@timestamp").asText()).as(out.get(i)).isNotBlank();
            assertThat(e.path("event").path("kind").asText()).isIn("event", "alert", "metric");
            assertThat(e.path("event").path("original").asText()).isEqualTo(data.get(i));
            assertThat(e.path("organization").path("id").asText()).isEqualTo("so-yt");
            assertThat(e.path("organization").path("name").asText()).isEqualTo("Sở Y tế");
        }
    }

    @ParameterizedTest
    @MethodSource("sources")
    void recordsOfAnotherFormatAreDeadLettersWithTheirLine(String source, @TempDir Path dir)
            throws Exception {
        List<String> good = lines(sample(source + ".log"));
        List<String> bad = lines(sample(source + ".bad"));
        List<String> mixed = new ArrayList<>(good);
        mixed.addAll(bad);
        Path file = dir.resolve(source + ".mixed");
        Files.write(file, mixed, StandardCharsets.UTF_8);
        long headers = good.stream().filter(l -> l.startsWith("#")).count();

        CommandRun r = CommandRun.of("decode", "--source", source, file.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.outLines()).hasSize((int) (good.size() - headers));
        assertThat(r.summary())
                .startsWith("decoded " + (good.size() - headers) + ", dead-lettered " + bad.size());
        List<String> letters = r.errLines().subList(0, r.errLines().size() - 1);
        assertThat(letters).hasSize(bad.size());
        for (int i = 0; i < letters.size(); i++) {
            JsonNode d = Json.mapper().readTree(letters.get(i));
            assertThat(d.path("source").asText()).isEqualTo(source);
            assertThat(d.path("topic").asText()).isEqualTo("file:" + file);
            assertThat(d.path("offset").asLong()).isEqualTo(good.size() + i + 1);
            assertThat(d.path("reason_code").asText()).isNotBlank().isNotEqualTo("internal_error");
            assertThat(d.path("reason").asText()).isNotBlank();
            assertThat(d.path("raw").asText()).isEqualTo(bad.get(i));
        }
    }

    @Test
    void assetInventoryAddsAssetAndDepartment(@TempDir Path dir) throws Exception {
        Path assets = dir.resolve("assets.csv");
        Files.writeString(
                assets,
                "match,department,asset,owner,criticality\n"
                        + "10.40.0.0/16,so-yt,LAN Sở Y tế,it@so-yt,medium\n"
                        + "yt-his-01,so-yt,Hệ thống HIS,dba@so-yt,critical\n");
        Path log = dir.resolve("auth.log");
        Files.writeString(
                log,
                "<38>Nov 25 08:00:01 yt-his-01 sshd[4242]: Failed password for root from 203.0.113.5 port 40001 ssh2\n");

        CommandRun r =
                CommandRun.of(
                        "decode",
                        "--source",
                        "syslog",
                        "--assets",
                        assets.toString(),
                        log.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.summary()).isEqualTo("decoded 1, dead-lettered 0");
        JsonNode e = Json.mapper().readTree(r.outLines().get(0));
        // No key, header, topic or range named a department: the inventory does.
        assertThat(e.path("organization").path("id").asText()).isEqualTo("so-yt");
        assertThat(r.out()).contains("Hệ thống HIS").contains("critical");
    }

    @Test
    void departmentDirectoryNamesTheDepartment(@TempDir Path dir) throws Exception {
        Path departments = dir.resolve("departments.tsv");
        Files.writeString(departments, "so-xd\tSở Xây dựng\t10.41.0.0/16\n");
        Path log = dir.resolve("auth.log");
        Files.writeString(
                log,
                "<38>Nov 25 08:00:01 xd-web-01 sshd[4242]: Accepted password for quantri from 10.41.2.3 port 40001 ssh2\n");

        CommandRun r =
                CommandRun.of(
                        "decode",
                        "--source",
                        "syslog",
                        "--departments",
                        departments.toString(),
                        "--department",
                        "so-xd",
                        log.toString());

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode e = Json.mapper().readTree(r.outLines().get(0));
        assertThat(e.path("organization").path("id").asText()).isEqualTo("so-xd");
        assertThat(e.path("organization").path("name").asText()).isEqualTo("Sở Xây dựng");
    }

    @Test
    void brokenInventoryFailsWithOneLineNamingTheBadLine(@TempDir Path dir) throws Exception {
        Path assets = dir.resolve("assets.csv");
        Files.writeString(
                assets,
                "match,department,asset,owner,criticality\n10.40.0.0/16,so-yt,LAN,it,urgent\n");
        CommandRun r =
                CommandRun.of(
                        "decode", "--source", "syslog", "--assets", assets.toString(), "/dev/null");
        assertThat(r.code()).isNotZero();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("invalid asset inventory").contains("2");
    }

    @Test
    void missingInventoryAndBadLimitsFail(@TempDir Path dir) {
        CommandRun missing =
                CommandRun.of(
                        "decode",
                        "--source",
                        "syslog",
                        "--assets",
                        dir.resolve("nope.csv").toString(),
                        "/dev/null");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("no such file");
        CommandRun limit =
                CommandRun.of(
                        "decode", "--source", "syslog", "--max-record-bytes", "0", "/dev/null");
        assertThat(limit.code()).isNotZero();
        assertThat(limit.errLines()).hasSize(1);
    }

    @Test
    void recordLimitOfTheSourceApplies(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("auth.log");
        Files.writeString(
                log,
                "<38>Nov 25 08:00:01 yt-portal-01 sshd[4242]: Failed password for root from 203.0.113.5 port 40001 ssh2\n");
        CommandRun r =
                CommandRun.of(
                        "decode", "--source", "syslog", "--max-record-bytes", "40", log.toString());
        assertThat(r.code()).isZero();
        assertThat(r.summary()).isEqualTo("decoded 0, dead-lettered 1");
        assertThat(r.errLines().get(0)).contains("\"reason_code\":\"too_large\"");
    }

    @Test
    void detectUsesTheDepartmentDirectoryAndInventory(@TempDir Path dir) throws Exception {
        Path departments = dir.resolve("departments.tsv");
        Files.writeString(departments, "so-xd\tSở Xây dựng\t10.41.0.0/16\n");
        Path assets = dir.resolve("assets.csv");
        Files.writeString(
                assets,
                "match,department,asset,owner,criticality\nxd-portal-01,so-xd,Cổng Sở Xây dựng,it@so-xd,high\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            sb.append("<38>Nov 20 01:00:")
                    .append(String.format("%02d", i * 3))
                    .append(
                            " xd-portal-01 sshd[42]: Failed password for root from 203.0.113.201 port ")
                    .append(40000 + i)
                    .append(" ssh2\n");
        }
        Path log = dir.resolve("auth.log");
        Files.writeString(log, sb.toString());

        CommandRun r =
                CommandRun.of(
                        "detect",
                        "--no-rule-cache",
                        "--source",
                        "syslog",
                        "--year",
                        "2026",
                        "--rules",
                        Path.of("..", "rules", "detections", "syslog").toString(),
                        "--departments",
                        departments.toString(),
                        "--assets",
                        assets.toString(),
                        log.toString());

        assertThat(r.code()).as(r.err()).isZero();
        List<String> alerts = r.outLines();
        assertThat(alerts).hasSize(1);
        JsonNode a = Json.mapper().readTree(alerts.get(0));
        assertThat(a.path("organization").path("id").asText()).isEqualTo("so-xd");
        assertThat(a.path("organization").path("name").asText()).isEqualTo("Sở Xây dựng");
    }

    /** ./soc decode judges the department with the job's trust policy, topic by topic. */
    @Test
    void theTrustPolicyOfTheJobAppliesToDecode(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("auth.log");
        Files.writeString(
                log,
                "<38>Nov 25 08:00:01 yt-portal-01 sshd[4242]: Failed password for root from"
                        + " 203.0.113.5 port 40001 ssh2\n");

        CommandRun spoofed =
                CommandRun.of(
                        "decode",
                        "--source",
                        "syslog",
                        "--topic",
                        "soc.raw.syslog.so-yt",
                        "--department-header",
                        "so-tc",
                        log.toString());
        assertThat(spoofed.code()).as(spoofed.err()).isZero();
        assertThat(spoofed.summary()).isEqualTo("decoded 0, dead-lettered 1");
        JsonNode d = Json.mapper().readTree(spoofed.errLines().get(0));
        assertThat(d.path("reason_code").asText()).isEqualTo("department_mismatch");
        assertThat(d.path("topic").asText()).isEqualTo("soc.raw.syslog.so-yt");
        assertThat(d.path("department").asText()).isEqualTo("so-yt");
        assertThat(d.path("claimed_department").asText()).isEqualTo("so-tc");

        // On the shared topic an untrusted header decides nothing ...
        CommandRun shared =
                CommandRun.of(
                        "decode",
                        "--source",
                        "syslog",
                        "--department-header",
                        "so-tc",
                        log.toString());
        assertThat(shared.summary()).isEqualTo("decoded 1, dead-lettered 0");
        assertThat(
                        Json.mapper()
                                .readTree(shared.outLines().get(0))
                                .path("organization")
                                .isMissingNode())
                .isTrue();

        // ... unless the job's configuration trusts that topic's producers.
        Path config = dir.resolve("soc.properties");
        Files.writeString(config, "topic.soc.raw.syslog.trust_header=true\n");
        CommandRun trusted =
                CommandRun.of(
                        "decode",
                        "--source",
                        "syslog",
                        "--config",
                        config.toString(),
                        "--department-header",
                        "so-tc",
                        log.toString());
        assertThat(trusted.summary()).isEqualTo("decoded 1, dead-lettered 0");
        assertThat(
                        Json.mapper()
                                .readTree(trusted.outLines().get(0))
                                .path("organization")
                                .path("id")
                                .asText())
                .isEqualTo("so-tc");

        Files.writeString(config, "topic.soc.raw.syslog.so-yt.trust_header=true\n");
        CommandRun refused =
                CommandRun.of(
                        "decode",
                        "--source",
                        "syslog",
                        "--config",
                        config.toString(),
                        log.toString());
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("names its department");
    }
}
