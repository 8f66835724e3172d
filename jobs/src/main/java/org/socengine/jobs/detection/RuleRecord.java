package org.socengine.jobs.detection;

/**
 * A record of {@code soc.rules}: the rule id and its YAML, or no YAML (a tombstone) to remove it.
 */
public class RuleRecord {
    public String ruleId;
    public String yaml;
    public long offset;

    public RuleRecord() {}

    public RuleRecord(String ruleId, String yaml, long offset) {
        this.ruleId = ruleId;
        this.yaml = yaml;
        this.offset = offset;
    }
}
