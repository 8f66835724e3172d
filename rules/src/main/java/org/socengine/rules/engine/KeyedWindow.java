package org.socengine.rules.engine;

import java.io.Serializable;
import java.util.List;

/**
 * A named window that holds the last event per key of a shared stream for a time, {@code create
 * window W#unique(k...)#time(T)}, filled only by {@code insert into W select * from
 * Stream(filter)}. Its content after any stream of events is the last accepted event of each key
 * not older than {@code millis}: replaying those events alone, each at the time it was evaluated,
 * rebuilds it. A restore then needs one event per key instead of {@code millis} of every event the
 * rule reads (the log-source-silence rule's 24 hours of every event of the province).
 *
 * @param window the window's name in the rule's module
 * @param keys the properties of {@code #unique}, as written
 * @param millis the window's {@code #time}
 */
public record KeyedWindow(String window, List<String> keys, long millis) implements Serializable {

    public KeyedWindow {
        keys = List.copyOf(keys);
    }
}
