package org.socengine.jobs.cli;

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
import org.socengine.connectors.decode.DecoderOptions;
import org.socengine.connectors.decode.Decoders;
import org.socengine.connectors.decode.RawRecord;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.jobs.detection.DetectionJob;
import org.socengine.jobs.detection.DetectionJobOptions;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "detect",
        mixinStandardHelpOptions = true,
        description = {
            "Replays log files through the real DetectionJob in Flink local mode (same decoders, same",
            "operators, event time) and prints every alert as one JSON line on stdout. Backtest a rule",
            "on past logs before deploying it; needs neither Kafka nor Elasticsearch."
        })
public final class DetectCommand implements Callable<Integer> {

    @Option(names = "--source", required = true, description = "Source format of the files.")
    String source;

    @Option(
            names = "--rules",
            description = "Rules folder. Default: rules/detections of the installation.")
    Path rules;

    @Option(names = "--department", description = "Department id of the records.")
    String department;

    @Option(
            names = "--time-zone",
            defaultValue = "UTC",
            description = "Zone of timestamps without one.")
    String timeZone;

    @Option(
            names = "--year",
            defaultValue = "0",
            description = "Year of year-less timestamps (0: infer).")
    int year;

    @Option(
            names = "--departments",
            paramLabel = "FILE",
            description = "Department directory file (id<TAB>name<TAB>cidrs).")
    Path departmentsFile;

    @Option(
            names = "--assets",
            paramLabel = "FILE",
            description = {
                "Asset inventory (CSV: match,department,asset,owner,criticality). Adds asset.*",
                "fields, and the department when header, key and ranges named none."
            })
    Path assetsFile;

    @Option(
            names = "--max-record-bytes",
            defaultValue = "" + DecoderOptions.DEFAULT_MAX_RECORD_BYTES,
            description = "Records larger than this are dead-lettered. Default: ${DEFAULT-VALUE}.")
    int maxRecordBytes;

    @Option(
            names = "--max-original-bytes",
            defaultValue = "" + DecoderOptions.DEFAULT_MAX_ORIGINAL_BYTES,
            description = "event.original is cut to this size. Default: ${DEFAULT-VALUE}.")
    int maxOriginalBytes;

    @Option(names = "--parallelism", defaultValue = "1", description = "Flink parallelism.")
    int parallelism;

    @Parameters(
            arity = "1..*",
            paramLabel = "FILE",
            description = "Files to replay, one record a line.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        if (!Decoders.exists(source)) {
            throw new CliFailure(
                    "unknown source '"
                            + source
                            + "' (known: "
                            + String.join(", ", Decoders.sources())
                            + ")");
        }
        RecordDecoder decoder =
                DecodeCommand.recordDecoder(
                        source,
                        timeZone,
                        year,
                        maxRecordBytes,
                        maxOriginalBytes,
                        departmentsFile,
                        assetsFile);
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
                RawRecord r = RawRecord.of(source, line);
                r.topic = "file:" + f;
                r.partition = 0;
                r.offset = n;
                r.key = department;
                // Year-less timestamps are placed no later than the file was written.
                r.kafkaTimestamp = modified;
                records.add(r);
            }
        }
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
