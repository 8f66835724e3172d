package org.socengine.rules.engine;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
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

    /**
     * The streams an event can enter when its {@code event.category} is one of {@code categories}
     * (or none) and, if {@code dns}, it may carry a DNS part: each membership test is asked about
     * such an event, so this follows the tests above.
     */
    public static Set<String> producible(Collection<String> categories, boolean dns) {
        Set<String> out = new LinkedHashSet<>();
        java.util.List<String> each = new java.util.ArrayList<>(categories);
        each.add(null);
        for (String category : each) {
            for (boolean withDns : dns ? new boolean[] {false, true} : new boolean[] {false}) {
                SecurityEvent probe = new SecurityEvent();
                probe.ensureEvent().category = category;
                if (withDns) {
                    probe.ensureDns();
                }
                STREAMS.forEach(
                        (name, member) -> {
                            if (member.test(probe)) {
                                out.add(name);
                            }
                        });
            }
        }
        return out;
    }

    /**
     * The stream names written in an EPL text: every identifier outside string literals and
     * comments that is a stream's name, case as Esper compares event type names. Every stream a
     * statement reads is written there, so this holds at least the streams the sandbox finds
     * ({@link EplSandbox.Analysis#streams()}); it may hold more (an alias spelt like a stream),
     * which only keeps a rule that could have been skipped. For choosing rules before any parse.
     */
    public static Set<String> namedIn(String epl) {
        Set<String> out = new LinkedHashSet<>();
        if (epl == null) {
            return out;
        }
        int n = epl.length();
        int i = 0;
        while (i < n) {
            char c = epl.charAt(i);
            if (c == '\'' || c == '"') {
                i++;
                while (i < n && epl.charAt(i) != c) {
                    i += epl.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else if (c == '/' && i + 1 < n && epl.charAt(i + 1) == '/') {
                while (i < n && epl.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && epl.charAt(i + 1) == '*') {
                int end = epl.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '`') {
                int end = epl.indexOf('`', i + 1);
                String name = epl.substring(i + 1, end < 0 ? n : end);
                if (STREAMS.containsKey(name)) {
                    out.add(name);
                }
                i = end < 0 ? n : end + 1;
            } else if (Character.isJavaIdentifierStart(c)) {
                int start = i;
                while (i < n && Character.isJavaIdentifierPart(epl.charAt(i))) {
                    i++;
                }
                String name = epl.substring(start, i);
                if (STREAMS.containsKey(name)) {
                    out.add(name);
                }
            } else {
                i++;
            }
        }
        return out;
    }
}
