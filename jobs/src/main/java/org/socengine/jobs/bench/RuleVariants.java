package org.socengine.jobs.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleRepository;
import org.socengine.rules.RuleValidationException;
import org.socengine.rules.engine.CompiledRule;
import org.socengine.rules.engine.RuleCompiler;

/**
 * Rule sets of any size made from the library: the library's rules first, then variants of them
 * with their thresholds raised and a constant of their own, each a distinct rule (own id, name and
 * EPL) that compiles and reads the same streams with the same keys, so that 1,000 rules cost Esper
 * what 1,000 real rules of this library would.
 */
public final class RuleVariants {

    // A threshold: a comparison with an integer literal (count(*) >= 8, severity <= 2).
    private static final Pattern THRESHOLD = Pattern.compile("(>=|>)(\\s*)(\\d+)");
    private static final Pattern FIRST_SELECT =
            Pattern.compile("(?is)^(.*?\\bselect\\s+)(distinct\\s+)?(\\*)?");

    private RuleVariants() {}

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
     * and so on.
     */
    public static List<RuleDefinition> generate(List<RuleDefinition> library, int count) {
        List<RuleDefinition> out = new ArrayList<>(count);
        for (int variant = 0; out.size() < count; variant++) {
            for (RuleDefinition r : library) {
                if (out.size() == count) {
                    break;
                }
                if (r.enabled()) {
                    out.add(variant == 0 ? r : variant(r, variant));
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

    static RuleDefinition variant(RuleDefinition r, int k) {
        Matcher m = THRESHOLD.matcher(r.epl());
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
                r.name() + " (variant " + k + ")",
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
                lines);
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

    /** Where the last statement begins: after the last ';' outside a quoted string. */
    private static int lastStatementStart(String epl) {
        int start = 0;
        char quote = 0;
        for (int i = 0; i < epl.length(); i++) {
            char c = epl.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == ';') {
                start = i + 1;
            }
        }
        return start;
    }
}
