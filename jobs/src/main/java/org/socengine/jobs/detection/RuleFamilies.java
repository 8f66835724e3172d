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
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.EventStreams;

/**
 * The rules grouped by their partition key ({@code group_by}). Rules of one family share one Esper
 * runtime per subtask and see only events of the streams they read. Changes as rules are deployed
 * and removed while the job runs.
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
                    List.copyOf(r.definition().groupBy()),
                    new LinkedHashSet<>(r.streams()));
        }
    }

    /** One key family: its key fields and the streams its rules read. */
    public record Family(String name, List<String> keyFields, Set<String> streams)
            implements Serializable {

        /** The key of an event in this family, or null when the event lacks a key field. */
        public String keyOf(SecurityEvent e) {
            if (keyFields.isEmpty()) {
                return "";
            }
            StringBuilder sb = new StringBuilder();
            for (String f : keyFields) {
                Object v = e.get(f);
                if (v == null) {
                    return null;
                }
                if (sb.length() > 0) {
                    sb.append('\u0001');
                }
                sb.append(v);
            }
            return sb.toString();
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
