package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.kafka.SocKafka;
import org.socengine.connectors.testing.CapturedLogs;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.connectors.testing.SecuredLocalBroker;
import org.socengine.jobs.detection.DetectionJob;
import org.socengine.jobs.detection.DetectionJobOptions;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.local.LocalCertificateAuthority;
import org.socengine.local.LocalKafka;
import org.socengine.local.WorkDirs;
import org.socengine.model.Json;
import org.socengine.model.SocTopics;

/**
 * The engine on a Kafka that asks for TLS and SCRAM-SHA-512 and enforces ACLs (the secured local
 * broker, started once for the class): the detection job reads a department's raw records and
 * writes alerts and dead letters as the job user; {@code ./soc rules deploy} publishes as the rule
 * admin; a wrong password, a wrong CA or a user without the ACL is refused with one line, fast;
 * {@code ./soc run --check} connects with every secret read from files. Everything logged (at INFO,
 * every logger) and printed meanwhile is searched for every secret used.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredKafkaDeploymentITCase {

    /** Elasticsearch for {@code ./soc run --check}; its plain Kafka is not used here. */
    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static final String RULE_ID = "6f1c2a8e-3b7d-4c1e-9a55-0d2b8e4f7a10";
    private static final String ATTACKER = "203.0.113.145";
    private static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();
    private static final String ES_PASSWORD = "es-" + UUID.randomUUID();
    private static final long T0 = Instant.parse("2026-11-20T01:00:00Z").toEpochMilli();
    private static final DateTimeFormatter BSD =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);

    private static CapturedLogs logs;
    private static LocalKafka kafka;
    private static Path work;
    private static Path rules;
    private static final StringBuilder printed = new StringBuilder();

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        logs = CapturedLogs.start();
        work = WorkDirs.defaultWorkDir().resolve("secured-deployment-it");
        kafka = SecuredLocalBroker.start(work);
        rules = work.resolve("rules");
        Path syslog = rules.resolve("syslog");
        Files.createDirectories(syslog.resolve("fixtures"));
        Path source = Path.of("..", "rules", "detections", "syslog");
        Files.copy(
                source.resolve("credential_access_ssh_brute_force.yml"),
                syslog.resolve("credential_access_ssh_brute_force.yml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (var fixtures = Files.list(source.resolve("fixtures"))) {
            for (Path f :
                    fixtures.filter(f -> f.getFileName().toString().startsWith("ssh_brute_force_"))
                            .toList()) {
                Files.copy(
                        f,
                        syslog.resolve("fixtures").resolve(f.getFileName()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (logs != null) {
            logs.close();
        }
    }

    @Test
    @Order(1)
    void theDetectionJobReadsRawRecordsAndWritesAlertsThroughTheSecuredListener() throws Exception {
        String topic = "soc.raw.syslog." + LocalKafka.DEPARTMENT;
        try (KafkaProducer<String, String> p =
                producer(SecuredLocalBroker.clientSettings(kafka, LocalKafka.DEPARTMENT_USER))) {
            for (int i = 0; i < 10; i++) {
                long t = T0 + i * 2_000;
                p.send(
                        new ProducerRecord<>(
                                topic,
                                null,
                                t,
                                LocalKafka.DEPARTMENT,
                                "<38>"
                                        + BSD.format(Instant.ofEpochMilli(t))
                                        + " yt-portal-01 sshd[4242]: Failed password for root from "
                                        + ATTACKER
                                        + " port "
                                        + (41000 + i)
                                        + " ssh2"));
            }
            p.send(
                            new ProducerRecord<>(
                                    topic,
                                    null,
                                    T0 + 30_000,
                                    LocalKafka.DEPARTMENT,
                                    "definitely not syslog"))
                    .get(30, TimeUnit.SECONDS);
        }

        KafkaSettings job = SecuredLocalBroker.clientSettings(kafka, LocalKafka.JOB_USER);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DetectionJob.build(
                env,
                SocKafka.boundedRawSource(
                        job,
                        List.of(topic),
                        LocalKafka.JOB_GROUP_PREFIX + "-it-" + UUID.randomUUID()),
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults()),
                RuleSets.compileAll(rules),
                null,
                List.of(SocKafka.alertSink(job)),
                SocKafka.deadLetterSink(job),
                DetectionJobOptions.defaults()
                        .withParallelism(1)
                        .withAllowedLateness(Duration.ofSeconds(5)));
        env.execute("secured-kafka-it");

        // One alert: its first record when the threshold is crossed, then updates under the same
        // key as the attack goes on (consumers keep the last per key).
        List<ConsumerRecord<String, String>> alerts = readAll(SocTopics.ALERTS);
        assertThat(alerts).isNotEmpty();
        assertThat(alerts).extracting(ConsumerRecord::key).containsOnly(alerts.get(0).key());
        JsonNode alert = Json.mapper().readTree(alerts.get(alerts.size() - 1).value());
        assertThat(alert.path("rule").path("id").asText()).isEqualTo(RULE_ID);
        assertThat(alert.path("source").path("ip").asText()).isEqualTo(ATTACKER);
        assertThat(alert.path("organization").path("id").asText()).isEqualTo("so-yt");
        assertThat(alert.path("alert").path("count").asLong()).isEqualTo(10);
        assertThat(alerts.get(0).key()).isEqualTo(alert.path("alert").path("id").asText());

        List<ConsumerRecord<String, String>> dead = readAll(SocTopics.DLQ);
        assertThat(dead).hasSize(1);
        assertThat(Json.mapper().readTree(dead.get(0).value()).path("reason_code").asText())
                .isEqualTo("wrong_format");
    }

    @Test
    @Order(2)
    void rulesDeployPublishesOverTlsWithScramCredentialsFromFiles() throws Exception {
        Path config =
                kafkaConfig(
                        "deploy",
                        LocalKafka.RULE_ADMIN_USER,
                        kafka.password(LocalKafka.RULE_ADMIN_USER),
                        null);
        CommandRun r =
                run(
                        "rules",
                        "deploy",
                        rules.toString(),
                        "--config",
                        config.toString(),
                        "--wait",
                        "1s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("published 1 rules to soc.rules");
        assertThat(r.out()).contains(RULE_ID, "unchanged_or_no_answer");
        assertThat(readAll("soc.rules")).extracting(ConsumerRecord::key).containsExactly(RULE_ID);
    }

    @Test
    @Order(3)
    void aWrongPasswordIsRefusedWithOneLineAndNoWait() throws Exception {
        Path config =
                kafkaConfig("wrong-password", LocalKafka.RULE_ADMIN_USER, WRONG_PASSWORD, null);
        long t0 = System.nanoTime();
        CommandRun r = run("rules", "deploy", rules.toString(), "--config", config.toString());
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .as("refused, not timed out")
                .isLessThan(Duration.ofSeconds(15));
        assertThat(r.code()).isNotZero();
        assertThat(r.errLines())
                .containsExactly(
                        "soc deploy: not deployed: Kafka at "
                                + kafka.bootstrapServers()
                                + " refused the credentials of user soc-rule-admin (SCRAM-SHA-512)");
        assertThat(r.out()).isEmpty();
    }

    @Test
    @Order(4)
    void aBrokerCertificateFromAnotherCaIsRefusedWithOneLine() throws Exception {
        LocalCertificateAuthority other =
                LocalCertificateAuthority.create(work.resolve("other-ca"), "Not the broker's CA");
        Path config =
                kafkaConfig(
                        "wrong-ca",
                        LocalKafka.RULE_ADMIN_USER,
                        kafka.password(LocalKafka.RULE_ADMIN_USER),
                        other.caCertificate());
        long t0 = System.nanoTime();
        CommandRun r = run("rules", "deploy", rules.toString(), "--config", config.toString());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(r.code()).isNotZero();
        assertThat(r.errLines())
                .containsExactly(
                        "soc deploy: not deployed: the broker's certificate is not trusted by the"
                                + " configured CA (CA file "
                                + other.caCertificate()
                                + "): Kafka at "
                                + kafka.bootstrapServers());
    }

    @Test
    @Order(5)
    void aDepartmentMayNotDeployRules() throws Exception {
        Path config =
                kafkaConfig(
                        "department",
                        LocalKafka.DEPARTMENT_USER,
                        kafka.password(LocalKafka.DEPARTMENT_USER),
                        null);
        CommandRun r = run("rules", "deploy", rules.toString(), "--config", config.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.errLines())
                .containsExactly(
                        "soc deploy: not deployed: Kafka at "
                                + kafka.bootstrapServers()
                                + " denied user dept-so-yt access to topic(s) soc.rules (missing ACL)");
    }

    @Test
    @Order(6)
    void runCheckConnectsWithEverySecretFromFilesAndPrintsNone() throws Exception {
        String esUrl = SERVICES.elasticsearchUrl().replace("://", "://soc:" + ES_PASSWORD + "@");
        Path config =
                kafkaConfig("run", LocalKafka.JOB_USER, kafka.password(LocalKafka.JOB_USER), null);
        Files.writeString(
                config,
                "es.url=" + esUrl + "\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        CommandRun ok =
                run("run", "--check", "--config", config.toString(), "--rules", rules.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.summary())
                .startsWith(
                        "soc run --check: 1 rules; KafkaSettings{bootstrap="
                                + kafka.bootstrapServers())
                .contains(
                        "security.protocol=SASL_SSL",
                        "sasl.jaas.config=******",
                        "ssl.truststore.password=******",
                        "ElasticsearchSettings{url="
                                + SERVICES.elasticsearchUrl()
                                + ", username=soc, password=******}",
                        "connections ok");

        Path wrong = kafkaConfig("run-wrong", LocalKafka.JOB_USER, WRONG_PASSWORD, null);
        CommandRun refused =
                run("run", "--check", "--config", wrong.toString(), "--rules", rules.toString());
        assertThat(refused.code()).isNotZero();
        assertThat(refused.errLines())
                .containsExactly(
                        "soc run: Kafka at "
                                + kafka.bootstrapServers()
                                + " refused the credentials of user soc-job (SCRAM-SHA-512)");
    }

    @Test
    @Order(7)
    void aConfigFileWithAnInlinePasswordReadableByOthersIsWarnedAboutWithoutTheSecret()
            throws Exception {
        Path config = work.resolve("inline.properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "kafka.bootstrap=" + kafka.bootstrapServers(),
                        "kafka.ca=" + kafka.certificateAuthority().caCertificate(),
                        "kafka.sasl.username=" + LocalKafka.RULE_ADMIN_USER,
                        "kafka.sasl.password=" + kafka.password(LocalKafka.RULE_ADMIN_USER),
                        ""));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        CommandRun r =
                run(
                        "rules",
                        "deploy",
                        rules.toString(),
                        "--config",
                        config.toString(),
                        "--wait",
                        "0s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.errLines().get(0))
                .startsWith("soc: warning: " + config + " holds kafka.sasl.password")
                .contains("chmod 600");
    }

    @Test
    @Order(100)
    void noSecretAppearsInAnyLogOrOutput() {
        List<String> secrets = new ArrayList<>();
        for (String u :
                List.of(
                        LocalKafka.ADMIN_USER,
                        LocalKafka.JOB_USER,
                        LocalKafka.RULE_ADMIN_USER,
                        LocalKafka.DEPARTMENT_USER)) {
            secrets.add(kafka.password(u));
        }
        secrets.add(kafka.certificateAuthority().storePassword());
        secrets.add(WRONG_PASSWORD);
        secrets.add(ES_PASSWORD);
        String logged = logs.text();
        // The search means something only if the clients' INFO logging was captured.
        assertThat(logged).contains("SASL_SSL", "sasl.jaas.config = [hidden]");
        assertThat(logs.lines()).isGreaterThan(100);
        for (String s : secrets) {
            assertThat(logged).as("the logs").doesNotContain(s);
            assertThat(printed.toString())
                    .as("stdout and stderr of the commands")
                    .doesNotContain(s);
        }
    }

    private static CommandRun run(String... args) {
        CommandRun r = CommandRun.of(args);
        synchronized (printed) {
            printed.append(r.out()).append(r.err());
        }
        return r;
    }

    /**
     * A config file for a user: the TLS trust store (or a PEM CA), SCRAM-SHA-512, with the password
     * and the trust store password each in its own mode-600 file.
     */
    private static Path kafkaConfig(String name, String user, String password, Path caPem)
            throws Exception {
        Path dir = WorkDirs.ensure(work.resolve("config-" + name));
        Path passwordFile = secretFile(dir.resolve("sasl-password"), password);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kafka.bootstrap", kafka.bootstrapServers());
        if (caPem != null) {
            p.put("kafka.ca", caPem.toString());
        } else {
            p.put("kafka.truststore", kafka.certificateAuthority().truststore().toString());
            p.put("kafka.truststore.type", "PKCS12");
            p.put(
                    "kafka.truststore.password.file",
                    secretFile(
                                    dir.resolve("truststore-password"),
                                    kafka.certificateAuthority().storePassword())
                            .toString());
        }
        p.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
        p.put("kafka.sasl.username", user);
        p.put("kafka.sasl.password.file", passwordFile.toString());
        StringBuilder sb = new StringBuilder();
        p.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return secretFile(dir.resolve("soc.properties"), sb.toString());
    }

    private static Path secretFile(Path file, String content) throws Exception {
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content + (content.endsWith("\n") ? "" : "\n"));
        return file;
    }

    private static KafkaProducer<String, String> producer(KafkaSettings s) {
        Properties p = s.toProperties();
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("max.block.ms", 20_000);
        return new KafkaProducer<>(p);
    }

    /** Every record of a one-partition topic up to its end, read as the admin. */
    private static List<ConsumerRecord<String, String>> readAll(String topic) {
        Properties c =
                SecuredLocalBroker.clientSettings(kafka, LocalKafka.ADMIN_USER).toProperties();
        c.put("key.deserializer", StringDeserializer.class.getName());
        c.put("value.deserializer", StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(20)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp, Duration.ofSeconds(20)) < end
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
