package org.socengine.jobs.detection;

/** Checkpointed suppression state of one rule and group key in one family. */
public class SuppressionEntry {
    public int family;
    public String key;
    public long until;
    public long repeats;
    public String alertId;

    public SuppressionEntry() {}
}
