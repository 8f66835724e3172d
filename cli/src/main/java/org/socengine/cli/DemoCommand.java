package org.socengine.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.socengine.cli.demo.DemoRun;
import org.socengine.cli.demo.DemoTraffic;
import org.socengine.local.WorkDirs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole engine locally on simulated department traffic with attacks in it.",
            "",
            "Runs the whole engine on this machine: a local Kafka broker and Elasticsearch node, the",
            "DetectionJob and the EscalationJob in Flink local mode, and the province's simulated",
            "traffic of every source the engine decodes, with attacks of several families planted",
            "against several departments. Prints each alert as it lands in Elasticsearch and a",
            "summary at the end (duration over, or Ctrl-C) that scores each family found or missed",
            "and the benign sources near each threshold. Leaves no process behind."
        })
public final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--duration",
            defaultValue = "3m",
            description = "How long to run (90s, 3m, 1h). Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(
            names = "--rate",
            defaultValue = "200",
            description = "Simulated log lines per second, all sources. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--attacks",
            defaultValue = "6",
            description =
                    "Attacks to inject, the families (SSH brute force, firewall deny burst, web scan,"
                            + " IDS exploit, port scan, Windows logon failures) in turn, each against"
                            + " another department. Default: ${DEFAULT-VALUE}, one of each.")
    int attacks;

    @Option(
            names = "--seed",
            defaultValue = "20191107",
            description = "Seed of the simulated traffic. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--parallelism",
            defaultValue = "1",
            description = "Flink parallelism. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--rules",
            description = "Rules folder. Default: rules/detections of the installation.")
    Path rules;

    @Option(
            names = "--work-dir",
            description =
                    "Where Kafka, Elasticsearch and checkpoints keep their data. Default: $SOC_WORK_DIR or /tmp/soc-engine.")
    Path workDir;

    @Option(names = "--json", description = "Print alerts as NDJSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Duration d;
        try {
            d = org.socengine.rules.Durations.parse(duration);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
        if (d.toSeconds() < 60) {
            throw new CliFailure("--duration must be at least 60s");
        }
        if (rate <= 0 || rate > 100_000) {
            throw new CliFailure("--rate must be between 1 and 100000");
        }
        if (attacks < 0 || attacks > DemoTraffic.MAX_ATTACKS) {
            throw new CliFailure("--attacks must be between 0 and " + DemoTraffic.MAX_ATTACKS);
        }
        Path work = workDir != null ? workDir.toAbsolutePath() : WorkDirs.defaultWorkDir();
        DemoRun run =
                new DemoRun(
                        work,
                        rules != null
                                ? rules
                                : org.socengine.jobs.internal.RuleSets.defaultDirectory(),
                        d,
                        rate,
                        attacks,
                        seed,
                        parallelism,
                        json,
                        System.out,
                        System.err);
        return run.run();
    }
}
