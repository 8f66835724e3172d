package org.socengine.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process of a local service (the Kafka broker, the Elasticsearch node) that never outlives
 * us: a pid file lets the next start kill a leftover from a hard-killed parent, a shutdown hook
 * stops it on exit and Ctrl-C, and a tiny shell watchdog kills it if this JVM dies without running
 * its hooks (SIGKILL, OOM).
 */
final class ManagedProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedProcess.class);

    private final String name;
    private final Process process;
    private final Path pidFile;
    private final Thread hook;
    private Process watchdog;

    private ManagedProcess(String name, Process process, Path pidFile) {
        this.name = name;
        this.process = process;
        this.pidFile = pidFile;
        this.hook = new Thread(this::stop, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts the command with output appended to the log file, after killing whatever a previous
     * run left behind under the same pid file.
     */
    static ManagedProcess start(
            String name,
            List<String> command,
            Path workDir,
            Path logFile,
            Path pidFile,
            java.util.Map<String, String> env)
            throws IOException {
        killStale(name, pidFile);
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Process p = pb.start();
        Files.writeString(pidFile, Long.toString(p.pid()), StandardCharsets.US_ASCII);
        ManagedProcess mp = new ManagedProcess(name, p, pidFile);
        mp.startWatchdog();
        return mp;
    }

    private void startWatchdog() {
        long parent = ProcessHandle.current().pid();
        long child = process.pid();
        String script =
                "while kill -0 "
                        + parent
                        + " 2>/dev/null && kill -0 "
                        + child
                        + " 2>/dev/null; do sleep 1; done; "
                        + "if kill -0 "
                        + child
                        + " 2>/dev/null; then pkill -TERM -P "
                        + child
                        + " 2>/dev/null; kill -TERM "
                        + child
                        + " 2>/dev/null; sleep 10; pkill -KILL -P "
                        + child
                        + " 2>/dev/null; kill -KILL "
                        + child
                        + " 2>/dev/null; fi";
        try {
            watchdog =
                    new ProcessBuilder("sh", "-c", script)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
        } catch (IOException e) {
            LOG.warn("no watchdog for {}: {}", name, e.toString());
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    /** Stops the process and everything it started: TERM, then KILL after a grace period. */
    synchronized void stop() {
        if (process.isAlive()) {
            List<ProcessHandle> tree = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    LOG.warn("{} did not stop within 30 s; killing it", name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (ProcessHandle h : tree) {
                if (h.isAlive()) {
                    h.destroy();
                }
            }
            waitFor(tree, Duration.ofSeconds(10));
            tree.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        if (watchdog != null) {
            watchdog.destroy();
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", pidFile, e);
        }
    }

    /**
     * Kills the process and everything it started with SIGKILL, no grace period: what a crash, the
     * OOM killer or a pulled plug leave behind, for fault tests.
     */
    synchronized void kill() {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        waitFor(tree, Duration.ofSeconds(30));
        if (watchdog != null) {
            watchdog.destroy();
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", pidFile, e);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or has run.
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or has run.
        }
    }

    private static void waitFor(List<ProcessHandle> handles, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        for (ProcessHandle h : handles) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Kills the process a previous run recorded, if it is still there and is ours. */
    static void killStale(String name, Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        String text = Files.readString(pidFile).trim();
        Files.deleteIfExists(pidFile);
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return;
        }
        String cmd = h.get().info().commandLine().orElse("");
        if (!cmd.contains("java") && !cmd.contains("elasticsearch") && !cmd.contains("setpriv")) {
            return;
        }
        LOG.warn("stopping {} left over from an earlier run (pid {})", name, pid);
        List<ProcessHandle> tree = h.get().descendants().toList();
        h.get().destroy();
        tree.forEach(ProcessHandle::destroy);
        try {
            h.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            h.get().destroyForcibly();
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }
}
