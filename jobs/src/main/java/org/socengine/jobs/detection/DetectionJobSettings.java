package org.socengine.jobs.detection;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.rules.Durations;
import org.socengine.rules.RuleLimits;

/**
 * Everything the detection job runs with, read from one configuration ({@link SocConfig}: the
 * properties file, the environment, then command-line options under the same keys). {@code
 * DetectionJobMain} on a cluster and {@code ./soc run} both build it with {@link #from}, and both
 * accept the options of {@link #OPTIONS}, so a cluster deployment runs with the settings that were
 * tried locally.
 *
 * @param group Kafka consumer group of the raw topics
 * @param checkpointInterval how often the job checkpoints
 * @param rulesDirectory the rule folder, or null for the installation's
 * @param retentionMonths monthly alert indices older than this are dropped (0: keep all)
 * @param options the job's tuning
 * @param decoder the decode stage: decoder options, departments, assets, trust policy
 */
public record DetectionJobSettings(
        String group,
        Duration checkpointInterval,
        Path rulesDirectory,
        int retentionMonths,
        DetectionJobOptions options,
        RecordDecoder decoder) {

    /** Command-line option → configuration key, shared by {@code ./soc run} and the job's main. */
    public static final Map<String, String> OPTIONS;

    static {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("--group", "job.group");
        o.put("--parallelism", "job.parallelism");
        o.put("--checkpoint-interval", "job.checkpoint_interval");
        o.put("--rules", "rules.dir");
        o.put("--retention-months", "alerts.retention_months");
        o.put("--alert-budget", "job.alert_budget");
        o.put("--allowed-lateness", "job.allowed_lateness");
        o.put("--idle-timeout", "job.idle_timeout");
        o.put("--idle-advance", "job.idle_advance");
        o.put("--max-clock-skew", "job.max_clock_skew");
        o.put("--max-partition-drift", "job.max_partition_drift");
        o.put("--departments", "departments.file");
        o.put("--assets", "assets.file");
        o.put("--rule-max-groups", "rules.max_groups");
        o.put("--rule-max-rows", "rules.max_rows");
        o.put("--rule-cpu-ms-per-minute", "rules.cpu_ms_per_minute");
        OPTIONS = Collections.unmodifiableMap(o);
    }

    /** Prefix of {@code --time-zone SOURCE=ZONE}'s keys: {@code decode.time_zone.<source>}. */
    public static final String TIME_ZONE_PREFIX = "decode.time_zone.";

    public static final String DEFAULT_GROUP = "soc-detection";
    public static final int DEFAULT_PARALLELISM = 2;
    public static final int DEFAULT_ALERT_BUDGET = 200;

    /**
     * The event clock of quiet spells, on for a running job: without it, once every raw partition
     * had been idle for the idle timeout (a province at night, an outage of the data network), the
     * control streams' end-of-time watermark was the only one left, closed every open window, and
     * left every later event behind the watermark, evaluated late, until a restart. File replays
     * and tests that build their options in code keep 0: a bounded input ends with its own
     * end-of-time watermark.
     */
    public static final Duration DEFAULT_IDLE_ADVANCE = Duration.ofMinutes(10);

    /**
     * The configuration with command-line options laid over it: {@code given} maps an option of
     * {@link #OPTIONS} to its value (absent or null: not given), {@code timeZones} a source to its
     * zone.
     */
    public static SocConfig withOptions(
            SocConfig cfg, Map<String, String> given, Map<String, String> timeZones) {
        SocConfig c = cfg;
        for (Map.Entry<String, String> e : given.entrySet()) {
            String key = OPTIONS.get(e.getKey());
            if (key == null) {
                throw new IllegalArgumentException("unknown option " + e.getKey());
            }
            c = c.with(key, e.getValue());
        }
        for (Map.Entry<String, String> e : timeZones.entrySet()) {
            c = c.with(TIME_ZONE_PREFIX + e.getKey(), e.getValue());
        }
        return c;
    }

    /**
     * Reads the settings, checking every value.
     *
     * @throws IllegalArgumentException naming the key and what is wrong with its value
     * @throws IOException when a file the configuration names cannot be read
     */
    public static DetectionJobSettings from(SocConfig cfg) throws IOException {
        DetectionJobOptions defaults = DetectionJobOptions.defaults();
        int parallelism = positive(cfg, "job.parallelism", DEFAULT_PARALLELISM);
        DetectionJobOptions options =
                defaults.withParallelism(parallelism)
                        .withAlertBudgetPerHour(
                                positive(cfg, "job.alert_budget", DEFAULT_ALERT_BUDGET))
                        .withAllowedLateness(
                                duration(cfg, "job.allowed_lateness", defaults.allowedLateness()))
                        .withIdleness(duration(cfg, "job.idle_timeout", defaults.idleness()))
                        .withIdleAdvance(duration(cfg, "job.idle_advance", DEFAULT_IDLE_ADVANCE))
                        .withFollowLivePartitions(
                                flag(
                                        cfg,
                                        "job.follow_live_partitions",
                                        defaults.followLivePartitions()))
                        .withMaxClockSkew(
                                duration(cfg, "job.max_clock_skew", defaults.maxClockSkew()))
                        .withMaxPartitionDrift(
                                duration(
                                        cfg,
                                        "job.max_partition_drift",
                                        defaults.maxPartitionDrift()));
        options =
                options.withRuleLimits(
                        new RuleLimits(
                                positive(cfg, "rules.max_groups", RuleLimits.DEFAULTS.maxGroups()),
                                positive(cfg, "rules.max_rows", RuleLimits.DEFAULTS.maxRows()),
                                positive(
                                        cfg,
                                        "rules.cpu_ms_per_minute",
                                        RuleLimits.DEFAULTS.cpuMsPerMinute())));
        // Where the cluster's own setting holds, the detector reads it from Flink's configuration.
        options = options.withRetainedCheckpoints(positive(cfg, "state.retained_checkpoints", 1));
        Duration checkpoints = duration(cfg, "job.checkpoint_interval", Duration.ofSeconds(10));
        if (checkpoints.isZero()) {
            throw new IllegalArgumentException("job.checkpoint_interval: must be positive");
        }
        int retention = integer(cfg, "alerts.retention_months", 0);
        if (retention < 0) {
            throw new IllegalArgumentException("alerts.retention_months: must be 0 or more");
        }
        return new DetectionJobSettings(
                cfg.has("job.group") ? cfg.get("job.group") : DEFAULT_GROUP,
                checkpoints,
                cfg.has("rules.dir") ? Path.of(cfg.get("rules.dir")) : null,
                retention,
                options,
                cfg.recordDecoder());
    }

    /** What runs, without the decoder's internals: for logs and for comparing two deployments. */
    public String describe() {
        return "group="
                + group
                + " checkpointInterval="
                + checkpointInterval
                + " rules="
                + rulesDirectory
                + " retentionMonths="
                + retentionMonths
                + " "
                + options
                + " decoder="
                + decoder.describe();
    }

    /** A key as the user may have given it: {@code --max-clock-skew / job.max_clock_skew}. */
    private static String named(String key) {
        for (Map.Entry<String, String> e : OPTIONS.entrySet()) {
            if (e.getValue().equals(key)) {
                return e.getKey() + " / " + key;
            }
        }
        return key;
    }

    /** A boolean key; {@code config check} has already refused anything but true and false. */
    private static boolean flag(SocConfig cfg, String key, boolean fallback) {
        return cfg.has(key) ? Boolean.parseBoolean(cfg.get(key).trim()) : fallback;
    }

    private static Duration duration(SocConfig cfg, String key, Duration fallback) {
        if (!cfg.has(key)) {
            return fallback;
        }
        String text = cfg.get(key).trim();
        if ("0".equals(text)) {
            return Duration.ZERO;
        }
        try {
            Duration d = Durations.parse(text);
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    named(key) + ": not a duration: '" + text + "' (e.g. 5s, 200ms, 1h)");
        }
    }

    private static int integer(SocConfig cfg, String key, int fallback) {
        return cfg.integer(key, named(key), fallback);
    }

    private static int positive(SocConfig cfg, String key, int fallback) {
        return cfg.positive(key, named(key), fallback);
    }
}
