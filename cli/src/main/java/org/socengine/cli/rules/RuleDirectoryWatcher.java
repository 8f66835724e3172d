package org.socengine.cli.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.model.SocTopics;
import org.socengine.rules.library.RuleRepository;

/**
 * Watches a rules folder and publishes every new or changed rule file to {@code soc.rules}, and a
 * tombstone for every rule file removed. The running job validates each one and reports its verdict
 * on {@code soc.rules.status}, so a file saved half-written is refused there, not half-deployed.
 */
public final class RuleDirectoryWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RuleDirectoryWatcher.class);
    private static final Pattern ID = Pattern.compile("(?m)^id:\\s*['\"]?([^'\"\\s#]+)");

    private final Path dir;
    private final KafkaProducer<String, String> producer;
    private final Map<Path, String[]> known = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    private RuleDirectoryWatcher(Path dir, KafkaSettings kafka, long intervalMillis) {
        this.dir = dir;
        Properties p = kafka.toProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p);
        // The files present at start are the job's initial rules: only later changes are news.
        scan(false);
        this.thread =
                new Thread(
                        () -> {
                            while (running) {
                                try {
                                    Thread.sleep(intervalMillis);
                                } catch (InterruptedException e) {
                                    return;
                                }
                                scan(true);
                            }
                        },
                        "rule-directory-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    public static RuleDirectoryWatcher start(Path dir, KafkaSettings kafka, long intervalMillis) {
        return new RuleDirectoryWatcher(dir, kafka, intervalMillis);
    }

    /** One pass: publishes what changed since the last one. */
    synchronized void scan(boolean publish) {
        List<Path> files;
        try {
            files = RuleRepository.ruleFiles(dir);
        } catch (IOException e) {
            LOG.warn("cannot read rules folder {}: {}", dir, e.getMessage());
            return;
        }
        Map<Path, String[]> seen = new HashMap<>();
        for (Path f : files) {
            try {
                String yaml = Files.readString(f, StandardCharsets.UTF_8);
                Matcher m = ID.matcher(yaml);
                if (!m.find()) {
                    LOG.warn("{}: no rule id, not published", f);
                    continue;
                }
                String[] entry = {m.group(1), sha(yaml)};
                seen.put(f, entry);
                String[] before = known.get(f);
                if (publish && (before == null || !before[1].equals(entry[1]))) {
                    producer.send(new ProducerRecord<>(SocTopics.RULES, entry[0], yaml));
                    LOG.info("published {} (rule {}) to {}", f, entry[0], SocTopics.RULES);
                }
            } catch (IOException e) {
                LOG.warn("cannot read {}: {}", f, e.getMessage());
            }
        }
        for (Map.Entry<Path, String[]> gone : known.entrySet()) {
            if (publish && !seen.containsKey(gone.getKey())) {
                producer.send(new ProducerRecord<>(SocTopics.RULES, gone.getValue()[0], null));
                LOG.info(
                        "rule file {} removed: rule {} withdrawn",
                        gone.getKey(),
                        gone.getValue()[0]);
            }
        }
        producer.flush();
        known.clear();
        known.putAll(seen);
    }

    private static String sha(String s) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        producer.close();
    }
}
