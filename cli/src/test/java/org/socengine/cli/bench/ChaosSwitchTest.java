package org.socengine.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;

/** The chaos run's mid-attack kill: when it fires, and on which line. */
class ChaosSwitchTest {

    private static final long T = Instant.parse("2026-02-02T00:05:00Z").toEpochMilli();
    private static final String ID = "chaos-switch-test";

    @AfterEach
    void forget() {
        ChaosSwitch.forget(ID);
    }

    private static RawRecord line(long kafkaTime, String text) {
        RawRecord r = RawRecord.of("winlog", text);
        r.kafkaTimestamp = kafkaTime;
        return r;
    }

    private static String failure(String ip) {
        return "{\"EventTime\":\"2026-02-02 00:05:09\",\"EventID\":4625,\"IpAddress\":\""
                + ip
                + "\"}";
    }

    @Test
    void firesOnceInTheAttackAfterAnyCheckpointOfTheRun() throws Exception {
        ChaosSwitch.Run run =
                ChaosSwitch.plan(
                        ID,
                        Set.of(),
                        Set.of(),
                        new ChaosSwitch.MidAttack(T, T + 9_000, "198.51.100.236"));
        ChaosSwitch before = new ChaosSwitch(ID, 0);
        // No checkpoint yet: nothing to restore, no kill.
        assertThat(before.map(line(T + 1_317, failure("198.51.100.236")))).isNotNull();
        before.notifyCheckpointComplete(1);
        // A new attempt after a planned kill, before its own first checkpoint: still fires, on a
        // line whose Kafka time is past the last whole second of the span (Windows event times
        // are whole seconds).
        ChaosSwitch restored = new ChaosSwitch(ID, 0);
        assertThat(restored.map(line(T + 9_817 + 5_000, failure("198.51.100.236")))).isNotNull();
        assertThat(restored.map(line(T + 9_817, failure("203.0.113.9")))).isNotNull();
        assertThatThrownBy(() -> restored.map(line(T + 9_817, failure("198.51.100.236"))))
                .isInstanceOf(ChaosSwitch.ChaosKill.class)
                .hasMessageContaining("middle of an attack");
        assertThat(run.midAttackKills()).isEqualTo(1);
        // Once per run.
        assertThat(restored.map(line(T + 2_000, failure("198.51.100.236")))).isNotNull();
        assertThat(run.kills()).isEqualTo(1);
    }

    @Test
    void theAttackerIsAValueTheLinesName() {
        Alert a = new Alert();
        a.entity.put("organization.id", "so-khdt");
        a.entity.put("source.ip", "198.51.100.236");
        SecurityEvent e = new SecurityEvent();
        e.ensureEvent().original = failure("198.51.100.236");
        a.evidence.addAll(List.of(e));
        assertThat(ChaosRun.attackerText(a)).isEqualTo("198.51.100.236");
        a.evidence.clear();
        assertThat(ChaosRun.attackerText(a)).isEqualTo("198.51.100.236");
    }
}
