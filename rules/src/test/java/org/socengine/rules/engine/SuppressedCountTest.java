package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;

/**
 * An alert's count is every event its repeats added, whatever its evidence holds: the evidence is
 * capped at {@link AlertFactory#DEFAULT_EVIDENCE_CAP} events, the count is not. Sprays put several
 * events in one second (Windows and syslog times are whole seconds), which the capped evidence
 * cannot tell apart.
 */
class SuppressedCountTest {

    private final List<DetectionEngine> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(DetectionEngine::close);
    }

    private DetectionEngine engine(String id) throws Exception {
        DetectionEngine e =
                new DetectionEngine(
                        "suppressed-count-" + id, List.of(DetectionEngineTest.burst(id, 1, 8)));
        engines.add(e);
        return e;
    }

    /** {@code n} failures from one address, {@code perSecond} of them in each second. */
    private static List<SecurityEvent> spray(int n, int perSecond, String ip) {
        List<SecurityEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(DetectionEngineTest.failure(i / perSecond, ip));
        }
        return out;
    }

    /** The alert's final count: the newest of its versions (an update carries the total). */
    private static Alert last(List<Alert> versions) {
        assertThat(versions.stream().map(a -> a.id).distinct()).hasSize(1);
        return versions.get(versions.size() - 1);
    }

    @Test
    void twoFailuresASecondPastTheEvidenceCapAreAllCounted() throws Exception {
        DetectionEngine engine = engine("two-a-second");
        List<Alert> versions = new ArrayList<>();
        // The chaos run's spray: 53 failures, two a second (counted 36 when the count was taken
        // from the capped evidence, one a second once the alert held 20 events).
        for (SecurityEvent e : spray(53, 2, "198.51.100.236")) {
            engine.send(e);
            versions.addAll(engine.drainAlerts());
        }
        Alert a = last(versions);
        assertThat(a.count).isEqualTo(53);
        assertThat(a.evidence).hasSize(AlertFactory.DEFAULT_EVIDENCE_CAP);
        assertThat(versions.stream().filter(v -> !v.update)).hasSize(1);
    }

    @Test
    void aFirstRowBeyondTheCapCountsEveryEventOfItsLastSecond() throws Exception {
        // Three a second, and the first alert's row already past the cap: the suppression has to
        // know that two events of the row's last second were counted, not the one its evidence
        // kept.
        DetectionEngine engine =
                new DetectionEngine(
                        "suppressed-count-first-row",
                        List.of(DetectionEngineTest.burst("first-row", 1, 26)));
        engines.add(engine);
        List<Alert> versions = new ArrayList<>();
        for (SecurityEvent e : spray(40, 3, "198.51.100.237")) {
            engine.send(e);
            versions.addAll(engine.drainAlerts());
        }
        assertThat(last(versions).count).isEqualTo(40);
    }

    @Test
    void theCountDoesNotDependOnHowOftenAlertsAreDrained() throws Exception {
        DetectionEngine often = engine("drained-often");
        DetectionEngine once = engine("drained-once");
        List<Alert> a = new ArrayList<>();
        for (SecurityEvent e : spray(61, 3, "198.51.100.238")) {
            often.send(e);
            a.addAll(often.drainAlerts());
            once.send(e);
        }
        assertThat(last(a).count).isEqualTo(61);
        assertThat(last(once.drainAlerts()).count).isEqualTo(61);
    }

    /** The library's Windows spray: a ten-minute window and ten minutes of suppression. */
    private DetectionEngine sprayEngine(String id) throws Exception {
        DetectionEngine e =
                new DetectionEngine(
                        "suppressed-count-" + id,
                        List.of(
                                DetectionEngineTest.rule(
                                        id,
                                        1,
                                        "select window(*) as evidence, count(distinct user.name)"
                                                + " as users\n"
                                                + "from Auth(event.outcome = 'failure')#time(10 min)\n"
                                                + "group by source.ip\n"
                                                + "having count(distinct user.name) >= 8",
                                        "10m")));
        engines.add(e);
        return e;
    }

    private static List<SecurityEvent> sprayOfUsers(int n, String ip) {
        List<SecurityEvent> out = spray(n, 2, ip);
        for (int i = 0; i < n; i++) {
            out.get(i).ensureUser().name = "user" + i;
        }
        return out;
    }

    @Test
    void theEndOfInputRaisesNoSecondAlertForAnAttackItAlreadyCounted() throws Exception {
        // The final watermark moves the clock a window past the last event: the window's events
        // expire one by one after the suppression has ended, and each shrunken window is still
        // over the threshold. It is the same attack, counted once.
        DetectionEngine engine = sprayEngine("end-of-input");
        List<Alert> versions = new ArrayList<>();
        List<SecurityEvent> spray = sprayOfUsers(53, "198.51.100.239");
        for (SecurityEvent e : spray) {
            engine.send(e);
            versions.addAll(engine.drainAlerts());
        }
        long last = spray.get(spray.size() - 1).timestamp;
        engine.advanceTime(last + engine.horizonMillis() + 1);
        versions.addAll(engine.drainAlerts());
        assertThat(versions.stream().filter(v -> !v.update)).hasSize(1);
        assertThat(last(versions).count).isEqualTo(53);

        // A new event of the same source after the suppression is a new alert.
        List<Alert> later = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            SecurityEvent e = DetectionEngineTest.failure(3_600 + i, "198.51.100.239");
            e.ensureUser().name = "second" + i;
            engine.send(e);
            later.addAll(engine.drainAlerts());
        }
        assertThat(later.stream().filter(v -> !v.update)).hasSize(1);
    }
}
