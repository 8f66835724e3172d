package org.socengine.rules.engine;

import com.espertech.esper.common.client.EPCompiled;
import java.io.Serializable;
import java.util.List;
import org.socengine.rules.RuleDefinition;

/**
 * A rule that passed validation and compiled: ready to deploy on any runtime. Serializable, so that
 * the job compiles once on the client and ships the byte code to every subtask.
 *
 * @param streams the event streams the rule reads ({@code Auth}, {@code Network}, ...)
 * @param horizonMillis the longest window or pattern interval in the rule: how much history a
 *     restore must replay to rebuild its state
 */
public record CompiledRule(
        RuleDefinition definition, EPCompiled compiled, List<String> streams, long horizonMillis)
        implements Serializable {

    public String id() {
        return definition.id();
    }
}
