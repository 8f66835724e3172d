package org.socengine.rules.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.socengine.model.SecurityEvent;

/**
 * The named streams a rule can read ({@code from Auth(...)}). All are the same event class under
 * different names; an event enters every stream whose predicate it meets, so a rule over {@code
 * Auth} never sees a flow record and Esper's filter index stays small.
 */
public final class EventStreams {

    /** Stream name to membership test, in documentation order. */
    public static final Map<String, Predicate<SecurityEvent>> STREAMS = new LinkedHashMap<>();

    static {
        STREAMS.put("Event", e -> true);
        STREAMS.put("Auth", category("authentication"));
        STREAMS.put("Process", category("process"));
        STREAMS.put("Network", category("network"));
        STREAMS.put("Dns", e -> e.dns != null);
        STREAMS.put("Web", category("web"));
        STREAMS.put("Ids", category("intrusion_detection"));
        STREAMS.put("Iam", category("iam"));
        STREAMS.put("File", category("file"));
        STREAMS.put("Host", category("host"));
    }

    private EventStreams() {}

    private static Predicate<SecurityEvent> category(String c) {
        return e -> e.event != null && c.equals(e.event.category);
    }
}
