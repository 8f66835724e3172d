package org.socengine.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.notify.DeliveryLedger;
import org.socengine.connectors.notify.KafkaDeliveryLedger;
import org.socengine.connectors.testing.SecuredLocalBroker;
import org.socengine.local.LocalCertificateAuthority;
import org.socengine.local.LocalKafka;
import org.socengine.local.WorkDirs;
import org.socengine.model.NotificationOutcome;
import org.socengine.model.SocTopics;

/**
 * The secured local broker (TLS with a CA made at run time, SCRAM-SHA-512 users, ACLs enforced):
 * the right credentials and CA get through, wrong ones are refused with one clear line in bounded
 * time, and each user reaches only what its ACLs allow.
 */
class SecuredKafkaITCase {

    private static LocalKafka kafka;
    private static Path work;

    @BeforeAll
    static void startSecuredBroker() throws IOException {
        work = WorkDirs.defaultWorkDir().resolve("secured-kafka-it");
        long t0 = System.nanoTime();
        kafka = SecuredLocalBroker.start(work);
        System.out.printf(
                "secured Kafka broker ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void departmentShipperWritesItsTopicAndTheJobReadsItOverTls() throws Exception {
        String topic = "soc.raw.syslog." + LocalKafka.DEPARTMENT;
        String line = "<38>Nov 20 01:00:00 h sshd[1]: hello over TLS " + UUID.randomUUID();
        try (KafkaProducer<String, String> p =
                producer(SecuredLocalBroker.clientSettings(kafka, LocalKafka.DEPARTMENT_USER))) {
            p.send(new ProducerRecord<>(topic, LocalKafka.DEPARTMENT, line))
                    .get(30, TimeUnit.SECONDS);
        }
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                consumer(
                        SecuredLocalBroker.clientSettings(kafka, LocalKafka.JOB_USER),
                        LocalKafka.JOB_GROUP_PREFIX + "-it-" + UUID.randomUUID())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!read.contains(line) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    read.add(r.value());
                }
            }
        }
        assertThat(read).contains(line);
    }

    @Test
    void theCaCertificateInPemWorksAsWellAsTheTrustStore() throws Exception {
        KafkaSettings pem =
                KafkaSettings.builder(kafka.bootstrapServers())
                        .caCertificate(kafka.certificateAuthority().caCertificate().toString())
                        .saslScram(
                                "SCRAM-SHA-512",
                                LocalKafka.JOB_USER,
                                kafka.password(LocalKafka.JOB_USER))
                        .build();
        assertThat(pem.securityProtocol()).isEqualTo("SASL_SSL");
        KafkaConnections.check(pem, Duration.ofSeconds(20));
    }

    @Test
    void aWrongPasswordIsRefusedWithOneClearLine() {
        KafkaSettings wrong =
                KafkaSettings.builder(kafka.bootstrapServers())
                        .truststore(
                                kafka.certificateAuthority().truststore().toString(),
                                kafka.certificateAuthority().storePassword(),
                                "PKCS12")
                        .saslScram("SCRAM-SHA-512", LocalKafka.JOB_USER, "not-the-password")
                        .build();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> KafkaConnections.check(wrong, Duration.ofSeconds(20)))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "Kafka at "
                                + kafka.bootstrapServers()
                                + " refused the credentials of user soc-job (SCRAM-SHA-512)");
        // Refused, not timed out: authentication failures are final at the first answer.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aBrokerCertificateFromAnotherCaIsNotTrusted() throws Exception {
        LocalCertificateAuthority other =
                LocalCertificateAuthority.create(work.resolve("other-ca"), "Some other CA");
        KafkaSettings wrongCa =
                KafkaSettings.builder(kafka.bootstrapServers())
                        .caCertificate(other.caCertificate().toString())
                        .saslScram(
                                "SCRAM-SHA-512",
                                LocalKafka.JOB_USER,
                                kafka.password(LocalKafka.JOB_USER))
                        .build();
        assertThatThrownBy(() -> KafkaConnections.check(wrongCa, Duration.ofSeconds(20)))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "the broker's certificate is not trusted by the configured CA (CA file "
                                + other.caCertificate()
                                + "): Kafka at "
                                + kafka.bootstrapServers());
    }

    @Test
    void aPlaintextClientGetsNoAnswerWithinItsTimeout() {
        assertThatThrownBy(
                        () ->
                                KafkaConnections.check(
                                        KafkaSettings.of(kafka.bootstrapServers()),
                                        Duration.ofSeconds(3)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no answer from Kafka at " + kafka.bootstrapServers())
                .hasMessageContaining("PLAINTEXT");
    }

    @Test
    void aDepartmentCannotWriteRulesNorAnotherDepartmentsTopic() {
        KafkaSettings dept = SecuredLocalBroker.clientSettings(kafka, LocalKafka.DEPARTMENT_USER);
        for (String topic : List.of("soc.rules", "soc.raw.syslog.so-tc", "soc.alerts")) {
            try (KafkaProducer<String, String> p = producer(dept)) {
                assertThatThrownBy(
                                () ->
                                        p.send(new ProducerRecord<>(topic, "k", "v"))
                                                .get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .satisfies(
                                e ->
                                        assertThat(KafkaConnections.describe(e, dept))
                                                .isEqualTo(
                                                        "Kafka at "
                                                                + kafka.bootstrapServers()
                                                                + " denied user dept-so-yt access"
                                                                + " to topic(s) "
                                                                + topic
                                                                + " (missing ACL)"));
            }
        }
    }

    @Test
    void theJobCannotPublishRules() {
        KafkaSettings job = SecuredLocalBroker.clientSettings(kafka, LocalKafka.JOB_USER);
        try (KafkaProducer<String, String> p = producer(job)) {
            assertThatThrownBy(
                            () ->
                                    p.send(new ProducerRecord<>("soc.rules", "k", "v"))
                                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .satisfies(e -> assertThat(KafkaConnections.isConfigurationError(e)).isTrue());
        }
    }

    @Test
    void theEscalationJobReadsAlertsAndWritesIncidentsAndNotificationsOnly() throws Exception {
        String alert = "{\"alert\":{\"id\":\"" + UUID.randomUUID() + "\"}}";
        try (KafkaProducer<String, String> p =
                producer(SecuredLocalBroker.clientSettings(kafka, LocalKafka.JOB_USER))) {
            p.send(new ProducerRecord<>(SocTopics.ALERTS, "a", alert)).get(30, TimeUnit.SECONDS);
        }
        KafkaSettings escalation =
                SecuredLocalBroker.clientSettings(kafka, LocalKafka.ESCALATION_USER);
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                consumer(
                        escalation,
                        LocalKafka.ESCALATION_GROUP_PREFIX + "-it-" + UUID.randomUUID())) {
            c.subscribe(
                    List.of(SocTopics.ALERTS, SocTopics.ALERT_STATUS, SocTopics.ESCALATION_POLICY));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!read.contains(alert) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    read.add(r.value());
                }
            }
        }
        assertThat(read).contains(alert);
        try (KafkaProducer<String, String> p = producer(escalation)) {
            for (String topic : KafkaAcls.ESCALATION_WRITES) {
                p.send(new ProducerRecord<>(topic, "k", "{}")).get(30, TimeUnit.SECONDS);
            }
        }
        // The delivery ledger opens (finds its topic, reads it back) and records as this user.
        NotificationOutcome sent = new NotificationOutcome();
        sent.idempotencyKey = "inc-acl:0:oncall:0";
        sent.ok = true;
        try (DeliveryLedger.Session ledger = KafkaDeliveryLedger.of(escalation).open()) {
            ledger.record(sent);
        }
        try (DeliveryLedger.Session ledger = KafkaDeliveryLedger.of(escalation).open()) {
            assertThat(ledger.find(sent.idempotencyKey)).isNotNull();
        }
        for (String topic : List.of(SocTopics.ALERTS, SocTopics.RULES, "soc.raw.syslog.so-yt")) {
            try (KafkaProducer<String, String> p = producer(escalation)) {
                assertThatThrownBy(
                                () ->
                                        p.send(new ProducerRecord<>(topic, "k", "v"))
                                                .get(30, TimeUnit.SECONDS))
                        .as(topic)
                        .isInstanceOf(ExecutionException.class)
                        .satisfies(
                                e -> assertThat(KafkaConnections.isConfigurationError(e)).isTrue());
            }
        }
    }

    @Test
    void settingsNeverShowThePasswords() {
        KafkaSettings job = SecuredLocalBroker.clientSettings(kafka, LocalKafka.JOB_USER);
        String shown = job.toString();
        assertThat(shown)
                .doesNotContain(kafka.password(LocalKafka.JOB_USER))
                .doesNotContain(kafka.certificateAuthority().storePassword())
                .contains("security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512");
        assertThat(job.saslUsername()).isEqualTo(LocalKafka.JOB_USER);
    }

    private static KafkaProducer<String, String> producer(KafkaSettings s) {
        Properties p = s.toProperties();
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("max.block.ms", 20_000);
        p.put("delivery.timeout.ms", 25_000);
        p.put("request.timeout.ms", 10_000);
        return new KafkaProducer<>(p);
    }

    private static KafkaConsumer<String, String> consumer(KafkaSettings s, String group) {
        Properties c = s.toProperties();
        c.put("group.id", group);
        c.put("auto.offset.reset", "earliest");
        c.put("key.deserializer", StringDeserializer.class.getName());
        c.put("value.deserializer", StringDeserializer.class.getName());
        return new KafkaConsumer<>(c);
    }
}
