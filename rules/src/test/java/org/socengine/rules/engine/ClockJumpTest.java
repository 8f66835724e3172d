package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.socengine.model.Alert;

/**
 * A jump in event time (a device clock ten years off, a replay across a gap) moves Esper's clock in
 * a bounded number of timer steps, whatever the rules' timers: a one-second timer across ten years
 * would otherwise fire 315 million times and hold every department behind it.
 */
class ClockJumpTest {

    private static final long TEN_YEARS_SECONDS = 10L * 365 * 24 * 3600;

    @Test
    void aTenYearJumpWithOneSecondTimersFinishesAndAlertsStayRight() {
        List<Alert> alerts = new ArrayList<>();
        DetectionEngine[] holder = new DetectionEngine[1];
        assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> {
                    DetectionEngine engine =
                            new DetectionEngine(
                                    "clock-jump",
                                    List.of(
                                            DetectionEngineTest.rule(
                                                    "burst-per-second",
                                                    1,
                                                    "select source.ip as source_ip, count(*) as failures\n"
                                                            + "from Auth(event.outcome = 'failure')#time(1 min)\n"
                                                            + "group by source.ip having count(*) >= 3\n"
                                                            + "output last every 1 sec",
                                                    "10m"),
                                            DetectionEngineTest.rule(
                                                    "heartbeat",
                                                    1,
                                                    "select count(*) as ticks from pattern [every timer:interval(1 sec)] unidirectional, Auth#lastevent",
                                                    "1d")));
                    holder[0] = engine;
                    for (int i = 0; i < 3; i++) {
                        engine.send(DetectionEngineTest.failure(i, "203.0.113.1"));
                    }
                    engine.send(DetectionEngineTest.failure(3, "203.0.113.9"));
                    engine.advanceTime(DetectionEngineTest.failure(30, "x").timestamp);
                    alerts.addAll(engine.drainAlerts());
                    for (int i = 0; i < 3; i++) {
                        engine.send(
                                DetectionEngineTest.failure(TEN_YEARS_SECONDS + i, "203.0.113.2"));
                    }
                    engine.advanceTime(
                            DetectionEngineTest.failure(TEN_YEARS_SECONDS + 30, "x").timestamp);
                    alerts.addAll(engine.drainAlerts());
                });
        DetectionEngine engine = holder[0];
        try {
            List<Alert> bursts =
                    Alert.latest(alerts).stream()
                            .filter(a -> a.ruleId.equals("burst-per-second"))
                            .toList();
            assertThat(bursts)
                    .extracting(a -> a.entity.get("source.ip"))
                    .containsExactly("203.0.113.1", "203.0.113.2");
            // Each alert carries the second it was output in: exact stepping either side of the
            // jump.
            assertThat(bursts.get(0).timestamp)
                    .isEqualTo(DetectionEngineTest.failure(3, "x").timestamp);
            assertThat(bursts.get(1).timestamp)
                    .isEqualTo(DetectionEngineTest.failure(TEN_YEARS_SECONDS + 3, "x").timestamp);
            assertThat(engine.coarseClockAdvances()).isPositive();
            // Two runtimes (events without a department never came: one department's), bounded
            // steps per runtime and advance.
            assertThat(engine.clockSteps())
                    .isLessThan(
                            10L
                                    * (DetectionEngine.EXACT_CLOCK_STEPS
                                            + DetectionEngine.COARSE_CLOCK_STEPS));
        } finally {
            engine.close();
        }
    }
}
