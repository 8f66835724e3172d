package org.socengine.jobs.escalation;

/**
 * One record of {@code soc.escalation-policy}: the policy's YAML text and where it came from. A
 * tombstone (null text) is ignored: the running policy stays.
 */
public class PolicyRecord {

    public String text;
    public String origin;

    public PolicyRecord() {}

    public static PolicyRecord of(String text, String origin) {
        PolicyRecord r = new PolicyRecord();
        r.text = text;
        r.origin = origin;
        return r;
    }
}
