package org.socengine.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.elasticsearch.sink.AlertIndexer;
import org.socengine.connectors.intel.FeedLoad;
import org.socengine.connectors.intel.Indicator;
import org.socengine.connectors.intel.IntelFiles;
import org.socengine.connectors.intel.IntelTopic;
import org.socengine.connectors.kafka.KafkaConnections;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.jobs.detection.DetectionJobSettings;
import org.socengine.jobs.intel.RetroHunt;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.model.Alert;
import org.socengine.rules.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./soc intel}: threat-intelligence feeds in, retro-hunts over the retained raw topics. */
@Command(
        name = "intel",
        mixinStandardHelpOptions = true,
        description =
                "Threat intelligence: load indicator feeds into soc.intel, hunt in past events.",
        subcommands = {IntelCommand.Load.class, IntelCommand.Hunt.class})
public final class IntelCommand implements Runnable {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Reads feed files and reports every problem; fails when a file had one (unless allowed). */
    static FeedLoad read(List<Path> inputs, boolean skipInvalid) throws Exception {
        FeedLoad load = new FeedLoad();
        for (Path p : inputs) {
            try {
                IntelFiles.load(p, load);
            } catch (java.io.IOException e) {
                throw new CliFailure(e.getMessage());
            }
        }
        load.problems.forEach(p -> System.err.println(p));
        System.err.println("soc intel: " + load.summary());
        if (!load.problems.isEmpty() && !skipInvalid) {
            throw new CliFailure(
                    load.problems.size()
                            + " problem(s) in the feed; fix them, or --skip-invalid to load the rest");
        }
        return load;
    }

    /** The configuration: --config and the SOC_* variables, with --kafka over them. */
    static SocConfig config(Path config, String kafka) {
        try {
            SocConfig c = SocConfig.load(config, System.getenv()).with("kafka.bootstrap", kafka);
            c.warnings().forEach(w -> System.err.println("soc: warning: " + w));
            if (!c.hasKafka()) {
                c = c.with("kafka.bootstrap", "127.0.0.1:9092");
            }
            return c;
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new CliFailure("cannot read the configuration: " + e.getMessage());
        }
    }

    @Command(
            name = "load",
            mixinStandardHelpOptions = true,
            description = {
                "Validate indicator feeds and publish them to the compacted topic soc.intel.",
                "",
                "FILE is CSV (type,value,source,confidence,first_seen,last_seen,valid_until,hunt,...),",
                "a STIX 2.1 bundle or a MISP event export (JSON); a folder loads its .csv and .json",
                "files. Revoked (STIX), deleted (MISP) and deleted=true (CSV) entries publish tombstones.",
                "A running detection job applies them without a restart."
            })
    static final class Load implements Callable<Integer> {

        @Parameters(arity = "1..*", paramLabel = "FILE|DIR")
        List<Path> inputs;

        @Option(
                names = "--kafka",
                description = "Kafka bootstrap servers. Default: $SOC_KAFKA or 127.0.0.1:9092.")
        String kafka;

        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "Configuration file (kafka.*).")
        Path config;

        @Option(names = "--dry-run", description = "Validate and count only; publish nothing.")
        boolean dryRun;

        @Option(
                names = "--skip-invalid",
                description = "Publish the valid entries even when some are invalid.")
        boolean skipInvalid;

        @Option(
                names = "--hunt-since",
                defaultValue = "7d",
                description =
                        "After publishing, hunt for the indicators the feed marks hunt: true in the"
                                + " raw topics of this long ago. Default: ${DEFAULT-VALUE}.")
        String huntSince;

        @Option(names = "--no-hunt", description = "Publish only; hunt for no marked indicator.")
        boolean noHunt;

        @Override
        public Integer call() throws Exception {
            FeedLoad load = read(inputs, skipInvalid);
            if (dryRun) {
                return 0;
            }
            KafkaSettings settings = config(config, kafka).kafka();
            int n;
            try {
                n = IntelTopic.publish(settings, load);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new CliFailure(
                        "not loaded: " + KafkaConnections.describe(e.getCause(), settings));
            } catch (java.util.concurrent.TimeoutException
                    | org.apache.kafka.common.KafkaException e) {
                throw new CliFailure("not loaded: " + KafkaConnections.describe(e, settings));
            }
            System.out.println(
                    "published "
                            + n
                            + " records to soc.intel ("
                            + load.indicators.size()
                            + " indicators, "
                            + load.deletes.size()
                            + " deletes)");
            List<Indicator> marked = load.indicators.values().stream().filter(i -> i.hunt).toList();
            if (marked.isEmpty() || noHunt) {
                return 0;
            }
            // Indicators a feed marks for hunting are looked for in the past at once: what was
            // seen before the feed knew it is the first question about a new indicator.
            Duration back;
            try {
                back = Durations.parse(huntSince);
            } catch (IllegalArgumentException e) {
                throw new CliFailure("--hunt-since: " + e.getMessage());
            }
            SocConfig cfg = config(config, kafka);
            long from = Instant.now().minus(back).toEpochMilli();
            try {
                long matches =
                        hunt(
                                settings,
                                cfg.elasticsearch(),
                                cfg.list("job.raw_topics"),
                                "soc-retro-hunt",
                                DetectionJobSettings.from(cfg),
                                marked,
                                from);
                System.out.println(
                        "retro-hunt of "
                                + marked.size()
                                + " marked indicators since "
                                + Instant.ofEpochMilli(from)
                                + ": "
                                + matches
                                + " matches written as retro_hunt alerts");
            } catch (Exception e) {
                throw new CliFailure(
                        "published, but the retro-hunt of the "
                                + marked.size()
                                + " marked indicators failed ("
                                + e.getMessage()
                                + "); run ./soc intel hunt --marked --since "
                                + huntSince);
            }
            return 0;
        }
    }

    @Command(
            name = "hunt",
            mixinStandardHelpOptions = true,
            description = {
                "Look for the indicators in past events: replay the retained raw topics.",
                "",
                "A bounded job reads the raw topics from --since ago to their end, decodes them and",
                "matches the indicators of soc.intel (or of --intel files), and writes a retro_hunt",
                "alert per match, at the event's own time, to the alert index. Ids are deterministic:",
                "hunting twice adds nothing."
            })
    static final class Hunt implements Callable<Integer> {

        @Option(
                names = "--since",
                defaultValue = "7d",
                description = "How far back (Kafka time). Default: ${DEFAULT-VALUE}.")
        String since;

        @Option(
                names = "--intel",
                paramLabel = "FILE|DIR",
                description = "Hunt for the indicators of these files instead of soc.intel's.")
        List<Path> intel;

        @Option(
                names = "--marked",
                description =
                        "Only the indicators marked hunt: true (what a feed asks to be hunted).")
        boolean marked;

        @Option(
                names = "--kafka",
                description = "Kafka bootstrap servers. Default: $SOC_KAFKA or 127.0.0.1:9092.")
        String kafka;

        @Option(names = "--config", paramLabel = "FILE", description = "Configuration file.")
        Path config;

        @Option(
                names = "--group",
                defaultValue = "soc-retro-hunt",
                description = "Kafka consumer group.")
        String group;

        @Override
        public Integer call() throws Exception {
            Duration back;
            try {
                back = Durations.parse(since);
            } catch (IllegalArgumentException e) {
                throw new CliFailure("--since: " + e.getMessage());
            }
            SocConfig cfg = config(config, kafka);
            KafkaSettings k = cfg.kafka();
            ElasticsearchSettings es = cfg.elasticsearch();
            DetectionJobSettings settings = DetectionJobSettings.from(cfg);
            List<Indicator> indicators = new ArrayList<>();
            if (intel != null && !intel.isEmpty()) {
                indicators.addAll(read(intel, false).indicators.values());
            } else {
                List<String> bad = new ArrayList<>();
                Map<String, Indicator> all = IntelTopic.readAll(k, Duration.ofSeconds(60), bad);
                if (!bad.isEmpty()) {
                    System.err.println(
                            "soc intel hunt: "
                                    + bad.size()
                                    + " unreadable soc.intel records left out");
                }
                indicators.addAll(all.values());
            }
            if (marked) {
                indicators.removeIf(i -> !i.hunt);
            }
            long from = Instant.now().minus(back).toEpochMilli();
            System.err.println(
                    "soc intel hunt: "
                            + indicators.size()
                            + " indicators, raw topics since "
                            + Instant.ofEpochMilli(from));
            if (indicators.isEmpty()) {
                System.out.println("retro-hunt: no indicators, nothing to hunt");
                return 0;
            }
            long n = hunt(k, es, cfg.list("job.raw_topics"), group, settings, indicators, from);
            System.out.println(
                    "retro-hunt: "
                            + n
                            + " matches written as retro_hunt alerts (by id: a repeat adds none)");
            return 0;
        }
    }

    /** Runs one hunt in local Flink; returns the number of matches. */
    static long hunt(
            KafkaSettings kafka,
            ElasticsearchSettings es,
            List<String> topics,
            String group,
            DetectionJobSettings settings,
            List<Indicator> indicators,
            long from)
            throws Exception {
        StreamExecutionEnvironment env = FlinkEnvironments.local(1, null, null);
        DataStream<Alert> alerts =
                RetroHunt.build(
                        env,
                        RetroHunt.rawSince(kafka, topics, group, from),
                        settings.decoder(),
                        indicators,
                        from,
                        List.of(AlertIndexer.builder().settings(es).build()));
        long n = 0;
        try (CloseableIterator<Alert> it = alerts.executeAndCollect("soc-intel-hunt")) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
