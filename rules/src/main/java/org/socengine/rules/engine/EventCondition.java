package org.socengine.rules.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.socengine.model.EcsPaths;
import org.socengine.model.SecurityEvent;

/**
 * What an event must satisfy for a rule's stream filter to possibly accept it: the constant part of
 * the filter ({@code event.module = 'winlog'}, {@code event.code in ('1', '4688')}, {@code
 * source.ip is not null}, and their conjunctions and disjunctions), everything else in the filter
 * taken as "may hold". {@link #test} is false only for an event the filter certainly refuses, so an
 * event that fails it cannot reach the rule in Esper and need not be sent to it. Read from the
 * statement model by {@link EplAllowList}; kept in router state as JSON ({@link #toJson}).
 */
public abstract sealed class EventCondition implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Any event may pass: the filter has no constant part this understands. */
    public static final EventCondition ALWAYS = new Always();

    /** No event passes: the use reads no events (a named window's type declaration). */
    public static final EventCondition NEVER = new Never();

    private EventCondition() {}

    /** False only when no event like this one can pass the filter. */
    public abstract boolean test(SecurityEvent e);

    abstract JsonNode json();

    /** The condition as JSON, to keep in state; {@link #parse} reads it back. */
    public final String toJson() {
        return json().toString();
    }

    @Override
    public final String toString() {
        return toJson();
    }

    /** A field of the event model equal to one of some constants (strings, or whole numbers). */
    public static EventCondition in(String path, Set<?> values) {
        Set<Object> normalized = new LinkedHashSet<>();
        for (Object v : values) {
            Object n = normalize(v);
            if (n == null || !acceptsConstant(path, n)) {
                return ALWAYS;
            }
            normalized.add(n);
        }
        return normalized.isEmpty() ? NEVER : new FieldIn(path, normalized);
    }

    /** A field of the event model that is not null. */
    public static EventCondition present(String path) {
        return EcsPaths.leafType(path) == null ? ALWAYS : new FieldPresent(path);
    }

    public static EventCondition and(List<EventCondition> parts) {
        Set<EventCondition> out = new LinkedHashSet<>();
        for (EventCondition p : parts) {
            if (p == NEVER) {
                return NEVER;
            }
            if (p instanceof AllOf a) {
                out.addAll(a.parts);
            } else if (p != ALWAYS) {
                out.add(p);
            }
        }
        if (out.isEmpty()) {
            return ALWAYS;
        }
        return out.size() == 1 ? out.iterator().next() : new AllOf(List.copyOf(out));
    }

    public static EventCondition or(List<EventCondition> parts) {
        Set<EventCondition> out = new LinkedHashSet<>();
        for (EventCondition p : parts) {
            if (p == ALWAYS) {
                return ALWAYS;
            }
            if (p instanceof AnyOf a) {
                out.addAll(a.parts);
            } else if (p != NEVER) {
                out.add(p);
            }
        }
        if (out.isEmpty()) {
            return NEVER;
        }
        return out.size() == 1 ? out.iterator().next() : new AnyOf(List.copyOf(out));
    }

    public static EventCondition or(EventCondition a, EventCondition b) {
        return or(List.of(a, b));
    }

    /** Strings as they are, whole numbers as Long; anything else is not a constant this knows. */
    static Object normalize(Object v) {
        if (v instanceof String) {
            return v;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        return null;
    }

    /**
     * Whether an equality of the field with the constant is one this compares as Esper does: a
     * string field with a string, a whole-number field with a whole number.
     */
    private static boolean acceptsConstant(String path, Object constant) {
        Class<?> type = EcsPaths.leafType(path);
        if (type == null) {
            return false;
        }
        if (type == String.class) {
            return constant instanceof String;
        }
        return (type == Integer.class || type == Long.class || type == long.class)
                && constant instanceof Long;
    }

    /** Parses {@link #toJson}; anything it cannot read is {@link #ALWAYS}. */
    public static EventCondition parse(String json) {
        try {
            return fromJson(JSON.readTree(json));
        } catch (Exception | StackOverflowError e) {
            return ALWAYS;
        }
    }

    /** A condition per stream, as {@link #toJson(Map)} wrote it; null when it cannot be read. */
    public static Map<String, EventCondition> parseByStream(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (!(n instanceof ObjectNode o)) {
                return null;
            }
            Map<String, EventCondition> out = new LinkedHashMap<>();
            o.properties().forEach(f -> out.put(f.getKey(), fromJson(f.getValue())));
            return out;
        } catch (Exception | StackOverflowError e) {
            return null;
        }
    }

    public static String toJson(Map<String, EventCondition> byStream) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        byStream.forEach((k, v) -> o.set(k, v.json()));
        return o.toString();
    }

    private static EventCondition fromJson(JsonNode n) {
        if (n == null) {
            return ALWAYS;
        }
        if (n.isBoolean()) {
            return n.booleanValue() ? ALWAYS : NEVER;
        }
        if (n.has("in") && n.get("values") instanceof ArrayNode values) {
            Set<Object> v = new LinkedHashSet<>();
            for (JsonNode x : values) {
                if (x.isTextual()) {
                    v.add(x.textValue());
                } else if (x.isIntegralNumber()) {
                    v.add(x.longValue());
                } else {
                    return ALWAYS;
                }
            }
            return in(n.get("in").asText(), v);
        }
        if (n.has("present")) {
            return present(n.get("present").asText());
        }
        if (n.get("all") instanceof ArrayNode all) {
            List<EventCondition> parts = new ArrayList<>();
            all.forEach(x -> parts.add(fromJson(x)));
            return and(parts);
        }
        if (n.get("any") instanceof ArrayNode any) {
            List<EventCondition> parts = new ArrayList<>();
            any.forEach(x -> parts.add(fromJson(x)));
            return or(parts);
        }
        return ALWAYS;
    }

    static final class Always extends EventCondition {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean test(SecurityEvent e) {
            return true;
        }

        @Override
        JsonNode json() {
            return JsonNodeFactory.instance.booleanNode(true);
        }

        private Object readResolve() {
            return ALWAYS;
        }
    }

    static final class Never extends EventCondition {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean test(SecurityEvent e) {
            return false;
        }

        @Override
        JsonNode json() {
            return JsonNodeFactory.instance.booleanNode(false);
        }

        private Object readResolve() {
            return NEVER;
        }
    }

    /** {@code path = constant} or {@code path in (constants)}. */
    public static final class FieldIn extends EventCondition {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final Set<Object> values;
        private transient Function<SecurityEvent, Object> getter;

        FieldIn(String path, Set<Object> values) {
            this.path = path;
            this.values = Set.copyOf(values);
        }

        public String path() {
            return path;
        }

        /** Strings and Longs. */
        public Set<Object> values() {
            return values;
        }

        /** The field's value as the constants are kept (a whole number as Long), or null. */
        public Object valueOf(SecurityEvent e) {
            Function<SecurityEvent, Object> g = getter;
            if (g == null) {
                g = getter = EcsPaths.getter(path);
            }
            return normalize(g.apply(e));
        }

        @Override
        public boolean test(SecurityEvent e) {
            Object v = valueOf(e);
            return v != null && values.contains(v);
        }

        @Override
        JsonNode json() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("in", path);
            ArrayNode a = o.putArray("values");
            // Sorted for a stable text; numbers stay numbers.
            for (Object v : sorted(values)) {
                if (v instanceof Long l) {
                    a.add(l);
                } else {
                    a.add((String) v);
                }
            }
            return o;
        }

        private static List<Object> sorted(Set<Object> values) {
            List<Object> out = new ArrayList<>(values);
            out.sort((x, y) -> String.valueOf(x).compareTo(String.valueOf(y)));
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FieldIn f && path.equals(f.path) && values.equals(f.values);
        }

        @Override
        public int hashCode() {
            return Objects.hash(path, values);
        }
    }

    /** {@code path is not null}. */
    static final class FieldPresent extends EventCondition {
        private static final long serialVersionUID = 1L;
        private final String path;
        private transient Function<SecurityEvent, Object> getter;

        FieldPresent(String path) {
            this.path = path;
        }

        @Override
        public boolean test(SecurityEvent e) {
            Function<SecurityEvent, Object> g = getter;
            if (g == null) {
                g = getter = EcsPaths.getter(path);
            }
            return g.apply(e) != null;
        }

        @Override
        JsonNode json() {
            return JsonNodeFactory.instance.objectNode().put("present", path);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FieldPresent f && path.equals(f.path);
        }

        @Override
        public int hashCode() {
            return path.hashCode();
        }
    }

    /** Every part holds. */
    public static final class AllOf extends EventCondition {
        private static final long serialVersionUID = 1L;
        private final List<EventCondition> parts;

        AllOf(List<EventCondition> parts) {
            this.parts = parts;
        }

        public List<EventCondition> parts() {
            return parts;
        }

        @Override
        public boolean test(SecurityEvent e) {
            for (int i = 0, n = parts.size(); i < n; i++) {
                if (!parts.get(i).test(e)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        JsonNode json() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            ArrayNode a = o.putArray("all");
            parts.forEach(p -> a.add(p.json()));
            return o;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AllOf a && Set.copyOf(parts).equals(Set.copyOf(a.parts));
        }

        @Override
        public int hashCode() {
            return Set.copyOf(parts).hashCode();
        }
    }

    /** Some part holds. */
    static final class AnyOf extends EventCondition {
        private static final long serialVersionUID = 1L;
        private final List<EventCondition> parts;

        AnyOf(List<EventCondition> parts) {
            this.parts = parts;
        }

        @Override
        public boolean test(SecurityEvent e) {
            for (int i = 0, n = parts.size(); i < n; i++) {
                if (parts.get(i).test(e)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        JsonNode json() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            ArrayNode a = o.putArray("any");
            parts.forEach(p -> a.add(p.json()));
            return o;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AnyOf a && Set.copyOf(parts).equals(Set.copyOf(a.parts));
        }

        @Override
        public int hashCode() {
            return Set.copyOf(parts).hashCode();
        }
    }
}
