package org.socengine.jobs.escalation;

import org.socengine.model.AlertStatusChange;

/**
 * A message to every correlator subtask: a new escalation policy (already validated, as its YAML
 * text) or an analyst's status change of an incident or an alert.
 */
public class EscalationControl {

    public static final String POLICY = "policy";
    public static final String STATUS = "status";

    public String kind;
    public String policyText;
    public String policySource;
    public AlertStatusChange status;

    public EscalationControl() {}

    public static EscalationControl policy(EscalationPolicy policy) {
        EscalationControl c = new EscalationControl();
        c.kind = POLICY;
        c.policyText = policy.text();
        c.policySource = policy.source();
        return c;
    }

    public static EscalationControl status(AlertStatusChange change) {
        EscalationControl c = new EscalationControl();
        c.kind = STATUS;
        c.status = change;
        return c;
    }
}
