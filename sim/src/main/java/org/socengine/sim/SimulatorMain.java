package org.socengine.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.enrich.DepartmentDirectory;

/**
 * The traffic simulator on its own, for a deployment that has no {@code ./soc demo}: the compose
 * stack's {@code simulator} service. Sends the departments' simulated syslog, with brute-force
 * attacks in it, live into {@code soc.raw.syslog}, paced against the wall clock, then exits.
 *
 * <pre>
 * SOC_KAFKA=kafka:9092 java -cp soc.jar org.socengine.sim.SimulatorMain --rate 20 --attacks 6 --duration 1h
 * </pre>
 *
 * <p>The connection comes from the engine's configuration ({@code SOC_KAFKA} and the other {@code
 * SOC_KAFKA_*} variables). A heartbeat file ({@code --heartbeat}, default {@code
 * /tmp/soc-sim.heartbeat}) is touched every few seconds while it sends, for a container health
 * check.
 */
public final class SimulatorMain {

    private SimulatorMain() {}

    public static void main(String[] args) throws Exception {
        double rate = 20;
        int attacks = 6;
        Duration duration = Duration.ofHours(1);
        long seed = System.nanoTime();
        Path heartbeat = Path.of("/tmp/soc-sim.heartbeat");
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + ": missing value");
            }
            String value = args[++i];
            switch (name) {
                case "--rate" -> rate = Double.parseDouble(value);
                case "--attacks" -> attacks = Integer.parseInt(value);
                case "--duration" -> duration = duration(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--heartbeat" -> heartbeat = Path.of(value);
                default ->
                        throw new IllegalArgumentException(
                                "unknown option "
                                        + name
                                        + " (known: --rate, --attacks, --duration, --seed,"
                                        + " --heartbeat)");
            }
        }
        long start = System.currentTimeMillis();
        DepartmentTrafficSimulator sim =
                new DepartmentTrafficSimulator(
                        seed,
                        start,
                        duration.toMillis(),
                        rate,
                        attacks,
                        DepartmentDirectory.defaults());
        List<DepartmentTrafficSimulator.SimEvent> events = sim.events();
        System.err.printf(
                "simulator: %d lines over %s with %d attacks into %s%n",
                events.size(), duration, sim.plan().attacks().size(), SimulatorProducer.TOPIC);
        Path beat = heartbeat;
        long[] lastBeat = {0};
        try (SimulatorProducer producer =
                new SimulatorProducer(SocConfig.load(null).kafka(), SimulatorProducer.TOPIC)) {
            producer.sendPaced(
                    events,
                    System::currentTimeMillis,
                    () -> {
                        long now = System.currentTimeMillis();
                        if (now - lastBeat[0] > 5_000) {
                            lastBeat[0] = now;
                            touch(beat);
                        }
                        return false;
                    });
            System.err.printf("simulator: sent %d lines%n", producer.sent());
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}. */
    static Duration duration(String text) {
        String t = text.trim();
        if (t.length() < 2) {
            throw new IllegalArgumentException(
                    "--duration: a number and s, m, h or d, not " + text);
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default ->
                    throw new IllegalArgumentException(
                            "--duration: a number and s, m, h or d, not " + text);
        };
    }

    private static void touch(Path file) {
        try {
            if (Files.exists(file)) {
                Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
            } else {
                Files.createFile(file);
            }
        } catch (java.io.IOException e) {
            // A health check that cannot be written only makes the container look unhealthy.
        }
    }
}
