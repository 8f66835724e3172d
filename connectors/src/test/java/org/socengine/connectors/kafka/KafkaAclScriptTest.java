package org.socengine.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.decode.Decoders;
import org.socengine.connectors.enrich.Department;
import org.socengine.connectors.enrich.DepartmentDirectory;

/**
 * The sample ACL script of docs/kafka-acls.md, checked without a secured broker: it is valid bash,
 * and the commands it would run (DRY_RUN) give every department of the directory WRITE on exactly
 * its own raw topics of every source, and the job READ on all raw topics.
 */
class KafkaAclScriptTest {

    static final Path SCRIPT = Path.of("../docker/kafka-acls.sh");
    static final Path DEPARTMENTS =
            Path.of("src/main/resources/org/socengine/connectors/enrich/departments.tsv");

    /** One ACL the script would add: principal, operations, resource and pattern type. */
    record Acl(String principal, Set<String> operations, String resource, String pattern) {}

    static List<Acl> acls;

    @BeforeAll
    static void dryRun() throws Exception {
        assertThat(SCRIPT).isRegularFile();
        assertThat(run(List.of("bash", "-n", SCRIPT.toString()), Map.of()).code)
                .as("bash -n")
                .isZero();
        Result r =
                run(
                        List.of("bash", SCRIPT.toString()),
                        Map.of("DRY_RUN", "1", "DEPARTMENTS", DEPARTMENTS.toString()));
        assertThat(r.code).as(r.err).isZero();
        acls = parse(r.out);
    }

    record Result(int code, String out, String err) {}

    static Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(
                p.exitValue(),
                new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    /** Reads the kafka-acls.sh command lines the script printed, one ACL per resource. */
    static List<Acl> parse(String out) {
        List<Acl> result = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] w = line.trim().split("\\s+");
            assertThat(w[0]).endsWith("/kafka-acls.sh");
            assertThat(line).contains(" --add ").contains(" --bootstrap-server ");
            String principal = null;
            String pattern = "literal";
            Set<String> ops = new HashSet<>();
            List<String> resources = new ArrayList<>();
            for (int i = 1; i < w.length; i++) {
                switch (w[i]) {
                    case "--allow-principal" -> principal = w[++i];
                    case "--operation" -> ops.add(w[++i]);
                    case "--topic" -> resources.add("topic:" + w[++i]);
                    case "--group" -> resources.add("group:" + w[++i]);
                    case "--cluster" -> resources.add("cluster");
                    case "--resource-pattern-type" -> pattern = w[++i];
                    default -> {}
                }
            }
            assertThat(principal).as(line).isNotNull();
            assertThat(ops).as(line).isNotEmpty();
            // Operation names as Kafka's AclCommand reads them (PascalCase).
            assertThat(ops)
                    .as(line)
                    .allMatch(
                            o ->
                                    Set.of("Read", "Write", "Describe", "IdempotentWrite")
                                            .contains(o));
            for (String res : resources) {
                result.add(new Acl(principal, ops, res, pattern));
            }
        }
        return result;
    }

    @Test
    void everyDepartmentWritesExactlyItsOwnRawTopicsOfEverySource() throws IOException {
        DepartmentDirectory directory = DepartmentDirectory.load(DEPARTMENTS);
        assertThat(directory.all()).hasSizeGreaterThanOrEqualTo(10);
        for (Department d : directory.all()) {
            String principal = "User:dept-" + d.id();
            Set<String> expected = new HashSet<>();
            for (String source : Decoders.sources()) {
                expected.add("topic:soc.raw." + source + "." + d.id());
            }
            List<Acl> own = acls.stream().filter(a -> a.principal().equals(principal)).toList();
            Set<String> writable = new HashSet<>();
            for (Acl a : own) {
                if (a.resource().equals("cluster")) {
                    assertThat(a.operations()).containsExactly("IdempotentWrite");
                    continue;
                }
                assertThat(a.pattern()).as("%s: literal topic names only", a).isEqualTo("literal");
                assertThat(a.operations()).doesNotContain("Read");
                writable.add(a.resource());
            }
            assertThat(writable).as(d.id()).isEqualTo(expected);
        }
    }

    @Test
    void nothingButTheSocsOwnCollectorsWritesASharedRawTopic() {
        for (Acl a : acls) {
            if (a.operations().contains("Write") && a.resource().startsWith("topic:soc.raw.")) {
                String topic = a.resource().substring("topic:".length());
                String department = org.socengine.model.SocTopics.departmentOf(topic);
                assertThat(department)
                        .as("%s writes shared topic %s", a.principal(), topic)
                        .isNotNull();
                assertThat(a.principal()).isEqualTo("User:dept-" + department);
            }
        }
    }

    @Test
    void theJobReadsEveryRawTopicAndWritesItsOwn() {
        assertThat(acls)
                .contains(
                        new Acl(
                                "User:soc-detection",
                                Set.of("Read", "Describe"),
                                "topic:soc.raw.",
                                "prefixed"));
        assertThat(acls)
                .anyMatch(
                        a ->
                                a.principal().equals("User:soc-detection")
                                        && a.resource().equals("topic:soc.dlq")
                                        && a.operations().contains("Write"));
        assertThat(acls)
                .noneMatch(
                        a ->
                                a.principal().equals("User:soc-detection")
                                        && a.resource().startsWith("topic:soc.raw")
                                        && a.operations().contains("Write"));
    }

    /** The script grants the escalation job's principal what {@link KafkaAcls} grants it. */
    @Test
    void theEscalationJobGetsExactlyWhatTheSecuredBrokerGrantsIt() {
        Set<String> reads = new TreeSet<>();
        Set<String> writes = new TreeSet<>();
        for (Acl a : acls) {
            if (!a.principal().equals("User:soc-escalation")
                    || !a.resource().startsWith("topic:")) {
                continue;
            }
            String topic = a.resource().substring("topic:".length());
            assertThat(a.pattern()).as(topic).isEqualTo("literal");
            if (a.operations().contains("Read")) {
                reads.add(topic);
            }
            if (a.operations().contains("Write")) {
                writes.add(topic);
            }
        }
        assertThat(reads).containsExactlyInAnyOrderElementsOf(KafkaAcls.ESCALATION_READS);
        assertThat(writes).containsExactlyInAnyOrderElementsOf(KafkaAcls.ESCALATION_WRITES);
        assertThat(writes)
                .doesNotContain("soc.alerts", "soc.rules")
                .noneMatch(t -> t.startsWith("soc.raw"));
        assertThat(acls)
                .contains(
                        new Acl(
                                "User:soc-escalation",
                                Set.of("Read"),
                                "group:soc-escalation",
                                "prefixed"));
    }

    @Test
    void theScriptsSourcesAreTheEnginesDecoders() throws IOException {
        String script = Files.readString(SCRIPT);
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("SOURCES=\\$\\{SOURCES:-\"([^\"]+)\"}")
                        .matcher(script);
        assertThat(m.find()).isTrue();
        assertThat(Set.of(m.group(1).trim().split("\\s+")))
                .isEqualTo(new HashSet<>(Decoders.sources()));
    }

    @Test
    void anotherDirectoryGivesItsOwnDepartments(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("departments.tsv");
        Files.writeString(file, "# test\nso-test\tSở Thử\t10.99.0.0/16\n");
        Result r =
                run(
                        List.of("bash", SCRIPT.toString()),
                        Map.of("DRY_RUN", "1", "DEPARTMENTS", file.toString()));
        assertThat(r.code).as(r.err).isZero();
        assertThat(parse(r.out))
                .filteredOn(a -> a.principal().startsWith("User:dept-"))
                .extracting(Acl::principal)
                .containsOnly("User:dept-so-test");
    }
}
