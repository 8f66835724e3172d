package org.socengine.jobs.detection;

import org.socengine.model.SecurityEvent;

/**
 * An event on its way to the rules of one key family: the rules that group by the same fields
 * ({@code source.ip}, {@code user.name}, or none). Keyed by family and key value, so each subtask
 * holds whole groups and each event is sent once per family, not once per rule.
 */
public class Routed {

    /** The family: its key fields joined by commas, empty for rules without a key. */
    public String family;

    public String key;
    public SecurityEvent event;

    public Routed() {}

    public Routed(String family, String key, SecurityEvent event) {
        this.family = family;
        this.key = key;
        this.event = event;
    }

    /** The key Flink partitions on. */
    public String partitionKey() {
        return family + "|" + key;
    }
}
