package org.socengine.jobs.internal;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Flink in local mode, as {@code ./soc run}, the embedded demo, the replays and the benchmarks run
 * it, and the state settings a job carries onto a cluster.
 */
public final class FlinkEnvironments {

    private static final String LOOPBACK = "127.0.0.1";

    private FlinkEnvironments() {}

    /**
     * @param checkpointDir filesystem checkpoint storage, or null for no checkpoints (bounded
     *     replays)
     */
    public static StreamExecutionEnvironment local(
            int parallelism, Path checkpointDir, Duration checkpointInterval) {
        Configuration conf = loopbackCluster(parallelism, 0);
        conf.set(StateBackendOptions.STATE_BACKEND, StateSettings.HASHMAP);
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

    /**
     * The local cluster of {@code ./soc run}: checkpoints every {@code checkpointInterval} into
     * {@code state}'s folder, kept when the job is cancelled; the REST endpoint on the loopback at
     * {@code restPort}, for {@code ./soc savepoint} and {@code ./soc stop}.
     *
     * @param resumeFrom a retained checkpoint or savepoint to start from, or null for empty state
     * @param claim whether the job takes the checkpoint over (deletes it once a newer one exists):
     *     yes for its own retained checkpoints, no for a savepoint, which is the operator's
     */
    public static StreamExecutionEnvironment local(
            int parallelism,
            Duration checkpointInterval,
            StateSettings state,
            String resumeFrom,
            boolean claim,
            int restPort) {
        Configuration conf = loopbackCluster(parallelism, restPort);
        if (StateSettings.ROCKSDB.equals(state.backend())) {
            // RocksDB's memory is Flink's managed memory, shared by the slots' state.
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
        }
        conf.addAll(stateConfiguration(state, checkpointInterval));
        if (resumeFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, resumeFrom);
            conf.set(
                    StateRecoveryOptions.RESTORE_MODE,
                    claim ? RecoveryClaimMode.CLAIM : RecoveryClaimMode.NO_CLAIM);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(checkpointInterval.toMillis());
        return env;
    }

    /**
     * What a job submitted to a cluster sets of its state: checkpoints kept on cancellation and the
     * interval always; backend, incremental checkpoints, folders and retention only where the
     * configuration names them, so that the cluster's own settings (flink-conf, the
     * FlinkDeployment) hold otherwise.
     */
    public static Configuration clusterConfiguration(
            org.socengine.connectors.config.SocConfig cfg, Duration checkpointInterval) {
        StateSettings state = StateSettings.from(cfg, Path.of("."));
        Configuration all = stateConfiguration(state, checkpointInterval);
        Configuration conf = new Configuration();
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        if (cfg.has("state.backend")) {
            conf.set(StateBackendOptions.STATE_BACKEND, all.get(StateBackendOptions.STATE_BACKEND));
        }
        if (cfg.has("state.incremental")) {
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, state.incremental());
        }
        if (cfg.has("state.checkpoints_dir")) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, state.checkpoints());
        }
        if (cfg.has("state.savepoints_dir")) {
            conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, state.savepoints());
        }
        if (cfg.has("state.retained_checkpoints")) {
            conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, state.retained());
        }
        return conf;
    }

    /**
     * The job's state settings, the same on a cluster as in local mode: backend, incremental
     * checkpoints, checkpoint and savepoint folders, how many checkpoints are kept, and that they
     * are kept when the job is cancelled (a stop for an upgrade must not lose the open windows).
     */
    public static Configuration stateConfiguration(StateSettings state, Duration interval) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, state.backend());
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, state.incremental());
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, state.checkpoints());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, state.savepoints());
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, state.retained());
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        return conf;
    }

    private static Configuration loopbackCluster(int parallelism, int restPort) {
        Configuration conf = new Configuration();
        // Every endpoint of the embedded cluster stays on the loopback: the REST API can cancel
        // jobs and the BLOB server takes uploads, and neither asks who is calling. Unset, the
        // BLOB server and the task manager's data server would listen on every interface.
        conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        conf.set(RestOptions.ADDRESS, LOOPBACK);
        conf.set(RestOptions.PORT, restPort);
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, Math.max(1, parallelism));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("64m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        // Checkpoint statistics into the engine's registry (docs/metrics.md); the launcher serves
        // it.
        conf.set(
                org.apache.flink.configuration.ConfigOptions.key(
                                "metrics.reporter.soc.factory.class")
                        .stringType()
                        .noDefaultValue(),
                SocMetricsReporterFactory.class.getName());
        return conf;
    }
}
