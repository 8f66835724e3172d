package org.socengine.rules.engine;

import com.espertech.esper.common.client.soda.*;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The static half of "a rule cannot stall the engine": everything a statement keeps is bounded in
 * time (at most {@link EplSandbox#MAX_WINDOW_SECONDS}) or in count (at most {@link
 * EplSandbox#MAX_LENGTH_WINDOW} events), every key-spread structure either sits inside such a bound
 * or carries {@code @Hint('reclaim_group_aged=...')}, and nothing repeats faster than once a
 * second. Sizes and periods must be constants: a computed one could be anything.
 */
final class StateBounds {

    private static final Set<String> TIME_VIEWS =
            Set.of("time", "time_batch", "firsttime", "ext_timed", "ext_timed_batch", "time_order");
    private static final Set<String> LENGTH_VIEWS = Set.of("length", "length_batch", "firstlength");
    private static final Set<String> ONE_EVENT_VIEWS = Set.of("lastevent", "firstevent");
    private static final Set<String> KEYED_VIEWS = Set.of("unique", "firstunique");

    /** Hints a rule may give: both bound grouped state, neither reaches code. */
    private static final Set<String> HINTS = Set.of("reclaim_group_aged", "reclaim_group_freq");

    /** Repetitions and indexes that size a buffer (prior, nth, rate, match-until, withinmax). */
    static final int MAX_SMALL_COUNT = 1000;

    /** Esper hash contexts keep one partition per slot. */
    static final int MAX_HASH_GRANULARITY = 1024;

    private final EPStatementObjectModel root;
    private final Set<Object> nodes;
    private final Set<String> namedWindows;
    private final EplSandbox.Findings findings;
    private final int statementLine;
    private final String text;
    private final boolean reclaims;
    private final Set<Object> checkedPeriods = Collections.newSetFromMap(new IdentityHashMap<>());

    private StateBounds(
            EPStatementObjectModel root,
            Set<Object> nodes,
            Set<String> namedWindows,
            EplSandbox.Findings findings,
            int statementLine,
            String text) {
        this.root = root;
        this.nodes = nodes;
        this.namedWindows = namedWindows;
        this.findings = findings;
        this.statementLine = statementLine;
        this.text = text;
        boolean r = false;
        for (AnnotationPart a : root.getAnnotations()) {
            if ("hint".equalsIgnoreCase(a.getName())) {
                for (AnnotationAttribute attr : a.getAttributes()) {
                    if (String.valueOf(attr.getValue()).contains("reclaim_group_aged")) {
                        r = true;
                    }
                }
            }
        }
        this.reclaims = r;
    }

    static void check(
            EPStatementObjectModel model,
            Set<Object> nodes,
            Set<String> namedWindows,
            EplSandbox.Findings findings,
            int statementLine,
            String text) {
        new StateBounds(model, nodes, namedWindows, findings, statementLine, text).run();
    }

    private void run() {
        for (Object node : nodes) {
            if (node instanceof EPStatementObjectModel m) {
                checkStreams(m, m != root);
            } else if (node instanceof CreateWindowClause w) {
                if (w.getViews() == null || w.getViews().isEmpty()) {
                    add(
                            find(w.getWindowName()),
                            "named window '"
                                    + w.getWindowName()
                                    + "' needs a bounded data window such as #time(1 hour) or #length(1000)");
                } else {
                    checkViews(w.getViews(), w.getWindowName(), true);
                }
            } else if (node instanceof PatternStream ps) {
                checkPattern(ps.getExpression());
            } else if (node instanceof ContextDescriptorConditionPattern cp) {
                checkPattern(cp.getPattern());
            } else if (node instanceof PatternEveryDistinctExpr d) {
                List<Expression> e = d.getExpressions();
                if (e.isEmpty() || !(e.get(e.size() - 1) instanceof TimePeriodExpression)) {
                    add(
                            find("every-distinct"),
                            "every-distinct keeps every key it saw: give it an expiry, every-distinct(key, 1 hour)");
                }
            } else if (node instanceof PatternMatchUntilExpr u) {
                Expression bound = u.getSingle() != null ? u.getSingle() : u.getHigh();
                if (bound == null) {
                    add(
                            find("until"),
                            "a repeat ('until' or '[...]') needs an upper bound such as [1:100]");
                } else {
                    count(bound, "a repeat bound");
                }
                if (u.getLow() != null) {
                    count(u.getLow(), "a repeat bound");
                }
            } else if (node instanceof PatternObserverExpr o) {
                checkObserver(o);
            } else if (node instanceof PatternGuardExpr g) {
                checkGuard(g);
            } else if (node instanceof OutputLimitClause o) {
                checkOutput(o);
            } else if (node instanceof PriorExpression p) {
                if (!p.getChildren().isEmpty()) {
                    count(p.getChildren().get(0), "prior(...)'s index");
                }
            } else if (node instanceof PlugInProjectionExpression p) {
                String f = p.getFunctionName().toLowerCase(Locale.ROOT);
                if (f.equals("nth") && p.getChildren().size() >= 2) {
                    count(p.getChildren().get(1), "nth(...)'s index");
                } else if (f.equals("rate") && p.getChildren().size() == 1) {
                    count(p.getChildren().get(0), "rate(...)'s count");
                }
            } else if (node instanceof ContextDescriptorKeyedSegmented k) {
                if (!(k.getTerminationCondition()
                        instanceof ContextDescriptorConditionTimePeriod)) {
                    add(
                            find("partition"),
                            "a keyed context keeps a partition per key for ever: end it with"
                                    + " 'terminated after <period>' (at most 24 hours)");
                }
            } else if (node instanceof ContextDescriptorInitiatedTerminated it) {
                if (it.isOverlapping()
                        && !(it.getTermCondition()
                                instanceof ContextDescriptorConditionTimePeriod)) {
                    add(
                            find("initiated"),
                            "an overlapping context starts a partition per event: end each with"
                                    + " 'terminated after <period>' (at most 24 hours)");
                }
            } else if (node instanceof ContextDescriptorHashSegmented h) {
                if (h.getGranularity() > MAX_HASH_GRANULARITY) {
                    add(
                            find("granularity"),
                            "hash context granularity above " + MAX_HASH_GRANULARITY);
                }
            } else if (node instanceof Filter f && f.getEventTypeName() != null) {
                if (EventStreams.STREAMS.containsKey(f.getEventTypeName())) {
                    findings.stream(f.getEventTypeName());
                    findings.filter(f.getFilter());
                }
            }
        }
        // Periods not checked in their place above (context conditions, every-distinct expiry,
        // output rates) obey the same floor and ceiling.
        for (Object node : nodes) {
            if (node instanceof TimePeriodExpression tp && !checkedPeriods.contains(tp)) {
                findings.horizon(period(tp, "a time period"));
            }
        }
    }

    /** Checks the streams of one statement or subquery: windows, joins and aggregation. */
    private void checkStreams(EPStatementObjectModel m, boolean subquery) {
        if (m.getFromClause() == null) {
            return;
        }
        List<Stream> streams = m.getFromClause().getStreams();
        boolean join = streams.size() > 1;
        boolean aggregates = aggregates(m);
        for (Stream s : streams) {
            if (!(s instanceof ProjectedStream ps)) {
                continue;
            }
            String type = s instanceof FilterStream fs ? fs.getFilter().getEventTypeName() : null;
            boolean namedWindow = type != null && namedWindows.contains(type);
            List<View> views = ps.getViews();
            if (views != null && !views.isEmpty()) {
                checkViews(views, type == null ? "pattern" : type, false);
                if (namedWindow) {
                    add(
                            find(type),
                            "a named window is bounded where it is created: read it without a window");
                }
                continue;
            }
            if (namedWindow) {
                continue;
            }
            String what = type == null ? "the pattern" : "'" + type + "'";
            if (subquery) {
                add(
                        find(type == null ? "pattern" : type),
                        "a subquery over "
                                + what
                                + " needs a bounded data window such as #time(10 min)");
            } else if (join && !ps.isUnidirectional()) {
                add(
                        find(type == null ? "pattern" : type),
                        "each stream of a join needs a bounded data window or 'unidirectional' ("
                                + what
                                + ")");
            } else if (aggregates && !ps.isUnidirectional()) {
                checkUnwindowedAggregation(m, what);
            }
        }
    }

    private void checkUnwindowedAggregation(EPStatementObjectModel m, String what) {
        for (Object n : shallow(m)) {
            if (n instanceof AccessProjectionExpressionBase
                    || n instanceof MedianProjectionExpression
                    || n instanceof AvedevProjectionExpression
                    || (n instanceof PlugInProjectionExpression p
                            && !p.getFunctionName().toLowerCase(Locale.ROOT).endsWith("ever"))
                    || (n instanceof ExpressionBase e && isDistinct(e))) {
                add(
                        1,
                        "aggregating "
                                + what
                                + " without a data window keeps every value for ever: add #time(...) (at most 24 hours)");
                return;
            }
        }
        boolean grouped =
                m.getGroupByClause() != null
                        && m.getGroupByClause().getGroupByExpressions() != null
                        && !m.getGroupByClause().getGroupByExpressions().isEmpty();
        if (grouped && !reclaims) {
            add(
                    find("group by"),
                    "grouping "
                            + what
                            + " without a data window keeps a group per key for ever: add #time(...)"
                            + " or @Hint('reclaim_group_aged=<seconds>')");
        }
    }

    private static boolean isDistinct(ExpressionBase e) {
        try {
            Object d = e.getClass().getMethod("isDistinct").invoke(e);
            return Boolean.TRUE.equals(d);
        } catch (ReflectiveOperationException ex) {
            return false;
        }
    }

    private boolean aggregates(EPStatementObjectModel m) {
        if (m.getGroupByClause() != null
                && m.getGroupByClause().getGroupByExpressions() != null
                && !m.getGroupByClause().getGroupByExpressions().isEmpty()) {
            return true;
        }
        for (Object n : shallow(m)) {
            if (n.getClass().getSimpleName().endsWith("ProjectionExpression")) {
                return true;
            }
        }
        return false;
    }

    /** The nodes of a statement's select and having clauses, not those of its subqueries. */
    private Set<Object> shallow(EPStatementObjectModel m) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Object n : nodes) {
            if (n instanceof EPStatementObjectModel other && other != m) {
                seen.add(other);
            }
        }
        Set<Object> before = Collections.newSetFromMap(new IdentityHashMap<>());
        before.addAll(seen);
        EplAllowList.collect(m.getSelectClause(), seen);
        EplAllowList.collect(m.getHavingClause(), seen);
        seen.removeAll(before);
        return seen;
    }

    /**
     * A chain of data windows: each known, each sized by constants, together bounded. Esper keeps
     * the intersection of several windows, so one bound anywhere in the chain bounds it.
     */
    private void checkViews(List<View> views, String stream, boolean namedWindow) {
        boolean bounded = false;
        boolean boundedAfterGroup = false;
        boolean grouped = false;
        boolean refused = false;
        int sizeBefore = findings.size();
        for (View v : views) {
            String name = v.getName() == null ? "" : v.getName().toLowerCase(Locale.ROOT);
            int line = find("#" + v.getName());
            List<Expression> p = v.getParameters();
            if (v.getNamespace() != null && !v.getNamespace().isEmpty()) {
                add(line, "write data windows as #" + v.getName() + "(...), without a namespace");
                continue;
            }
            boolean bounds;
            if (TIME_VIEWS.contains(name)) {
                int at = name.startsWith("ext_timed") || name.equals("time_order") ? 1 : 0;
                long ms = at < p.size() ? periodMillis(p.get(at), "#" + name) : -1;
                // A named window's bound is how long it remembers, not a window that
                // aggregates re-evaluate over: it counts for the restore horizon only.
                if (namedWindow && name.equals("time")) {
                    findings.namedWindowHorizon(stream, ms);
                } else if (namedWindow || name.equals("firsttime")) {
                    findings.horizon(ms);
                } else {
                    findings.window(ms);
                }
                bounds = ms > 0;
            } else if (LENGTH_VIEWS.contains(name)) {
                bounds = !p.isEmpty() && size(p.get(0), "#" + name);
            } else if (name.equals("sort")) {
                bounds = !p.isEmpty() && size(p.get(0), "#sort");
            } else if (name.equals("rank")) {
                Expression size = null;
                for (Expression e : p) {
                    if (e instanceof ConstantExpression c && c.getConstant() instanceof Number) {
                        size = e;
                        break;
                    }
                }
                bounds = size != null && size(size, "#rank");
                if (size == null) {
                    add(line, "#rank needs a constant size");
                }
            } else if (ONE_EVENT_VIEWS.contains(name)) {
                bounds = true;
            } else if (KEYED_VIEWS.contains(name)) {
                bounds = false;
            } else if (name.equals("groupwin")) {
                grouped = true;
                if (!reclaims) {
                    add(
                            line,
                            "#groupwin keeps a window per key for ever: add @Hint('reclaim_group_aged=<seconds>')");
                }
                continue;
            } else if (name.equals("keepall")) {
                add(line, "#keepall keeps every event for ever: use #time(...) (at most 24 hours)");
                refused = true;
                continue;
            } else if (name.equals("time_accum")) {
                add(line, "#time_accum keeps growing while events keep coming: use #time(...)");
                refused = true;
                continue;
            } else {
                add(
                        line,
                        "data window #"
                                + v.getName()
                                + " is not allowed: use #time, #time_batch, #ext_timed, #length, #length_batch,"
                                + " #firstlength, #firsttime, #lastevent, #firstevent, #sort, #rank, #unique, #firstunique, #groupwin");
                refused = true;
                continue;
            }
            bounded |= bounds;
            if (grouped) {
                boundedAfterGroup |= bounds;
            }
        }
        boolean keyed =
                views.stream()
                        .anyMatch(
                                v ->
                                        v.getName() != null
                                                && KEYED_VIEWS.contains(
                                                        v.getName().toLowerCase(Locale.ROOT)));
        if (!bounded && !refused && findings.size() == sizeBefore) {
            add(
                    find("#"),
                    "the data window of "
                            + stream
                            + (keyed
                                    ? " keeps one event per key for ever: intersect it with a bound, e.g. #unique(...)#time(1 hour)"
                                    : " is not bounded: add #time(...) (at most 24 hours) or #length(...)"));
        } else if (grouped && !boundedAfterGroup) {
            add(
                    find("#groupwin"),
                    "#groupwin needs a bounded window after it, e.g. #groupwin(k)#length(10)");
        }
    }

    private void checkObserver(PatternObserverExpr o) {
        String name = (o.getNamespace() + ":" + o.getName()).toLowerCase(Locale.ROOT);
        List<Expression> p = o.getParameters();
        if (name.equals("timer:interval")) {
            long ms = p.size() == 1 ? periodMillis(p.get(0), "timer:interval") : -1;
            findings.horizon(ms);
            if (p.size() != 1) {
                add(find("timer:interval"), "timer:interval takes one period");
            }
        } else if (name.equals("timer:at")) {
            for (Expression e : p) {
                if (!(e instanceof ConstantExpression
                        || e instanceof CrontabParameterExpression
                        || e instanceof CrontabFrequencyExpression
                        || e instanceof CrontabRangeExpression
                        || e instanceof CrontabParameterSetExpression)) {
                    add(find("timer:at"), "timer:at takes constant schedule parameters");
                }
            }
        } else {
            add(
                    find(o.getName()),
                    "pattern observer "
                            + o.getNamespace()
                            + ":"
                            + o.getName()
                            + " is not allowed (timer:interval, timer:at)");
        }
    }

    private void checkGuard(PatternGuardExpr g) {
        String name = (g.getNamespace() + ":" + g.getName()).toLowerCase(Locale.ROOT);
        List<Expression> p = g.getParameters();
        if (name.equals("timer:within")) {
            findings.horizon(p.size() == 1 ? periodMillis(p.get(0), "timer:within") : -1);
        } else if (name.equals("timer:withinmax") && p.size() == 2) {
            findings.horizon(periodMillis(p.get(0), "timer:withinmax"));
            count(p.get(1), "timer:withinmax's count");
        } else {
            add(
                    find(g.getName()),
                    "pattern guard "
                            + g.getNamespace()
                            + ":"
                            + g.getName()
                            + " is not allowed (timer:within, timer:withinmax)");
        }
    }

    private void checkOutput(OutputLimitClause o) {
        int line = find("output");
        if (o.getFrequencyVariable() != null) {
            add(line, "output rates must be constants");
        }
        if (o.getWhenExpression() != null
                || (o.getThenAssignments() != null && !o.getThenAssignments().isEmpty())
                || o.getAndAfterTerminateAndExpr() != null
                || (o.getAndAfterTerminateThenAssignments() != null
                        && !o.getAndAfterTerminateThenAssignments().isEmpty())) {
            add(
                    line,
                    "'output when' is not allowed: use 'output every <period>' (at least 1 second)");
        }
        if (o.getUnit() == OutputLimitUnit.TIME_PERIOD) {
            if (o.getTimePeriodExpression() == null) {
                add(line, "output rates must be constant periods");
            } else {
                periodMillis(o.getTimePeriodExpression(), "output");
            }
        }
        if (o.getUnit() == OutputLimitUnit.EVENTS
                && (o.getFrequency() == null || o.getFrequency() < 1)) {
            add(line, "'output every <n> events' needs a constant count of at least 1");
        }
    }

    /** A period in milliseconds, refused (and -1) when computed, under 1 s or over 24 hours. */
    private long periodMillis(Expression e, String what) {
        if (e instanceof TimePeriodExpression tp) {
            return period(tp, what);
        }
        if (e instanceof ConstantExpression c && c.getConstant() instanceof Number n) {
            return inRange(Math.round(n.doubleValue() * 1000), what);
        }
        add(find(what), what + " must be a constant period such as 5 min");
        return -1;
    }

    private long period(TimePeriodExpression tp, String what) {
        checkedPeriods.add(tp);
        double seconds = seconds(tp);
        if (Double.isNaN(seconds)) {
            add(find(what), what + " must be a constant, not computed");
            return -1;
        }
        return inRange(Math.round(seconds * 1000), what);
    }

    private long inRange(long millis, String what) {
        if (millis < EplSandbox.MIN_PERIOD_MILLIS) {
            add(
                    find(what),
                    what
                            + " is shorter than 1 second: timers, batches and output rates repeat at most once a second");
            return -1;
        }
        if (millis > EplSandbox.MAX_WINDOW_SECONDS * 1000) {
            add(find(what), what + " is longer than 24 hours: state would be kept for too long");
            return -1;
        }
        return millis;
    }

    private boolean size(Expression e, String what) {
        if (!(e instanceof ConstantExpression c) || !(c.getConstant() instanceof Number n)) {
            add(find(what), what + " must be sized by a constant, not a computed value");
            return false;
        }
        if (n.doubleValue() < 1 || n.doubleValue() > EplSandbox.MAX_LENGTH_WINDOW) {
            add(find(what), what + " of " + n + " events: at most " + EplSandbox.MAX_LENGTH_WINDOW);
            return false;
        }
        return true;
    }

    private void count(Expression e, String what) {
        if (!(e instanceof ConstantExpression c)
                || !(c.getConstant() instanceof Number n)
                || n.doubleValue() < 0
                || n.doubleValue() > MAX_SMALL_COUNT) {
            add(1, what + " must be a constant of at most " + MAX_SMALL_COUNT);
        }
    }

    /** The length of a time period such as {@code 1 hour 30 min} in seconds; NaN if computed. */
    static double seconds(TimePeriodExpression tp) {
        boolean[] has = {
            tp.isHasYears(),
            tp.isHasMonths(),
            tp.isHasWeeks(),
            tp.isHasDays(),
            tp.isHasHours(),
            tp.isHasMinutes(),
            tp.isHasSeconds(),
            tp.isHasMilliseconds(),
            tp.isHasMicroseconds()
        };
        double[] unit = {365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001, 0.000001};
        List<Expression> values = tp.getChildren();
        double total = 0;
        int v = 0;
        for (int i = 0; i < has.length; i++) {
            if (!has[i]) {
                continue;
            }
            if (v < values.size()
                    && values.get(v) instanceof ConstantExpression c
                    && c.getConstant() instanceof Number n) {
                total += n.doubleValue() * unit[i];
            } else {
                return Double.NaN;
            }
            v++;
        }
        return total;
    }

    /**
     * A pattern that restarts with {@code every} keeps one partial match per start event until it
     * completes; if the later part can wait forever, state grows without end. Every part after a
     * followed-by must therefore end by itself (timer:within, timer:interval), unless the whole
     * followed-by sits under a timer:within guard.
     */
    private void checkPattern(PatternExpr root) {
        if (root == null || !containsEvery(root)) {
            return;
        }
        checkFollowedBy(root, false);
    }

    private void checkFollowedBy(PatternExpr expr, boolean guarded) {
        boolean g = guarded || isWithinGuard(expr);
        if (expr instanceof PatternFollowedByExpr f && !g) {
            List<PatternExpr> children = f.getChildren();
            for (int i = 1; i < children.size(); i++) {
                if (!bounded(children.get(i))) {
                    add(
                            find("->"),
                            "a pattern with 'every' followed by a part that can wait forever holds unbounded state: "
                                    + "bound it with 'where timer:within(...)' or end the later part with timer:interval(...)");
                    return;
                }
            }
        }
        for (PatternExpr child : expr.getChildren()) {
            checkFollowedBy(child, g);
        }
    }

    private static boolean containsEvery(PatternExpr expr) {
        if (expr instanceof PatternEveryExpr || expr instanceof PatternEveryDistinctExpr) {
            return true;
        }
        for (PatternExpr c : expr.getChildren()) {
            if (containsEvery(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWithinGuard(PatternExpr expr) {
        return expr instanceof PatternGuardExpr g
                && "timer".equalsIgnoreCase(g.getNamespace())
                && g.getName() != null
                && g.getName().toLowerCase(Locale.ROOT).startsWith("within");
    }

    /** True when the sub-pattern ends by itself in bounded time, matched or not. */
    private static boolean bounded(PatternExpr expr) {
        if (isWithinGuard(expr)) {
            return true;
        }
        if (expr instanceof PatternObserverExpr o) {
            return "timer".equalsIgnoreCase(o.getNamespace())
                    && "interval".equalsIgnoreCase(o.getName());
        }
        if (expr instanceof PatternOrExpr) {
            return expr.getChildren().stream().anyMatch(StateBounds::bounded);
        }
        if (expr instanceof PatternAndExpr) {
            // 'timer:interval(x) and not Y' ends when the timer fires or Y arrives; 'and' of
            // two waits ends only when both happen.
            boolean anyBounded = false;
            for (PatternExpr c : expr.getChildren()) {
                if (bounded(c)) {
                    anyBounded = true;
                } else if (!(c instanceof PatternNotExpr)) {
                    return false;
                }
            }
            return anyBounded;
        }
        if (expr instanceof PatternFollowedByExpr) {
            return expr.getChildren().stream().allMatch(StateBounds::bounded);
        }
        return false;
    }

    /** Checks a {@code @Hint} value: only the reclaim hints, with constant seconds in range. */
    static void checkHint(String hint, EplSandbox.Findings findings, int line) {
        for (String part : hint.split(",")) {
            String[] kv = part.trim().split("=", 2);
            String key = kv[0].trim().toLowerCase(Locale.ROOT);
            if (!HINTS.contains(key)) {
                findings.add(
                        line,
                        "hint '"
                                + part.trim()
                                + "' is not allowed (only reclaim_group_aged=<seconds>, reclaim_group_freq=<seconds>)");
                continue;
            }
            long seconds;
            try {
                seconds = kv.length == 2 ? Long.parseLong(kv[1].trim()) : -1;
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 1 || seconds > EplSandbox.MAX_WINDOW_SECONDS) {
                findings.add(
                        line, "hint '" + part.trim() + "' needs whole seconds between 1 and 86400");
            }
        }
    }

    /** Checks the arguments of a curated function where they decide its cost. */
    static void checkCuratedCall(
            DotExpressionItemCall call, EplSandbox.Findings findings, int line) {
        if (call.getName().startsWith("sigma_match")) {
            List<Expression> p = call.getParameters();
            boolean constants = p.size() >= 2;
            for (int i = 1; i < p.size(); i++) {
                constants &=
                        p.get(i) instanceof ConstantExpression c
                                && c.getConstant() instanceof String;
            }
            if (!constants) {
                findings.add(
                        line, call.getName() + "(value, 'pattern', ...) takes constant patterns");
            }
            return;
        }
        if (!call.getName().equals("re_match")) {
            return;
        }
        List<Expression> p = call.getParameters();
        if (p.size() != 2
                || !(p.get(1) instanceof ConstantExpression c)
                || !(c.getConstant() instanceof String pattern)) {
            findings.add(line, "re_match(value, 'pattern') takes a constant pattern");
            return;
        }
        String problem = RuleFunctions.rePatternProblem(pattern);
        if (problem != null) {
            findings.add(line, "re_match pattern does not compile in RE2 syntax: " + problem);
        }
    }

    private void add(int lineInStatement, String message) {
        findings.add(statementLine + lineInStatement - 1, message);
    }

    private int find(String token) {
        return EplAllowList.find(text, token);
    }
}
