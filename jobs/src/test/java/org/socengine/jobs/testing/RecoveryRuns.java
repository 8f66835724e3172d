package org.socengine.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.socengine.local.LocalKafka;

/**
 * What the kill-and-restore tests share: a small MiniCluster, a job environment that restarts from
 * its last checkpoint after each injected failure ({@link KillSwitch}), topics that keep test data
 * with old timestamps, and the proof that each idempotency key reached its receiver exactly once.
 */
public final class RecoveryRuns {

    private RecoveryRuns() {}

    /** One TaskManager with two slots: enough for the jobs at parallelism 1 or 2. */
    public static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .build());
    }

    /**
     * An environment that checkpoints every 100 ms to {@code checkpoints} and restarts from the
     * last checkpoint after a failure, more often than any kill plan kills.
     */
    public static StreamExecutionEnvironment restartingFromCheckpoints(
            Path checkpoints, int parallelism) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(100);
        return env;
    }

    /**
     * Creates a topic whose records are never deleted for their age. Test data carries fixed event
     * times, written as the records' timestamps; once those are older than the broker's retention
     * (7 days), the broker's first retention check (30 s after it starts, then every 5 minutes)
     * deletes them all, and a job started or restored after it reads nothing.
     */
    public static void createTopicKeepingOldRecords(LocalKafka kafka, String topic, int partitions)
            throws IOException {
        kafka.createTopics(
                List.of(
                        new NewTopic(topic, partitions, (short) 1)
                                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))));
    }

    /**
     * The topic still starts at offset 0: no record aged out under the runs (a run that read
     * nothing would otherwise pass for a job that lost its input).
     */
    public static void assertNothingAgedOut(LocalKafka kafka, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            var partitions =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(10, TimeUnit.SECONDS)
                            .get(topic)
                            .partitions();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (var p : partitions) {
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
            }
            admin.listOffsets(earliest)
                    .all()
                    .get(10, TimeUnit.SECONDS)
                    .forEach(
                            (tp, info) ->
                                    assertThat(info.offset())
                                            .as("first offset of %s", tp)
                                            .isZero());
        }
    }

    /**
     * The receivers got every expected key and each exactly once.
     *
     * @param where what to show on a mismatch (where the job stood)
     */
    public static void assertEachKeyOnce(
            Collection<String> received, Collection<String> expected, String where) {
        Map<String, Long> perKey =
                received.stream()
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(perKey.keySet()).as(where).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(perKey).allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1L));
    }
}
