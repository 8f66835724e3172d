package org.socengine.cli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.enrich.Department;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.EventStreams;
import org.socengine.rules.engine.RuleCompiler;
import org.socengine.rules.library.RuleRepository;

/**
 * Rule sets of any size made from the library: the library's rules first, then variants of them,
 * each a distinct rule (own id, name and EPL) that compiles and reads the same streams with the
 * same keys. Two kinds of variant, because they bound the cost of a large rule set from both sides:
 *
 * <ul>
 *   <li>{@link Kind#THRESHOLDS}: thresholds raised and a constant column of its own. Every variant
 *       sees every event its original sees, so Esper's filter index cannot spare it any work: the
 *       worst case, 1,000 rules as 1,000 full evaluations of the same events.
 *   <li>{@link Kind#DEPARTMENTS}: the same, and every stream the rule reads narrowed to one
 *       department ({@code organization.id = 'so-yt'}), the way a provincial SOC tunes thresholds
 *       per department. Esper's filter index sends an event only to its department's variants:
 *       closer to a real library, where most rules never see most events.
 * </ul>
 */
public final class RuleVariants {

    /** How variants differ from the rule they come from. */
    public enum Kind {
        THRESHOLDS,
        DEPARTMENTS
    }

    // A threshold: a comparison with an integer literal (count(*) >= 8, severity <= 2).
    private static final Pattern THRESHOLD = Pattern.compile("(>=|>)(\\s*)(\\d+)");
    private static final Pattern FIRST_SELECT =
            Pattern.compile("(?is)^(.*?\\bselect\\s+)(distinct\\s+)?(\\*)?");

    private static final String VARIANT = " (variant ";

    private RuleVariants() {}

    /** The name of the library rule a rule comes from: its own name for a library rule. */
    public static String originalName(String name) {
        int variant = name.indexOf(VARIANT);
        return variant < 0 ? name : name.substring(0, variant);
    }

    /** The library's rules, in file order, with variant {@code 0} being the rule itself. */
    public static List<RuleDefinition> library(Path rulesDir) {
        RuleRepository.Loaded loaded = RuleRepository.load(rulesDir);
        if (!loaded.ok()) {
            throw new IllegalStateException(
                    "the rule library in " + rulesDir + " does not load: " + loaded.problems());
        }
        List<RuleDefinition> out = new ArrayList<>();
        loaded.entries().forEach(e -> out.add(e.definition()));
        return out;
    }

    /**
     * {@code count} distinct rules: the library's first, then variant 1 of every rule, variant 2,
     * and so on; department variants narrowed in turn to the province's departments.
     */
    public static List<RuleDefinition> generate(
            List<RuleDefinition> library, int count, Kind kind) {
        return generate(
                library,
                count,
                kind,
                DepartmentDirectory.defaults().all().stream().map(Department::id).toList());
    }

    /**
     * {@code count} distinct rules of the given kind; {@code departments} are the ids variants are
     * narrowed to in turn (unused for {@link Kind#THRESHOLDS}).
     */
    public static List<RuleDefinition> generate(
            List<RuleDefinition> library, int count, Kind kind, List<String> departments) {
        if (kind == Kind.DEPARTMENTS && departments.isEmpty()) {
            throw new IllegalArgumentException("department variants need department ids");
        }
        List<RuleDefinition> out = new ArrayList<>(count);
        for (int variant = 0; out.size() < count; variant++) {
            for (RuleDefinition r : library) {
                if (out.size() == count) {
                    break;
                }
                if (r.enabled()) {
                    if (variant == 0) {
                        out.add(r);
                    } else if (kind == Kind.THRESHOLDS) {
                        out.add(variant(r, variant, null));
                    } else {
                        String dept = departments.get((variant - 1) % departments.size());
                        out.add(variant(r, variant, dept));
                    }
                }
            }
        }
        return out;
    }

    /** Compiles the rules, failing on the first one that does not compile. */
    public static List<CompiledRule> compile(List<RuleDefinition> defs)
            throws RuleValidationException {
        RuleCompiler compiler = new RuleCompiler();
        List<CompiledRule> out = new ArrayList<>(defs.size());
        for (RuleDefinition d : defs) {
            out.add(compiler.compile(d));
        }
        return out;
    }

    static RuleDefinition variant(RuleDefinition r, int k, String department) {
        String source = department == null ? r.epl() : scopeToDepartment(r.epl(), department);
        Matcher m = THRESHOLD.matcher(source);
        StringBuilder epl = new StringBuilder();
        while (m.find()) {
            long raised = Long.parseLong(m.group(3)) + k;
            m.appendReplacement(epl, m.group(1) + m.group(2) + raised);
        }
        m.appendTail(epl);
        String withConstant = tagLastSelect(epl.toString(), "'variant-" + k + "' as variant");
        Map<String, Integer> lines = new LinkedHashMap<>(r.lines());
        return new RuleDefinition(
                r.id() + "-v" + k,
                r.name() + VARIANT + k + (department == null ? "" : ", " + department) + ")",
                r.description(),
                r.version(),
                r.severity(),
                r.riskScore(),
                r.status(),
                r.enabled(),
                r.tags(),
                r.reads(),
                r.groupBy(),
                r.suppressFor(),
                withConstant,
                r.triage(),
                r.falsePositives(),
                r.references(),
                List.of(),
                r.file() + "#variant-" + k,
                lines,
                r.scope(),
                r.limits());
    }

    /**
     * Adds a constant column to the outer select clause of the last statement (not to a subquery).
     */
    static String tagLastSelect(String epl, String column) {
        String body = epl.stripTrailing();
        if (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1);
        }
        int from = lastStatementStart(body);
        Matcher m = FIRST_SELECT.matcher(body.substring(from));
        if (!m.find()) {
            return epl;
        }
        String head = body.substring(0, from) + m.group(1) + (m.group(2) == null ? "" : m.group(2));
        String rest = body.substring(from + m.end());
        if (m.group(3) != null) {
            return head + "*, " + column + rest;
        }
        return head + column + ", " + rest;
    }

    /**
     * Narrows every event stream the EPL reads ({@code Auth(...)}, {@code Network#time(...)}) to
     * one department. Streams the rule derives itself (insert into, named windows) are left alone:
     * they are fed from the narrowed ones.
     */
    static String scopeToDepartment(String epl, String department) {
        String condition = "organization.id = '" + department + "'";
        StringBuilder out = new StringBuilder(epl.length() + 64);
        int n = epl.length();
        int i = 0;
        while (i < n) {
            char c = epl.charAt(i);
            if (c == '\'' || c == '"') {
                int end = afterQuoted(epl, i);
                out.append(epl, i, end);
                i = end;
                continue;
            }
            char before = i == 0 ? ' ' : epl.charAt(i - 1);
            if (Character.isJavaIdentifierStart(c)
                    && !Character.isJavaIdentifierPart(before)
                    && before != '.') {
                int j = i;
                while (j < n && Character.isJavaIdentifierPart(epl.charAt(j))) {
                    j++;
                }
                String word = epl.substring(i, j);
                // "create window W#unique(...) as Event" names a type, not a stream to filter.
                if (!EventStreams.STREAMS.containsKey(word) || afterAs(out)) {
                    out.append(word);
                    i = j;
                    continue;
                }
                int k = j;
                while (k < n && Character.isWhitespace(epl.charAt(k))) {
                    k++;
                }
                if (k < n && epl.charAt(k) == '(') {
                    int close = closingParenthesis(epl, k);
                    String inner = epl.substring(k + 1, close);
                    out.append(word).append('(').append(condition);
                    if (!inner.isBlank()) {
                        out.append(" and (").append(inner).append(')');
                    }
                    out.append(')');
                    i = close + 1;
                } else {
                    out.append(word).append('(').append(condition).append(')');
                    i = j;
                }
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static boolean afterAs(CharSequence written) {
        int end = written.length();
        while (end > 0 && Character.isWhitespace(written.charAt(end - 1))) {
            end--;
        }
        return end >= 2
                && written.subSequence(end - 2, end).toString().equalsIgnoreCase("as")
                && (end == 2 || !Character.isJavaIdentifierPart(written.charAt(end - 3)));
    }

    private static int closingParenthesis(String epl, int open) {
        int depth = 0;
        for (int i = open; i < epl.length(); i++) {
            char c = epl.charAt(i);
            if (c == '\'' || c == '"') {
                i = afterQuoted(epl, i) - 1;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses in rule EPL");
    }

    /** Where the last statement begins: after the last ';' outside a quoted string. */
    private static int lastStatementStart(String epl) {
        int start = 0;
        for (int i = 0; i < epl.length(); i++) {
            char c = epl.charAt(i);
            if (c == '\'' || c == '"') {
                i = afterQuoted(epl, i) - 1;
            } else if (c == ';') {
                start = i + 1;
            }
        }
        return start;
    }

    /**
     * Where the string literal opening at {@code open} ends: just past its closing quote (a
     * backslash escapes the next character), or the end of the text if it is not closed.
     */
    private static int afterQuoted(String epl, int open) {
        char quote = epl.charAt(open);
        for (int i = open + 1; i < epl.length(); i++) {
            char c = epl.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i + 1;
            }
        }
        return epl.length();
    }
}
