package org.socengine.rules.engine;

import com.espertech.esper.common.client.EPCompiled;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.socengine.rules.RuleDefinition;

/**
 * A rule that passed validation and compiled: ready to deploy on any runtime. Serializable, so that
 * the job compiles once on the client and ships the byte code to every subtask. Only {@link
 * RuleCompiler} makes one (the constructor is package-private), after the sandbox accepted the
 * rule: an engine cannot be handed EPL that skipped it.
 */
public final class CompiledRule implements Serializable {

    private static final long serialVersionUID = 1L;

    private final RuleDefinition definition;
    private final EPCompiled compiled;
    private final List<String> streams;
    private final long horizonMillis;

    /** Null in rules serialized by versions that did not know it: they run everywhere. */
    private final String department;

    /** Null in rules serialized by versions that did not know it: every event of a stream. */
    private final Map<String, EventCondition> conditions;

    /** Null in rules serialized by versions that did not know it: no window rebuilt by key. */
    private final List<KeyedWindow> keyedWindows;

    private final long keptHorizonMillis;

    CompiledRule(
            RuleDefinition definition,
            EPCompiled compiled,
            List<String> streams,
            long horizonMillis) {
        this(definition, compiled, streams, horizonMillis, null);
    }

    CompiledRule(
            RuleDefinition definition,
            EPCompiled compiled,
            List<String> streams,
            long horizonMillis,
            String department) {
        this(definition, compiled, streams, horizonMillis, department, null);
    }

    CompiledRule(
            RuleDefinition definition,
            EPCompiled compiled,
            List<String> streams,
            long horizonMillis,
            String department,
            Map<String, EventCondition> conditions) {
        this(definition, compiled, streams, horizonMillis, department, conditions, null, 0);
    }

    CompiledRule(
            RuleDefinition definition,
            EPCompiled compiled,
            List<String> streams,
            long horizonMillis,
            String department,
            Map<String, EventCondition> conditions,
            List<KeyedWindow> keyedWindows,
            long keptHorizonMillis) {
        this.definition = definition;
        this.compiled = compiled;
        this.streams = List.copyOf(streams);
        this.horizonMillis = horizonMillis;
        this.department = department;
        this.conditions = conditions == null ? null : Map.copyOf(conditions);
        this.keyedWindows = keyedWindows == null ? null : List.copyOf(keyedWindows);
        this.keptHorizonMillis = keptHorizonMillis;
    }

    /**
     * What an event of a stream must satisfy to pass one of the rule's filters of that stream: an
     * event that fails it cannot reach the rule. {@link EventCondition#ALWAYS} for a stream without
     * one (or a rule compiled before conditions were kept).
     */
    public EventCondition condition(String stream) {
        EventCondition c = conditions == null ? null : conditions.get(stream);
        return c == null ? EventCondition.ALWAYS : c;
    }

    /**
     * The one department whose events the rule can read, when every stream filter of its EPL
     * requires {@code organization.id = '<it>'} (per-department tuning of a library rule); null
     * when it reads any department's. A department-scoped rule pinned to one department needs no
     * instance in any other department's runtime: none of their events could reach it.
     */
    public String department() {
        return department;
    }

    public RuleDefinition definition() {
        return definition;
    }

    public EPCompiled compiled() {
        return compiled;
    }

    /** The event streams the rule reads ({@code Auth}, {@code Network}, ...). */
    public List<String> streams() {
        return streams;
    }

    /**
     * The longest window or pattern interval in the rule: how much history a restore must replay to
     * rebuild its state.
     */
    public long horizonMillis() {
        return horizonMillis;
    }

    /**
     * The part of the horizon a restore needs every event of: the whole of it but the {@link
     * #keyedWindows()}, which a restore rebuilds from the last event of each key.
     */
    public long keptHorizonMillis() {
        return keyedWindows == null || keyedWindows.isEmpty() ? horizonMillis : keptHorizonMillis;
    }

    /** The named windows a restore rebuilds from the last event of each key. */
    public List<KeyedWindow> keyedWindows() {
        return keyedWindows == null ? List.of() : keyedWindows;
    }

    public String id() {
        return definition.id();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompiledRule r
                && definition.equals(r.definition)
                && compiled.equals(r.compiled)
                && streams.equals(r.streams)
                && horizonMillis == r.horizonMillis
                && keptHorizonMillis() == r.keptHorizonMillis()
                && keyedWindows().equals(r.keyedWindows());
    }

    @Override
    public int hashCode() {
        return Objects.hash(definition, compiled, streams, horizonMillis);
    }

    @Override
    public String toString() {
        return "CompiledRule["
                + id()
                + ", streams="
                + streams
                + ", horizon="
                + horizonMillis
                + "ms]";
    }
}
