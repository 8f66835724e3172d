package org.socengine.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.socengine.cli.bench.BenchRun;
import org.socengine.cli.bench.MeasuredAlertSink;
import org.socengine.cli.bench.RuleVariants;
import org.socengine.connectors.local.WorkDirs;
import org.socengine.jobs.internal.RuleSets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure the detection job end to end on the local services (events/s, latency, memory).",
            "",
            "End-to-end benchmark: starts a local Kafka broker and Elasticsearch",
            "node, loads N raw events of the departments' sources into Kafka, then",
            "runs the DetectionJob over them (checkpoints every 10 s, alerts indexed",
            "in Elasticsearch) and prints sustained events/s, CPU seconds per million",
            "events, detection latency, peak heap and RSS, and alerts. With --rate,",
            "events are produced at that rate while the job runs (latency mode).",
            "See docs/benchmarks.md. Leaves no process behind."
        })
public final class BenchCommand implements Callable<Integer> {

    @Option(
            names = "--events",
            defaultValue = "5000000",
            description = {
                "Raw events to load. Default: ${DEFAULT-VALUE} (about 6 min on 2 cores).",
                "The replay horizon keeps two hours of flow records (compressed) and the",
                "rules' windows up to 15 minutes of everything: about 0.5 GiB plus 1 KiB an",
                "event of heap (./soc bench gives itself 6 GiB; more with SOC_JAVA_OPTS=-Xmx...)."
            })
    long events;

    @Option(
            names = "--rules",
            defaultValue = "100",
            description =
                    "Rules to run: the library's, then variants of them (10, 100, 1000, ...). Default: ${DEFAULT-VALUE}.")
    int rules;

    @Option(
            names = "--variants",
            defaultValue = "thresholds",
            description =
                    "How rules past the library's differ from them: thresholds (raised thresholds;"
                            + " every variant sees every event its original sees, the worst case)"
                            + " or departments (also narrowed to one department each, as"
                            + " per-department tuning does). Default: ${DEFAULT-VALUE}.")
    String variants;

    @Option(
            names = "--parallelism",
            defaultValue = "1",
            description =
                    "Flink parallelism (and partitions per topic). Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--event-rate",
            defaultValue = "2000",
            description =
                    "Events per second of event time in the loaded traffic (how dense windows are). Default: ${DEFAULT-VALUE}.")
    double eventRate;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description =
                    "Latency mode: produce the events at this many per second while the job runs. Default: load first.")
    double rate;

    @Option(
            names = "--allowed-lateness",
            defaultValue = "5s",
            description =
                    "The job's allowed lateness (watermark delay). Default: ${DEFAULT-VALUE}.")
    String lateness;

    @Option(
            names = "--flush-interval",
            defaultValue = "1s",
            description =
                    "How often the alert sink sends its bulk request. Default: ${DEFAULT-VALUE}.")
    String flush;

    @Option(
            names = "--seed",
            defaultValue = "20261125",
            description = "Seed of the generated traffic. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--rules-dir",
            description = "Rule library to take the rules from. Default: rules/detections.")
    Path rulesDir;

    @Option(
            names = "--work-dir",
            description =
                    "Where Kafka, Elasticsearch and checkpoints keep their data (wiped each run). Default: /tmp/soc-bench.")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (events < 1_000) {
            throw new CliFailure("--events must be at least 1000");
        }
        if (rules < 1) {
            throw new CliFailure("--rules must be at least 1");
        }
        RuleVariants.Kind kind;
        try {
            kind = RuleVariants.Kind.valueOf(variants.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliFailure("--variants must be thresholds or departments");
        }
        if (parallelism < 1 || parallelism > 64) {
            throw new CliFailure("--parallelism must be between 1 and 64");
        }
        if (eventRate <= 0 || rate < 0) {
            throw new CliFailure("--event-rate must be positive and --rate not negative");
        }
        Duration late;
        Duration flushEvery;
        try {
            late = org.socengine.rules.Durations.parse(lateness);
            flushEvery = org.socengine.rules.Durations.parse(flush);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
        if (flushEvery.isZero() || flushEvery.isNegative()) {
            throw new CliFailure("--flush-interval must be positive");
        }
        // Measured: 5,000,000 events at 100 rules peaked at 4.7 GiB (docs/benchmarks.md).
        long needed = (512L << 20) + events * 1024L;
        if (Runtime.getRuntime().maxMemory() < needed) {
            System.err.printf(
                    "soc bench: warning: %,d events may need about %d MiB of heap, the JVM has %d MiB (SOC_JAVA_OPTS=-Xmx...)%n",
                    events, needed >> 20, Runtime.getRuntime().maxMemory() >> 20);
        }
        Path work =
                workDir != null
                        ? workDir.toAbsolutePath()
                        : WorkDirs.defaultWorkDir().resolveSibling("soc-bench");
        BenchRun.Result r =
                new BenchRun(
                                new BenchRun.Options(
                                        events,
                                        rules,
                                        kind,
                                        parallelism,
                                        eventRate,
                                        rate,
                                        late,
                                        flushEvery,
                                        seed,
                                        rulesDir != null ? rulesDir : RuleSets.defaultDirectory(),
                                        work),
                                System.err)
                        .run();
        var out = System.out;
        out.printf(Locale.ROOT, "events:            %,d%n", r.events());
        out.printf(
                Locale.ROOT,
                "rules:             %d (%s variants)%n",
                rules,
                kind.name().toLowerCase(Locale.ROOT));
        out.printf(Locale.ROOT, "parallelism:       %d%n", parallelism);
        out.printf(
                Locale.ROOT,
                "mode:              %s%n",
                rate > 0 ? "live at " + (long) rate + " events/s" : "backlog loaded first");
        out.printf(Locale.ROOT, "job wall time:     %.1f s%n", r.wallSeconds());
        out.printf(
                Locale.ROOT,
                "sustained:         %,.0f events/s (10%%-90%% of the input)%n",
                r.eventsPerSecond());
        out.printf(
                Locale.ROOT,
                "cpu:               %.2f s per million events%n",
                r.cpuSecondsPerMillion());
        out.printf(
                Locale.ROOT,
                "latency:           p50 %d ms, p99 %d ms, max %d ms (%d alerts measured%s)%n",
                r.p50Millis(),
                r.p99Millis(),
                r.maxMillis(),
                r.latencySamples(),
                rate > 0 ? "" : "; includes the wait in Kafka before the job started");
        out.printf(Locale.ROOT, "peak heap:         %d MiB%n", r.peakHeapBytes() >> 20);
        out.printf(Locale.ROOT, "peak rss:          %d MiB%n", r.peakRssBytes() >> 20);
        out.printf(
                Locale.ROOT,
                "alerts:            %d new, %d updates, %d duplicate ids, %d in Elasticsearch%n",
                r.alertsCreated(),
                r.alertUpdates(),
                r.duplicates(),
                r.alertsInElasticsearch());
        StringBuilder byRule = new StringBuilder();
        MeasuredAlertSink.RESULTS.byRule.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()))
                .forEach(
                        e ->
                                byRule.append(byRule.length() == 0 ? "" : "; ")
                                        .append(e.getKey())
                                        .append(' ')
                                        .append(e.getValue().get()));
        out.printf(Locale.ROOT, "alerts by rule:    %s%n", byRule.length() == 0 ? "none" : byRule);
        out.printf(Locale.ROOT, "throughput: %d events/s%n", Math.round(r.eventsPerSecond()));
        if (r.duplicates() != 0 || r.alertsInElasticsearch() != r.alertsCreated()) {
            System.err.printf(
                    "soc bench: %d alerts sent, %d in Elasticsearch, %d duplicate ids%n",
                    r.alertsCreated(), r.alertsInElasticsearch(), r.duplicates());
            return 3;
        }
        return 0;
    }
}
