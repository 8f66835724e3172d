package org.socengine.cli.demo;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.elasticsearch.AlertIndices;
import org.socengine.connectors.elasticsearch.AlertSearch;
import org.socengine.connectors.elasticsearch.ElasticsearchClients;
import org.socengine.connectors.elasticsearch.ElasticsearchSettings;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.jobs.detection.DetectionJobSettings;
import org.socengine.jobs.detection.SocPipelines;
import org.socengine.jobs.internal.FlinkEnvironments;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.jobs.internal.SocMetrics;
import org.socengine.local.LocalServices;
import org.socengine.model.SocTopics;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.sim.SimulatorProducer;

/**
 * {@code ./soc demo}: local services, the detection job, simulated traffic, alerts printed as they
 * land, and a scored summary. Everything it starts is stopped on the way out, also on Ctrl-C.
 */
public final class DemoRun {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Path workDir;
    private final Path rulesDir;
    private final Duration duration;
    private final double rate;
    private final int attacks;
    private final long seed;
    private final int parallelism;
    private final boolean json;
    private final PrintStream out;
    private final PrintStream err;

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Map<String, ObjectNode> seen = new LinkedHashMap<>();
    private volatile long eventsSent;
    private volatile String elasticsearchUrl = "-";
    private volatile boolean summarized;

    /** The escalation job and its webhook receiver (DemoEscalation); null until started. */
    private volatile DemoEscalation escalation;

    private DemoConsole console;

    public DemoRun(
            Path workDir,
            Path rulesDir,
            Duration duration,
            double rate,
            int attacks,
            long seed,
            int parallelism,
            boolean json,
            PrintStream out,
            PrintStream err) {
        this.workDir = workDir;
        this.rulesDir = rulesDir;
        this.duration = duration;
        this.rate = rate;
        this.attacks = attacks;
        this.seed = seed;
        this.parallelism = parallelism;
        this.json = json;
        this.out = out;
        this.err = err;
    }

    public int run() throws Exception {
        List<CompiledRule> rules = RuleSets.compileAll(rulesDir);
        err.printf(
                "soc demo: %d rules from %s; starting Kafka and Elasticsearch in %s ...%n",
                rules.size(), rulesDir, workDir);
        DepartmentDirectory departments = DepartmentDirectory.defaults();
        long start = System.currentTimeMillis() + 5_000;
        DemoTraffic traffic =
                new DemoTraffic(seed, start, duration.toMillis(), rate, attacks, departments);
        DemoTraffic.Plan plan = traffic.plan();
        List<String> topics = DemoTraffic.sources().stream().map(SocTopics::raw).toList();
        Thread mainThread = Thread.currentThread();
        Thread ctrlC =
                new Thread(
                        () -> {
                            if (!stopping.getAndSet(true)) {
                                mainThread.interrupt();
                                try {
                                    mainThread.join(20_000);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        },
                        "demo-ctrl-c");
        Runtime.getRuntime().addShutdownHook(ctrlC);

        JobClient job = null;
        try (LocalServices services = LocalServices.start(workDir, 1)) {
            KafkaSettings kafka = KafkaSettings.of(services.kafka().bootstrapServers());
            ElasticsearchSettings es = ElasticsearchSettings.of(services.elasticsearch().url());
            elasticsearchUrl = es.url();
            // The sources without a standard raw topic of their own (CEF, LEEF, ASA) get one here.
            services.kafka()
                    .createTopics(topics.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList());
            err.printf(
                    "soc demo: Kafka at %s, Elasticsearch at %s%n",
                    kafka.bootstrapServers(), es.url());

            // The demo runs the job as ./soc run and a cluster would, from the same settings.
            DetectionJobSettings settings =
                    DetectionJobSettings.from(
                            SocConfig.empty()
                                    .with("job.group", "soc-detection-demo")
                                    .with("job.parallelism", Integer.toString(parallelism)));
            StreamExecutionEnvironment env =
                    FlinkEnvironments.local(
                            settings.options().parallelism(),
                            workDir.resolve("checkpoints"),
                            settings.checkpointInterval());
            SocPipelines.detection(
                    env,
                    kafka,
                    es,
                    topics,
                    settings.group(),
                    OffsetsInitializer.earliest(),
                    settings.decoder(),
                    rules,
                    settings.options(),
                    settings.retentionMonths());
            job = env.executeAsync("soc-detection");
            DemoIntel.load(rulesDir, kafka, err);
            escalation = DemoEscalation.start(workDir, kafka, es, departments, parallelism, err);
            var metrics = org.socengine.jobs.internal.SocMetrics.serve("127.0.0.1", 0);
            err.printf(
                    "soc demo: metrics (Prometheus) at http://127.0.0.1:%d/metrics%n",
                    metrics.getAddress().getPort());
            console =
                    DemoConsole.start(
                            es,
                            kafka,
                            rulesDir,
                            java.net.URI.create(
                                    "http://127.0.0.1:"
                                            + metrics.getAddress().getPort()
                                            + "/metrics"),
                            err);
            err.printf(
                    "soc demo: detection job running; simulating %s of traffic (%d sources) from %d departments at %.0f lines/s with %d attacks of %d families%n",
                    format(duration),
                    topics.size(),
                    departments.all().size(),
                    rate,
                    plan.attacks().size(),
                    plan.attacks().stream().map(DemoTraffic.Attack::family).distinct().count());
            if (!json) {
                out.printf(
                        "%-8s  %-18s  %-8s  %-36s  %-24s  %s%n",
                        "TIME", "DEPARTMENT", "SEVERITY", "RULE", "ENTITY", "COUNT");
            }

            // Rule files edited while the demo runs are hot-deployed through soc.rules.
            try (var watcher =
                            org.socengine.cli.rules.RuleDirectoryWatcher.start(
                                    rulesDir, kafka, 3_000);
                    ElasticsearchClient client = ElasticsearchClients.create(es);
                    SimulatorProducer producer =
                            new SimulatorProducer(kafka, SimulatorProducer.TOPIC)) {
                AlertSearch search = new AlertSearch(client);
                Thread sender =
                        new Thread(
                                () -> {
                                    try {
                                        traffic.sendPaced(
                                                producer, System::currentTimeMillis, stopping::get);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    } finally {
                                        eventsSent = producer.sent();
                                    }
                                },
                                "demo-simulator");
                sender.setDaemon(true);
                sender.start();
                long end = start + duration.toMillis();
                while (!stopping.get() && System.currentTimeMillis() < end + 15_000) {
                    eventsSent = producer.sent();
                    poll(search);
                    escalation.poll(false);
                    try {
                        Thread.sleep(2_000);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                stopping.set(true);
                sender.join(5_000);
                eventsSent = producer.sent();
                if (!Thread.currentThread().isInterrupted()) {
                    search.refresh();
                    poll(search);
                    escalation.poll(true);
                }
                // Stopped while Kafka is still up: its sinks flush instead of waiting for it.
                escalation.cancel();
            }
        } finally {
            stopping.set(true);
            if (job != null) {
                try {
                    job.cancel().get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    err.println("soc demo: job did not cancel cleanly: " + e.getMessage());
                }
            }
            if (escalation != null) {
                escalation.cancel();
            }
            summary(plan);
            if (console != null) {
                console.close();
            }
            if (escalation != null) {
                escalation.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(ctrlC);
            } catch (IllegalStateException e) {
                // Shutting down already (Ctrl-C): the hook is what brought us here.
            }
        }
        return 0;
    }

    private void poll(AlertSearch search) {
        try {
            List<ObjectNode> hits = new ArrayList<>(search.search(Map.of(), null, 500));
            hits.sort(Comparator.comparing(h -> h.path("@timestamp").asText()));
            for (ObjectNode a : hits) {
                String id = a.path("alert").path("id").asText();
                if (seen.putIfAbsent(id, a) == null) {
                    print(a);
                }
            }
        } catch (Exception e) {
            err.println("soc demo: cannot read alerts yet: " + e.getMessage());
        }
    }

    private void print(ObjectNode a) {
        if (json) {
            out.println(a.toString());
            return;
        }
        String time = TIME.format(Instant.parse(a.path("@timestamp").asText()));
        String entity = a.path("source").path("ip").asText(a.path("user").path("name").asText("-"));
        out.printf(
                "%-8s  %-18s  %-8s  %-36s  %-24s  %d%n",
                time,
                a.path("organization").path("id").asText("-"),
                a.path("rule").path("severity").asText(),
                truncate(a.path("rule").path("name").asText(), 36),
                entity,
                a.path("alert").path("count").asLong());
        out.flush();
    }

    private synchronized void summary(DemoTraffic.Plan plan) {
        if (summarized) {
            return;
        }
        summarized = true;
        Map<String, Set<String>> rulesByIp = new HashMap<>();
        Map<String, Integer> byRule = new LinkedHashMap<>();
        for (ObjectNode a : seen.values()) {
            String rule = a.path("rule").path("name").asText();
            rulesByIp
                    .computeIfAbsent(a.path("source").path("ip").asText(), k -> new TreeSet<>())
                    .add(rule);
            byRule.merge(rule, 1, Integer::sum);
        }
        Set<String> planned = new HashSet<>();
        err.println();
        err.println("soc demo summary");
        err.printf(
                "  events sent:            %d across %d sources (%d dead-lettered, see topic %s)%n",
                eventsSent,
                DemoTraffic.sources().size(),
                Math.round(
                        SocMetrics.registry().find("soc.decode.dead_lettered").counters().stream()
                                .mapToDouble(c -> c.count())
                                .sum()),
                SocTopics.DLQ);
        err.printf("  alerts:                 %d%n", seen.size());
        byRule.forEach((rule, n) -> err.printf("    %-40s %d%n", rule, n));
        long found =
                plan.attacks().stream().filter(x -> rulesByIp.containsKey(x.sourceIp())).count();
        err.printf("  injected attacks found: %d of %d%n", found, plan.attacks().size());
        for (DemoTraffic.Family f : DemoTraffic.Family.values()) {
            List<DemoTraffic.Attack> of =
                    plan.attacks().stream().filter(x -> x.family() == f).toList();
            if (of.isEmpty()) {
                continue;
            }
            long n = of.stream().filter(x -> rulesByIp.containsKey(x.sourceIp())).count();
            err.printf(
                    "    %-24s %-8s %d of %d %s%n",
                    f.title, f.source, n, of.size(), n == of.size() ? "found" : "MISSED");
            for (DemoTraffic.Attack x : of) {
                planned.add(x.sourceIp());
                Set<String> rules = rulesByIp.get(x.sourceIp());
                err.printf(
                        "      %-15s -> %-18s %s%n",
                        x.sourceIp(),
                        x.department(),
                        rules != null
                                ? "alerted: " + String.join(", ", rules)
                                : "NOT alerted (the run may have ended first)");
            }
        }
        long falseAlarms =
                plan.benign().stream().filter(x -> rulesByIp.containsKey(x.sourceIp())).count();
        err.printf(
                "  benign sources alerted: %d of %d (one near each family's threshold)%n",
                falseAlarms, plan.benign().size());
        for (DemoTraffic.Benign b : plan.benign()) {
            planned.add(b.sourceIp());
            Set<String> rules = rulesByIp.get(b.sourceIp());
            err.printf(
                    "    %-24s %-15s -> %-18s %s%n",
                    b.family().title,
                    b.sourceIp(),
                    b.department(),
                    rules == null ? "no alert (" + b.why() + ")" : "ALERTED: " + rules);
        }
        long other =
                seen.values().stream()
                        .filter(a -> !planned.contains(a.path("source").path("ip").asText()))
                        .count();
        err.printf(
                "  other alerts:           %d (on the background traffic, no planted address)%n",
                other);
        if (escalation != null) {
            escalation.summary(err);
        }
        err.printf(
                "  where to look:          Elasticsearch %s, index alias %s (indices %s-<department>-<yyyy.MM>); Kafka topic %s%n",
                elasticsearchUrl, AlertIndices.ALIAS, AlertIndices.ALIAS, SocTopics.ALERTS);
        err.println(
                "                          (the demo's services stop with it; point ./soc at your own cluster to keep alerts)");
        if (console != null) {
            err.printf(
                    "  console:                %s (it stops with the demo)%n", console.describe());
        }
        err.printf("  data:                   %s (removed at the next start)%n", workDir);
        err.flush();
    }

    private static String format(Duration d) {
        return d.toMinutes() > 0 && d.toSecondsPart() == 0
                ? d.toMinutes() + " min"
                : d.toSeconds() + " s";
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
