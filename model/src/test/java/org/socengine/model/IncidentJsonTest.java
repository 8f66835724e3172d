package org.socengine.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class IncidentJsonTest {

    private static final long T0 = 1_795_000_000_000L;

    static Incident sample() {
        Incident i = new Incident();
        i.departmentId = "so-yt";
        i.departmentName = "Sở Y tế";
        i.departments.add("so-yt");
        i.entityKind = "host.name";
        i.entityValue = "yt-portal-01";
        i.windowStart = T0;
        i.windowEnd = T0 + 3_600_000;
        i.id = Incident.idOf(i.departmentId, i.entityKind, i.entityValue, i.windowStart);
        i.severity = "high";
        i.risk = 93;
        i.firstSeen = T0;
        i.lastSeen = T0 + 60_000;
        Alert a = new Alert();
        a.id = "a1";
        a.ruleId = "r1";
        a.ruleName = "SSH brute force";
        a.severity = "high";
        a.riskScore = 73;
        a.timestamp = T0;
        i.alerts.add(Incident.Member.of(a));
        i.alertCount = 1;
        i.rules.add("r1");
        i.tactics.add("credential_access");
        i.ruleRisk.put("r1", 73);
        i.tierReached = 0;
        i.tierName = "on-call";
        Incident.Sent s = Incident.Sent.of(0, "yt-oncall", Notification.OPENED, T0);
        i.notifications.add(s);
        Incident.Sent failed = Incident.Sent.of(0, "yt-mail", Notification.OPENED, T0);
        failed.ok = false;
        failed.error = "SMTP 550";
        i.notifications.add(failed);
        i.revision = 3;
        return i;
    }

    @Test
    void roundTripKeepsEveryField() throws Exception {
        Incident i = sample();
        Incident back = IncidentJson.fromJson(IncidentJson.toJson(i));
        assertThat(back).usingRecursiveComparison().isEqualTo(i);
        assertThat(i.copy()).usingRecursiveComparison().isEqualTo(i);
    }

    @Test
    void documentIsEcsShaped() {
        JsonNode doc = IncidentJson.toTree(sample());
        assertThat(doc.path("host").path("name").asText()).isEqualTo("yt-portal-01");
        assertThat(doc.path("organization").path("id").asText()).isEqualTo("so-yt");
        assertThat(doc.path("threat").path("tactic").path("id").get(0).asText())
                .isEqualTo("TA0006");
        assertThat(doc.path("incident").path("alert_ids").get(0).asText()).isEqualTo("a1");
        assertThat(doc.path("incident").path("notifications").get(1).path("ok").asBoolean())
                .isFalse();
    }

    @Test
    void idIsDeterministicAndSeparatesDepartments() {
        String a = Incident.idOf("so-yt", "source.ip", "203.0.113.7", T0);
        assertThat(Incident.idOf("so-yt", "source.ip", "203.0.113.7", T0)).isEqualTo(a);
        assertThat(Incident.idOf("so-tc", "source.ip", "203.0.113.7", T0)).isNotEqualTo(a);
        assertThat(Incident.idOf("so-yt", "source.ip", "203.0.113.7", T0 + 1)).isNotEqualTo(a);
    }
}
