package org.socengine.rules.engine;

import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.module.Module;
import com.espertech.esper.common.client.module.ModuleItem;
import com.espertech.esper.common.client.soda.*;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The sandbox proper: parses a rule's EPL into Esper's statement object model and accepts it only
 * when every node is of a kind on {@link #ALLOWED_NODES}, every property path names a field of the
 * event model (or a column, alias or tag the rule itself declared), and every method call is one of
 * the curated functions, an enumeration method on a collection or a date-time method on the event
 * time. A construct Esper adds in a later version is refused until someone puts it on the list.
 * What the rule may keep and how often it may fire is {@link StateBounds}' part.
 */
final class EplAllowList {

    private static final String SODA_PACKAGE = "com.espertech.esper.common.client.soda.";

    /**
     * Every kind of statement-model node a rule may contain. Anything else (scripts, static
     * methods, {@code new}, method and SQL joins, tables, update, variables, schemas, classes,
     * dataflows, fire-and-forget, {@code regexp}, substitution parameters) is refused by absence.
     */
    static final Set<Class<?>> ALLOWED_NODES =
            Set.of(
                    EPStatementObjectModel.class,
                    AnnotationPart.class,
                    AnnotationAttribute.class,
                    ExpressionDeclaration.class,
                    CreateExpressionClause.class,
                    CreateWindowClause.class,
                    CreateContextClause.class,
                    ContextDescriptorKeyedSegmented.class,
                    ContextDescriptorKeyedSegmentedItem.class,
                    ContextDescriptorCategory.class,
                    ContextDescriptorCategoryItem.class,
                    ContextDescriptorHashSegmented.class,
                    ContextDescriptorHashSegmentedItem.class,
                    ContextDescriptorInitiatedTerminated.class,
                    ContextDescriptorNested.class,
                    ContextDescriptorConditionFilter.class,
                    ContextDescriptorConditionPattern.class,
                    ContextDescriptorConditionTimePeriod.class,
                    ContextDescriptorConditionCrontab.class,
                    ContextDescriptorConditionImmediate.class,
                    ContextDescriptorConditionNever.class,
                    OnDeleteClause.class,
                    InsertIntoClause.class,
                    SelectClause.class,
                    SelectClauseExpression.class,
                    SelectClauseWildcard.class,
                    SelectClauseStreamWildcard.class,
                    FromClause.class,
                    FilterStream.class,
                    Filter.class,
                    PatternStream.class,
                    OuterJoinQualifier.class,
                    PropertyValueExpressionPair.class,
                    View.class,
                    GroupByClause.class,
                    GroupByClauseExpressionSingle.class,
                    GroupByClauseExpressionCombination.class,
                    OrderByClause.class,
                    OrderByElement.class,
                    OutputLimitClause.class,
                    RowLimitClause.class,
                    MatchRecognizeClause.class,
                    MatchRecognizeDefine.class,
                    MatchRecognizeIntervalClause.class,
                    MatchRecognizeRegExAlteration.class,
                    MatchRecognizeRegExAtom.class,
                    MatchRecognizeRegExConcatenation.class,
                    MatchRecognizeRegExNested.class,
                    MatchRecognizeRegExPermutation.class,
                    MatchRecognizeRegExRepeat.class,
                    // expressions
                    ArithmaticExpression.class,
                    ArrayExpression.class,
                    BetweenExpression.class,
                    BitwiseOpExpression.class,
                    CaseSwitchExpression.class,
                    CaseWhenThenExpression.class,
                    CastExpression.class,
                    CoalesceExpression.class,
                    CompareListExpression.class,
                    ConcatExpression.class,
                    Conjunction.class,
                    Disjunction.class,
                    ConstantExpression.class,
                    CrontabFrequencyExpression.class,
                    CrontabParameterExpression.class,
                    CrontabParameterSetExpression.class,
                    CrontabRangeExpression.class,
                    CurrentTimestampExpression.class,
                    DotExpression.class,
                    DotExpressionItemCall.class,
                    DotExpressionItemName.class,
                    InExpression.class,
                    InstanceOfExpression.class,
                    IStreamBuiltinExpression.class,
                    LambdaExpression.class,
                    LikeExpression.class,
                    MaxRowExpression.class,
                    MinRowExpression.class,
                    NotExpression.class,
                    OrderedObjectParamExpression.class,
                    PreviousExpression.class,
                    PriorExpression.class,
                    PropertyExistsExpression.class,
                    PropertyValueExpression.class,
                    RelationalOpExpression.class,
                    SingleRowMethodExpression.class,
                    StreamWildcardExpression.class,
                    SubqueryExistsExpression.class,
                    SubqueryExpression.class,
                    SubqueryInExpression.class,
                    SubqueryQualifiedExpression.class,
                    TimePeriodExpression.class,
                    TypeOfExpression.class,
                    WildcardExpression.class,
                    // aggregation
                    AvedevProjectionExpression.class,
                    AvgProjectionExpression.class,
                    CountProjectionExpression.class,
                    CountStarProjectionExpression.class,
                    CountEverProjectionExpression.class,
                    FirstEverProjectionExpression.class,
                    LastEverProjectionExpression.class,
                    FirstProjectionExpression.class,
                    LastProjectionExpression.class,
                    MaxProjectionExpression.class,
                    MinProjectionExpression.class,
                    MedianProjectionExpression.class,
                    StddevProjectionExpression.class,
                    SumProjectionExpression.class,
                    WindowProjectionExpression.class,
                    PlugInProjectionExpression.class,
                    // patterns
                    PatternAndExpr.class,
                    PatternOrExpr.class,
                    PatternNotExpr.class,
                    PatternEveryExpr.class,
                    PatternEveryDistinctExpr.class,
                    PatternFilterExpr.class,
                    PatternFollowedByExpr.class,
                    PatternGuardExpr.class,
                    PatternObserverExpr.class,
                    PatternMatchUntilExpr.class);

    /** Why a well-known construct is refused, in the words a rule author needs. */
    private static final Map<Class<?>, String> REFUSALS = new LinkedHashMap<>();

    static {
        REFUSALS.put(ScriptExpression.class, "scripts are not allowed");
        REFUSALS.put(ClassProvidedExpression.class, "inlined classes are not allowed");
        REFUSALS.put(CreateClassClause.class, "inlined classes are not allowed");
        REFUSALS.put(StaticMethodExpression.class, "Java class references are not allowed");
        REFUSALS.put(NewInstanceOperatorExpression.class, "creating Java objects is not allowed");
        REFUSALS.put(NewOperatorExpression.class, "'new' is not allowed");
        REFUSALS.put(MethodInvocationStream.class, "method joins are not allowed");
        REFUSALS.put(SQLStream.class, "SQL joins are not allowed");
        REFUSALS.put(
                RegExpExpression.class,
                "'regexp' runs java.util.regex, which can backtrack for ever on a crafted value:"
                        + " use re_match(value, 'pattern') (RE2, linear time)");
        REFUSALS.put(
                CreateTableClause.class,
                "tables are not allowed (their rows never expire): use a named window with a bounded data window");
        REFUSALS.put(IntoTableClause.class, "tables are not allowed");
        REFUSALS.put(TableAccessExpression.class, "tables are not allowed");
        REFUSALS.put(
                UpdateClause.class,
                "'update istream' is not allowed: it changes events that other rules read");
        REFUSALS.put(OnUpdateClause.class, "'on ... update' is not allowed");
        REFUSALS.put(OnMergeClause.class, "'on ... merge' is not allowed");
        REFUSALS.put(OnSetClause.class, "'on ... set' is not allowed (no variables)");
        REFUSALS.put(OnSelectClause.class, "'on ... select' is not allowed");
        REFUSALS.put(
                OnInsertSplitStreamClause.class, "'on ... insert' (split stream) is not allowed");
        REFUSALS.put(CreateVariableClause.class, "variables are not allowed");
        REFUSALS.put(
                CreateSchemaClause.class, "schemas are not allowed: rules read the event streams");
        REFUSALS.put(CreateIndexClause.class, "indexes are not allowed");
        REFUSALS.put(CreateDataFlowClause.class, "dataflows are not allowed");
        REFUSALS.put(FireAndForgetClause.class, "fire-and-forget queries are not allowed");
        REFUSALS.put(FireAndForgetDelete.class, "fire-and-forget queries are not allowed");
        REFUSALS.put(FireAndForgetInsert.class, "fire-and-forget queries are not allowed");
        REFUSALS.put(FireAndForgetUpdate.class, "fire-and-forget queries are not allowed");
        REFUSALS.put(
                SubstitutionParameterExpression.class, "substitution parameters are not allowed");
        REFUSALS.put(
                CurrentEvaluationContextExpression.class,
                "current_evaluation_context() is not allowed");
        REFUSALS.put(ContainedEventSelect.class, "contained-event selection is not allowed");
        REFUSALS.put(ForClause.class, "'for' delivery clauses are not allowed");
        REFUSALS.put(
                GroupByClauseExpressionRollupOrCube.class,
                "rollup and cube multiply grouped state: group by plain expressions");
        REFUSALS.put(
                GroupByClauseExpressionGroupingSet.class,
                "grouping sets multiply grouped state: group by plain expressions");
        REFUSALS.put(DotExpressionItemArray.class, "array indexes after a method are not allowed");
    }

    /** Where in the text a refused construct shows, for its line. */
    private static final Map<Class<?>, String> KEYWORDS =
            Map.of(
                    GroupByClauseExpressionRollupOrCube.class, "rollup",
                    GroupByClauseExpressionGroupingSet.class, "grouping",
                    CreateVariableClause.class, "variable",
                    OnMergeClause.class, "merge",
                    OnSetClause.class, "set",
                    OnUpdateClause.class, "update",
                    OnSelectClause.class, "select",
                    ClassProvidedExpression.class, "inlined_class",
                    CreateClassClause.class, "inlined_class",
                    CurrentEvaluationContextExpression.class, "current_evaluation_context");

    /** Annotations a rule may carry: naming and documentation, and the reclaim hints. */
    static final Set<String> ALLOWED_ANNOTATIONS =
            Set.of("name", "description", "tag", "priority", "hint");

    /** Types that cast/instanceof may name: Esper's built-in names, never a class. */
    static final Set<String> BUILTIN_TYPES =
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

    /** Enumeration methods that give a collection back (more enumeration methods may follow). */
    static final Set<String> ENUM_TO_COLLECTION =
            Set.of(
                    "where",
                    "selectfrom",
                    "distinctof",
                    "orderby",
                    "orderbydesc",
                    "reverse",
                    "take",
                    "takelast",
                    "takewhile",
                    "takewhilelast",
                    "union",
                    "intersect",
                    "except",
                    "arrayof");

    /** Enumeration methods that give one event back: only its fields may follow. */
    static final Set<String> ENUM_TO_EVENT = Set.of("firstof", "lastof", "minby", "maxby");

    /** Enumeration methods that give a value back: nothing may follow. */
    static final Set<String> ENUM_TO_VALUE =
            Set.of(
                    "countof",
                    "sumof",
                    "average",
                    "min",
                    "max",
                    "aggregate",
                    "allof",
                    "anyof",
                    "sequenceequal",
                    "mostfrequent",
                    "leastfrequent",
                    "groupby",
                    "tomap");

    /** Esper's date-time methods, allowed on the event time ({@code timestamp}) only. */
    static final Set<String> DATE_TIME_METHODS =
            Set.of(
                    "getminuteofhour",
                    "gethourofday",
                    "getdayofweek",
                    "getdayofmonth",
                    "getmonthofyear",
                    "getyear",
                    "getsecondofminute",
                    "getmillisofsecond",
                    "getdayofyear",
                    "getweekyear",
                    "withtime",
                    "withdate",
                    "withmax",
                    "withmin",
                    "roundceiling",
                    "roundfloor",
                    "roundhalf",
                    "set",
                    "plus",
                    "minus",
                    "before",
                    "after",
                    "coincides",
                    "during",
                    "finishes",
                    "finishedby",
                    "includes",
                    "meets",
                    "metby",
                    "overlaps",
                    "overlappedby",
                    "starts",
                    "startedby",
                    "between",
                    "format",
                    "tomillisec");

    /** Date-time methods that give a date-time back, so that another may follow. */
    static final Set<String> DATE_TIME_TO_TIME =
            Set.of(
                    "withtime",
                    "withdate",
                    "withmax",
                    "withmin",
                    "roundceiling",
                    "roundfloor",
                    "roundhalf",
                    "set",
                    "plus",
                    "minus");

    /** Esper's aggregation functions beyond those with their own node, by name. */
    static final Set<String> PLUGIN_AGGREGATIONS =
            Set.of("maxby", "minby", "maxbyever", "minbyever", "sorted", "leaving", "nth", "rate");

    /** Context properties Esper provides; anything after them is not a path. */
    private static final Set<String> CONTEXT_PROPERTIES =
            Set.of(
                    "name",
                    "id",
                    "label",
                    "startTime",
                    "endTime",
                    "key1",
                    "key2",
                    "key3",
                    "key4",
                    "key5",
                    "key6",
                    "key7",
                    "key8",
                    "key9");

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern FIELDS_KEY =
            Pattern.compile("fields\\((?:'[^'\\\\]*'|\"[^\"\\\\]*\")\\)");

    private static final Map<Class<?>, List<Method>> GETTERS = new ConcurrentHashMap<>();

    private final String epl;
    private final Configuration configuration;
    private final EplSandbox.Findings findings;

    // Names the whole module declares: a later statement reads what an earlier one made.
    private final Set<String> moduleStreams = new HashSet<>();
    private final Set<String> namedWindows = new HashSet<>();
    private final Set<String> contexts = new HashSet<>();
    private final Set<String> declaredExpressions = new HashSet<>();
    private final Set<String> columns = new HashSet<>();
    private final Set<String> locals = new HashSet<>();

    private int statementLine;
    private String statementText = "";

    private EplAllowList(String epl, Configuration configuration, EplSandbox.Findings findings) {
        this.epl = epl;
        this.configuration = configuration;
        this.findings = findings;
    }

    static void check(String epl, Configuration configuration, EplSandbox.Findings findings) {
        new EplAllowList(epl, configuration, findings).run();
    }

    /**
     * One statement of a rule's module: where it starts, its text, its model and the model's nodes.
     */
    record Statement(int line, String text, EPStatementObjectModel model, Set<Object> nodes) {}

    private void run() {
        Module module;
        try {
            module = EPCompilerProvider.getCompiler().parseModule(epl);
        } catch (Exception | StackOverflowError e) {
            // What cannot be parsed cannot be checked, so it is refused rather than left to the
            // compiler: a statement the model misses must never reach the engine.
            findings.add(lineOfMessage(e.getMessage()), "EPL does not parse: " + clean(e));
            return;
        }
        if (module.getImports() != null && !module.getImports().isEmpty()) {
            findings.add(find(epl, "import"), "imports are not allowed");
        }
        if (module.getUses() != null && !module.getUses().isEmpty()) {
            findings.add(
                    find(epl, "uses"),
                    "'uses' is not allowed: a rule is one self-contained module");
        }
        List<Statement> statements = new ArrayList<>();
        for (ModuleItem item : module.getItems()) {
            if (item.isCommentOnly()) {
                continue;
            }
            if (statements.size() >= EplSandbox.MAX_STATEMENTS) {
                findings.add(
                        Math.max(1, item.getLineNumber()),
                        "a rule holds at most " + EplSandbox.MAX_STATEMENTS + " statements");
                return;
            }
            int line = Math.max(1, item.getLineNumber());
            EPStatementObjectModel model;
            try {
                model =
                        EPCompilerProvider.getCompiler()
                                .eplToModel(item.getExpression(), configuration);
            } catch (EPCompileException | RuntimeException | StackOverflowError e) {
                findings.add(
                        line + lineOfMessage(e.getMessage()) - 1,
                        "statement cannot be checked: " + clean(e));
                continue;
            }
            Set<Object> nodes = Collections.newSetFromMap(new IdentityHashMap<>());
            collect(model, nodes);
            statements.add(new Statement(line, item.getExpression(), model, nodes));
        }
        for (Statement s : statements) {
            declare(s);
        }
        for (Statement s : statements) {
            conditions(s);
        }
        for (Statement s : statements) {
            statementLine = s.line();
            statementText = s.text();
            checkStatement(s);
            StateBounds.check(s.model(), s.nodes(), namedWindows, findings, s.line(), s.text());
        }
        findings.keyed(KeyedWindows.find(statements));
    }

    /** Records the names a statement declares, for the property and stream checks. */
    private void declare(Statement s) {
        EPStatementObjectModel m = s.model();
        if (m.getInsertInto() != null && m.getInsertInto().getStreamName() != null) {
            moduleStreams.add(m.getInsertInto().getStreamName());
        }
        if (m.getCreateWindow() != null) {
            moduleStreams.add(m.getCreateWindow().getWindowName());
            namedWindows.add(m.getCreateWindow().getWindowName());
        }
        if (m.getCreateContext() != null) {
            contexts.add(m.getCreateContext().getContextName());
        }
        if (m.getCreateExpression() != null
                && m.getCreateExpression().getExpressionDeclaration() != null) {
            declaredExpressions.add(m.getCreateExpression().getExpressionDeclaration().getName());
        }
        for (Object node : s.nodes()) {
            if (node instanceof ExpressionDeclaration d) {
                declaredExpressions.add(d.getName());
                locals.addAll(d.getParameterNames());
            } else if (node instanceof SelectClauseExpression e && e.getAsName() != null) {
                columns.add(e.getAsName());
            } else if (node instanceof Stream st && st.getStreamName() != null) {
                locals.add(st.getStreamName());
            } else if (node instanceof PatternFilterExpr f && f.getTagName() != null) {
                locals.add(f.getTagName());
            } else if (node instanceof LambdaExpression l) {
                locals.addAll(l.getParameters());
            } else if (node instanceof MatchRecognizeDefine d) {
                locals.add(d.getName());
            } else if (node instanceof MatchRecognizeRegExAtom a) {
                locals.add(a.getName());
            } else if (node instanceof Filter f && f.getEventTypeName() != null) {
                locals.add(f.getEventTypeName());
            } else if (node instanceof OnDeleteClause d) {
                locals.add(d.getWindowName());
                if (d.getOptionalAsName() != null) {
                    locals.add(d.getOptionalAsName());
                }
            } else if (node instanceof ContextDescriptorConditionFilter f
                    && f.getOptionalAsName() != null) {
                locals.add(f.getOptionalAsName());
            } else if (node instanceof ContextDescriptorKeyedSegmentedItem k
                    && k.getStreamName() != null) {
                locals.add(k.getStreamName());
            }
        }
    }

    /**
     * The condition of each filter of a shared stream in the statement, for routing: the stream a
     * named window is created from only gives its type and reads no event.
     */
    private void conditions(Statement s) {
        Set<Object> declarations = Collections.newSetFromMap(new IdentityHashMap<>());
        EPStatementObjectModel m = s.model();
        if (m.getCreateWindow() != null && m.getFromClause() != null) {
            for (Stream st : m.getFromClause().getStreams()) {
                if (st instanceof FilterStream fs && fs.getFilter() != null) {
                    declarations.add(fs.getFilter());
                }
            }
        }
        for (Object node : s.nodes()) {
            if (node instanceof Filter f
                    && f.getEventTypeName() != null
                    && EventStreams.STREAMS.containsKey(f.getEventTypeName())) {
                findings.condition(
                        f.getEventTypeName(),
                        declarations.contains(f)
                                ? EventCondition.NEVER
                                : FilterConditions.of(f.getFilter(), this::declared));
            }
        }
    }

    /**
     * A name the rule declares (a stream, alias, tag, window, column, context or parameter), which
     * a property may start with instead of an event field. Esper's names are case-sensitive, as are
     * the event model's fields.
     */
    private boolean declared(String name) {
        return locals.contains(name)
                || columns.contains(name)
                || moduleStreams.contains(name)
                || namedWindows.contains(name)
                || contexts.contains(name)
                || declaredExpressions.contains(name)
                || name.equals("context");
    }

    private void checkStatement(Statement s) {
        EPStatementObjectModel model = s.model();
        for (Object node : s.nodes()) {
            if (!ALLOWED_NODES.contains(node.getClass())) {
                String why = REFUSALS.get(node.getClass());
                String token = tokenOf(node);
                add(
                        find(token),
                        why != null
                                ? why
                                        + (token.isEmpty() || why.contains("'")
                                                ? ""
                                                : " ('" + token + "')")
                                : "'"
                                        + node.getClass().getSimpleName()
                                        + "' is not on the rule allow-list");
            }
        }
        if (model.getClassProvidedExpressions() != null
                && !model.getClassProvidedExpressions().isEmpty()) {
            add(find("inlined_class"), "inlined classes are not allowed");
        }
        if (model.getInsertInto() != null) {
            String target = model.getInsertInto().getStreamName();
            if (EventStreams.STREAMS.containsKey(target)) {
                add(
                        find(target),
                        "a rule may not insert into the shared stream '"
                                + target
                                + "': other rules would read its rows as events");
            }
            if (model.getInsertInto().getColumnNames() != null) {
                columns.addAll(model.getInsertInto().getColumnNames());
            }
        }
        if (model.getCreateWindow() != null) {
            CreateWindowClause w = model.getCreateWindow();
            if (w.getColumns() != null && !w.getColumns().isEmpty()) {
                add(
                        find(w.getWindowName()),
                        "a named window takes its rows from a stream ('as Event' or 'as select ...'),"
                                + " not from declared columns");
            }
        }
        for (Object node : s.nodes()) {
            checkNode(node);
        }
    }

    private void checkNode(Object node) {
        if (node instanceof AnnotationPart a) {
            checkAnnotation(a);
        } else if (node instanceof Filter f) {
            checkStreamName(f.getEventTypeName());
        } else if (node instanceof OnDeleteClause d) {
            if (!namedWindows.contains(d.getWindowName())) {
                add(
                        find(d.getWindowName()),
                        "'on ... delete' must name a window this rule creates");
            }
        } else if (node instanceof CastExpression c) {
            checkType(c.getTypeName());
        } else if (node instanceof InstanceOfExpression i) {
            for (String t : i.getTypeNames()) {
                checkType(t);
            }
        } else if (node instanceof SingleRowMethodExpression s) {
            checkChain(null, s.getChain());
        } else if (node instanceof DotExpression d) {
            checkChain(d.getChildren().isEmpty() ? null : d.getChildren().get(0), d.getChain());
        } else if (node instanceof PropertyValueExpression p) {
            checkProperty(p.getPropertyName());
        } else if (node instanceof PlugInProjectionExpression p) {
            if (!PLUGIN_AGGREGATIONS.contains(p.getFunctionName().toLowerCase(Locale.ROOT))) {
                add(
                        find(p.getFunctionName()),
                        "aggregation '" + p.getFunctionName() + "' is not allowed");
            }
        } else if (node instanceof LikeExpression l) {
            checkLike(l);
        } else if (node instanceof SelectClauseExpression e && e.getAsName() != null) {
            checkColumnName(e.getAsName());
        } else if (node instanceof ContextDescriptorKeyedSegmentedItem k) {
            for (String p : k.getPropertyNames()) {
                checkProperty(p);
            }
        } else if (node instanceof MatchRecognizeClause) {
            // Partition keys and measures are expressions: walked as nodes of their own.
        } else if (node instanceof EPStatementObjectModel m && m.getContextName() != null) {
            if (!contexts.contains(m.getContextName())) {
                add(
                        find(m.getContextName()),
                        "context '" + m.getContextName() + "' is not declared by this rule");
            }
        }
    }

    private void checkAnnotation(AnnotationPart a) {
        String name = a.getName() == null ? "" : a.getName();
        if (!ALLOWED_ANNOTATIONS.contains(name.toLowerCase(Locale.ROOT))) {
            add(
                    find("@" + name),
                    "annotation @"
                            + name
                            + " is not allowed in rules (only @Name, @Description, @Tag, @Priority, @Hint)");
            return;
        }
        for (AnnotationAttribute attr : a.getAttributes()) {
            Object v = attr.getValue();
            if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                add(find("@" + name), "annotation @" + name + " takes plain values only");
            }
            if (name.equalsIgnoreCase("hint") && v instanceof String hint) {
                StateBounds.checkHint(hint, findings, statementLine + find("@" + name) - 1);
            }
        }
    }

    private void checkStreamName(String name) {
        if (name == null) {
            return;
        }
        if (!EventStreams.STREAMS.containsKey(name) && !moduleStreams.contains(name)) {
            add(
                    find(name),
                    "'"
                            + name
                            + "' is not a stream: read one of "
                            + String.join(", ", EventStreams.STREAMS.keySet())
                            + " or a stream this rule inserts into");
        }
    }

    private void checkType(String type) {
        String t = type == null ? "" : type.trim();
        if (!BUILTIN_TYPES.contains(t.toLowerCase(Locale.ROOT))) {
            add(
                    find(t),
                    "type '"
                            + type
                            + "' is not allowed: cast and instanceof take only "
                            + new TreeSet<>(BUILTIN_TYPES));
        }
    }

    private void checkColumnName(String name) {
        if (!IDENTIFIER.matcher(name).matches() || JavaMembers.NAMES.contains(name)) {
            add(
                    find(name),
                    "column name '"
                            + name
                            + "' is not allowed: it is the name of a Java member of a value type");
        }
    }

    /**
     * A property path: an optional context prefix, an optional local name (stream alias, tag,
     * lambda or expression parameter, window), then a field of the event model, {@code
     * fields('Name')}, or a column this rule declared (optionally followed by a field).
     */
    private void checkProperty(String property) {
        if (property == null) {
            return;
        }
        List<String> segments = segments(property);
        if (segments == null) {
            add(
                    find(property),
                    "'"
                            + property
                            + "' is not allowed: a property is a dotted field name such as source.ip, or fields('Name')");
            return;
        }
        int i = 0;
        if (segments.get(0).equals("context")) {
            if (segments.size() >= 2 && contexts.contains(segments.get(1))) {
                i = 2;
            } else {
                i = 1;
            }
            if (segments.size() == i + 1 && CONTEXT_PROPERTIES.contains(segments.get(i))) {
                return;
            }
        }
        boolean ok = isFieldPath(segments.subList(i, segments.size()));
        if (!ok && i < segments.size() && locals.contains(segments.get(i))) {
            ok = isFieldPath(segments.subList(i + 1, segments.size()));
        }
        if (!ok) {
            add(
                    find(property),
                    "'"
                            + property
                            + "' is not a field of the event model (ECS fields such as source.ip, fields('Name'),"
                            + " or a column, alias or tag the rule declares)");
        }
    }

    private boolean isFieldPath(List<String> rest) {
        if (rest.isEmpty()) {
            return true;
        }
        String first = rest.get(0);
        if (first.startsWith("fields(")) {
            return rest.size() == 1;
        }
        if (EcsModel.isPath(rest)) {
            return true;
        }
        if (columns.contains(first)) {
            List<String> after = rest.subList(1, rest.size());
            return after.isEmpty()
                    || EcsModel.isPath(after)
                    || (after.size() == 1 && after.get(0).startsWith("fields("));
        }
        return false;
    }

    /** Splits a property name into plain identifiers and fields('key'); null if it is neither. */
    static List<String> segments(String property) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i <= property.length()) {
            int end = i;
            if (property.startsWith("fields(", i)) {
                int close = property.indexOf(')', i);
                if (close < 0) {
                    return null;
                }
                end = close + 1;
                if (!FIELDS_KEY.matcher(property.substring(i, end)).matches()) {
                    return null;
                }
            } else {
                while (end < property.length() && property.charAt(end) != '.') {
                    end++;
                }
                if (!IDENTIFIER.matcher(property.substring(i, end)).matches()) {
                    return null;
                }
            }
            out.add(property.substring(i, end));
            if (end == property.length()) {
                return out;
            }
            if (property.charAt(end) != '.') {
                return null;
            }
            i = end + 1;
        }
        return null;
    }

    /** What a chain's value is, deciding which methods may follow it. */
    private enum Receiver {
        NOTHING,
        COLLECTION,
        EVENT,
        TIME
    }

    private void checkChain(Expression root, List<DotExpressionItem> chain) {
        Receiver r;
        int start = 0;
        if (root != null) {
            if (root instanceof WindowProjectionExpression
                    || root instanceof SubqueryExpression
                    || root instanceof ArrayExpression
                    || (root instanceof PreviousExpression p
                            && p.getType() == PreviousExpressionType.PREVWINDOW)) {
                r = Receiver.COLLECTION;
            } else {
                add(
                        find("."),
                        "a method may be called only on window(...), prevwindow(...), a subquery or the event time");
                return;
            }
        } else if (chain.isEmpty()) {
            return;
        } else if (chain.get(0) instanceof DotExpressionItemName n) {
            String name = n.getName();
            checkProperty(name);
            r = receiverOf(name);
            start = 1;
        } else if (chain.get(0) instanceof DotExpressionItemCall c) {
            String name = c.getName();
            if (RuleFunctions.FUNCTIONS.containsKey(name)) {
                StateBounds.checkCuratedCall(c, findings, statementLine + find(name + "(") - 1);
                r = Receiver.NOTHING;
            } else if (declaredExpressions.contains(name)) {
                r = Receiver.NOTHING;
            } else {
                add(
                        find(name),
                        "function '"
                                + name
                                + "' is not allowed: use Esper's built-ins or "
                                + String.join(
                                        ", ", new TreeSet<>(RuleFunctions.FUNCTIONS.keySet())));
                return;
            }
            start = 1;
        } else {
            add(find("."), "this method chain is not allowed");
            return;
        }
        List<String> eventPath = new ArrayList<>();
        for (int i = start; i < chain.size(); i++) {
            DotExpressionItem item = chain.get(i);
            if (item instanceof DotExpressionItemName n) {
                // Esper splits 'firstOf().source.ip' into one item per name: walk them as a path.
                List<String> segs = segments(n.getName());
                boolean ok = r == Receiver.EVENT && segs != null;
                if (ok) {
                    eventPath.addAll(segs);
                    ok =
                            EcsModel.isPath(eventPath)
                                    || (eventPath.size() == 1
                                            && eventPath.get(0).startsWith("fields("));
                }
                if (!ok) {
                    add(
                            find(n.getName()),
                            "'."
                                    + n.getName()
                                    + "' is not allowed here: only a field of an event follows firstOf/lastOf/minBy/maxBy");
                    return;
                }
                r = EcsModel.isObject(eventPath) ? Receiver.EVENT : Receiver.NOTHING;
                continue;
            }
            if (!(item instanceof DotExpressionItemCall c)) {
                add(find("["), "this method chain is not allowed");
                return;
            }
            String m = c.getName().toLowerCase(Locale.ROOT);
            Receiver next = null;
            if (r == Receiver.COLLECTION) {
                if (ENUM_TO_COLLECTION.contains(m)) {
                    next = Receiver.COLLECTION;
                } else if (ENUM_TO_EVENT.contains(m)) {
                    next = Receiver.EVENT;
                } else if (ENUM_TO_VALUE.contains(m)) {
                    next = Receiver.NOTHING;
                }
            } else if (r == Receiver.TIME && DATE_TIME_METHODS.contains(m)) {
                next = DATE_TIME_TO_TIME.contains(m) ? Receiver.TIME : Receiver.NOTHING;
            }
            if (next == null) {
                add(
                        find(c.getName() + "("),
                        "method call '."
                                + c.getName()
                                + "(...)' is not allowed here: only enumeration methods on window(*), prevwindow(*)"
                                + " or a subquery, and date-time methods on timestamp");
                return;
            }
            r = next;
        }
    }

    /** The kind of value a property path holds, for the methods that may follow it. */
    private Receiver receiverOf(String property) {
        List<String> segs = segments(property);
        if (segs == null) {
            return Receiver.NOTHING;
        }
        String last = segs.get(segs.size() - 1);
        if (last.equals("timestamp")) {
            return Receiver.TIME;
        }
        if (segs.size() == 1 && locals.contains(last)) {
            // A bare tag, alias or parameter: an event, or a collection of them (match-until).
            return Receiver.COLLECTION;
        }
        boolean column =
                (segs.size() == 1 && columns.contains(last))
                        || (segs.size() == 2
                                && locals.contains(segs.get(0))
                                && columns.contains(last));
        if (column) {
            // A column such as 'evidence' holds the window(*) a previous statement selected.
            return Receiver.COLLECTION;
        }
        return Receiver.NOTHING;
    }

    private void checkLike(LikeExpression l) {
        List<Expression> children = l.getChildren();
        if (children.size() < 2
                || !(children.get(1) instanceof ConstantExpression c)
                || !(c.getConstant() instanceof String pattern)) {
            add(find("like"), "'like' takes a constant pattern");
            return;
        }
        String inner = pattern.length() <= 1 ? "" : pattern.substring(1, pattern.length() - 1);
        if (inner.indexOf('%') >= 0) {
            add(
                    find("like"),
                    "'like' pattern '"
                            + pattern
                            + "' has a '%' inside it: Esper's matcher backtracks on such patterns;"
                            + " use '%' only at the start or end, or re_match(value, 'pattern')");
        }
    }

    /** Collects every node of the model by walking the public getters of Esper's SODA classes. */
    static void collect(Object node, Set<Object> seen) {
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
        for (Method m : GETTERS.computeIfAbsent(type, EplAllowList::getters)) {
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

    private static String tokenOf(Object node) {
        if (node instanceof StaticMethodExpression s) {
            return s.getClassName();
        }
        if (node instanceof NewInstanceOperatorExpression n) {
            return n.getClassName();
        }
        if (node instanceof ScriptExpression s) {
            return s.getName();
        }
        if (node instanceof MethodInvocationStream) {
            return "method";
        }
        if (node instanceof SQLStream) {
            return "sql";
        }
        if (node instanceof RegExpExpression) {
            return "regexp";
        }
        if (node instanceof CreateTableClause t) {
            return t.getTableName();
        }
        if (node instanceof UpdateClause) {
            return "update";
        }
        return KEYWORDS.getOrDefault(node.getClass(), "");
    }

    private void add(int lineInStatement, String message) {
        findings.add(statementLine + lineInStatement - 1, message);
    }

    /** The line (within the current statement) of the first occurrence of a token, or 1. */
    private int find(String token) {
        return find(statementText, token);
    }

    /**
     * The line of the first occurrence of a token in the text, comments and white space ignored on
     * both sides (so that {@code java/ * * /.io.File} is found as {@code java.io.File}); 1 if
     * absent.
     */
    static int find(String text, String token) {
        if (token == null || token.isEmpty()) {
            return 1;
        }
        StringBuilder squeezed = new StringBuilder(text.length());
        int[] lineAt = new int[text.length() + 1];
        int line = 1;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                end = end < 0 ? text.length() : end + 2;
                for (; i < end; i++) {
                    line += text.charAt(i) == '\n' ? 1 : 0;
                }
                continue;
            }
            if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '\n') {
                line++;
            }
            if (!Character.isWhitespace(c)) {
                lineAt[squeezed.length()] = line;
                squeezed.append(c);
            }
            i++;
        }
        String t = token.replaceAll("\\s+", "");
        int at = squeezed.indexOf(t);
        if (at < 0) {
            at = squeezed.toString().toLowerCase(Locale.ROOT).indexOf(t.toLowerCase(Locale.ROOT));
        }
        return at < 0 ? 1 : lineAt[at];
    }

    private static final Pattern AT_LINE = Pattern.compile("at line (\\d+)");

    private static int lineOfMessage(String message) {
        var m = AT_LINE.matcher(String.valueOf(message));
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    private static String clean(Throwable e) {
        if (e instanceof StackOverflowError) {
            return "nested too deeply";
        }
        String m = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim();
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    /**
     * The names of Java members of the values a rule sees; a column must not be one, or {@code
     * x.column} would reach the member where {@code x} holds such a value. Field names of the event
     * model are exempt, unless a plain value type has a member of that name too.
     */
    static final class JavaMembers {
        static final Set<String> NAMES = new LinkedHashSet<>();

        static {
            Set<String> model = new LinkedHashSet<>();
            for (Class<?> c : EcsModel.MODEL_TYPES) {
                model.addAll(members(c));
            }
            model.removeAll(EcsModel.FIELD_NAMES);
            NAMES.addAll(model);
            for (Class<?> c : EcsModel.PLAIN_TYPES) {
                NAMES.addAll(members(c));
            }
        }

        static Set<String> members(Class<?> c) {
            Set<String> out = new LinkedHashSet<>();
            for (Method m : c.getMethods()) {
                String n = m.getName();
                out.add(n);
                if (m.getParameterCount() == 0) {
                    if (n.startsWith("get") && n.length() > 3) {
                        out.add(decapitalize(n.substring(3)));
                    } else if (n.startsWith("is") && n.length() > 2) {
                        out.add(decapitalize(n.substring(2)));
                    }
                }
            }
            for (java.lang.reflect.Field f : c.getFields()) {
                out.add(f.getName());
            }
            return out;
        }

        private static String decapitalize(String s) {
            return Character.toLowerCase(s.charAt(0)) + s.substring(1);
        }

        private JavaMembers() {}
    }
}
