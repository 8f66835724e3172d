package org.socengine.jobs.detection;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.socengine.model.SecurityEvent;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.EventStreams;

/**
 * Groups rules by their partition key ({@code group_by}). Family ids are positions in this list;
 * rules of one family share one Esper runtime per subtask and see only events of their streams.
 */
public final class RuleFamilies implements Serializable {

    /** One key family: its key fields, its rules, and the streams they read. */
    public record Family(
            int id, List<String> keyFields, List<CompiledRule> rules, Set<String> streams)
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

    private final List<Family> families;

    private RuleFamilies(List<Family> families) {
        this.families = families;
    }

    public static RuleFamilies of(List<CompiledRule> rules) {
        Map<List<String>, List<CompiledRule>> byKey = new LinkedHashMap<>();
        for (CompiledRule r : rules) {
            if (r.definition().enabled()) {
                byKey.computeIfAbsent(List.copyOf(r.definition().groupBy()), k -> new ArrayList<>())
                        .add(r);
            }
        }
        List<Family> out = new ArrayList<>();
        for (Map.Entry<List<String>, List<CompiledRule>> e : byKey.entrySet()) {
            Set<String> streams = new HashSet<>();
            e.getValue().forEach(r -> streams.addAll(r.streams()));
            out.add(new Family(out.size(), e.getKey(), List.copyOf(e.getValue()), streams));
        }
        return new RuleFamilies(out);
    }

    public List<Family> all() {
        return families;
    }

    public Family get(int id) {
        return families.get(id);
    }

    public int size() {
        return families.size();
    }

    public int ruleCount() {
        return families.stream().mapToInt(f -> f.rules().size()).sum();
    }
}
