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
                                        checkpoints),
                                System.err)
                        .run(SERVICES.kafka(), SERVICES.elasticsearchUrl());
        System.err.println(r.toJson());
        assertThat(r.expected()).isPositive();
        assertThat(r.killsPerformed()).isEqualTo(3);
        assertThat(r.midAttackKills()).isEqualTo(1);
        assertThat(r.missing()).isEmpty();
        assertThat(r.unexpected()).isEmpty();
        assertThat(r.duplicates()).isZero();
        assertThat(r.countMismatches()).isEmpty();
        assertThat(r.found()).isEqualTo(r.expected());
        assertThat(r.ok()).isTrue();
    }
}
