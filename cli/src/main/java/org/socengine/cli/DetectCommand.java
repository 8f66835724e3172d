package org.socengine.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.jobs.detection.DetectionJob;
import org.socengine.jobs.detection.DetectionJobOptions;
import org.socengine.jobs.detection.SerializerTypeInfo;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.model.AlertJson;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.CompiledRuleCache;
import org.socengine.rules.engine.DetectionEngine;
import picocli.CommandLine.ArgGroup;
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
            "operators, event time) and prints every alert as one JSON line on stdout as soon as it",
            "is final (its suppression period has passed in event time). Backtest a rule on past",
            "logs before deploying it; needs neither Kafka nor Elasticsearch.",
            "",
            "Files are read as they are consumed, so their size is not limited by memory; gzip",
            "files are read decompressed; '-' is standard input. Several files, of one source or",
            "of several (--source S FILE... repeated), are merged in event time, each file keeping",
            "its own order. On a terminal, a progress line on stderr."
        })
public final class DetectCommand implements Callable<Integer> {

    /** Files of one source. */
    static final class Input {
        @Option(
                names = "--source",
                required = true,
                description =
                        "Source format of the files that follow: ${COMPLETION-CANDIDATES}."
                                + " Repeat for files of another source.",
                completionCandidates = DecodingOptions.SourceNames.class)
        String source;

        @Parameters(
                arity = "1..*",
                paramLabel = "FILE",
                description = "Files to replay, one record a line (gzip or not; - for stdin).")
        List<String> files;
    }

    @ArgGroup(exclusive = false, multiplicity = "1..*")
    List<Input> inputs;

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

    @Option(
            names = "--rule-cache",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Reuse the byte code of rules compiled by an earlier run (owner-only cache in"
                            + " $XDG_CACHE_HOME/soc/rules or ~/.cache/soc/rules; every rule is"
                            + " still validated). --no-rule-cache compiles every rule. Default: on.")
    boolean ruleCache;

    @Option(
            names = "--rule-cache-dir",
            paramLabel = "DIR",
            description =
                    "Where the rule cache lives (created 0700; refused unless this user owns it and"
                            + " no one else can write it). Default: $XDG_CACHE_HOME/soc/rules, else"
                            + " ~/.cache/soc/rules.")
    Path ruleCacheDir;

    @Option(
            names = "--progress",
            negatable = true,
            description =
                    "Progress line on stderr (lines, lines/s, alerts). Default: when stderr is a"
                            + " terminal.")
    Boolean progress;

    @Override
    public Integer call() throws Exception {
        Set<String> sources = new LinkedHashSet<>();
        int fileCount = 0;
        boolean stdin = false;
        for (Input in : inputs) {
            sources.add(in.source);
            for (String f : in.files) {
                fileCount++;
                if ("-".equals(f)) {
                    if (stdin) {
                        throw new CliFailure("standard input (-) can be read once");
                    }
                    stdin = true;
                } else if (!Files.isRegularFile(Path.of(f))) {
                    throw new CliFailure("no such file: " + f);
                }
            }
        }
        RecordDecoder decoder = decoding.recordDecoder(sources);
        List<CompiledRule> compiled;
        try {
            // A rule that reads none of the streams these sources' events can enter could never
            // alert: it is left out before its check and compilation, which are most of start-up.
            RuleSets.ForStreams set =
                    RuleSets.compileReading(
                            rules != null ? rules : RuleSets.defaultDirectory(),
                            !ruleCache
                                    ? null
                                    : new CompiledRuleCache(
                                            ruleCacheDir != null
                                                    ? ruleCacheDir
                                                    : CompiledRuleCache.defaultDirectory(),
                                            m -> System.err.println("soc: rule cache: " + m)),
                            RuleSets.streamsOf(sources));
            compiled = set.compiled();
            if (!set.skipped().isEmpty()) {
                System.err.println(
                        "soc: "
                                + set.skipped().size()
                                + " rule(s) skipped: they read none of the streams ("
                                + String.join(", ", RuleSets.streamsOf(sources))
                                + ") that "
                                + String.join(", ", sources)
                                + " events can enter");
            }
        } catch (RuleValidationException e) {
            e.problems().forEach(p -> System.err.println(p));
            throw new CliFailure(e.problems().size() + " rule problem(s); fix them first");
        }
        List<LogFileReplay.Input> files = new ArrayList<>();
        for (Input in : inputs) {
            for (String f : in.files) {
                // Merged files are one partition to the job's event time: they arrive in event
                // time, so none may hold the others back, as a Kafka partition does until it has
                // been idle for the idle timeout (a file that ended first would keep everything
                // read meanwhile waiting in memory).
                String name = fileCount == 1 ? ("-".equals(f) ? "stdin" : f) : "merged";
                long modified =
                        "-".equals(f)
                                ? System.currentTimeMillis()
                                : Files.getLastModifiedTime(Path.of(f)).toMillis();
                files.add(new LogFileReplay.Input(in.source, f, decoding.template(name), modified));
            }
        }
        List<org.socengine.connectors.intel.Indicator> indicators =
                intel == null || intel.isEmpty()
                        ? List.of()
                        : List.copyOf(IntelCommand.read(intel, false).indicators.values());
        String runId = UUID.randomUUID().toString();
        StreamExecutionEnvironment env = FlinkEnvironments.local(parallelism, null, null);
        DataStream<RawRecord> raw =
                env.addSource(
                                new LogFileReplay(
                                        files, decoder, decoding.maxRecordBytes + 1, runId),
                                "files",
                                TypeInformation.of(RawRecord.class))
                        .uid("files");
        // The files are one partition from the first record on: the start-up hold, which waits
        // for Kafka partitions to make themselves known, would only keep everything read in its
        // 2 s (a quarter of a million lines) waiting in the detector, through the collector's
        // young collections into the old generation, and make which lines of that span may come
        // out of order depend on how fast the machine reads.
        DetectionJobOptions options =
                DetectionJobOptions.defaults()
                        .withParallelism(parallelism)
                        .withStartupHold(Duration.ZERO);
        DetectionJob.Streams streams =
                DetectionJob.build(
                        raw, decoder, compiled, null, null, indicators, List.of(), null, options);
        DataStream<Alert> finals =
                streams.alerts()
                        .keyBy(a -> a.id)
                        .process(new FinalAlerts(longestSuppression(compiled)))
                        .returns(SerializerTypeInfo.alerts())
                        .name("final alerts")
                        .uid("final-alerts");
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        AtomicLong alerts = new AtomicLong();
        Progress line =
                (progress != null ? progress : Progress.stderrIsTerminal())
                        ? new Progress(runId, alerts)
                        : null;
        long lines;
        try (CloseableIterator<Alert> it = finals.executeAndCollect("soc-detect")) {
            if (line != null) {
                line.start();
            }
            while (it.hasNext()) {
                out.println(AlertJson.toJson(it.next()));
                // Each alert as it comes, for a pipe into jq or a file someone tails.
                out.flush();
                alerts.incrementAndGet();
            }
        } finally {
            if (line != null) {
                line.stop();
            }
            lines = LogFileReplay.linesRead(runId);
            LogFileReplay.forget(runId);
        }
        System.err.println("replayed " + lines + " records, " + alerts + " alerts");
        return 0;
    }

    private static long longestSuppression(List<CompiledRule> rules) {
        long hold = DetectionEngine.DEFAULT_SUPPRESSION.toMillis();
        for (CompiledRule r : rules) {
            Duration d = r.definition().suppressFor();
            if (d != null) {
                hold = Math.max(hold, d.toMillis());
            }
        }
        return hold;
    }

    /** The progress line: lines read, lines/s, alerts so far, rewritten once a second. */
    static final class Progress {
        private final String runId;
        private final AtomicLong alerts;
        private final Thread thread;
        private final long startedAt = System.nanoTime();
        private volatile boolean running = true;
        private long lines;

        Progress(String runId, AtomicLong alerts) {
            this.runId = runId;
            this.alerts = alerts;
            this.thread = new Thread(this::loop, "soc-detect-progress");
            this.thread.setDaemon(true);
        }

        /** Whether stderr is a terminal: System.console() asks about stdin and stdout only. */
        static boolean stderrIsTerminal() {
            if (System.console() != null) {
                return true;
            }
            try {
                String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return false;
            }
        }

        void start() {
            thread.start();
        }

        private void loop() {
            while (running) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                if (running) {
                    print();
                }
            }
        }

        private synchronized void print() {
            lines = LogFileReplay.linesRead(runId);
            double seconds = Math.max(1e-3, (System.nanoTime() - startedAt) / 1e9);
            System.err.print(
                    String.format(
                            "\r%,d lines, %,.0f lines/s, %,d alerts   ",
                            lines, lines / seconds, alerts.get()));
            System.err.flush();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(2000);
            synchronized (this) {
                System.err.print("\r" + " ".repeat(60) + "\r");
                System.err.flush();
            }
        }
    }
}
