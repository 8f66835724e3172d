package org.socengine.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.jobs.detection.DetectionJob;
import org.socengine.jobs.detection.DetectionJobOptions;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "detect",
        mixinStandardHelpOptions = true,
        description = {
            "Replay log files through the detection job and print the alerts (NDJSON).",
            "",
            "Replays log files through the real DetectionJob in Flink local mode (same decoders, same",
            "operators, event time) and prints every alert as one JSON line on stdout. Backtest a rule",
            "on past logs before deploying it; needs neither Kafka nor Elasticsearch."
        })
public final class DetectCommand implements Callable<Integer> {

    @Mixin DecodingOptions decoding;

    @Option(
            names = "--rules",
            description = "Rules folder. Default: rules/detections of the installation.")
    Path rules;

    @Option(names = "--parallelism", defaultValue = "1", description = "Flink parallelism.")
    int parallelism;

    @Option(
            names = "--intel",
            paramLabel = "FILE|DIR",
            description =
                    "Indicator feeds (CSV, STIX 2.1, MISP) to enrich the events with, as soc.intel"
                            + " would in the running job.")
    List<Path> intel;

    @Parameters(
            arity = "1..*",
            paramLabel = "FILE",
            description = "Files to replay, one record a line.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        RecordDecoder decoder = decoding.recordDecoder();
        List<CompiledRule> compiled;
        try {
            compiled = RuleSets.compileAll(rules != null ? rules : RuleSets.defaultDirectory());
        } catch (RuleValidationException e) {
            e.problems().forEach(p -> System.err.println(p));
            throw new CliFailure(e.problems().size() + " rule problem(s); fix them first");
        }
        List<RawRecord> records = new ArrayList<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new CliFailure("no such file: " + f);
            }
            long n = 0;
            long modified = Files.getLastModifiedTime(f).toMillis();
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                n++;
                if (line.isEmpty()) {
                    continue;
                }
                RawRecord r = decoding.record(f.toString(), n, line);
                // Year-less timestamps are placed no later than the file was written.
                r.kafkaTimestamp = modified;
                records.add(r);
            }
        }
        List<org.socengine.connectors.intel.Indicator> indicators =
                intel == null || intel.isEmpty()
                        ? List.of()
                        : List.copyOf(IntelCommand.read(intel, false).indicators.values());
        StreamExecutionEnvironment env = FlinkEnvironments.local(parallelism, null, null);
        DataStream<RawRecord> raw =
                env.fromData(records, TypeInformation.of(RawRecord.class))
                        .name("files")
                        .uid("files");
        DetectionJob.Streams streams =
                DetectionJob.build(
                        raw,
                        decoder,
                        compiled,
                        null,
                        null,
                        indicators,
                        List.of(),
                        null,
                        DetectionJobOptions.defaults().withParallelism(parallelism));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        // Repeats arrive as updates of the alert they fold into: print each alert once, final.
        List<Alert> collected = new java.util.ArrayList<>();
        try (CloseableIterator<Alert> it = streams.alerts().executeAndCollect("soc-detect")) {
            it.forEachRemaining(collected::add);
        }
        List<Alert> finalAlerts = Alert.latest(collected);
        for (Alert a : finalAlerts) {
            out.println(AlertJson.toJson(a));
        }
        long count = finalAlerts.size();
        System.err.println("replayed " + records.size() + " records, " + count + " alerts");
        return 0;
    }
}
