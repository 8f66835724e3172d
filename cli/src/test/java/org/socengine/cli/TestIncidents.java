package org.socengine.cli;

import org.socengine.model.Incident;

/** Incidents as the escalation job writes them, for the tests of {@code ./soc incidents}. */
final class TestIncidents {

    private TestIncidents() {}

    /** An open, high incident (risk 85) of one SSH brute-force alert at {@code first}. */
    static Incident bruteForce(String department, String kind, String value, long first) {
        Incident i = new Incident();
        i.departmentId = department;
        i.departments.add(department);
        i.entityKind = kind;
        i.entityValue = value;
        i.windowStart = first;
        i.windowEnd = first + 3_600_000L;
        i.id = Incident.idOf(department, kind, value, first);
        i.severity = "high";
        i.risk = 85;
        i.firstSeen = first;
        i.lastSeen = first + 1_000;
        Incident.Member m = new Incident.Member();
        m.id = "alert-" + value;
        m.ruleId = "ssh-brute";
        m.ruleName = "SSH brute force";
        m.severity = "high";
        m.riskScore = 70;
        m.timestamp = first;
        i.alerts.add(m);
        i.alertCount = 1;
        i.rules.add(m.ruleId);
        i.revision = 1;
        return i;
    }
}
