package org.socengine.rules.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.socengine.model.SecurityEvent;

/**
 * Whether an event meets any of many {@link EventCondition}s (the rules of one family reading one
 * stream), asked once per event. A thousand rules that differ by department or by threshold must
 * not cost a thousand tests: each condition that requires a field to equal some constants is filed
 * under those constants, so an event looks up the conditions its value can meet and tests only
 * those. The field chosen for a condition is the one whose constants differ most across the
 * conditions ({@code organization.id} before {@code event.action} in department variants).
 */
public final class EventConditionIndex {

    private static final EventConditionIndex ALWAYS =
            new EventConditionIndex(true, new EventCondition.FieldIn[0], List.of(), List.of());

    private final boolean always;
    private final EventCondition.FieldIn[] keys;
    private final List<Map<Object, EventCondition[]>> byValue;
    private final List<EventCondition> rest;

    private EventConditionIndex(
            boolean always,
            EventCondition.FieldIn[] keys,
            List<Map<Object, EventCondition[]>> byValue,
            List<EventCondition> rest) {
        this.always = always;
        this.keys = keys;
        this.byValue = byValue;
        this.rest = rest;
    }

    /** Any of the conditions; none at all, or {@link EventCondition#ALWAYS} among them: always. */
    public static EventConditionIndex of(Collection<EventCondition> conditions) {
        Set<EventCondition> distinct = new LinkedHashSet<>(conditions);
        distinct.remove(EventCondition.NEVER);
        if (conditions.isEmpty() || distinct.contains(EventCondition.ALWAYS)) {
            return ALWAYS;
        }
        Map<String, Set<Object>> constants = new HashMap<>();
        for (EventCondition c : distinct) {
            for (EventCondition.FieldIn f : keysOf(c)) {
                constants.computeIfAbsent(f.path(), p -> new LinkedHashSet<>()).addAll(f.values());
            }
        }
        Map<String, EventCondition.FieldIn> keyOfPath = new LinkedHashMap<>();
        Map<String, Map<Object, List<EventCondition>>> filed = new LinkedHashMap<>();
        List<EventCondition> rest = new ArrayList<>();
        for (EventCondition c : distinct) {
            EventCondition.FieldIn best = null;
            for (EventCondition.FieldIn f : keysOf(c)) {
                if (best == null
                        || constants.get(f.path()).size() > constants.get(best.path()).size()
                        || (constants.get(f.path()).size() == constants.get(best.path()).size()
                                && f.path().compareTo(best.path()) < 0)) {
                    best = f;
                }
            }
            if (best == null) {
                rest.add(c);
                continue;
            }
            keyOfPath.putIfAbsent(best.path(), best);
            Map<Object, List<EventCondition>> m =
                    filed.computeIfAbsent(best.path(), p -> new HashMap<>());
            for (Object v : best.values()) {
                m.computeIfAbsent(v, x -> new ArrayList<>()).add(c);
            }
        }
        List<Map<Object, EventCondition[]>> byValue = new ArrayList<>();
        for (Map<Object, List<EventCondition>> m : filed.values()) {
            Map<Object, EventCondition[]> a = new HashMap<>();
            m.forEach((k, v) -> a.put(k, v.toArray(new EventCondition[0])));
            byValue.add(a);
        }
        return new EventConditionIndex(
                false,
                keyOfPath.values().toArray(new EventCondition.FieldIn[0]),
                byValue,
                List.copyOf(rest));
    }

    /** The equalities every event that meets the condition satisfies. */
    private static List<EventCondition.FieldIn> keysOf(EventCondition c) {
        if (c instanceof EventCondition.FieldIn f) {
            return List.of(f);
        }
        List<EventCondition.FieldIn> out = new ArrayList<>();
        if (c instanceof EventCondition.AllOf a) {
            for (EventCondition p : a.parts()) {
                if (p instanceof EventCondition.FieldIn f) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    public boolean test(SecurityEvent e) {
        if (always) {
            return true;
        }
        // Indexed: an iterator per call was the router's largest allocation (every family, every
        // event).
        for (int i = 0, n = rest.size(); i < n; i++) {
            if (rest.get(i).test(e)) {
                return true;
            }
        }
        for (int i = 0; i < keys.length; i++) {
            Object v = keys[i].valueOf(e);
            if (v == null) {
                continue;
            }
            EventCondition[] candidates = byValue.get(i).get(v);
            if (candidates != null) {
                for (EventCondition c : candidates) {
                    if (c.test(e)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
