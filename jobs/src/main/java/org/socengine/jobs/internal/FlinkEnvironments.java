package org.socengine.jobs.internal;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Flink in local mode, as the embedded demo, the replays and the benchmarks run it. */
public final class FlinkEnvironments {

    private static final String LOOPBACK = "127.0.0.1";

    private FlinkEnvironments() {}

    /**
     * @param checkpointDir filesystem checkpoint storage, or null for no checkpoints (bounded
     *     replays)
     */
    public static StreamExecutionEnvironment local(
            int parallelism, Path checkpointDir, Duration checkpointInterval) {
        Configuration conf = new Configuration();
        // Every endpoint of the embedded cluster stays on the loopback: the REST API can cancel
        // jobs and the BLOB server takes uploads, and neither asks who is calling. Unset, the
        // BLOB server and the task manager's data server would listen on every interface.
        conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        conf.set(RestOptions.ADDRESS, LOOPBACK);
        conf.set(RestOptions.PORT, 0);
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, Math.max(1, parallelism));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("64m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        // Checkpoint statistics into the engine's registry (docs/metrics.md); the launcher serves
        // it.
        conf.set(
                org.apache.flink.configuration.ConfigOptions.key(
                                "metrics.reporter.soc.factory.class")
                        .stringType()
                        .noDefaultValue(),
                SocMetricsReporterFactory.class.getName());
        if (checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(parallelism);
        if (checkpointDir != null) {
            env.enableCheckpointing(checkpointInterval.toMillis());
        }
        return env;
    }
}
