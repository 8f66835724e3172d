package org.socengine.jobs.detection;

import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.socengine.jobs.intel.IntelUpdate;
import org.socengine.model.SecurityEvent;

/**
 * What the router sends to one detection subtask: an event with the key families (and the event's
 * key in each) whose groups that subtask holds, or a control message for the subtask.
 *
 * <p>One record per event and subtask, not per family: at parallelism 1 an event travels once
 * however many families read it, and every family's engine and the restore horizon share one copy
 * of it.
 *
 * <p>Also the one stream from the decode step through the threat-intelligence enrichment to the
 * router ({@link #unrouted}, control messages before the router addresses them, and indicator
 * updates, which the enrichment keeps): one stream, so that the enrichment and the router chain
 * with the decode step.
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

    /** An update of the indicators for the enrichment, which takes it out of the stream. */
    public IntelUpdate intel;

    /**
     * This record as {@link RoutedSerializer} writes it, once the detector needed it (a checkpoint
     * of the events waiting for the watermark, or the restore horizon), or null. The detector's own
     * cache, never sent: an event waits for the watermark across several checkpoints and then
     * enters the horizon, and was serialized for each of them.
     */
    transient byte[] serialized;

    public Routed() {}

    public static Routed event(int target, SecurityEvent event, String[] families, String[] keys) {
        Routed r = new Routed();
        r.target = target;
        r.event = event;
        r.families = families;
        r.keys = keys;
        return r;
    }

    /**
     * What the decode step sends the router: an event before routing (no families; it reaches the
     * router, not a detector).
     */
    public static Routed unrouted(SecurityEvent event) {
        return event(0, event, NO_FAMILIES, NO_FAMILIES);
    }

    private static final String[] NO_FAMILIES = new String[0];

    public static Routed control(int target, Control control) {
        Routed r = new Routed();
        r.target = target;
        r.control = control;
        return r;
    }

    /** An indicator update on its way from the decode step to the enrichment. */
    public static Routed intel(IntelUpdate update) {
        Routed r = new Routed();
        r.intel = update;
        return r;
    }

    public static String partitionKey(String family, String key) {
        return family + "|" + key;
    }

    /**
     * The detection subtask that holds each family's group of this event, by Flink's key-group
     * assignment of {@code family|key}: how the router addresses records and how a detector decides
     * what it owns after a restore at another parallelism.
     */
    public int[] subtasks(int maxParallelism, int parallelism) {
        int[] out = new int[families.length];
        for (int i = 0; i < families.length; i++) {
            out[i] = subtaskOf(families[i], keys[i], maxParallelism, parallelism);
        }
        return out;
    }

    /** The detection subtask that holds a family's group {@code key} (see {@link #subtasks}). */
    public static int subtaskOf(String family, String key, int maxParallelism, int parallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                partitionKey(family, key), maxParallelism, parallelism);
    }

    /**
     * This event for one subtask: only the families whose group it holds ({@code subtasks} as
     * {@link #subtasks} gave them), or null when it holds none.
     */
    public Routed narrowedTo(int subtask, int[] subtasks) {
        int n = 0;
        for (int s : subtasks) {
            if (s == subtask) {
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        if (n == families.length) {
            return target == subtask ? this : event(subtask, event, families, keys);
        }
        String[] fs = new String[n];
        String[] ks = new String[n];
        n = 0;
        for (int i = 0; i < families.length; i++) {
            if (subtasks[i] == subtask) {
                fs[n] = families[i];
                ks[n] = keys[i];
                n++;
            }
        }
        return event(subtask, event, fs, ks);
    }
}
