package org.socengine.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.socengine.cli.bench.BenchRun;
import org.socengine.cli.bench.ChaosRun;
import org.socengine.cli.bench.FuzzRun;
import org.socengine.cli.bench.MeasuredAlertSink;
import org.socengine.cli.bench.RuleVariants;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.local.WorkDirs;
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
            "",
            "With --fuzz: no services, no job. N hostile records of every source (bit",
            "flips, truncation, splicing, huge fields, invalid UTF-8, deep nesting,",
            "control characters) go through the job's decode path in this process;",
            "one NDJSON line gives received, decoded, dead-lettered by reason, skipped,",
            "internal errors, escaped exceptions, peak and retained heap, time. Exits",
            "4 when decoded + dead-lettered + skipped != received or anything escaped.",
            "",
            "With --chaos: a reference run with no kills, then the same events with",
            "the job killed --kills times at seeded random points (one in the middle",
            "of an attack) and restored from its checkpoints each time; prints one",
            "NDJSON line accounting for every alert (expected = found, no duplicate",
            "ids, kills performed) and exits 3 on any mismatch.",
            "See docs/benchmarks.md. Leaves no process behind."
        })
public final class BenchCommand implements Callable<Integer> {

    @Option(
            names = "--events",
            description =
                    "Raw events to load. Default: 5000000 (about 6 min on 2 cores); 1000000 with --chaos. "
                            + "The replay horizon keeps two hours of flow records (compressed) and the "
                            + "rules' windows up to 15 minutes of everything: about 0.5 GiB plus 1 KiB an "
                            + "event of heap (./soc bench gives itself 6 GiB; more with SOC_JAVA_OPTS=-Xmx...).")
    Long events;

    @Option(
            names = "--chaos",
            description =
                    "Kill and restore the job --kills times over --events (default 1,000,000) and account for every alert.")
    boolean chaos;

    @Option(
            names = "--kills",
            defaultValue = "20",
            description = "Chaos run: kills of the job. Default: ${DEFAULT-VALUE}.")
    int kills;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "1s",
            description = "Chaos run: checkpoint interval. Default: ${DEFAULT-VALUE}.")
    String checkpointInterval;

    @Option(
            names = "--fuzz",
            description = "Fuzz run of the decode path instead of the end-to-end benchmark.")
    boolean fuzz;

    @Option(
            names = "--records",
            defaultValue = "1000000",
            description = "With --fuzz: hostile records to decode. Default: ${DEFAULT-VALUE}.")
    long records;

    @Option(
            names = "--max-field-bytes",
            defaultValue = "1048592",
            description =
                    "With --fuzz: the most bytes one mutation adds (huge fields, delimiter storms,"
                            + " deep nesting). Default: ${DEFAULT-VALUE}, just over the 1 MiB record limit.")
    int maxFieldBytes;

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
            names = "--quiet-source",
            description =
                    "Latency mode: also one DNS server on a topic of its own, logging one line"
                            + " every this long (e.g. 20s), as a quiet source of a district"
                            + " office does. Default: none.")
    String quietSource;

    @Option(
            names = "--hold-quiet-partitions",
            description =
                    "Run the job with job.follow_live_partitions=false: a quiet partition holds"
                            + " event time at its newest event until the idle timeout (to measure"
                            + " what following the clock buys).")
    boolean holdQuiet;

    @Option(
            names = "--allowed-lateness",
            description =
                    "The job's allowed lateness (watermark delay). Default: 5s; 1m with --chaos,"
                            + " above the traffic mix's disorder (up to 45 s within a source), so"
                            + " that no event's lateness depends on when the watermark ticks.")
    String lateness;

    @Option(
            names = "--flush-interval",
            defaultValue = "1s",
            description =
                    "The alert sink's flush interval for suppression updates (a new alert"
                            + " goes at once). Default: ${DEFAULT-VALUE}.")
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
            names = "--intel",
            paramLabel = "FEED",
            description =
                    "Run with threat intelligence as production does: load this indicator feed"
                            + " (CSV, JSON or STIX, as ./soc intel load reads) into soc.intel, and"
                            + " the job takes its updates from there and marks every event."
                            + " Default: none (no enrichment step).")
    Path intelFeed;

    @Option(
            names = "--work-dir",
            description =
                    "Where Kafka, Elasticsearch and checkpoints keep their data (wiped each run). Default: /tmp/soc-bench.")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (fuzz) {
            return fuzz();
        }
        if (events == null) {
            events = chaos ? 1_000_000L : 5_000_000L;
        }
        if (chaos) {
            return chaos();
        }
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
        Duration quietEvery;
        try {
            late = org.socengine.rules.Durations.parse(lateness != null ? lateness : "5s");
            flushEvery = org.socengine.rules.Durations.parse(flush);
            quietEvery =
                    quietSource != null
                            ? org.socengine.rules.Durations.parse(quietSource)
                            : Duration.ZERO;
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
        if (flushEvery.isZero() || flushEvery.isNegative()) {
            throw new CliFailure("--flush-interval must be positive");
        }
        if (quietSource != null && (rate <= 0 || quietEvery.isZero())) {
            throw new CliFailure("--quiet-source needs --rate and a positive interval");
        }
        // Measured: 5,000,000 events at 100 rules peaked at 4.7 GiB (docs/benchmarks.md).
        long needed = (512L << 20) + events * 1024L;
        if (Runtime.getRuntime().maxMemory() < needed) {
            System.err.printf(
                    "soc bench: warning: %,d events may need about %d MiB of heap, the JVM has %d MiB (SOC_JAVA_OPTS=-Xmx...)%n",
                    events, needed >> 20, Runtime.getRuntime().maxMemory() >> 20);
        }
        Path work = workDir();
        BenchRun.Result r =
                new BenchRun(
                                new BenchRun.Options(
                                        events,
                                        rules,
                                        kind,
                                        parallelism,
                                        eventRate,
                                        rate,
                                        quietEvery,
                                        holdQuiet,
                                        late,
                                        flushEvery,
                                        seed,
                                        rulesDir != null ? rulesDir : RuleSets.defaultDirectory(),
                                        intelFeed,
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
                rate > 0
                        ? "live at "
                                + (long) rate
                                + " events/s"
                                + (quietSource != null
                                        ? ", a quiet source every " + quietSource
                                        : "")
                        : "backlog loaded first");
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
        if (rate > 0) {
            latencySplit(out, work);
        }
        out.printf(
                Locale.ROOT,
                "late events:       %,d (reached the detector behind the watermark)%n",
                r.lateEvents());
        out.printf(Locale.ROOT, "checkpoints:       %s%n", r.checkpoints().describe());
        out.printf(Locale.ROOT, "horizon:           %s%n", r.horizon().describe());
        out.printf(Locale.ROOT, "jvm:               %s%n", r.jvm().describe());
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
        out.printf(Locale.ROOT, "rule cpu:          %s%n", r.ruleCosts().describe(5));
        out.printf(Locale.ROOT, "throughput: %d events/s%n", Math.round(r.eventsPerSecond()));
        if (r.duplicates() != 0 || r.alertsInElasticsearch() != r.alertsCreated()) {
            System.err.printf(
                    "soc bench: %d alerts sent, %d in Elasticsearch, %d duplicate ids%n",
                    r.alertsCreated(), r.alertsInElasticsearch(), r.duplicates());
            return 3;
        }
        return 0;
    }

    /**
     * Where the latency went, per alert: Kafka append to the sink (reading, the wait for the
     * watermark, detection), then the sink (its flush interval and the bulk request); and the whole
     * list in {@code latency.tsv} of the work directory.
     */
    private static void latencySplit(java.io.PrintStream out, Path work) {
        List<MeasuredAlertSink.Trace> traces = MeasuredAlertSink.RESULTS.traces();
        if (traces.isEmpty()) {
            return;
        }
        long[] toSink =
                traces.stream().mapToLong(t -> t.atSink() - t.appended()).sorted().toArray();
        long[] sink = traces.stream().mapToLong(t -> t.indexed() - t.atSink()).sorted().toArray();
        long late = traces.stream().filter(MeasuredAlertSink.Trace::late).count();
        out.printf(
                Locale.ROOT,
                "latency split:     append to sink p50 %d / p99 %d ms, sink to indexed p50 %d / p99 %d ms; %d of %d alerts late%n",
                BenchRun.percentile(toSink, 0.5),
                BenchRun.percentile(toSink, 0.99),
                BenchRun.percentile(sink, 0.5),
                BenchRun.percentile(sink, 0.99),
                late,
                traces.size());
        long from = MeasuredAlertSink.RESULTS.steadyFrom.get();
        long[] steady =
                traces.stream()
                        .filter(t -> t.appended() >= from)
                        .mapToLong(t -> t.indexed() - t.appended())
                        .sorted()
                        .toArray();
        if (steady.length > 0) {
            out.printf(
                    Locale.ROOT,
                    "latency after 10%%: p50 %d ms, p99 %d ms, max %d ms (%d alerts on evidence appended after the 10%% mark)%n",
                    BenchRun.percentile(steady, 0.5),
                    BenchRun.percentile(steady, 0.99),
                    steady[steady.length - 1],
                    steady.length);
        }
        List<String> lines = new ArrayList<>();
        lines.add(MeasuredAlertSink.Trace.HEADER);
        traces.forEach(t -> lines.add(t.tsv()));
        try {
            java.nio.file.Files.write(work.resolve("latency.tsv"), lines);
            out.printf(Locale.ROOT, "latency per alert: %s%n", work.resolve("latency.tsv"));
        } catch (java.io.IOException e) {
            System.err.println("soc bench: cannot write latency.tsv: " + e.getMessage());
        }
    }

    private int fuzz() {
        if (records < 1) {
            throw new CliFailure("--records must be at least 1");
        }
        FuzzRun.Result r = new FuzzRun(records, seed, maxFieldBytes, System.err).run();
        System.out.println(r.toJson());
        if (!r.ok()) {
            System.err.printf(
                    "soc bench --fuzz: %d received, %d decoded + %d dead-lettered + %d skipped, %d escaped%n",
                    r.received(), r.decoded(), r.deadLettered(), r.skipped(), r.escaped());
            return 4;
        }
        return 0;
    }

    private Path workDir() {
        return workDir != null
                ? workDir.toAbsolutePath()
                : WorkDirs.defaultWorkDir().resolveSibling("soc-bench");
    }

    private int chaos() throws Exception {
        if (events < 1_000) {
            throw new CliFailure("--events must be at least 1000");
        }
        if (kills < 1 || kills > 1_000) {
            throw new CliFailure("--kills must be between 1 and 1000");
        }
        if (parallelism < 1 || parallelism > 64) {
            throw new CliFailure("--parallelism must be between 1 and 64");
        }
        if (eventRate <= 0) {
            throw new CliFailure("--event-rate must be positive");
        }
        Duration interval;
        try {
            interval = org.socengine.rules.Durations.parse(checkpointInterval);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
        if (interval.toMillis() < 100) {
            throw new CliFailure("--checkpoint-interval must be at least 100ms");
        }
        Path work = workDir();
        // A clean broker and node: every alert document in the run's month must be this run's.
        for (String d : new String[] {"kafka", "elasticsearch"}) {
            Path data = work.resolve(d).resolve("data");
            if (java.nio.file.Files.exists(data)) {
                try (var walk = java.nio.file.Files.walk(data)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        java.nio.file.Files.delete(p);
                    }
                }
            }
        }
        Path rules = rulesDir != null ? rulesDir : RuleSets.defaultDirectory();
        try (org.socengine.local.LocalServices services =
                org.socengine.local.LocalServices.start(work, parallelism)) {
            ChaosRun.Result r =
                    new ChaosRun(
                                    new ChaosRun.Options(
                                            events,
                                            kills,
                                            seed,
                                            parallelism,
                                            eventRate,
                                            interval,
                                            Duration.ZERO,
                                            java.time.Instant.parse("2026-02-02T00:00:00Z")
                                                    .toEpochMilli(),
                                            RuleSets.compileAll(rules),
                                            work.resolve("chaos-checkpoints"),
                                            chaosLateness()),
                                    System.err)
                            .run(services.kafka(), services.elasticsearch().url());
            System.out.println(r.toJson());
            if (!r.ok()) {
                System.err.println(
                        "soc bench --chaos: the alerts do not add up (see the summary line)");
                return 3;
            }
            return 0;
        }
    }

    private Duration chaosLateness() {
        try {
            return org.socengine.rules.Durations.parse(lateness != null ? lateness : "1m");
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
    }
}
