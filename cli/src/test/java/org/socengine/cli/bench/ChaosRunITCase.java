package org.socengine.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.testing.LocalServicesExtension;
import org.socengine.jobs.internal.RuleSets;

/**
 * The chaos run of {@code ./soc bench --chaos} in small: 20,000 events of the benchmark's traffic,
 * the job killed three times (once in the middle of an attack) and restored from its checkpoints;
 * every alert of the reference run is in Elasticsearch once, at its final count, and nothing else.
 */
class ChaosRunITCase {

    @RegisterExtension static final LocalServicesExtension SERVICES = new LocalServicesExtension();

    @Test
    void threeKillsLoseAndDuplicateNoAlert(@TempDir Path checkpoints) throws Exception {
        ChaosRun.Result r =
                new ChaosRun(
                                new ChaosRun.Options(
                                        20_000,
                                        3,
                                        20261203,
                                        2,
                                        250,
                                        Duration.ofMillis(500),
                                        // 20,000 records over about five seconds: ten checkpoints.
                                        Duration.ofNanos(250_000),
                                        // A month no other test writes alerts for.
                                        Instant.parse("2026-01-05T00:00:00Z").toEpochMilli(),
                                        RuleSets.compileAll(Path.of("..", "rules", "detections")),
                                        checkpoints,
                                        Duration.ofMinutes(1)),
                                System.err)
                        .run(SERVICES.kafka(), SERVICES.elasticsearchUrl());
        System.err.println(r.toJson());
        assertThat(r.expected()).isPositive();
        // A planned kill waits for a checkpoint of its attempt; on a loaded machine the last one
        // may find the stream ended first (FailureRecoveryITCase has the same allowance).
        assertThat(r.killsPerformed()).isBetween(2L, 3L);
        assertThat(r.midAttackKills()).isEqualTo(1);
        assertThat(r.missing()).isEmpty();
        assertThat(r.unexpected()).isEmpty();
        assertThat(r.duplicates()).isZero();
        assertThat(r.countMismatches()).isEmpty();
        assertThat(r.found()).isEqualTo(r.expected());
    }
}
