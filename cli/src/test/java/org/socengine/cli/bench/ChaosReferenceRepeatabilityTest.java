package org.socengine.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.jobs.internal.RuleSets;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;

/**
 * The chaos run's reference, twice over the same records with no kills: the same alert ids at the
 * same counts, which the chaos accounting takes for granted. Off in the normal build (a benchmark's
 * traffic through the real job twice); {@code -Dsoc.bench.chaos.reference=EVENTS} runs it, and
 * every alert that differs is printed with its evidence. A million events need more heap than the
 * test JVM's 1 GiB.
 */
@EnabledIfSystemProperty(named = "soc.bench.chaos.reference", matches = "\\d+")
class ChaosReferenceRepeatabilityTest {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @Test
    void twoRunsWithoutKillsRaiseTheSameAlertsAtTheSameCounts(@TempDir Path dir) throws Exception {
        long events = Long.parseLong(System.getProperty("soc.bench.chaos.reference"));
        List<Map<String, Alert>> runs =
                new ChaosRun(
                                new ChaosRun.Options(
                                        events,
                                        0,
                                        20261203,
                                        // As ./soc bench --chaos: the same alert ids.
                                        1,
                                        2000,
                                        Duration.ofSeconds(1),
                                        Duration.ZERO,
                                        Instant.parse("2026-02-02T00:00:00Z").toEpochMilli(),
                                        RuleSets.compileAll(Path.of("..", "rules", "detections")),
                                        dir,
                                        Duration.ofMinutes(1)),
                                System.err)
                        .referenceRuns(SERVICES.kafka(), 2);
        Map<String, Alert> a = runs.get(0);
        Map<String, Alert> b = runs.get(1);
        List<String> differences = new ArrayList<>();
        for (String id : a.keySet()) {
            Alert x = a.get(id);
            Alert y = b.get(id);
            if (y == null || x.count != y.count) {
                differences.add(id);
                System.err.println("first:  " + describe(x));
                System.err.println("second: " + (y == null ? "missing" : describe(y)));
            }
        }
        for (String id : b.keySet()) {
            if (!a.containsKey(id)) {
                differences.add(id);
                System.err.println("only in the second: " + describe(b.get(id)));
            }
        }
        System.err.printf(
                "chaos reference twice: %d and %d alerts, %d differ%n",
                a.size(), b.size(), differences.size());
        assertThat(differences).isEmpty();
    }

    private static String describe(Alert a) {
        StringBuilder s = new StringBuilder();
        s.append(a.id, 0, 8)
                .append(' ')
                .append(a.ruleName)
                .append(" group ")
                .append(a.groupKey())
                .append(" count ")
                .append(a.count)
                .append(" late ")
                .append(a.late)
                .append(" window ")
                .append(Instant.ofEpochMilli(a.windowStart))
                .append("..")
                .append(Instant.ofEpochMilli(a.windowEnd))
                .append(" evidence");
        for (SecurityEvent e : a.evidence) {
            s.append(' ').append(Instant.ofEpochMilli(e.timestamp).toString(), 11, 19);
        }
        return s.toString();
    }
}
