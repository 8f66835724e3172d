package org.socengine.rules.engine;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompileExceptionItem;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.model.EcsPaths;
import org.socengine.rules.RuleDefinition;
import org.socengine.rules.RuleProblem;
import org.socengine.rules.RuleValidationException;

/**
 * Validates a rule (fields, sandbox, Esper semantics) and compiles it to deployable byte code. The
 * only way to a {@link CompiledRule}: every path by which a rule reaches an engine (lint, {@code
 * ./soc detect}, {@code ./soc rules test}, the job's rule updates) runs the sandbox here.
 */
public final class RuleCompiler {

    private static final Pattern ESPER_LINE = Pattern.compile("at line (\\d+)");

    private final Configuration configuration = EsperSetup.configuration();

    /** Byte code of accepted rules compiled before; null when there is no cache. */
    private final CompiledRuleCache cache;

    public RuleCompiler() {
        this(null);
    }

    /**
     * A compiler that reuses the byte code of rules it compiled before. Every rule still passes the
     * field checks and the sandbox first; only Esper's code generation is skipped on a hit.
     */
    public RuleCompiler(CompiledRuleCache cache) {
        this.cache = cache;
    }

    public CompiledRule compile(RuleDefinition rule) throws RuleValidationException {
        List<RuleProblem> problems = new ArrayList<>(checkFields(rule));
        String epl = rule.epl() == null ? "" : rule.epl();
        int eplLine = rule.line("epl.body");
        EplSandbox.Analysis sandbox = EplSandbox.analyze(epl);
        for (EplSandbox.Violation v : sandbox.violations()) {
            problems.add(new RuleProblem(rule.file(), eplLine + v.line() - 1, v.message()));
        }
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        try {
            String key = cache == null ? null : cache.key(epl);
            EPCompiled compiled = key == null ? null : cache.get(key);
            if (compiled == null) {
                CompilerArguments args = new CompilerArguments(configuration);
                args.getPath().getCompileds().clear();
                compiled = EPCompilerProvider.getCompiler().compile(epl, args);
                if (key != null) {
                    cache.put(key, compiled);
                }
            }
            return new CompiledRule(
                    rule,
                    compiled,
                    sandbox.streams(),
                    sandbox.horizonMillis(),
                    sandbox.department(),
                    sandbox.conditions(),
                    sandbox.keyedWindows(),
                    sandbox.keptHorizonMillis());
        } catch (EPCompileException e) {
            List<RuleProblem> compileProblems = new ArrayList<>();
            List<EPCompileExceptionItem> items = e.getItems();
            if (items == null || items.isEmpty()) {
                compileProblems.add(new RuleProblem(rule.file(), eplLine, clean(e.getMessage())));
            } else {
                for (EPCompileExceptionItem item : items) {
                    compileProblems.add(
                            new RuleProblem(
                                    rule.file(),
                                    eplLine + eplLineOf(item) - 1,
                                    clean(item.getMessage())));
                }
            }
            throw new RuleValidationException(compileProblems);
        } catch (RuntimeException e) {
            throw new RuleValidationException(
                    new RuleProblem(rule.file(), eplLine, "EPL does not compile: " + e));
        }
    }

    static List<RuleProblem> checkFields(RuleDefinition rule) {
        List<RuleProblem> problems = new ArrayList<>();
        if (rule.severity() != null && !RuleDefinition.SEVERITIES.contains(rule.severity())) {
            problems.add(
                    rule.problem(
                            "severity",
                            "severity must be one of "
                                    + RuleDefinition.SEVERITIES
                                    + ", not '"
                                    + rule.severity()
                                    + "'"));
        }
        if (rule.riskScore() < 0 || rule.riskScore() > 100) {
            problems.add(rule.problem("risk_score", "risk_score must be between 0 and 100"));
        }
        if (!RuleDefinition.STATUSES.contains(rule.status())) {
            problems.add(
                    rule.problem(
                            "status",
                            "status must be one of "
                                    + RuleDefinition.STATUSES
                                    + ", not '"
                                    + rule.status()
                                    + "'"));
        }
        if (rule.version() < 1) {
            problems.add(rule.problem("version", "version must be 1 or more"));
        }
        for (String path : rule.groupBy()) {
            if (!EcsPaths.isKnown(path)) {
                problems.add(
                        rule.problem(
                                "group_by", "group_by names an unknown ECS field '" + path + "'"));
            }
        }
        return problems;
    }

    private static int eplLineOf(EPCompileExceptionItem item) {
        Matcher m = ESPER_LINE.matcher(String.valueOf(item.getMessage()));
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    private static String clean(String message) {
        if (message == null) {
            return "EPL does not compile";
        }
        String m = message.replaceAll("\\s+", " ").trim();
        return m.length() > 500 ? m.substring(0, 500) + "..." : m;
    }
}
