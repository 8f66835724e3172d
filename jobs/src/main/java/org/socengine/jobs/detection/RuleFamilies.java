package org.socengine.jobs.detection;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.engine.CompiledRule;
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

    /** What routing needs to know of one rule. */
    public record RuleShape(String ruleId, List<String> keyFields, Set<String> streams)
            implements Serializable {
        public String family() {
            return familyName(keyFields);
        }

        public static RuleShape of(CompiledRule r) {
            return new RuleShape(
                    r.id(),
                    List.copyOf(r.definition().effectiveGroupBy()),
                    new LinkedHashSet<>(r.streams()));
        }
    }

    /** One key family: its key fields and the streams its rules read. */
    public record Family(String name, List<String> keyFields, Set<String> streams)
            implements Serializable {

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
            StringBuilder sb = new StringBuilder();
            boolean entityField = false;
            boolean any = false;
            for (String f : keyFields) {
                boolean department = f.equals(RuleDefinition.DEPARTMENT_FIELD);
                entityField |= !department;
                Object v = e.get(f);
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

        public boolean reads(SecurityEvent e) {
            for (String s : streams) {
                Predicate<SecurityEvent> p = EventStreams.STREAMS.get(s);
                if (p != null && p.test(e)) {
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
            Map<String, Family> byName = new LinkedHashMap<>();
            for (RuleShape r : rules.values()) {
                Family f =
                        byName.computeIfAbsent(
                                r.family(),
                                n -> new Family(n, r.keyFields(), new LinkedHashSet<>()));
                f.streams().addAll(r.streams());
            }
            families = new ArrayList<>(byName.values());
        }
        return families;
    }

    public int ruleCount() {
        return rules.size();
    }
}
