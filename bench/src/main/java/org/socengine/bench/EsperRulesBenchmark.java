package org.socengine.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.socengine.cli.bench.RuleVariants;
import org.socengine.jobs.detection.RuleFamilies;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.DetectionEngine;

/**
 * The rule set alone, without Flink: the detection stage's upper bound. The job's work per event is
 * reproduced as it is, with nothing around it: route the event to every key family whose rules read
 * it, send it to that family's Esper runtime ({@link DetectionEngine}, one per family as in the
 * operator), and advance every runtime's clock and collect alerts every 200 ms of event time, as
 * the watermark does. The events are the benchmark's decoded traffic mix at 2,000 events per second
 * of event time, replayed as an endless ordered stream.
 *
 * <p>The rules are the library's, then variants of them ({@link RuleVariants}); the rules folder is
 * {@code -Dsoc.rules=...}, by default {@code rules/detections} under the working directory.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g", "-XX:+UseParallelGC"})
public class EsperRulesBenchmark {

    @Param({"10", "100", "1000"})
    public int rules;

    /** thresholds (every variant sees its original's events) or departments; see RuleVariants. */
    @Param({"thresholds"})
    public String variants;

    private SecurityEvent[] events;
    private long span;
    private long cycle;
    private int next;
    private long nextTick;
    private List<RuleFamilies.Family> families;
    private DetectionEngine[] engineOf;
    private List<DetectionEngine> engines;
    private long alerts;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path dir = Path.of(System.getProperty("soc.rules", "rules/detections"));
        List<CompiledRule> compiled =
                RuleVariants.compile(
                        RuleVariants.generate(
                                RuleVariants.library(dir),
                                rules,
                                RuleVariants.Kind.valueOf(variants.toUpperCase(Locale.ROOT))));
        RuleFamilies f = RuleFamilies.of(compiled);
        families = f.all();
        Map<String, List<CompiledRule>> byFamily = new HashMap<>();
        for (CompiledRule r : compiled) {
            byFamily.computeIfAbsent(RuleFamilies.familyOf(r.definition()), k -> new ArrayList<>())
                    .add(r);
        }
        engines = new ArrayList<>();
        engineOf = new DetectionEngine[families.size()];
        for (int i = 0; i < families.size(); i++) {
            String name = families.get(i).name();
            engineOf[i] = new DetectionEngine("bench-" + rules + "-" + i, byFamily.get(name));
            engines.add(engineOf[i]);
        }
        events = BenchData.events(200_000).toArray(new SecurityEvent[0]);
        span = events[events.length - 1].timestamp - events[0].timestamp + 1;
        nextTick = events[0].timestamp;
    }

    @Benchmark
    public long detect() {
        SecurityEvent template = events[next];
        SecurityEvent e = BenchData.at(template, template.timestamp + cycle * span);
        if (++next == events.length) {
            next = 0;
            cycle++;
        }
        for (int i = 0; i < engineOf.length; i++) {
            RuleFamilies.Family f = families.get(i);
            if (f.reads(e) && f.keyOf(e) != null) {
                engineOf[i].send(e);
            }
        }
        if (e.timestamp >= nextTick) {
            nextTick = e.timestamp + 200;
            for (DetectionEngine d : engines) {
                d.advanceTime(e.timestamp);
                d.expire();
                alerts += d.drainAlerts().size();
            }
        }
        return alerts;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engines.forEach(DetectionEngine::close);
        System.out.printf("%n%d alerts over %d cycles of the sample%n", alerts, cycle);
    }
}
