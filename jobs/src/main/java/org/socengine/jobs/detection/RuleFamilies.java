package org.socengine.jobs.detection;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.socengine.model.EcsPaths;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.EventCondition;
import org.socengine.rules.engine.EventConditionIndex;
import org.socengine.rules.engine.EventStreams;

/**
 * The rules grouped by their partition key: {@code group_by}, with the department ({@code
 * organization.id}) added for department-scoped rules that do not group by it, so that a group's
 * events, and so its detection subtask, are always one department's. Rules of one family share one
 * {@link org.socengine.rules.engine.DetectionEngine} per subtask (which keeps departments apart in
 * runtimes of their own) and see only events of the streams they read. Changes as rules are
 * deployed and removed while the job runs.
 */
public final class RuleFamilies implements Serializable {

    /**
     * What routing needs to know of one rule: its key fields, the streams it reads and, per stream,
     * what an event must satisfy to pass one of its filters of that stream (none: every event).
     */
    public record RuleShape(
            String ruleId,
            List<String> keyFields,
            Set<String> streams,
            Map<String, EventCondition> conditions)
            implements Serializable {

        /** A rule whose every stream is read whole: as routed before conditions were kept. */
        public RuleShape(String ruleId, List<String> keyFields, Set<String> streams) {
            this(ruleId, keyFields, streams, Map.of());
        }

        public RuleShape {
            conditions = conditions == null ? Map.of() : Map.copyOf(conditions);
        }

        public String family() {
            return familyName(keyFields);
        }

        /** The condition of one of the rule's streams; {@link EventCondition#ALWAYS} if none. */
        public EventCondition condition(String stream) {
            return conditions.getOrDefault(stream, EventCondition.ALWAYS);
        }

        /** The same rule routed by its streams alone. */
        public RuleShape withoutConditions() {
            return new RuleShape(ruleId, keyFields, streams);
        }

        public static RuleShape of(CompiledRule r) {
            Map<String, EventCondition> conditions = new LinkedHashMap<>();
            for (String s : r.streams()) {
                EventCondition c = r.condition(s);
                if (c != EventCondition.ALWAYS) {
                    conditions.put(s, c);
                }
            }
            return new RuleShape(
                    r.id(),
                    List.copyOf(r.definition().effectiveGroupBy()),
                    new LinkedHashSet<>(r.streams()),
                    conditions);
        }
    }

    /**
     * One key family: its key fields, the streams its rules read and, per stream, the conditions of
     * its rules' filters of it: an event goes to the family when it is in one of the streams and
     * meets one of that stream's conditions. The streams' membership tests, the conditions' index
     * and the key fields' accessors are built once, not per event: the router asks every family
     * about every event.
     */
    public static final class Family implements Serializable {
        private final String name;
        private final List<String> keyFields;
        private final Map<String, List<EventCondition>> conditions;
        private transient Predicate<SecurityEvent>[] tests;
        private transient EventConditionIndex[] indexes;
        private transient Function<SecurityEvent, Object>[] getters;
        private transient boolean[] departmentField;

        /** A family that reads every event of its streams. */
        public Family(String name, List<String> keyFields, Set<String> streams) {
            this(name, keyFields, everyEvent(streams));
        }

        /**
         * @param conditions per stream, the conditions of the rules that read it; an empty list or
         *     {@link EventCondition#ALWAYS} among them: every event of the stream
         */
        public Family(
                String name, List<String> keyFields, Map<String, List<EventCondition>> conditions) {
            this.name = name;
            this.keyFields = List.copyOf(keyFields);
            Map<String, List<EventCondition>> c = new LinkedHashMap<>();
            conditions.forEach((k, v) -> c.put(k, List.copyOf(v)));
            this.conditions = Collections.unmodifiableMap(c);
        }

        private static Map<String, List<EventCondition>> everyEvent(Set<String> streams) {
            Map<String, List<EventCondition>> out = new LinkedHashMap<>();
            for (String s : streams) {
                out.put(s, List.of());
            }
            return out;
        }

        public String name() {
            return name;
        }

        public List<String> keyFields() {
            return keyFields;
        }

        public Set<String> streams() {
            return conditions.keySet();
        }

        @SuppressWarnings("unchecked")
        private void resolve() {
            List<Predicate<SecurityEvent>> t = new ArrayList<>();
            List<EventConditionIndex> x = new ArrayList<>();
            for (Map.Entry<String, List<EventCondition>> s : conditions.entrySet()) {
                Predicate<SecurityEvent> p = EventStreams.STREAMS.get(s.getKey());
                if (p != null) {
                    t.add(p);
                    x.add(EventConditionIndex.of(s.getValue()));
                }
            }
            indexes = x.toArray(new EventConditionIndex[0]);
            Function<SecurityEvent, Object>[] g = new Function[keyFields.size()];
            boolean[] d = new boolean[keyFields.size()];
            for (int i = 0; i < g.length; i++) {
                g[i] = EcsPaths.getter(keyFields.get(i));
                d[i] = keyFields.get(i).equals(RuleDefinition.DEPARTMENT_FIELD);
            }
            getters = g;
            departmentField = d;
            tests = t.toArray(new Predicate[0]);
        }

        /**
         * The key of an event in this family, or null when the event has none of the key fields
         * (apart from the department): it cannot be in any of the rules' groups. An event with some
         * of them is sent: a rule that groups by the best entity an event has ({@code group by
         * coalesce(source.ip, source.domain)}, {@code group_by: [source.ip, source.domain]}) sees
         * events that carry only one, as the fixture runner does. An event without a department is
         * in the group of events without one: it is still evaluated.
         */
        public String keyOf(SecurityEvent e) {
            if (keyFields.isEmpty()) {
                return "";
            }
            if (tests == null) {
                resolve();
            }
            Function<SecurityEvent, Object>[] g = getters;
            if (g.length == 1) {
                // The common case: one entity field, the key is its value as text.
                Object v = g[0].apply(e);
                if (departmentField[0]) {
                    return v == null ? "" : v.toString();
                }
                return v == null ? null : v.toString();
            }
            // Sized for a few addresses or names: the default 16 chars grew twice per event.
            StringBuilder sb = new StringBuilder(64);
            boolean entityField = false;
            boolean any = false;
            for (int i = 0; i < g.length; i++) {
                boolean department = departmentField[i];
                entityField |= !department;
                Object v = g[i].apply(e);
                if (v == null) {
                    // Absent is not the empty string: the two are different groups.
                    v = department ? "" : "\u0000";
                } else {
                    any |= !department;
                }
                if (sb.length() > 0) {
                    sb.append('\u0001');
                }
                sb.append(v);
            }
            if (entityField && !any) {
                return null;
            }
            return sb.toString();
        }

        /**
         * The event's key in this family when the job sends it there (the family reads its stream
         * and the event has a key), else null: the one definition of what a family is given.
         */
        public String routedKeyOf(SecurityEvent e) {
            return reads(e) ? keyOf(e) : null;
        }

        /** Whether the event is in a stream of the family and meets a condition of it. */
        public boolean reads(SecurityEvent e) {
            if (tests == null) {
                resolve();
            }
            Predicate<SecurityEvent>[] t = tests;
            for (int i = 0; i < t.length; i++) {
                if (t[i].test(e) && indexes[i].test(e)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Map<String, RuleShape> rules = new LinkedHashMap<>();
    private transient List<Family> families;

    public RuleFamilies() {}

    public static RuleFamilies of(Collection<CompiledRule> compiled) {
        RuleFamilies f = new RuleFamilies();
        for (CompiledRule r : compiled) {
            if (r.definition().enabled()) {
                f.put(RuleShape.of(r));
            }
        }
        return f;
    }

    public static String familyName(List<String> keyFields) {
        return String.join(",", keyFields);
    }

    /** The family of a rule: its effective grouping (see {@link RuleShape#keyFields}). */
    public static String familyOf(RuleDefinition rule) {
        return familyName(rule.effectiveGroupBy());
    }

    public void put(RuleShape shape) {
        rules.put(shape.ruleId(), shape);
        families = null;
    }

    public void remove(String ruleId) {
        rules.remove(ruleId);
        families = null;
    }

    public Collection<RuleShape> shapes() {
        return rules.values();
    }

    public List<Family> all() {
        if (families == null) {
            Map<String, List<String>> keyFields = new LinkedHashMap<>();
            Map<String, Map<String, List<EventCondition>>> conditions = new LinkedHashMap<>();
            for (RuleShape r : rules.values()) {
                keyFields.putIfAbsent(r.family(), r.keyFields());
                Map<String, List<EventCondition>> byStream =
                        conditions.computeIfAbsent(r.family(), n -> new LinkedHashMap<>());
                for (String s : r.streams()) {
                    byStream.computeIfAbsent(s, n -> new ArrayList<>()).add(r.condition(s));
                }
            }
            List<Family> all = new ArrayList<>();
            keyFields.forEach((n, k) -> all.add(new Family(n, k, conditions.get(n))));
            families = all;
        }
        return families;
    }

    /** The same rules, routed by their streams alone (as before conditions were kept). */
    public RuleFamilies withoutConditions() {
        RuleFamilies c = new RuleFamilies();
        rules.values().forEach(r -> c.put(r.withoutConditions()));
        return c;
    }

    public int ruleCount() {
        return rules.size();
    }
}
