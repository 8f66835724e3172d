package org.socengine.cli.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.model.SocTopics;

/** A rules folder watched into {@code soc.rules}: changes published, removals as tombstones. */
class RuleDirectoryWatcherITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @Test
    void changedFilesArePublishedAndRemovedOnesWithdrawn(@TempDir Path dir) throws Exception {
        String id = UUID.randomUUID().toString();
        Path rule = dir.resolve("syslog").resolve("credential_access_watched.yml");
        Files.createDirectories(rule.getParent());
        Files.writeString(rule, "id: " + id + "\nname: Watched\nversion: 1\n");
        Path fixture = dir.resolve("syslog").resolve("fixtures").resolve("not_a_rule.yml");
        Files.createDirectories(fixture.getParent());
        try (RuleDirectoryWatcher watcher =
                RuleDirectoryWatcher.start(
                        dir, KafkaSettings.of(SERVICES.bootstrapServers()), 3_600_000)) {
            // Present at start: the job's initial rules, nothing to publish.
            Files.writeString(rule, "id: " + id + "\nname: Watched\nversion: 2\n");
            Files.writeString(fixture, "id: not-a-rule\n");
            watcher.scan(true);
            Files.delete(rule);
            watcher.scan(true);
            watcher.scan(true);
        }
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SERVICES.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "watch-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(SocTopics.RULES));
            long deadline = System.currentTimeMillis() + 30_000;
            while (records.size() < 2 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (id.equals(r.key()) || "not-a-rule".equals(r.key())) {
                        records.add(r);
                    }
                }
            }
        }
        assertThat(records).extracting(ConsumerRecord::key).containsExactly(id, id);
        assertThat(records.get(0).value()).contains("version: 2");
        assertThat(records.get(1).value()).isNull();
    }
}
