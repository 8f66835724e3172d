package org.socengine.rules.engine;

import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.module.Module;
import com.espertech.esper.common.client.module.ModuleItem;
import com.espertech.esper.common.client.soda.AnnotationPart;
import com.espertech.esper.common.client.soda.CastExpression;
import com.espertech.esper.common.client.soda.ConstantExpression;
import com.espertech.esper.common.client.soda.DotExpression;
import com.espertech.esper.common.client.soda.DotExpressionItem;
import com.espertech.esper.common.client.soda.DotExpressionItemCall;
import com.espertech.esper.common.client.soda.DotExpressionItemName;
import com.espertech.esper.common.client.soda.EPStatementObjectModel;
import com.espertech.esper.common.client.soda.Expression;
import com.espertech.esper.common.client.soda.ExpressionDeclaration;
import com.espertech.esper.common.client.soda.FilterStream;
import com.espertech.esper.common.client.soda.InstanceOfExpression;
import com.espertech.esper.common.client.soda.LambdaExpression;
import com.espertech.esper.common.client.soda.MatchRecognizeDefine;
import com.espertech.esper.common.client.soda.MethodInvocationStream;
import com.espertech.esper.common.client.soda.NewInstanceOperatorExpression;
import com.espertech.esper.common.client.soda.PatternAndExpr;
import com.espertech.esper.common.client.soda.PatternEveryDistinctExpr;
import com.espertech.esper.common.client.soda.PatternEveryExpr;
import com.espertech.esper.common.client.soda.PatternExpr;
import com.espertech.esper.common.client.soda.PatternFilterExpr;
import com.espertech.esper.common.client.soda.PatternFollowedByExpr;
import com.espertech.esper.common.client.soda.PatternGuardExpr;
import com.espertech.esper.common.client.soda.PatternNotExpr;
import com.espertech.esper.common.client.soda.PatternObserverExpr;
import com.espertech.esper.common.client.soda.PatternOrExpr;
import com.espertech.esper.common.client.soda.PatternStream;
import com.espertech.esper.common.client.soda.PropertyValueExpression;
import com.espertech.esper.common.client.soda.SQLStream;
import com.espertech.esper.common.client.soda.SingleRowMethodExpression;
import com.espertech.esper.common.client.soda.StaticMethodExpression;
import com.espertech.esper.common.client.soda.Stream;
import com.espertech.esper.common.client.soda.TimePeriodExpression;
import com.espertech.esper.common.client.soda.View;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The second line of the sandbox: parses each statement into Esper's statement object model and
 * walks every node of it. A text check cannot tell {@code source.ip.getClass()} written with odd
 * spacing, comments or escapes from a harmless string; the parsed model can. Runs only on EPL that
 * passed the text check, so it never feeds the parser anything the first line already refused.
 */
final class EplStructureCheck {

    private static final String SODA_PACKAGE = "com.espertech.esper.common.client.soda.";

    /** Annotations a rule may carry: naming and documentation, nothing that hooks code. */
    private static final Set<String> ALLOWED_ANNOTATIONS =
            Set.of("name", "description", "tag", "priority", "hint");

    /** Types that cast/instanceof may name: Esper's built-in names, never a class. */
    private static final Set<String> BUILTIN_TYPES =
            Set.of(
                    "string",
                    "int",
                    "integer",
                    "long",
                    "double",
                    "float",
                    "short",
                    "byte",
                    "boolean",
                    "bigdecimal",
                    "biginteger",
                    "char",
                    "character");

    private static final Set<String> TIME_VIEWS =
            Set.of("time", "time_batch", "ext_timed", "ext_timed_batch", "time_accum", "firsttime");

    private static final Pattern MAPPED_SEGMENT =
            Pattern.compile(
                    "fields\\(\\s*(?:'[^']*'|\"[^\"]*\")\\s*\\)|[A-Za-z_$][\\w$]*(\\[\\d+])?");

    private static final Map<Class<?>, List<Method>> GETTERS = new ConcurrentHashMap<>();

    private final String epl;
    private final Configuration configuration;
    private final Set<String> out = new LinkedHashSet<>();
    private final List<EplSandbox.Violation> violations = new ArrayList<>();
    private int statementLine;
    private String statementText = "";

    private EplStructureCheck(String epl, Configuration configuration) {
        this.epl = epl;
        this.configuration = configuration;
    }

    static List<EplSandbox.Violation> check(String epl, Configuration configuration) {
        EplStructureCheck c = new EplStructureCheck(epl, configuration);
        c.run();
        return c.violations;
    }

    private void run() {
        Module module;
        try {
            module = EPCompilerProvider.getCompiler().parseModule(epl);
        } catch (Exception e) {
            // Syntax errors are the compiler's to report, with its own line numbers.
            return;
        }
        if (module.getImports() != null && !module.getImports().isEmpty()) {
            add(1, "imports are not allowed");
        }
        if (module.getUses() != null && !module.getUses().isEmpty()) {
            add(1, "'uses' is not allowed: a rule is one self-contained module");
        }
        for (ModuleItem item : module.getItems()) {
            if (item.isCommentOnly()) {
                continue;
            }
            statementLine = Math.max(1, item.getLineNumber());
            statementText = item.getExpression();
            EPStatementObjectModel model;
            try {
                model = EPCompilerProvider.getCompiler().eplToModel(statementText, configuration);
            } catch (EPCompileException | RuntimeException e) {
                continue;
            }
            checkStatement(model);
        }
    }

    private void checkStatement(EPStatementObjectModel model) {
        if (!model.getScriptExpressions().isEmpty()) {
            add(find("expression"), "scripts are not allowed");
        }
        if (model.getClassProvidedExpressions() != null
                && !model.getClassProvidedExpressions().isEmpty()) {
            add(find("inlined_class"), "inlined classes are not allowed");
        }
        if (model.getCreateClass() != null) {
            add(find("create"), "inlined classes are not allowed");
        }
        if (model.getCreateSchema() != null
                || model.getCreateDataFlow() != null
                || model.getCreateVariable() != null
                || model.getCreateIndex() != null) {
            add(
                    find("create"),
                    "only 'create window', 'create table', 'create context' and 'create expression' are allowed");
        }
        if (model.getFireAndForgetClause() != null) {
            add(1, "fire-and-forget queries are not allowed");
        }
        for (AnnotationPart a : model.getAnnotations()) {
            String name = a.getName() == null ? "" : a.getName();
            if (!ALLOWED_ANNOTATIONS.contains(name.toLowerCase(Locale.ROOT))) {
                add(find("@" + name), "annotation @" + name + " is not allowed in rules");
            }
        }
        Set<String> declared = new HashSet<>();
        for (ExpressionDeclaration d : model.getExpressionDeclarations()) {
            declared.add(d.getName());
        }
        Set<Object> nodes = Collections.newSetFromMap(new IdentityHashMap<>());
        collect(model, nodes);
        Set<String> names = localNames(nodes);
        for (Object node : nodes) {
            checkNode(node, declared, names);
        }
        for (Object node : nodes) {
            if (node instanceof PatternStream ps) {
                checkPattern(ps.getExpression());
            }
        }
    }

    private void checkNode(Object node, Set<String> declared, Set<String> names) {
        if (node instanceof StaticMethodExpression s) {
            add(
                    find(s.getClassName()),
                    "Java class references are not allowed ('" + s.getClassName() + "')");
        } else if (node instanceof NewInstanceOperatorExpression n) {
            add(
                    find("new"),
                    "creating Java objects is not allowed ('new " + n.getClassName() + "')");
        } else if (node instanceof MethodInvocationStream) {
            add(find("method"), "method joins are not allowed");
        } else if (node instanceof SQLStream) {
            add(find("sql"), "SQL joins are not allowed");
        } else if (node instanceof CastExpression c) {
            checkType(c.getTypeName());
        } else if (node instanceof InstanceOfExpression i) {
            for (String t : i.getTypeNames()) {
                checkType(t);
            }
        } else if (node instanceof SingleRowMethodExpression s) {
            checkChain(s.getChain(), declared, names, true);
        } else if (node instanceof DotExpression d) {
            checkChain(d.getChain(), declared, names, false);
        } else if (node instanceof PropertyValueExpression p) {
            checkProperty(p.getPropertyName());
        } else if (node instanceof View v) {
            checkView(v);
        }
    }

    private void checkType(String type) {
        String t = type == null ? "" : type.trim().replace("[]", "");
        if (!BUILTIN_TYPES.contains(t.toLowerCase(Locale.ROOT))) {
            add(
                    find(t),
                    "type '"
                            + type
                            + "' is not allowed: cast and instanceof take only "
                            + new java.util.TreeSet<>(BUILTIN_TYPES));
        }
    }

    private void checkChain(
            List<DotExpressionItem> chain,
            Set<String> declared,
            Set<String> names,
            boolean pluginRoot) {
        for (int i = 0; i < chain.size(); i++) {
            DotExpressionItem item = chain.get(i);
            if (item instanceof DotExpressionItemName n && i == 0) {
                String first = n.getName().split("\\.", 2)[0];
                if (looksLikeClass(n.getName(), first, names)) {
                    add(
                            find(n.getName()),
                            "Java class references are not allowed ('" + n.getName() + "')");
                    return;
                }
            } else if (item instanceof DotExpressionItemCall c) {
                String name = c.getName();
                boolean root = i == 0;
                boolean allowed;
                if (root) {
                    allowed =
                            declared.contains(name)
                                    || RuleFunctions.FUNCTIONS.containsKey(name)
                                    || (!pluginRoot && isEnumerationOrDateTime(name));
                } else {
                    allowed = isEnumerationOrDateTime(name);
                }
                if (!allowed) {
                    add(
                            find(name + "("),
                            "method call '"
                                    + (root ? "" : ".")
                                    + name
                                    + "(...)' is not allowed: only Esper enumeration and date-time methods, built-in functions and "
                                    + String.join(
                                            ", ",
                                            new java.util.TreeSet<>(
                                                    RuleFunctions.FUNCTIONS.keySet())));
                }
            }
        }
    }

    private static boolean isEnumerationOrDateTime(String name) {
        return EplSandbox.ALLOWED_DOT_METHODS.contains(name.toLowerCase(Locale.ROOT));
    }

    // ECS roots, pattern tags and lambda parameters are lower-case identifiers; a capitalized or
    // package-qualified root that the statement did not declare can only be a class name.
    private static boolean looksLikeClass(String name, String first, Set<String> names) {
        if (names.contains(first)) {
            return false;
        }
        if (!first.isEmpty() && Character.isUpperCase(first.charAt(0))) {
            return true;
        }
        return name.matches("(java|javax|jdk|sun|com|org|net|io|groovy|kotlin|scala|jakarta)\\..*");
    }

    private void checkProperty(String property) {
        if (property == null || (property.indexOf('(') < 0 && property.indexOf('[') < 0)) {
            return;
        }
        for (String segment : splitSegments(property)) {
            if (!MAPPED_SEGMENT.matcher(segment).matches()) {
                add(
                        find(segment),
                        "'"
                                + segment
                                + "' is not allowed: the only keyed property is fields('<name>')");
                return;
            }
        }
    }

    // Splits on dots outside quotes and parentheses: fields('a.b') stays one segment.
    private static List<String> splitSegments(String property) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        char quote = 0;
        for (char ch : property.toCharArray()) {
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == '.' && depth == 0) {
                out.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            cur.append(ch);
        }
        out.add(cur.toString());
        return out;
    }

    private void checkView(View v) {
        String name = v.getName() == null ? "" : v.getName().toLowerCase(Locale.ROOT);
        if (name.equals("keepall")) {
            add(
                    find("keepall"),
                    "unbounded windows (keepall) are not allowed: use #time(...) with at most 24 hours");
            return;
        }
        if (!TIME_VIEWS.contains(name)) {
            return;
        }
        for (Expression p : v.getParameters()) {
            if (p instanceof TimePeriodExpression tp) {
                long seconds = seconds(tp);
                if (seconds > EplSandbox.MAX_WINDOW_SECONDS) {
                    add(
                            find("#" + v.getName()),
                            "time window longer than 24 hours would hold unbounded state");
                }
            }
        }
    }

    /** The length of a time period such as {@code 1 hour 30 min}, in seconds. */
    static long seconds(TimePeriodExpression tp) {
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
            if (v < values.size() && values.get(v) instanceof ConstantExpression c) {
                if (c.getConstant() instanceof Number n) {
                    total += n.doubleValue() * unit[i];
                }
            } else if (v < values.size()) {
                // A period computed at run time could be anything: treat it as too long.
                return Long.MAX_VALUE;
            }
            v++;
        }
        return (long) Math.ceil(total);
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
            return expr.getChildren().stream().anyMatch(EplStructureCheck::bounded);
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
            return expr.getChildren().stream().allMatch(EplStructureCheck::bounded);
        }
        return false;
    }

    private static Set<String> localNames(Set<Object> nodes) {
        Set<String> names = new HashSet<>();
        for (Object node : nodes) {
            if (node instanceof PatternFilterExpr f && f.getTagName() != null) {
                names.add(f.getTagName());
            } else if (node instanceof Stream s && s.getStreamName() != null) {
                names.add(s.getStreamName());
            } else if (node instanceof LambdaExpression l) {
                names.addAll(l.getParameters());
            } else if (node instanceof MatchRecognizeDefine d) {
                names.add(d.getName());
            } else if (node instanceof FilterStream fs && fs.getFilter() != null) {
                names.add(fs.getFilter().getEventTypeName());
            }
        }
        return names;
    }

    /**
     * Collects every node of the model by walking the public getters of Esper's SODA classes, so
     * that no clause (select, where, having, pattern guards, view parameters, context conditions,
     * match-recognize definitions, on-merge actions) is left out by a hand-written visitor.
     */
    private static void collect(Object node, Set<Object> seen) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> c) {
            for (Object o : c) {
                collect(o, seen);
            }
            return;
        }
        if (node instanceof Object[] arr) {
            for (Object o : arr) {
                collect(o, seen);
            }
            return;
        }
        Class<?> type = node.getClass();
        if (type.isEnum() || !type.getName().startsWith(SODA_PACKAGE) || !seen.add(node)) {
            return;
        }
        for (Method m : GETTERS.computeIfAbsent(type, EplStructureCheck::getters)) {
            try {
                collect(m.invoke(node), seen);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // A getter that cannot answer has nothing to walk.
            }
        }
    }

    private static List<Method> getters(Class<?> type) {
        List<Method> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() == 0
                    && m.getName().startsWith("get")
                    && !Modifier.isStatic(m.getModifiers())
                    && m.getDeclaringClass() != Object.class) {
                Class<?> r = m.getReturnType();
                if (Collection.class.isAssignableFrom(r)
                        || r.isArray()
                        || r.getName().startsWith(SODA_PACKAGE)
                        || r == Object.class) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    private void add(int lineInStatement, String message) {
        if (out.add(message)) {
            violations.add(new EplSandbox.Violation(statementLine + lineInStatement - 1, message));
        }
    }

    /** The line (within the statement) of the first occurrence of a token, or 1. */
    private int find(String token) {
        if (token == null || token.isEmpty()) {
            return 1;
        }
        int at = statementText.indexOf(token);
        if (at < 0) {
            at = statementText.toLowerCase(Locale.ROOT).indexOf(token.toLowerCase(Locale.ROOT));
        }
        if (at < 0) {
            return 1;
        }
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (statementText.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
