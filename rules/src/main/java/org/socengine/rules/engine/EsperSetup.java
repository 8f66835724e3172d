package org.socengine.rules.engine;

import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.configuration.common.ConfigurationCommon;
import java.util.Map;
import org.socengine.model.SecurityEvent;

/** The one Esper configuration used to compile and to run rules, locked down for untrusted EPL. */
public final class EsperSetup {

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
        // Esper's own annotations, exactly those the structure check lets a rule carry: @Hint
        // tunes the runtime (reclaim_group_aged keeps grouped windows from growing for ever).
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
        for (Map.Entry<String, String> f : RuleFunctions.FUNCTIONS.entrySet()) {
            c.getCompiler()
                    .addPlugInSingleRowFunction(
                            f.getKey(), RuleFunctions.class.getName(), f.getValue());
        }
        c.getCompiler().getByteCode().setAllowInlinedClass(false);
        c.getCompiler().getByteCode().setAllowSubscriber(false);
        c.getCompiler().getLanguage().setSortUsingCollator(false);
        // Event time: the job advances the clock from watermarks, never the wall clock.
        c.getRuntime().getThreading().setInternalTimerEnabled(false);
        c.getRuntime().getExecution().setPrioritized(false);
        c.getRuntime().getLogging().setEnableExecutionDebug(false);
        return c;
    }
}
