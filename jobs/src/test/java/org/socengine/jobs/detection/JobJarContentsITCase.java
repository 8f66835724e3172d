package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The job jar that a Flink cluster runs holds the jobs and what they need, and nothing of the
 * command line, the simulator, the benchmark harness or the local Kafka and Elasticsearch launchers
 * (module {@code local}, a test dependency of the jobs) and the Kafka broker they start, nor
 * Flink's own classes, which the cluster provides. Runs after {@code package}, on the jar the build
 * just made.
 */
class JobJarContentsITCase {

    private static final List<String> FORBIDDEN =
            List.of(
                    "org/socengine/cli/",
                    "org/socengine/sim/",
                    "org/socengine/bench/",
                    "org/socengine/local/",
                    "picocli/",
                    "org/openjdk/jmh/",
                    // Flink's own classes are the cluster's: a second copy in the job jar would be
                    // shadowed at best and clash at worst.
                    "org/apache/flink/runtime/",
                    "org/apache/flink/streaming/api/environment/",
                    "org/apache/flink/api/common/ExecutionConfig",
                    "org/apache/flink/client/",
                    "org/apache/logging/log4j/core/");

    @Test
    void theJobJarHoldsTheJobAndNoToolOfTheCommandLine() throws Exception {
        Path jar = Path.of("target", "soc-jobs.jar");
        assertThat(jar).exists();
        try (JarFile j = new JarFile(jar.toFile())) {
            List<String> names = j.stream().map(e -> e.getName()).toList();
            assertThat(names)
                    .contains(
                            "org/socengine/jobs/detection/DetectionJobMain.class",
                            "org/socengine/jobs/escalation/EscalationJobMain.class",
                            // Connectors are not part of a Flink distribution: the job brings them.
                            "org/apache/flink/connector/kafka/source/KafkaSource.class",
                            "org/socengine/connectors/decode/RecordDecoder.class",
                            "org/socengine/rules/engine/DetectionEngine.class")
                    .noneMatch(n -> FORBIDDEN.stream().anyMatch(n::startsWith))
                    // The broker's own classes (Scala package kafka; the client's version file
                    // lives there too): the job is a Kafka client, never a broker.
                    .noneMatch(n -> n.startsWith("kafka/") && n.endsWith(".class"));
            assertThat(j.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(DetectionJobMain.class.getName());
        }
        assertThat(Files.size(jar)).isPositive();
    }
}
