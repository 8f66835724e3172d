package org.socengine.jobs.detection;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.socengine.connectors.config.SocConfig;
import org.socengine.jobs.internal.RuleSets;

/**
 * Entry point for a Flink cluster: {@code flink run -c
 * org.socengine.jobs.detection.DetectionJobMain soc.jar --config soc.yml --rules /etc/soc/rules}.
 * Takes the options of {@code ./soc run} ({@link DetectionJobSettings#OPTIONS}, {@code --time-zone
 * SOURCE=ZONE}) over the same configuration file, so a cluster runs with the settings tried
 * locally. Only wires: rules are compiled here on the client and shipped with the job graph.
 */
public final class DetectionJobMain {

    private DetectionJobMain() {}

    public static void main(String[] args) throws Exception {
        DetectionJobSettings settings = settings(args, System.getenv());
        SocConfig cfg = config(args, System.getenv());
        // Checkpoints are kept when the job is cancelled, so that a restart resumes its windows.
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        org.socengine.jobs.internal.FlinkEnvironments.clusterConfiguration(
                                cfg, settings.checkpointInterval()));
        env.enableCheckpointing(settings.checkpointInterval().toMillis());
        SocPipelines.detection(
                env,
                cfg.kafka(),
                cfg.elasticsearch(),
                cfg.list("job.raw_topics"),
                settings.group(),
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
                settings.decoder(),
                RuleSets.compileAll(
                        settings.rulesDirectory() != null
                                ? settings.rulesDirectory()
                                : RuleSets.defaultDirectory()),
                settings.options(),
                settings.retentionMonths());
        env.execute("soc-detection");
    }

    /** The settings that {@code args} and the environment give, as {@code ./soc run} reads them. */
    public static DetectionJobSettings settings(String[] args, Map<String, String> env)
            throws Exception {
        return DetectionJobSettings.from(config(args, env));
    }

    public static SocConfig config(String[] args, Map<String, String> env) throws Exception {
        Path file = null;
        Map<String, String> given = new LinkedHashMap<>();
        Map<String, String> timeZones = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            String value;
            int eq = name.indexOf('=');
            if (name.startsWith("--") && eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + ": missing value");
            }
            if (name.equals("--config")) {
                file = Path.of(value);
            } else if (name.equals("--time-zone")) {
                int at = value.indexOf('=');
                if (at <= 0) {
                    throw new IllegalArgumentException(
                            "--time-zone: SOURCE=ZONE expected, not '" + value + "'");
                }
                timeZones.put(value.substring(0, at), value.substring(at + 1));
            } else if (DetectionJobSettings.OPTIONS.containsKey(name)) {
                given.put(name, value);
            } else {
                throw new IllegalArgumentException(
                        "unknown option "
                                + name
                                + " (known: --config, --time-zone, "
                                + String.join(", ", DetectionJobSettings.OPTIONS.keySet())
                                + ")");
            }
        }
        return DetectionJobSettings.withOptions(SocConfig.load(file, env), given, timeZones);
    }
}
