package org.socengine.rules.engine;

import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.configuration.common.ConfigurationCommon;
import com.espertech.esper.common.client.configuration.compiler.ConfigurationCompilerByteCode;
import com.espertech.esper.common.client.util.ClassForNameProvider;
import com.espertech.esper.common.client.util.NameAccessModifier;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.socengine.model.SecurityEvent;

/**
 * The one Esper configuration used to compile and to run rules, locked down for untrusted EPL as
 * far as Esper allows: no imports, no class a rule could name beyond the event model and the
 * curated functions, no scripts, no inlined classes, no subscribers, everything a rule declares
 * private to it, and runtime caps on pattern and match-recognize state. This is defence in depth
 * only: Esper still lets EPL call any getter of any value, which {@link EplSandbox} refuses.
 */
public final class EsperSetup {

    /** Pattern sub-expressions alive at once, over all rules of a runtime. */
    public static final long MAX_PATTERN_SUBEXPRESSIONS = 500_000;

    /** Match-recognize states alive at once, over all rules of a runtime. */
    public static final long MAX_MATCH_RECOGNIZE_STATES = 100_000;

    private EsperSetup() {}

    public static Configuration configuration() {
        Configuration c = new Configuration();
        ConfigurationCommon common = c.getCommon();
        for (String stream : EventStreams.STREAMS.keySet()) {
            common.addEventType(stream, SecurityEvent.class.getName());
        }
        // No imports: a short class name in a rule resolves to nothing.
        common.getImports().clear();
        common.getAnnotationImports().clear();
        // Esper's own annotations, exactly those the sandbox lets a rule carry: @Hint tunes the
        // runtime (reclaim_group_aged keeps grouped windows from growing for ever).
        for (Class<?> a :
                new Class<?>[] {
                    com.espertech.esper.common.client.annotation.Name.class,
                    com.espertech.esper.common.client.annotation.Description.class,
                    com.espertech.esper.common.client.annotation.Tag.class,
                    com.espertech.esper.common.client.annotation.Priority.class,
                    com.espertech.esper.common.client.annotation.Hint.class
                }) {
            common.addAnnotationImport(a.getName());
        }
        // A fully qualified class name needs no import: resolve only the classes rules are
        // built from, so that java.lang.Runtime and friends do not compile even past the sandbox.
        Map<String, Object> transientConfig = new HashMap<>();
        if (common.getTransientConfiguration() != null) {
            transientConfig.putAll(common.getTransientConfiguration());
        }
        transientConfig.put(ClassForNameProvider.NAME, new RuleClassResolver());
        common.setTransientConfiguration(transientConfig);
        for (Map.Entry<String, String> f : RuleFunctions.FUNCTIONS.entrySet()) {
            c.getCompiler()
                    .addPlugInSingleRowFunction(
                            f.getKey(), RuleFunctions.class.getName(), f.getValue());
        }
        ConfigurationCompilerByteCode byteCode = c.getCompiler().getByteCode();
        byteCode.setAllowInlinedClass(false);
        byteCode.setAllowSubscriber(false);
        // What one rule declares stays its own: no other deployment can read or feed it.
        byteCode.setAccessModifierEventType(NameAccessModifier.PRIVATE);
        byteCode.setAccessModifierNamedWindow(NameAccessModifier.PRIVATE);
        byteCode.setAccessModifierContext(NameAccessModifier.PRIVATE);
        byteCode.setAccessModifierVariable(NameAccessModifier.PRIVATE);
        byteCode.setAccessModifierExpression(NameAccessModifier.PRIVATE);
        byteCode.setAccessModifierScript(NameAccessModifier.PRIVATE);
        byteCode.setAccessModifierTable(NameAccessModifier.PRIVATE);
        byteCode.setAccessModifierInlinedClass(NameAccessModifier.PRIVATE);
        c.getCompiler().getScripts().setEnabled(false);
        c.getCompiler().getLanguage().setSortUsingCollator(false);
        // Event time: the job advances the clock from watermarks, never the wall clock.
        c.getRuntime().getThreading().setInternalTimerEnabled(false);
        c.getRuntime().getExecution().setPrioritized(false);
        c.getRuntime().getLogging().setEnableExecutionDebug(false);
        // Per-statement timing for rule budgets. No reports: the engine reads the figures itself
        // once a minute of event time, and switches timing on only for sampled events.
        c.getRuntime().getMetricsReporting().setEnableMetricsReporting(true);
        c.getRuntime().getMetricsReporting().setThreading(false);
        c.getRuntime().getMetricsReporting().setRuntimeInterval(-1);
        c.getRuntime().getMetricsReporting().setStatementInterval(-1);
        c.getRuntime().getPatterns().setMaxSubexpressions(MAX_PATTERN_SUBEXPRESSIONS);
        c.getRuntime().getPatterns().setMaxSubexpressionPreventStart(true);
        c.getRuntime().getMatchRecognize().setMaxStates(MAX_MATCH_RECOGNIZE_STATES);
        c.getRuntime().getMatchRecognize().setMaxStatesPreventStart(true);
        return c;
    }

    /**
     * Resolves class names for the compiler: Esper's own, the event model, the curated functions
     * and the plain value types; a rule naming any other class fails to compile.
     */
    static final class RuleClassResolver implements ClassForNameProvider {

        private static final Set<String> PLAIN =
                Set.of(
                        "java.lang.Object",
                        "java.lang.String",
                        "java.lang.CharSequence",
                        "java.lang.Integer",
                        "java.lang.Long",
                        "java.lang.Double",
                        "java.lang.Float",
                        "java.lang.Short",
                        "java.lang.Byte",
                        "java.lang.Boolean",
                        "java.lang.Character",
                        "java.lang.Number",
                        "java.math.BigDecimal",
                        "java.math.BigInteger",
                        "java.util.Map",
                        "java.util.List",
                        "java.util.Collection",
                        "java.util.Set");

        @Override
        public Class classForName(String className) throws ClassNotFoundException {
            if (allowed(className)) {
                return Class.forName(className, true, EsperSetup.class.getClassLoader());
            }
            throw new ClassNotFoundException(className + " is not available to rules");
        }

        static boolean allowed(String className) {
            String base = className.replaceFirst("^\\[+L?", "").replace(";", "");
            return PLAIN.contains(base)
                    || base.startsWith("com.espertech.esper.common.client.annotation.")
                    || base.startsWith("com.espertech.esper.common.internal.")
                    || base.equals(SecurityEvent.class.getName())
                    || base.startsWith(SecurityEvent.class.getName() + "$")
                    || base.equals(RuleFunctions.class.getName());
        }
    }
}
