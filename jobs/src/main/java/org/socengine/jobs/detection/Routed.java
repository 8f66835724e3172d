package org.socengine.jobs.detection;

import org.socengine.model.SecurityEvent;

/**
 * What the router sends to one detection subtask: an event with the key families (and the event's
 * key in each) whose groups that subtask holds, or a control message for the subtask.
 *
 * <p>One record per event and subtask, not per family: at parallelism 1 an event travels once
 * however many families read it, and every family's engine and the restore horizon share one copy
 * of it.
 */
public final class Routed {

    /** The detection subtask this record is for. */
    public int target;

    /** The event, or null for a control message. */
    public SecurityEvent event;

    /** The families of this subtask that read the event: their key fields joined by commas. */
    public String[] families;

    /** The event's key in each family, same order as {@link #families}. */
    public String[] keys;

    public Control control;

    public Routed() {}

    public static Routed event(int target, SecurityEvent event, String[] families, String[] keys) {
        Routed r = new Routed();
        r.target = target;
        r.event = event;
        r.families = families;
        r.keys = keys;
        return r;
    }

    public static Routed control(int target, Control control) {
        Routed r = new Routed();
        r.target = target;
        r.control = control;
        return r;
    }

    public boolean isControl() {
        return control != null;
    }

    /** The key Flink would partition the i-th family's group on. */
    public String partitionKey(int i) {
        return partitionKey(families[i], keys[i]);
    }

    public static String partitionKey(String family, String key) {
        return family + "|" + key;
    }
}
