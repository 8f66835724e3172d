package org.socengine.connectors.notify;

import java.util.List;
import java.util.Map;
import org.socengine.model.Notification;

/** Notifications for the channel tests, an ordinary one and one full of hostile values. */
final class SampleNotifications {

    private SampleNotifications() {}

    static Notification ordinary() {
        Notification n = new Notification();
        n.incidentId = "inc-7f3a";
        n.kind = Notification.ESCALATED;
        n.departmentId = "dept-health";
        n.departmentName = "Health Department";
        n.severity = "critical";
        n.risk = 87;
        n.title = "Brute force then lateral movement from 10.20.0.5";
        n.entity = new java.util.LinkedHashMap<>(Map.of("source.ip", "10.20.0.5"));
        n.tactics = List.of("Credential Access", "Lateral Movement");
        n.alertCount = 14;
        n.topAlerts =
                List.of(
                        "critical SSH brute force on web01 (42 failures)",
                        "high Admin share access from 10.20.0.5",
                        "medium New service installed on db02");
        n.link = "https://console.soc.example/incidents/inc-7f3a";
        n.tier = 2;
        n.tierName = "provincial-soc";
        n.channel = "oncall-webhook";
        n.at = 1_790_000_000_000L;
        n.incidentStart = 1_789_999_000_000L;
        n.idempotencyKey = Notification.idempotencyKey(n.incidentId, n.tier, n.channel, 1);
        return n;
    }

    /** Values an attacker controls through the logs: links, mentions, markup, line breaks. */
    static Notification hostile() {
        Notification n = ordinary();
        n.title =
                "<!channel> *pwned* [click](https://evil.example) <b>x</b> & @all _x_\nSubject: hi";
        n.entity =
                new java.util.LinkedHashMap<>(
                        Map.of("host.name", "<a href=\"https://evil\">h</a>\u202Eexe"));
        n.topAlerts =
                List.of(
                        "`rm -rf` <script>alert(1)</script> @here \\ ~~x~~ #tag",
                        "x".repeat(10_000));
        return n;
    }
}
