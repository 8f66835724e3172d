package org.socengine.jobs.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.decode.DecoderOptions;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.jobs.detection.DetectionJobOptions;
import org.socengine.jobs.detection.SocPipelines;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the detection job against your own Kafka and Elasticsearch.",
            "",
            "Runs the detection job against your own Kafka and Elasticsearch (Flink local mode in this",
            "process; submit jobs/target/soc.jar with main class org.socengine.jobs.detection.DetectionJobMain",
            "to a Flink cluster instead). Connections come from --config, then SOC_* variables."
        })
public final class RunCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            description =
                    "Properties file: connections (docs/alerts.md, 'Secure connections') and the"
                            + " department trust policy of raw topics (docs/sources.md).")
    Path config;

    @Option(
            names = "--rules",
            description = "Rules folder. Default: rules/detections of the installation.")
    Path rules;

    @Option(
            names = "--group",
            defaultValue = "soc-detection",
            description = "Kafka consumer group. Default: ${DEFAULT-VALUE}.")
    String group;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Flink parallelism. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--checkpoints",
            description =
                    "Checkpoint folder (filesystem storage). Default: $SOC_WORK_DIR/checkpoints.")
    Path checkpoints;

    @Option(
            names = "--retention-months",
            defaultValue = "0",
            description = "Drop monthly alert indices older than this (0: keep all).")
    int retentionMonths;

    @Option(
            names = "--alert-budget",
            defaultValue = "200",
            description =
                    "Alerts one rule may raise per department and hour. Default: ${DEFAULT-VALUE}.")
    int alertBudget;

    @Option(
            names = "--watch-rules",
            description =
                    "Publish changes of the rules folder to soc.rules while running (hot reload).")
    boolean watchRules;

    @Option(
            names = "--metrics-port",
            defaultValue = "9464",
            description =
                    "Prometheus scrape endpoint /metrics on this port (0: off). Default: ${DEFAULT-VALUE}.")
    int metricsPort;

    @Option(
            names = "--metrics-bind",
            paramLabel = "ADDRESS",
            defaultValue = org.socengine.jobs.internal.SocMetrics.DEFAULT_BIND,
            description =
                    "Address the metrics endpoint listens on; another than the loopback exposes"
                            + " it to the network (read-only, no authentication). Default:"
                            + " ${DEFAULT-VALUE}.")
    String metricsBind;

    @Option(
            names = "--check",
            description =
                    "Check the rules and the connections to Kafka and Elasticsearch, print what"
                            + " would run, and exit without running the job.")
    boolean check;

    @Option(
            names = "--time-zone",
            paramLabel = "SOURCE=ZONE",
            description =
                    "Zone of a source's timestamps that carry none, e.g. syslog=Asia/Ho_Chi_Minh (repeatable).")
    java.util.Map<String, String> timeZones = new java.util.HashMap<>();

    @Option(
            names = "--allowed-lateness",
            defaultValue = "5s",
            description =
                    "How far behind a partition's newest event an event may arrive and still be"
                            + " evaluated in order. Default: ${DEFAULT-VALUE}.")
    String allowedLateness;

    @Option(
            names = "--idle-timeout",
            defaultValue = "30s",
            description =
                    "After how long a Kafka partition without events, or with a wrong clock, stops"
                            + " holding event time back. Default: ${DEFAULT-VALUE}.")
    String idleTimeout;

    @Option(
            names = "--max-clock-skew",
            defaultValue = "1h",
            description =
                    "How far an event's time may be from its Kafka timestamp before its partition"
                            + " counts as having a wrong clock (0: never). Default: ${DEFAULT-VALUE}.")
    String maxClockSkew;

    @Option(
            names = "--max-partition-drift",
            defaultValue = "1m",
            description =
                    "How far ahead in Kafka time one partition may be read of the others before"
                            + " it waits (0: never). Default: ${DEFAULT-VALUE}.")
    String maxPartitionDrift;

    @Option(
            names = "--departments",
            paramLabel = "FILE",
            description = "Department directory file (id<TAB>name<TAB>cidrs).")
    Path departmentsFile;

    @Option(
            names = "--assets",
            paramLabel = "FILE",
            description = "Asset inventory CSV (match,department,asset,owner,criticality).")
    Path assetsFile;

    private RecordDecoder recordDecoder(SocConfig cfg) throws java.io.IOException {
        DepartmentDirectory dirs;
        try {
            dirs =
                    departmentsFile == null
                            ? cfg.departments()
                            : DepartmentDirectory.load(departmentsFile);
        } catch (java.io.IOException e) {
            throw new CliFailure("department directory: " + e.getMessage());
        }
        org.socengine.connectors.enrich.DepartmentTrustPolicy trust;
        try {
            trust = cfg.departmentTrust(dirs);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
        java.util.Map<String, DecoderOptions> perSource = new java.util.HashMap<>();
        timeZones.forEach(
                (source, zone) -> {
                    try {
                        java.time.ZoneId.of(zone);
                    } catch (java.time.DateTimeException e) {
                        throw new CliFailure(
                                "unknown time zone '" + zone + "' for source " + source);
                    }
                    perSource.put(source, DecoderOptions.defaults().withTimeZone(zone));
                });
        org.socengine.connectors.enrich.AssetInventory assets = null;
        if (assetsFile != null) {
            try {
                assets = org.socengine.connectors.enrich.AssetInventory.load(assetsFile, dirs);
            } catch (org.socengine.connectors.enrich.AssetInventory.InvalidInventoryException e) {
                throw new CliFailure("invalid asset inventory: " + String.join("; ", e.problems()));
            }
        }
        return new RecordDecoder(DecoderOptions.defaults(), perSource, dirs, trust, assets);
    }

    private static Duration duration(String option, String text) {
        if ("0".equals(text.trim())) {
            return Duration.ZERO;
        }
        try {
            return org.socengine.rules.Durations.parse(text);
        } catch (RuntimeException e) {
            throw new CliFailure(option + ": not a duration: '" + text + "' (e.g. 5s, 200ms, 1h)");
        }
    }

    @Override
    public Integer call() throws Exception {
        Duration lateness = duration("--allowed-lateness", allowedLateness);
        Duration idle = duration("--idle-timeout", idleTimeout);
        Duration skew = duration("--max-clock-skew", maxClockSkew);
        Duration drift = duration("--max-partition-drift", maxPartitionDrift);
        SocConfig cfg;
        org.socengine.connectors.kafka.KafkaSettings kafka;
        org.socengine.connectors.elasticsearch.ElasticsearchSettings es;
        try {
            cfg = SocConfig.load(config);
            cfg.warnings().forEach(w -> System.err.println("soc: warning: " + w));
            if (!cfg.hasKafka()) {
                throw new CliFailure(
                        "no Kafka configured: set SOC_KAFKA or kafka.bootstrap in --config");
            }
            kafka = cfg.kafka();
            es = cfg.elasticsearch();
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new CliFailure("cannot read the configuration: " + e.getMessage());
        }
        checkKafka(kafka);
        RecordDecoder decoder = recordDecoder(cfg);
        List<CompiledRule> compiled;
        try {
            compiled = RuleSets.compileAll(rules != null ? rules : RuleSets.defaultDirectory());
        } catch (RuleValidationException e) {
            e.problems().forEach(p -> System.err.println(p));
            throw new CliFailure(e.problems().size() + " rule problem(s); fix them first");
        }
        if (check) {
            checkElasticsearch(es);
            System.err.println(
                    "soc run --check: "
                            + compiled.size()
                            + " rules; "
                            + kafka
                            + "; "
                            + es
                            + "; connections ok");
            return 0;
        }
        Path cp =
                checkpoints != null
                        ? checkpoints
                        : org.socengine.connectors.local.WorkDirs.defaultWorkDir()
                                .resolve("checkpoints");
        StreamExecutionEnvironment env =
                FlinkEnvironments.local(parallelism, cp, Duration.ofSeconds(10));
        SocPipelines.detection(
                env,
                kafka,
                es,
                List.of(),
                group,
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
                decoder,
                compiled,
                DetectionJobOptions.defaults()
                        .withParallelism(parallelism)
                        .withAlertBudgetPerHour(alertBudget)
                        .withAllowedLateness(lateness)
                        .withIdleness(idle)
                        .withMaxClockSkew(skew)
                        .withMaxPartitionDrift(drift),
                retentionMonths);
        System.err.println("soc run: " + compiled.size() + " rules; " + kafka + ", " + es);
        Path rulesDir = rules != null ? rules : RuleSets.defaultDirectory();
        com.sun.net.httpserver.HttpServer metrics = null;
        if (metricsPort > 0) {
            metrics = org.socengine.jobs.internal.SocMetrics.serve(metricsBind, metricsPort);
            System.err.println(
                    "soc run: metrics at http://"
                            + hostForUrl(metrics.getAddress())
                            + "/metrics"
                            + (metrics.getAddress().getAddress().isLoopbackAddress()
                                    ? ""
                                    : " (reachable from the network)"));
        }
        try (var watcher =
                watchRules
                        ? org.socengine.jobs.internal.RuleDirectoryWatcher.start(
                                rulesDir, kafka, 5_000)
                        : null) {
            env.execute("soc-detection");
        } finally {
            if (metrics != null) {
                metrics.stop(0);
            }
        }
        return 0;
    }

    private static String hostForUrl(java.net.InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /**
     * Refuses to start on a Kafka that rejects the credentials or whose certificate is not trusted
     * (Flink would restart the job forever); a Kafka that does not answer yet is waited for by the
     * job itself.
     */
    private void checkKafka(org.socengine.connectors.kafka.KafkaSettings kafka) {
        try {
            org.socengine.connectors.kafka.KafkaConnections.check(kafka, Duration.ofSeconds(15));
        } catch (java.io.IOException e) {
            if (check
                    || org.socengine.connectors.kafka.KafkaConnections.isConfigurationError(
                            e.getCause())) {
                throw new CliFailure(e.getMessage());
            }
            System.err.println("soc: warning: " + e.getMessage() + "; starting anyway");
        }
    }

    private static void checkElasticsearch(
            org.socengine.connectors.elasticsearch.ElasticsearchSettings es) {
        try (var client = org.socengine.connectors.elasticsearch.ElasticsearchClients.create(es)) {
            // Needs only the engine role's cluster privilege 'monitor'.
            client.cluster().health();
        } catch (Exception e) {
            throw new CliFailure(
                    org.socengine.connectors.elasticsearch.ElasticsearchClients.describe(e, es));
        }
    }
}
