package org.socengine.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.socengine.connectors.config.SocConfig;
import org.socengine.jobs.internal.StateSettings;
import org.socengine.rules.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "savepoint",
        mixinStandardHelpOptions = true,
        description = {
            "Take a savepoint of the running job and print where it is.",
            "",
            "The job of the running ./soc run, or a job on a cluster with --rest and --job-id. The job",
            "goes on running; ./soc run --from-savepoint PATH starts from it, e.g. after an upgrade."
        })
public final class SavepointCommand implements Callable<Integer> {

    /** How {@code savepoint} and {@code stop} find the job: the control file, or REST + job id. */
    static final class Target {
        @Option(
                names = "--config",
                description =
                        "The configuration ./soc run was started with (run.control_file,"
                                + " state.savepoints_dir).")
        Path config;

        @Option(
                names = "--target",
                paramLabel = "DIR",
                description = "Savepoint folder or URI. Default: state.savepoints_dir.")
        String target;

        @Option(
                names = "--rest",
                paramLabel = "URL",
                description = "Flink REST address of a cluster.")
        String rest;

        @Option(names = "--job-id", description = "The job on that cluster.")
        String jobId;

        @Option(
                names = "--timeout",
                defaultValue = "10m",
                description = "How long to wait for the savepoint. Default: ${DEFAULT-VALUE}.")
        String timeout;

        SocConfig cfg() {
            try {
                return SocConfig.load(config);
            } catch (java.io.IOException e) {
                throw new CliFailure("cannot read the configuration: " + e.getMessage());
            }
        }

        Path controlFile(SocConfig cfg) {
            return cfg.has("run.control_file")
                    ? Path.of(cfg.get("run.control_file"))
                    : org.socengine.local.WorkDirs.defaultWorkDir().resolve("soc-run.json");
        }

        RunControl control() {
            if (rest != null || jobId != null) {
                if (rest == null || jobId == null) {
                    throw new CliFailure("--rest and --job-id go together");
                }
                return new RunControl(-1, rest, jobId, "", "");
            }
            return RunControl.read(controlFile(cfg()));
        }

        String targetDir(RunControl run) {
            if (target != null) {
                return StateSettings.uri(target);
            }
            if (!run.savepoints().isEmpty()) {
                return run.savepoints();
            }
            return StateSettings.from(cfg(), org.socengine.local.WorkDirs.defaultWorkDir())
                    .savepoints();
        }

        Duration timeout() {
            return Durations.parse(timeout);
        }
    }

    @Mixin Target job = new Target();

    @Override
    public Integer call() {
        RunControl run = job.control();
        String location = run.savepoint(job.targetDir(run), false, job.timeout());
        System.out.println(location);
        System.err.println("soc savepoint: job " + run.jobId() + " saved to " + location);
        return 0;
    }
}
