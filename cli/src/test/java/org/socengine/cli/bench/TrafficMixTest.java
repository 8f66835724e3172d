package org.socengine.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.enrich.DepartmentDirectory;

class TrafficMixTest {

    @Test
    void linesAreInTimeOrderNeverAheadOfTheClockAndSyslogKeepsItsShare() {
        TrafficMix mix =
                new TrafficMix(
                        20261125,
                        1_795_564_800_000L,
                        2_000,
                        200_000,
                        DepartmentDirectory.defaults());
        Map<String, Integer> bySource = new HashMap<>();
        long ahead = 0;
        long behind = 0;
        long newest = Long.MIN_VALUE;
        while (mix.hasNext()) {
            TrafficMix.Line l = mix.next();
            if (l.timestamp() > mix.clock()) {
                ahead++;
            }
            if (l.timestamp() < newest) {
                behind++;
            }
            newest = Math.max(newest, l.timestamp());
            bySource.merge(l.source(), 1, Integer::sum);
        }
        assertThat(ahead).as("lines ahead of the clock").isZero();
        // Overlapping bursts once went out one after the other, up to 40 s behind their time, and
        // a simulated minute's attacks ran on past the next minute's first syslog lines.
        assertThat(behind).as("lines behind one already sent").isZero();
        assertThat(bySource.get("syslog") / 200_000.0).isBetween(0.1, 0.36);
        assertThat(bySource.keySet()).hasSize(TrafficMix.SOURCES.length + 1);
    }

    @Test
    void theClockKeepsTheRateEvenWhenGapsAreUnderAMillisecond() {
        TrafficMix mix =
                new TrafficMix(
                        1, 1_795_564_800_000L, 10_000, 600_000, DepartmentDirectory.defaults());
        while (mix.hasNext()) {
            mix.next();
        }
        assertThat(mix.clock() - 1_795_564_800_000L).isBetween(58_000L, 62_000L);
    }

    @Test
    void theSameSeedGivesTheSameLines() {
        TrafficMix a =
                new TrafficMix(7, 1_795_564_800_000L, 2_000, 5_000, DepartmentDirectory.defaults());
        TrafficMix b =
                new TrafficMix(7, 1_795_564_800_000L, 2_000, 5_000, DepartmentDirectory.defaults());
        while (a.hasNext()) {
            assertThat(b.next()).isEqualTo(a.next());
        }
    }
}
