package org.socengine.rules.engine;

import com.espertech.esper.common.client.configuration.Configuration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rule sandbox: decides whether a rule's EPL may run, before the compiler ever sees it. A rule
 * is accepted only when its parsed statement model passes {@link EplAllowList} (every construct,
 * property path and method call on an allow-list) and {@link StateBounds} (all state bounded, no
 * timer faster than once a second). Esper's configuration ({@link EsperSetup}) forbids what it can
 * on top, but it is no sandbox alone: any value's getters are reachable from EPL.
 */
public final class EplSandbox {

    /** No rule may keep more than a day of events in a window. */
    public static final long MAX_WINDOW_SECONDS = 24 * 3600;

    /** No count window, sort or rank may hold more events than this. */
    public static final int MAX_LENGTH_WINDOW = 100_000;

    /** Timers, batches and output rates repeat at most once a second. */
    public static final long MIN_PERIOD_MILLIS = 1000;

    /** A rule's EPL, checked before parsing: lint stays fast and small on a hostile rule. */
    public static final int MAX_EPL_CHARS = 16 * 1024;

    /** Statements in one rule. */
    public static final int MAX_STATEMENTS = 20;

    /** Nesting of brackets: the parser recurses on it. */
    public static final int MAX_NESTING = 64;

    private static final Configuration CONFIGURATION = EsperSetup.configuration();

    private EplSandbox() {}

    /** A problem found in the EPL: its line inside the EPL text (1-based) and what is wrong. */
    public record Violation(int line, String message) {}

    /**
     * What the sandbox learned of a rule.
     *
     * @param streams the shared streams the rule reads, in {@link EventStreams#STREAMS} order
     * @param longestWindowMillis the longest time data window
     * @param horizonMillis the longest window, pattern guard or timer: the history a restore
     *     replays to rebuild the rule's state
     * @param department the department every event the rule reads must belong to, when each of its
     *     stream filters requires {@code organization.id = '<one department>'}; else null
     * @param conditions per stream the rule reads, what an event of it must satisfy to pass one of
     *     the rule's filters of that stream (their {@link EventCondition}s joined by or)
     * @param keptHorizonMillis the part of {@code horizonMillis} a restore needs every event of:
     *     the whole horizon but the {@code keyedWindows}, for which the last event of each key is
     *     enough
     * @param keyedWindows the named windows a restore rebuilds from the last event of each key
     */
    public record Analysis(
            List<Violation> violations,
            List<String> streams,
            long longestWindowMillis,
            long horizonMillis,
            String department,
            Map<String, EventCondition> conditions,
            long keptHorizonMillis,
            List<KeyedWindow> keyedWindows) {

        public boolean accepted() {
            return violations.isEmpty();
        }
    }

    /** Collects violations (once per line and message) and what the walk measured. */
    static final class Findings {
        private final Set<Violation> violations = new LinkedHashSet<>();
        private final Set<String> streams = new LinkedHashSet<>();
        private long window;
        private long horizon;
        private final Set<String> pinnedTo = new LinkedHashSet<>();
        private boolean unpinned;
        private final Map<String, EventCondition> conditions = new LinkedHashMap<>();
        private final Map<String, Long> namedWindowHorizons = new LinkedHashMap<>();
        private Map<String, List<String>> keyed = Map.of();

        void add(int line, String message) {
            violations.add(new Violation(Math.max(1, line), message));
        }

        int size() {
            return violations.size();
        }

        void stream(String name) {
            streams.add(name);
        }

        /**
         * A filter of a shared stream: it pins the rule to a department when one of its top-level
         * conjuncts is {@code organization.id = '<constant>'}.
         */
        void filter(com.espertech.esper.common.client.soda.Expression filter) {
            String d = pinnedDepartment(filter);
            if (d == null) {
                unpinned = true;
            } else {
                pinnedTo.add(d);
            }
        }

        private static String pinnedDepartment(
                com.espertech.esper.common.client.soda.Expression e) {
            if (e instanceof com.espertech.esper.common.client.soda.Conjunction c) {
                for (com.espertech.esper.common.client.soda.Expression child : c.getChildren()) {
                    String d = pinnedDepartment(child);
                    if (d != null) {
                        return d;
                    }
                }
                return null;
            }
            if (e instanceof com.espertech.esper.common.client.soda.RelationalOpExpression r
                    && "=".equals(r.getOperator())
                    && r.getChildren().size() == 2) {
                var a = r.getChildren().get(0);
                var b = r.getChildren().get(1);
                if (b instanceof com.espertech.esper.common.client.soda.PropertyValueExpression) {
                    var t = a;
                    a = b;
                    b = t;
                }
                if (a instanceof com.espertech.esper.common.client.soda.PropertyValueExpression p
                        && org.socengine.rules.RuleDefinition.DEPARTMENT_FIELD.equals(
                                p.getPropertyName())
                        && b instanceof com.espertech.esper.common.client.soda.ConstantExpression k
                        && k.getConstant() instanceof String v) {
                    return v;
                }
            }
            return null;
        }

        /** One use of a shared stream: the rule reads it where the condition holds. */
        void condition(String stream, EventCondition c) {
            conditions.merge(stream, c, EventCondition::or);
        }

        void window(long millis) {
            window = Math.max(window, millis);
            horizon(millis);
        }

        void horizon(long millis) {
            horizon = Math.max(horizon, millis);
        }

        /** How long a named window's {@code #time} keeps its events: a restore horizon. */
        void namedWindowHorizon(String window, long millis) {
            namedWindowHorizons.merge(window, millis, Math::max);
        }

        /** The module's named windows that {@link KeyedWindows} found rebuildable by key. */
        void keyed(Map<String, List<String>> windows) {
            keyed = Map.copyOf(windows);
        }

        Analysis analysis() {
            List<String> ordered = new ArrayList<>();
            for (String s : EventStreams.STREAMS.keySet()) {
                if (streams.contains(s)) {
                    ordered.add(s);
                }
            }
            String department =
                    !unpinned && pinnedTo.size() == 1 ? pinnedTo.iterator().next() : null;
            Map<String, EventCondition> byStream = new LinkedHashMap<>();
            for (String s : ordered) {
                byStream.put(s, conditions.getOrDefault(s, EventCondition.ALWAYS));
            }
            long kept = horizon;
            long whole = horizon;
            List<KeyedWindow> keyedWindows = new ArrayList<>();
            for (Map.Entry<String, Long> w : namedWindowHorizons.entrySet()) {
                whole = Math.max(whole, w.getValue());
                List<String> keys = keyed.get(w.getKey());
                if (keys != null && w.getValue() > 0) {
                    keyedWindows.add(new KeyedWindow(w.getKey(), keys, w.getValue()));
                } else {
                    kept = Math.max(kept, w.getValue());
                }
            }
            return new Analysis(
                    List.copyOf(violations),
                    ordered,
                    window,
                    whole,
                    department,
                    Collections.unmodifiableMap(byStream),
                    kept,
                    List.copyOf(keyedWindows));
        }
    }

    /** Checks the EPL and measures it; the EPL may run only if {@code violations} is empty. */
    public static Analysis analyze(String epl) {
        Findings f = new Findings();
        if (epl == null || epl.isBlank()) {
            f.add(1, "the rule has no EPL");
            return f.analysis();
        }
        if (epl.length() > MAX_EPL_CHARS) {
            f.add(1, "EPL longer than " + MAX_EPL_CHARS + " characters");
            return f.analysis();
        }
        int depth = 0;
        int line = 1;
        for (int i = 0; i < epl.length(); i++) {
            char c = epl.charAt(i);
            if (c == '\n') {
                line++;
            } else if (c == '(' || c == '[' || c == '{') {
                if (++depth > MAX_NESTING) {
                    f.add(line, "brackets nested deeper than " + MAX_NESTING);
                    return f.analysis();
                }
            } else if (c == ')' || c == ']' || c == '}') {
                depth = Math.max(0, depth - 1);
            }
        }
        EplAllowList.check(epl, CONFIGURATION, f);
        Analysis a = f.analysis();
        if (a.violations().isEmpty() && a.streams().isEmpty()) {
            f.add(
                    1,
                    "the statement reads no known stream (one of "
                            + String.join(", ", EventStreams.STREAMS.keySet())
                            + ")");
            return f.analysis();
        }
        return a;
    }

    /** The problems of the EPL; empty when it may run. */
    public static List<Violation> check(String epl) {
        return analyze(epl).violations();
    }

    /** The longest data window ({@code #time(...)} and kin) the EPL declares, in milliseconds. */
    public static long longestWindowMillis(String epl) {
        return analyze(epl).longestWindowMillis();
    }

    /** The longest window, guard or timer the EPL declares, in milliseconds (0 if none). */
    public static long horizonMillis(String epl) {
        return analyze(epl).horizonMillis();
    }
}
