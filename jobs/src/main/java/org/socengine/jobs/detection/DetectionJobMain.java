package org.socengine.jobs.detection;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.decode.DecoderOptions;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.rules.RuleLimits;

/**
 * Entry point for a Flink cluster: {@code flink run -c
 * org.socengine.jobs.detection.DetectionJobMain soc.jar --config soc.properties --rules
 * /etc/soc/rules}. Only wires: connections from the configuration, rules compiled here on the
 * client and shipped with the job graph.
 */
public final class DetectionJobMain {

    private DetectionJobMain() {}

    public static void main(String[] args) throws Exception {
        ParameterTool params = ParameterTool.fromArgs(args);
        SocConfig cfg = SocConfig.load(params.has("config") ? Path.of(params.get("config")) : null);
        String group = params.get("group", "soc-detection");
        int parallelism = params.getInt("parallelism", 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(params.getLong("checkpoint-interval-ms", 10_000));
        SocPipelines.detection(
                env,
                cfg.kafka(),
                cfg.elasticsearch(),
                List.of(),
                group,
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
                recordDecoder(cfg),
                RuleSets.compileAll(
                        Path.of(params.get("rules", RuleSets.defaultDirectory().toString()))),
                DetectionJobOptions.defaults()
                        .withParallelism(parallelism)
                        .withAlertBudgetPerHour(params.getInt("alert-budget", 200))
                        .withRuleLimits(
                                new RuleLimits(
                                        params.getInt(
                                                "rule-max-groups", RuleLimits.DEFAULTS.maxGroups()),
                                        params.getInt(
                                                "rule-max-rows", RuleLimits.DEFAULTS.maxRows()),
                                        params.getInt(
                                                "rule-cpu-ms-per-minute",
                                                RuleLimits.DEFAULTS.cpuMsPerMinute()))),
                params.getInt("retention-months", 0));
        env.execute("soc-detection");
    }

    private static RecordDecoder recordDecoder(SocConfig cfg) throws java.io.IOException {
        DepartmentDirectory departments = cfg.departments();
        return new RecordDecoder(
                DecoderOptions.defaults(),
                java.util.Map.of(),
                departments,
                cfg.departmentTrust(departments),
                null);
    }
}
