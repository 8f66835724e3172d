package org.socengine.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.socengine.connectors.config.SocConfig;
import org.socengine.jobs.detection.DetectionJobSettings;
import org.socengine.jobs.detection.SocPipelines;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.jobs.internal.RetainedCheckpoints;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.jobs.internal.StateSettings;
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
            "to a Flink cluster instead). Settings come from --config (soc.yml, docs/configuration.md),",
            "then SOC_* variables, then these options.",
            "",
            "State survives restarts: checkpoints are kept in state.checkpoints_dir when the job stops,",
            "and the next run resumes from the newest retained checkpoint or savepoint (--fresh: start",
            "empty; --from-savepoint PATH: start from that one). ./soc savepoint and ./soc stop reach",
            "the running job through run.control_file."
        })
public final class RunCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            description =
                    "Configuration file: soc.yml (docs/configuration.md; ./soc config check FILE),"
                            + " or an older .properties file.")
    Path config;

    @Option(
            names = "--fresh",
            description =
                    "Start with empty state instead of resuming from the newest retained checkpoint"
                            + " (reading resumes at the consumer group's committed offsets).")
    boolean fresh;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description = "Start from this savepoint (or retained checkpoint) folder.")
    String fromSavepoint;

    @Option(
            names = "--allow-non-restored-state",
            description =
                    "Resume even if the saved state holds operators this version no longer has"
                            + " (an upgrade that removed one).")
    boolean allowNonRestoredState;

    @Option(
            names = "--rules",
            description = "Rules folder. Default: rules/detections of the installation.")
    Path rules;

    @Option(
            names = "--group",
            description = "Kafka consumer group (job.group). Default: soc-detection.")
    String group;

    @Option(
            names = "--parallelism",
            description = "Flink parallelism (job.parallelism). Default: 2.")
    String parallelism;

    @Option(
            names = "--checkpoints",
            description =
                    "Checkpoint folder (state.checkpoints_dir). Default: $SOC_WORK_DIR/checkpoints.")
    Path checkpoints;

    @Option(
            names = "--checkpoint-interval",
            description = "How often the job checkpoints (job.checkpoint_interval). Default: 10s.")
    String checkpointInterval;

    @Option(
            names = "--retention-months",
            description = "Drop monthly alert indices older than this (0: keep all).")
    String retentionMonths;

    @Option(
            names = "--alert-budget",
            description =
                    "Alerts one rule may raise per department and hour (job.alert_budget). Default: 200.")
    String alertBudget;

    @Option(
            names = "--watch-rules",
            description =
                    "Publish changes of the rules folder to soc.rules while running (hot reload).")
    boolean watchRules;

    @Option(
            names = "--metrics-port",
            description =
                    "Prometheus scrape endpoint /metrics on this port (metrics.port; 0: off)."
                            + " Default: 9464.")
    Integer metricsPort;

    @Option(
            names = "--metrics-bind",
            paramLabel = "ADDRESS",
            description =
                    "Address the metrics endpoint listens on (metrics.bind); another than the"
                            + " loopback exposes it to the network (read-only, no authentication)."
                            + " Default: "
                            + org.socengine.jobs.internal.SocMetrics.DEFAULT_BIND
                            + ".")
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
            description =
                    "How far behind a partition's newest event an event may arrive and still be"
                            + " evaluated in order (job.allowed_lateness). Default: 5s.")
    String allowedLateness;

    @Option(
            names = "--idle-timeout",
            description =
                    "After how long a Kafka partition without events, or with a wrong clock, stops"
                            + " holding event time back (job.idle_timeout). Default: 30s.")
    String idleTimeout;

    @Option(
            names = "--idle-advance",
            paramLabel = "DURATION",
            description =
                    "While every input is idle, event time follows the wall clock from where it"
                            + " stood, at most this far per quiet spell (job.idle_advance; 0: off,"
                            + " and a spell closes every open window instead). Default: 10m.")
    String idleAdvance;

    @Option(
            names = "--max-clock-skew",
            description =
                    "How far an event's time may be from its Kafka timestamp before its partition"
                            + " counts as having a wrong clock; an event stamped further after its"
                            + " record takes the record's time, soc.device_time keeping the"
                            + " device's (job.max_clock_skew; 0: never). Default: 1h.")
    String maxClockSkew;

    @Option(
            names = "--max-partition-drift",
            description =
                    "How far ahead in Kafka time one partition may be read of the others before"
                            + " it waits (job.max_partition_drift; 0: never). Default: 1m.")
    String maxPartitionDrift;

    @Option(
            names = "--departments",
            paramLabel = "FILE",
            description = "Department directory file (id<TAB>name<TAB>cidrs).")
    Path departmentsFile;

    @Option(
            names = "--rule-max-groups",
            description =
                    "Groups a rule may hold over all departments before it is quarantined"
                            + " (rules.max_groups; a rule's limits: block wins). Default: 50000.")
    String ruleMaxGroups;

    @Option(
            names = "--rule-max-rows",
            description =
                    "Rows a rule's named windows and tables may hold (rules.max_rows). Default:"
                            + " 100000.")
    String ruleMaxRows;

    @Option(
            names = "--rule-cpu-ms-per-minute",
            description =
                    "CPU a rule may use per minute of event time (rules.cpu_ms_per_minute)."
                            + " Default: 2000.")
    String ruleCpuMsPerMinute;

    @Option(
            names = "--assets",
            paramLabel = "FILE",
            description = "Asset inventory CSV (match,department,asset,owner,criticality).")
    Path assetsFile;

    /** The options given on the command line, by {@link DetectionJobSettings#OPTIONS} name. */
    Map<String, String> given() {
        Map<String, String> g = new LinkedHashMap<>();
        g.put("--group", group);
        g.put("--parallelism", parallelism);
        g.put("--checkpoint-interval", checkpointInterval);
        g.put("--rules", rules == null ? null : rules.toString());
        g.put("--retention-months", retentionMonths);
        g.put("--alert-budget", alertBudget);
        g.put("--allowed-lateness", allowedLateness);
        g.put("--idle-timeout", idleTimeout);
        g.put("--idle-advance", idleAdvance);
        g.put("--max-clock-skew", maxClockSkew);
        g.put("--max-partition-drift", maxPartitionDrift);
        g.put("--departments", departmentsFile == null ? null : departmentsFile.toString());
        g.put("--assets", assetsFile == null ? null : assetsFile.toString());
        g.put("--rule-max-groups", ruleMaxGroups);
        g.put("--rule-max-rows", ruleMaxRows);
        g.put("--rule-cpu-ms-per-minute", ruleCpuMsPerMinute);
        return g;
    }

    /** The configuration file and environment with this command's options laid over them. */
    SocConfig config(Map<String, String> env) throws java.io.IOException {
        SocConfig c =
                DetectionJobSettings.withOptions(SocConfig.load(config, env), given(), timeZones)
                        .with(
                                "state.checkpoints_dir",
                                checkpoints == null ? null : checkpoints.toString());
        c =
                c.with("metrics.port", metricsPort == null ? null : metricsPort.toString())
                        .with("metrics.bind", metricsBind);
        return watchRules ? c.with("run.watch_rules", "true") : c;
    }

    @Override
    public Integer call() throws Exception {
        SocConfig cfg;
        org.socengine.connectors.kafka.KafkaSettings kafka;
        org.socengine.connectors.elasticsearch.ElasticsearchSettings es;
        DetectionJobSettings settings;
        try {
            cfg = config(System.getenv());
            cfg.warnings().forEach(w -> System.err.println("soc: warning: " + w));
            settings = DetectionJobSettings.from(cfg);
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
        Path rulesDir =
                settings.rulesDirectory() != null
                        ? settings.rulesDirectory()
                        : RuleSets.defaultDirectory();
        List<CompiledRule> compiled;
        try {
            compiled = RuleSets.compileAll(rulesDir);
        } catch (RuleValidationException e) {
            e.problems().forEach(p -> System.err.println(p));
            throw new CliFailure(e.problems().size() + " rule problem(s); fix them first");
        }
        if (check) {
            checkElasticsearch(es);
            // The settings first: the last line is the verdict that scripts read.
            System.err.println("soc run --check: " + settings.describe());
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
        Path workDir = org.socengine.local.WorkDirs.defaultWorkDir();
        StateSettings state;
        try {
            state = StateSettings.from(cfg, workDir);
        } catch (IllegalArgumentException e) {
            throw new CliFailure("cannot read the configuration: " + e.getMessage());
        }
        Path controlFile =
                cfg.has("run.control_file")
                        ? Path.of(cfg.get("run.control_file"))
                        : workDir.resolve("soc-run.json");
        refuseSecondRun(controlFile);
        String resumeFrom = null;
        boolean claim = false;
        if (fromSavepoint != null) {
            resumeFrom = StateSettings.uri(fromSavepoint);
            System.err.println("soc run: starting from " + resumeFrom);
        } else if (fresh) {
            System.err.println("soc run: starting with empty state (--fresh)");
        } else {
            var latest = RetainedCheckpoints.latest(state);
            if (latest.isPresent()) {
                resumeFrom = latest.get().path();
                // The job owns its own checkpoints and deletes them once newer ones exist; a
                // savepoint is the operator's and stays.
                claim = !latest.get().savepoint();
                System.err.println(
                        "soc run: resuming from "
                                + (latest.get().savepoint() ? "savepoint " : "checkpoint ")
                                + resumeFrom
                                + " (--fresh to start empty)");
            } else {
                System.err.println(
                        "soc run: no retained checkpoint in "
                                + state.checkpoints()
                                + ": starting with empty state");
            }
        }
        long freed = RetainedCheckpoints.removeAbandonedTaskOwnedFiles(state.checkpoints());
        if (freed > 0) {
            System.err.printf(
                    "soc run: removed %.1f MiB of replay-horizon files of earlier runs without a"
                            + " checkpoint left%n",
                    freed / (1024.0 * 1024.0));
        }
        int restPort =
                cfg.has("run.rest_port") ? Integer.parseInt(cfg.get("run.rest_port").trim()) : 0;
        if (restPort == 0) {
            restPort = freeLoopbackPort();
        }
        StreamExecutionEnvironment env =
                FlinkEnvironments.local(
                        settings.options().parallelism(),
                        settings.checkpointInterval(),
                        state,
                        resumeFrom,
                        claim,
                        restPort);
        if (allowNonRestoredState) {
            env.configure(
                    new org.apache.flink.configuration.Configuration()
                            .set(
                                    org.apache.flink.configuration.StateRecoveryOptions
                                            .SAVEPOINT_IGNORE_UNCLAIMED_STATE,
                                    true));
        }
        SocPipelines.detection(
                env,
                kafka,
                es,
                cfg.list("job.raw_topics"),
                settings.group(),
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
                settings.decoder(),
                compiled,
                settings.options(),
                settings.retentionMonths());
        System.err.println(
                "soc run: " + compiled.size() + " rules; " + kafka + ", " + es + "; " + state);
        com.sun.net.httpserver.HttpServer metrics = null;
        int port = cfg.integer("metrics.port", "--metrics-port / metrics.port", 9464);
        if (port > 0) {
            metrics =
                    org.socengine.jobs.internal.SocMetrics.serve(
                            cfg.has("metrics.bind")
                                    ? cfg.get("metrics.bind").trim()
                                    : org.socengine.jobs.internal.SocMetrics.DEFAULT_BIND,
                            port);
            System.err.println(
                    "soc run: metrics at http://"
                            + hostForUrl(metrics.getAddress())
                            + "/metrics"
                            + (metrics.getAddress().getAddress().isLoopbackAddress()
                                    ? ""
                                    : " (reachable from the network)"));
        }
        // Retention is this command's, not the sink's: it drops whole monthly indices past the
        // retention at start and daily (where the cluster has ILM, the policy does it too).
        java.util.concurrent.ScheduledExecutorService retention = null;
        if (settings.retentionMonths() > 0) {
            retention = retention(es, settings.retentionMonths());
        }
        boolean watch =
                cfg.has("run.watch_rules")
                        && Boolean.parseBoolean(cfg.get("run.watch_rules").trim());
        try (var watcher =
                watch
                        ? org.socengine.cli.rules.RuleDirectoryWatcher.start(rulesDir, kafka, 5_000)
                        : null) {
            JobClient job = env.executeAsync("soc-detection");
            new RunControl(
                            ProcessHandle.current().pid(),
                            "http://127.0.0.1:" + restPort,
                            job.getJobID().toString(),
                            state.checkpoints(),
                            state.savepoints())
                    .write(controlFile);
            System.err.println(
                    "soc run: job "
                            + job.getJobID()
                            + "; ./soc savepoint and ./soc stop reach it through "
                            + controlFile);
            try {
                job.getJobExecutionResult().get();
                System.err.println("soc run: job stopped");
            } catch (java.util.concurrent.ExecutionException e) {
                if (org.apache.flink.util.ExceptionUtils.findThrowable(
                                e, org.apache.flink.runtime.client.JobCancellationException.class)
                        .isEmpty()) {
                    throw e;
                }
                System.err.println(
                        "soc run: job cancelled; its checkpoints are kept in "
                                + state.checkpoints()
                                + " and the next ./soc run resumes from the newest");
            }
        } finally {
            java.nio.file.Files.deleteIfExists(controlFile);
            if (metrics != null) {
                metrics.stop(0);
            }
            if (retention != null) {
                retention.shutdownNow();
            }
        }
        return 0;
    }

    private static java.util.concurrent.ScheduledExecutorService retention(
            org.socengine.connectors.elasticsearch.ElasticsearchSettings es, int months) {
        java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "soc-alert-retention");
                            t.setDaemon(true);
                            return t;
                        });
        timer.scheduleWithFixedDelay(
                () -> {
                    try (var client =
                            org.socengine.connectors.elasticsearch.ElasticsearchClients.create(
                                    es)) {
                        var o =
                                new org.socengine.connectors.elasticsearch.AlertRetention(client)
                                        .apply(
                                                months,
                                                java.time.YearMonth.now(java.time.ZoneOffset.UTC),
                                                false);
                        if (!o.dropped().isEmpty()) {
                            System.err.println("soc run: retention dropped " + o.dropped());
                        }
                    } catch (Exception e) {
                        System.err.println(
                                "soc: warning: alert retention failed, next try in a day: "
                                        + e.getMessage());
                    }
                },
                0,
                1,
                java.util.concurrent.TimeUnit.DAYS);
        return timer;
    }

    /** A second run would share the checkpoint folder and the control file: refused. */
    private static void refuseSecondRun(Path controlFile) {
        if (!java.nio.file.Files.exists(controlFile)) {
            return;
        }
        RunControl other = RunControl.read(controlFile);
        if (other.pid() != ProcessHandle.current().pid() && other.alive()) {
            throw new CliFailure(
                    "another ./soc run (pid "
                            + other.pid()
                            + ") uses "
                            + controlFile
                            + "; stop it first (./soc stop) or set run.control_file");
        }
    }

    private static int freeLoopbackPort() throws java.io.IOException {
        try (java.net.ServerSocket s =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
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
