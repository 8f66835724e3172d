package org.socengine.rules.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleLimits;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.DetectionEngine;

/**
 * The library's port scan rules on a busy network: a minute of 90,000 answered flows, each between
 * another pair of hosts (1,500 flows a second, what a province's NetFlow gives at a few thousand
 * events a second), with a vertical scan and a host sweep inside it. Grouping every pair of the
 * minute put both rules over the default {@code max_groups} (50,000) and the engine quarantined
 * them: the province lost its scan detection when it was busiest. Only probes are grouped now.
 */
class ScanRulesStateTest {

    private static final long T0 = 1_795_852_800_000L; // 2026-11-24T08:00:00Z
    private static final String VERTICAL = "3ccfee64-bd4e-5ef8-924d-260aa89af00a";
    private static final String HORIZONTAL = "6da1aa4d-1330-51c5-ad5b-1a60531c5707";

    private DetectionEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static SecurityEvent flow(
            long offsetMillis, String src, String dst, int port, long packets) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = T0 + offsetMillis;
        e.ensureEvent().category = "network";
        e.event.kind = "event";
        e.event.module = "netflow";
        e.event.dataset = "netflow.flow";
        e.event.action = "flow";
        e.ensureOrganization().id = "so-tttt";
        e.ensureSource().ip = src;
        e.source.port = 40_000 + (int) (offsetMillis % 20_000);
        e.source.packets = packets;
        e.source.bytes = packets * 60;
        e.ensureDestination().ip = dst;
        e.destination.port = port;
        e.ensureNetwork().transport = "tcp";
        return e;
    }

    private static String address(int n) {
        return "10." + (n >>> 16 & 0xff) + "." + (n >>> 8 & 0xff) + "." + (n & 0xff);
    }

    @Test
    void aBusyMinuteOfAnsweredFlowsKeepsBothScanRulesAndTheirAlerts() {
        List<CompiledRule> rules =
                RuleRepository.load(RuleLibraryTest.DETECTIONS).compiled().stream()
                        .filter(r -> Set.of(VERTICAL, HORIZONTAL).contains(r.id()))
                        .toList();
        assertThat(rules).hasSize(2);
        engine = new DetectionEngine("scan-state-test", rules);
        engine.setRuleLimits(RuleLimits.DEFAULTS, 1);

        engine.advanceTime(T0);
        List<Alert> alerts = new ArrayList<>();
        int answered = 90_000;
        for (int i = 0; i < answered; i++) {
            long at = i * 60_000L / answered;
            // Every flow between another pair of hosts, and from another source to 443.
            engine.send(flow(at, address(0x100000 + i), address(0x200000 + i), 443, 12));
            if (i % 3_000 == 1_000) {
                int k = i / 3_000;
                // A SYN scan of 30 ports of one server, and a sweep of 30 hosts on 445.
                engine.send(flow(at, "203.0.113.33", "10.10.5.5", 1 + k * 37, 1));
                engine.send(flow(at, "10.12.9.66", "10.12.1." + (k + 1), 445, 1));
            }
            alerts.addAll(engine.drainAlerts());
        }
        engine.advanceTime(T0 + 61_000);
        engine.checkBudgets();
        alerts.addAll(engine.drainAlerts());

        assertThat(engine.quarantined()).as("quarantined rules").isEmpty();
        assertThat(engine.ruleIds()).containsExactlyInAnyOrder(VERTICAL, HORIZONTAL);
        // Repeats of a suppressed key are updates folded into its alert.
        assertThat(Alert.latest(alerts))
                .extracting(a -> a.ruleId + " " + a.entity.get("source.ip"))
                .containsExactlyInAnyOrder(VERTICAL + " 203.0.113.33", HORIZONTAL + " 10.12.9.66");
    }
}
