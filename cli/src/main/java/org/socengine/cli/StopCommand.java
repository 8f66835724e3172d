package org.socengine.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        description = {
            "Stop the running ./soc run, keeping its latest checkpoint or taking a final savepoint.",
            "",
            "Without --savepoint the job is cancelled and its latest",
            "checkpoint is kept: the next ./soc run resumes from it. With --savepoint the sources",
            "stop, a final savepoint is written (its path printed), and the next ./soc run resumes",
            "from that savepoint."
        })
public final class StopCommand implements Callable<Integer> {

    @Mixin SavepointCommand.Target job = new SavepointCommand.Target();

    @Option(names = "--savepoint", description = "Stop with a final savepoint.")
    boolean savepoint;

    @Override
    public Integer call() {
        RunControl run = job.control();
        String location = null;
        if (savepoint) {
            location = run.stopWithSavepoint(job.targetDir(run), job.timeout());
            System.out.println(location);
        } else {
            run.cancel();
        }
        boolean local = job.rest == null;
        if (local) {
            awaitExit(job.controlFile(job.cfg()), run);
        }
        System.err.println(
                "soc stop: job "
                        + run.jobId()
                        + (location != null
                                ? " stopped; savepoint " + location
                                : " cancelled; its checkpoints are kept in " + run.checkpoints()));
        return 0;
    }

    /** Waits (bounded) until ./soc run has removed its control file, i.e. has shut down. */
    private void awaitExit(Path controlFile, RunControl run) {
        long deadline = System.nanoTime() + job.timeout().toNanos();
        while (Files.exists(controlFile) && System.nanoTime() < deadline) {
            if (run.pid() != ProcessHandle.current().pid() && !run.alive()) {
                return;
            }
            try {
                // ./soc run is another process: its control file going away is the signal.
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (Files.exists(controlFile)) {
            throw new CliFailure("./soc run (pid " + run.pid() + ") has not exited yet");
        }
    }
}
