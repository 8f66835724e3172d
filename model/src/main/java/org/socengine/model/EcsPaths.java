package org.socengine.model;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Reads and writes dotted ECS paths ({@code source.ip}, {@code user.target.name}) on a {@link
 * SecurityEvent}. Used where a path is only known at run time: a rule's {@code group_by}, the
 * entity fields of an alert, fixtures. Resolved field chains are cached, so the reflective walk
 * happens once per path.
 */
public final class EcsPaths {

    private static final Map<String, Field[]> CHAINS = new ConcurrentHashMap<>();
    private static final Field[] UNKNOWN = new Field[0];

    private EcsPaths() {}

    /** True when the path names a field of the event model. */
    public static boolean isKnown(String path) {
        return chain(path) != UNKNOWN || path.startsWith("fields.") || path.equals("@timestamp");
    }

    public static Object get(SecurityEvent event, String path) {
        if (path.equals("@timestamp")) {
            return event.timestamp;
        }
        if (path.startsWith("fields.")) {
            return event.fields(path.substring("fields.".length()));
        }
        Field[] chain = chain(path);
        if (chain == UNKNOWN) {
            return null;
        }
        return walk(event, chain);
    }

    /**
     * {@link #get} of one path, resolved once: for callers that read the same path of many events
     * (the job's router reads every family's key fields of every event).
     */
    public static Function<SecurityEvent, Object> getter(String path) {
        if (path.equals("@timestamp") || path.startsWith("fields.")) {
            return e -> get(e, path);
        }
        Field[] chain = chain(path);
        if (chain == UNKNOWN) {
            return e -> null;
        }
        return e -> walk(e, chain);
    }

    /**
     * The type of the value a path of the event model holds ({@code String}, {@code Integer},
     * {@code Long} or {@code long}), or null when the path names no such field ({@code fields.*},
     * objects, lists and maps included).
     */
    public static Class<?> leafType(String path) {
        Field[] chain = chain(path);
        return chain == UNKNOWN ? null : chain[chain.length - 1].getType();
    }

    /** Follows a resolved chain of fields from the event; null at the first absent object. */
    private static Object walk(SecurityEvent event, Field[] chain) {
        try {
            Object current = event;
            for (Field f : chain) {
                current = f.get(current);
                if (current == null) {
                    return null;
                }
            }
            return current;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets a leaf value, creating the objects on the way; converts strings to the leaf's type. */
    public static void set(SecurityEvent event, String path, Object value) {
        if (path.startsWith("fields.")) {
            event.field(
                    path.substring("fields.".length()), value == null ? null : value.toString());
            return;
        }
        Field[] chain = chain(path);
        if (chain == UNKNOWN) {
            throw new IllegalArgumentException("unknown ECS field: " + path);
        }
        try {
            Object current = event;
            for (int i = 0; i < chain.length - 1; i++) {
                Object next = chain[i].get(current);
                if (next == null) {
                    next = chain[i].getType().getDeclaredConstructor().newInstance();
                    chain[i].set(current, next);
                }
                current = next;
            }
            Field leaf = chain[chain.length - 1];
            leaf.set(current, convert(value, leaf.getType()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object convert(Object value, Class<?> type) {
        if (value == null || type.isInstance(value)) {
            return value;
        }
        String s = value.toString();
        if (type == String.class) {
            return s;
        }
        if (type == Integer.class) {
            return Integer.valueOf(s);
        }
        if (type == Long.class) {
            return Long.valueOf(s);
        }
        throw new IllegalArgumentException(
                "cannot convert " + value + " to " + type.getSimpleName());
    }

    private static Field[] chain(String path) {
        return CHAINS.computeIfAbsent(path, EcsPaths::resolve);
    }

    private static Field[] resolve(String path) {
        String[] parts = path.split("\\.");
        Field[] chain = new Field[parts.length];
        Class<?> type = SecurityEvent.class;
        for (int i = 0; i < parts.length; i++) {
            try {
                Field f = type.getField(parts[i]);
                if (f.getType() == Map.class
                        || java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    return UNKNOWN;
                }
                // Public fields of public classes: no access check to make on every read.
                f.setAccessible(true);
                chain[i] = f;
                type = f.getType();
            } catch (NoSuchFieldException e) {
                return UNKNOWN;
            }
        }
        boolean leaf =
                type == String.class
                        || type == Integer.class
                        || type == Long.class
                        || type == long.class;
        return leaf ? chain : UNKNOWN;
    }
}
