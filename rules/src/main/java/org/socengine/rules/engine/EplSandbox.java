package org.socengine.rules.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses EPL that could reach beyond event properties, Esper's built-ins and our curated
 * functions. Esper's configuration alone is no sandbox (any property value's Java methods are
 * callable), so every construct that names a class or calls a method on a value is refused here,
 * before the compiler ever sees the statement.
 */
public final class EplSandbox {

    /**
     * Esper enumeration and date-time methods: the only {@code value.method(...)} calls allowed.
     */
    static final Set<String> ALLOWED_DOT_METHODS =
            Set.of(
                    "aggregate",
                    "allof",
                    "anyof",
                    "average",
                    "countof",
                    "distinctof",
                    "except",
                    "firstof",
                    "groupby",
                    "intersect",
                    "lastof",
                    "leastfrequent",
                    "max",
                    "maxby",
                    "min",
                    "minby",
                    "mostfrequent",
                    "orderby",
                    "orderbydesc",
                    "reverse",
                    "selectfrom",
                    "sequenceequal",
                    "sumof",
                    "take",
                    "takelast",
                    "takewhile",
                    "takewhilelast",
                    "tomap",
                    "union",
                    "where",
                    "arrayof",
                    "getminuteofhour",
                    "gethourofday",
                    "getdayofweek",
                    "getdayofmonth",
                    "getmonthofyear",
                    "getyear",
                    "getsecondofminute",
                    "getmillisofsecond",
                    "getdayofyear",
                    "getera",
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
                    "tocalendar",
                    "todate",
                    "tomillisec",
                    // The keyed accessor of source fields without an ECS name on a pattern tag
                    // (a.fields('TargetSid')): a map lookup, not a method of an arbitrary value.
                    "fields");

    private static final Pattern DOT_CALL =
            Pattern.compile("\\.\\s*`?([A-Za-z_$][\\w$]*)`?\\s*\\(");
    private static final Pattern PACKAGE =
            Pattern.compile(
                    "\\b(java|javax|jdk|sun|com|org|net|io|groovy|kotlin|scala|jakarta)\\s*\\.\\s*[A-Za-z_$]");
    private static final Pattern TIME_WINDOW =
            Pattern.compile(
                    "#(?:time|time_batch|ext_timed|time_accum|firsttime)\\s*\\(\\s*(\\d+)\\s*(\\w+)",
                    Pattern.CASE_INSENSITIVE);
    private static final Pattern LENGTH_WINDOW =
            Pattern.compile(
                    "#(?:length|length_batch|firstlength|unique|groupwin|rank)\\s*\\(\\s*(\\d+)",
                    Pattern.CASE_INSENSITIVE);

    /** No rule may keep more than a day of events in a window. */
    public static final long MAX_WINDOW_SECONDS = 24 * 3600;

    public static final int MAX_LENGTH_WINDOW = 100_000;

    private record Forbidden(Pattern pattern, String why) {}

    private static final List<Forbidden> FORBIDDEN =
            List.of(
                    new Forbidden(
                            Pattern.compile("\\bimport\\b", Pattern.CASE_INSENSITIVE),
                            "imports are not allowed"),
                    new Forbidden(
                            Pattern.compile("inlined_class", Pattern.CASE_INSENSITIVE),
                            "inlined classes are not allowed"),
                    new Forbidden(
                            Pattern.compile(
                                    "\\bcreate\\s+(class|schema|variable|index|dataflow)\\b",
                                    Pattern.CASE_INSENSITIVE),
                            "only 'create window', 'create table', 'create context' and 'create expression' are allowed"),
                    new Forbidden(
                            Pattern.compile("\\bexpression\\b[^;]*\\[", Pattern.CASE_INSENSITIVE),
                            "scripts are not allowed"),
                    new Forbidden(
                            Pattern.compile(
                                    "\\bnew\\s+[A-Za-z_$][\\w$.]*\\s*\\(",
                                    Pattern.CASE_INSENSITIVE),
                            "creating Java objects is not allowed"),
                    new Forbidden(
                            Pattern.compile(
                                    "@\\s*(hook|eventrepresentation|jsonschema|xmlschema|public|buseventtype|protected)\\b",
                                    Pattern.CASE_INSENSITIVE),
                            "this annotation is not allowed in rules"),
                    new Forbidden(
                            Pattern.compile(
                                    "#\\s*keepall|win\\s*:\\s*keepall|\\bkeepall\\b",
                                    Pattern.CASE_INSENSITIVE),
                            "unbounded windows (keepall) are not allowed: use #time(...) with at most 24 hours"),
                    new Forbidden(
                            Pattern.compile("\\bsql\\s*:", Pattern.CASE_INSENSITIVE),
                            "SQL joins are not allowed"),
                    new Forbidden(
                            Pattern.compile("\\bmethod\\s*:", Pattern.CASE_INSENSITIVE),
                            "method joins are not allowed"));

    private EplSandbox() {}

    /** A problem found in the EPL: its line inside the EPL text (1-based) and what is wrong. */
    public record Violation(int line, String message) {}

    /**
     * Checks the EPL text first, then, if the text passed, the parsed statement model: the text
     * check refuses the obvious with a precise line, the model check catches what spelling tricks
     * hide from a regular expression.
     */
    public static List<Violation> check(String epl) {
        List<Violation> out = checkText(epl);
        if (out.isEmpty()) {
            out.addAll(EplStructureCheck.check(epl, CONFIGURATION));
        }
        return out;
    }

    private static final com.espertech.esper.common.client.configuration.Configuration
            CONFIGURATION = EsperSetup.configuration();

    static List<Violation> checkText(String epl) {
        List<Violation> out = new ArrayList<>();
        for (Forbidden f : FORBIDDEN) {
            Matcher m = f.pattern.matcher(epl);
            if (m.find()) {
                out.add(new Violation(lineOf(epl, m.start()), f.why));
            }
        }
        Matcher pkg = PACKAGE.matcher(epl);
        if (pkg.find()) {
            out.add(
                    new Violation(
                            lineOf(epl, pkg.start()),
                            "Java class references are not allowed ('"
                                    + pkg.group().trim()
                                    + "...')"));
        }
        Matcher call = DOT_CALL.matcher(epl);
        while (call.find()) {
            String method = call.group(1);
            if (!ALLOWED_DOT_METHODS.contains(method.toLowerCase(Locale.ROOT))) {
                out.add(
                        new Violation(
                                lineOf(epl, call.start()),
                                "method call '."
                                        + method
                                        + "(...)' is not allowed: only Esper enumeration and date-time methods, built-in functions and "
                                        + String.join(", ", RuleFunctions.FUNCTIONS.keySet())));
            }
        }
        Matcher tw = TIME_WINDOW.matcher(epl);
        while (tw.find()) {
            long seconds = seconds(Long.parseLong(tw.group(1)), tw.group(2));
            if (seconds > MAX_WINDOW_SECONDS) {
                out.add(
                        new Violation(
                                lineOf(epl, tw.start()),
                                "time window longer than 24 hours would hold unbounded state"));
            }
        }
        Matcher lw = LENGTH_WINDOW.matcher(epl);
        while (lw.find()) {
            if (Long.parseLong(lw.group(1)) > MAX_LENGTH_WINDOW) {
                out.add(
                        new Violation(
                                lineOf(epl, lw.start()),
                                "length window larger than " + MAX_LENGTH_WINDOW + " events"));
            }
        }
        return out;
    }

    /** The longest data window ({@code #time(...)} and kin) the EPL declares, in milliseconds. */
    public static long longestWindowMillis(String epl) {
        long max = 0;
        Matcher tw = TIME_WINDOW.matcher(epl);
        while (tw.find()) {
            max = Math.max(max, seconds(Long.parseLong(tw.group(1)), tw.group(2)) * 1000);
        }
        return max;
    }

    /** The longest time window the EPL declares, in milliseconds (0 if none). */
    public static long horizonMillis(String epl) {
        long max = 0;
        Matcher tw = TIME_WINDOW.matcher(epl);
        while (tw.find()) {
            max = Math.max(max, seconds(Long.parseLong(tw.group(1)), tw.group(2)) * 1000);
        }
        Matcher within =
                Pattern.compile(
                                "timer\\s*:\\s*(?:within|withinmax|interval)\\s*\\(\\s*(\\d+)\\s*(\\w+)",
                                Pattern.CASE_INSENSITIVE)
                        .matcher(epl);
        while (within.find()) {
            max = Math.max(max, seconds(Long.parseLong(within.group(1)), within.group(2)) * 1000);
        }
        return max;
    }

    private static long seconds(long n, String unit) {
        String u = unit.toLowerCase(Locale.ROOT);
        if (u.startsWith("msec") || u.startsWith("milli")) {
            return n / 1000;
        }
        if (u.startsWith("sec")) {
            return n;
        }
        if (u.startsWith("min")) {
            return n * 60;
        }
        if (u.startsWith("hour")) {
            return n * 3600;
        }
        if (u.startsWith("day")) {
            return n * 86400;
        }
        if (u.startsWith("week")) {
            return n * 7 * 86400;
        }
        if (u.startsWith("month")) {
            return n * 30 * 86400;
        }
        if (u.startsWith("year")) {
            return n * 365 * 86400;
        }
        return n;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
