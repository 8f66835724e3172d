package org.socengine.rules.engine;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.socengine.model.SecurityEvent;

/**
 * The event model as a rule sees it: the public fields of {@link SecurityEvent} and its nested ECS
 * objects, read by reflection so that a field added to the model is usable in rules at once. Only
 * these fields (and {@code fields('Name')}) are property paths a rule may name.
 */
final class EcsModel {

    private static final String MODEL_PACKAGE = SecurityEvent.class.getPackageName();

    /** SecurityEvent and every ECS object class it holds. */
    static final Set<Class<?>> MODEL_TYPES = new LinkedHashSet<>();

    /** Every field name at any depth ({@code source}, {@code ip}, {@code bytes}, ...). */
    static final Set<String> FIELD_NAMES = new LinkedHashSet<>();

    /**
     * The value types a path, an enumeration or a function can give a rule: their members must stay
     * out of reach.
     */
    static final List<Class<?>> PLAIN_TYPES =
            List.of(
                    Object.class,
                    String.class,
                    CharSequence.class,
                    Integer.class,
                    Long.class,
                    Double.class,
                    Float.class,
                    Short.class,
                    Byte.class,
                    Boolean.class,
                    Character.class,
                    Number.class,
                    Map.class,
                    Collection.class,
                    List.class,
                    Set.class,
                    Iterable.class,
                    com.espertech.esper.common.client.EventBean.class);

    static {
        Deque<Class<?>> todo = new ArrayDeque<>();
        todo.add(SecurityEvent.class);
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (!MODEL_TYPES.add(c)) {
                continue;
            }
            for (Field f : fields(c)) {
                FIELD_NAMES.add(f.getName());
                if (isModelType(f.getType())) {
                    todo.add(f.getType());
                }
            }
        }
        // Arrays expose 'length' to a property path.
        FIELD_NAMES.remove("length");
    }

    private EcsModel() {}

    private static boolean isModelType(Class<?> c) {
        return c.getPackageName().equals(MODEL_PACKAGE) && !c.isEnum() && !c.isPrimitive();
    }

    private static List<Field> fields(Class<?> c) {
        return java.util.Arrays.stream(c.getFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .filter(f -> f.getType() != Map.class)
                .toList();
    }

    /** True when the segments name a field (leaf or ECS object) of the event, from its root. */
    static boolean isPath(List<String> segments) {
        return typeOf(segments) != null;
    }

    /** True when the segments name an ECS object (such as {@code source}) rather than a value. */
    static boolean isObject(List<String> segments) {
        Class<?> t = typeOf(segments);
        return t != null && isModelType(t);
    }

    private static Class<?> typeOf(List<String> segments) {
        if (segments.isEmpty()) {
            return null;
        }
        Class<?> type = SecurityEvent.class;
        for (String s : segments) {
            if (!isModelType(type)) {
                return null;
            }
            Class<?> next = null;
            for (Field f : fields(type)) {
                if (f.getName().equals(s)) {
                    next = f.getType();
                }
            }
            if (next == null) {
                return null;
            }
            type = next;
        }
        return type;
    }
}
