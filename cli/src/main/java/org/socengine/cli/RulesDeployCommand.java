package org.socengine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.kafka.KafkaAcls;
import org.socengine.connectors.kafka.KafkaConnections;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.jobs.detection.RoutedFixtures;
import org.socengine.model.Json;
import org.socengine.model.SocTopics;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.library.RuleLinter;
import org.socengine.rules.library.RuleRepository;
import org.socengine.rules.library.RuleTestRunner;
import org.socengine.rules.sigma.SigmaRuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = {
            "Publish rules that pass lint and tests to the running job.",
            "",
            "Publishes rules to the running job through the compacted topic soc.rules, but only when",
            "the whole folder passes lint and every fixture test. Waits for the job's verdict on",
            "soc.rules.status and prints one JSON line per rule.",
            "",
            "TLS and SASL come from --config or the SOC_KAFKA_* variables (docs/deployment-security.md);",
            "the SASL password from SOC_KAFKA_SASL_PASSWORD(_FILE) or kafka.sasl.password(.file)."
        })
final class RulesDeployCommand implements Callable<Integer> {

    @Parameters(
            arity = "0..1",
            paramLabel = "DIR",
            description = "Rules folder (default: rules/detections).")
    Path dir;

    @Option(
            names = "--kafka",
            description = "Kafka bootstrap servers. Default: $SOC_KAFKA or 127.0.0.1:9092.")
    String kafka;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with kafka.* settings (TLS, SASL; see docs/alerts.md).")
    Path config;

    /** The Kafka connection: --kafka, then SOC_* variables, then --config; TLS/SASL as set. */
    KafkaSettings kafkaSettings() {
        try {
            SocConfig c = SocConfig.load(config).with("kafka.bootstrap", kafka);
            c.warnings().forEach(w -> System.err.println("soc: warning: " + w));
            if (!c.hasKafka()) {
                c = c.with("kafka.bootstrap", "127.0.0.1:9092");
            }
            return c.kafka();
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new CliFailure("cannot read the configuration: " + e.getMessage());
        }
    }

    @Option(
            names = "--wait",
            defaultValue = "60s",
            description =
                    "How long to wait for the job's verdicts (0s: do not wait). Default: ${DEFAULT-VALUE}.")
    String waitFor;

    @Override
    public Integer call() throws Exception {
        Path d = RulesCommand.resolve(dir);
        List<RuleProblem> problems = new RuleLinter().lint(d);
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println(p));
            throw new CliFailure("not deployed: " + problems.size() + " lint problem(s)");
        }
        RuleRepository.Loaded loaded = RuleRepository.load(d);
        List<RuleTestRunner.TestResult> results = RoutedFixtures.runner().runAll(loaded.compiled());
        long failed = results.stream().filter(r -> !r.passed()).count();
        if (failed > 0) {
            results.stream().filter(r -> !r.passed()).forEach(r -> System.err.println(r));
            throw new CliFailure("not deployed: " + failed + " fixture test(s) failed");
        }
        KafkaSettings settings = kafkaSettings();
        Map<String, Integer> published = new LinkedHashMap<>();
        Properties p = settings.toProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 25_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (RuleRepository.Entry e : loaded.entries()) {
                // A Sigma correlation travels with the rules it names from other files: the job
                // reads soc.rules without the folder.
                String yaml =
                        SigmaRuleSet.bundle(
                                e.file(), Files.isDirectory(d) ? d : e.file().getParent());
                producer.send(new ProducerRecord<>(SocTopics.RULES, e.definition().id(), yaml))
                        .get(30, TimeUnit.SECONDS);
                published.put(e.definition().id(), e.definition().version());
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CliFailure(
                    "not deployed: " + KafkaConnections.describe(e.getCause(), settings));
        } catch (java.util.concurrent.TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw new CliFailure("not deployed: " + KafkaConnections.describe(e, settings));
        }
        System.err.println("published " + published.size() + " rules to " + SocTopics.RULES);
        Duration wait = org.socengine.rules.Durations.parse(waitFor.equals("0") ? "0s" : waitFor);
        if (wait.isZero()) {
            return 0;
        }
        return awaitVerdicts(settings, published, wait);
    }

    private int awaitVerdicts(
            KafkaSettings settings, Map<String, Integer> published, Duration wait) {
        Properties c = settings.toProperties();
        c.put(
                ConsumerConfig.GROUP_ID_CONFIG,
                KafkaAcls.RULES_DEPLOY_GROUP_PREFIX + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Map<String, JsonNode> verdicts = new LinkedHashMap<>();
        long deadline = System.currentTimeMillis() + wait.toMillis();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(SocTopics.RULES_STATUS));
            while (System.currentTimeMillis() < deadline && verdicts.size() < published.size()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    Integer v = published.get(r.key());
                    if (v == null || r.value() == null) {
                        continue;
                    }
                    try {
                        JsonNode n = Json.mapper().readTree(r.value());
                        if (n.path("version").asInt() == v) {
                            verdicts.put(r.key(), n);
                        }
                    } catch (java.io.IOException e) {
                        // Not a status record of ours.
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new CliFailure(
                    "published, but cannot read the verdicts: "
                            + KafkaConnections.describe(e, settings));
        }
        int refused = 0;
        for (String id : published.keySet()) {
            JsonNode n = verdicts.get(id);
            if (n == null) {
                var m = Json.mapper().createObjectNode();
                m.put("rule_id", id);
                m.put("version", published.get(id));
                m.put("status", "unchanged_or_no_answer");
                System.out.println(m);
            } else {
                System.out.println(n);
                if ("refused".equals(n.path("status").asText())) {
                    refused++;
                }
            }
        }
        if (refused > 0) {
            throw new CliFailure(refused + " rule(s) refused by the running job");
        }
        return 0;
    }
}
