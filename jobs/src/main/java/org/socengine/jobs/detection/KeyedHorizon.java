package org.socengine.jobs.detection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.socengine.rules.engine.DetectionEngine;
import org.socengine.rules.engine.KeyedWindow;

/**
 * The part of the restore horizon that keeps the last event of each key of the rules' {@link
 * KeyedWindow}s, instead of the window's whole time of every event. The log-source-silence rule
 * keeps a department's last event per source for 24 hours; as a plain horizon that was 24 hours of
 * every event the province sends (173 million at 2,000 events/s) held and replayed after a restore,
 * here it is one event per department and source.
 *
 * <p>The engines report each event that enters a keyed window while the detector sends it ({@link
 * #sending}, {@link #sent}); a slot keeps the last. The events are the ones Esper's windows hold
 * anyway, so keeping them costs a map entry each; they are serialized only when a checkpoint writes
 * them. A restore replays them with the plain horizon in the order they were first evaluated, each
 * once: an event in both has one sequence number.
 */
final class KeyedHorizon implements DetectionEngine.KeyedWindowLog {

    /** An event in one or more slots: the record, the engines' time then, and its sequence. */
    private static final class Entry {
        final Routed routed;
        final long at;
        long sequence = -1;

        /** The horizon the detector kept the event for as well (its bucket), or 0. */
        long kept;

        Entry(Routed routed, long at) {
            this.routed = routed;
            this.at = at;
        }
    }

    private final Map<DetectionEngine.KeyedSlot, Entry> latest = new HashMap<>();
    private Routed sending;
    private long sendingAt;
    private Entry current;

    /** No slot expires before this: the clock skips the scan of every slot until then. */
    private long nextExpiry = Long.MAX_VALUE;

    /** The detector is about to send {@code r}, at the engines' time {@code at}. */
    void sending(Routed r, long at) {
        sending = r;
        sendingAt = at;
        current = null;
    }

    /** Whether the event being sent entered a keyed window. */
    boolean entered() {
        return current != null;
    }

    /**
     * The event is sent; it carries {@code sequence} in the restore horizon's order, and the
     * horizon keeps it for {@code kept} as well (0 if not).
     */
    void sent(long sequence, long kept) {
        if (current != null) {
            current.sequence = sequence;
            current.kept = kept;
        }
        current = null;
        sending = null;
    }

    @Override
    public void entered(DetectionEngine.KeyedSlot slot) {
        if (sending == null) {
            // Only a sent event enters a keyed window (its writers are inserts of the event);
            // nothing else can, but nothing the detector did not send is kept either.
            return;
        }
        if (current == null) {
            current = new Entry(sending, sendingAt);
        }
        latest.put(slot, current);
        nextExpiry = Math.min(nextExpiry, expiry(sendingAt, slot.window()));
    }

    @Override
    public void forget(String deploymentId) {
        latest.keySet().removeIf(s -> s.deploymentId().equals(deploymentId));
    }

    /**
     * Drops the slots whose event left its window by event time {@code now}. A slot kept a little
     * longer costs nothing but its entry: the replay puts the event back at its time, and the
     * engine's clock takes it out again.
     */
    void prune(long now) {
        if (now < nextExpiry) {
            return;
        }
        long next = Long.MAX_VALUE;
        for (Iterator<Map.Entry<DetectionEngine.KeyedSlot, Entry>> it =
                        latest.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<DetectionEngine.KeyedSlot, Entry> e = it.next();
            long expiry = expiry(e.getValue().at, e.getKey().window());
            if (now == Long.MAX_VALUE || expiry < now) {
                it.remove();
            } else {
                next = Math.min(next, expiry);
            }
        }
        nextExpiry = next;
    }

    private static long expiry(long at, KeyedWindow w) {
        return at > Long.MAX_VALUE - w.millis() ? Long.MAX_VALUE : at + w.millis();
    }

    /**
     * The distinct events the slots hold that {@code horizon} no longer keeps itself, in the order
     * they were evaluated: a restore gets each event once. (A sequence number alone cannot tell two
     * events apart after a rescale: each subtask numbered its own.)
     */
    List<RestoreHorizon.Kept> events(RestoreHorizon horizon) {
        Set<Entry> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<RestoreHorizon.Kept> out = new ArrayList<>();
        for (Entry e : latest.values()) {
            if (seen.add(e) && (e.kept == 0 || !horizon.keeps(e.kept, e.sequence))) {
                out.add(new RestoreHorizon.Kept(e.sequence, e.at, e.routed));
            }
        }
        out.sort(Comparator.comparingLong(RestoreHorizon.Kept::sequence));
        return out;
    }

    /** Events the slots hold, each once. */
    int size() {
        Set<Entry> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(latest.values());
        return seen.size();
    }
}
