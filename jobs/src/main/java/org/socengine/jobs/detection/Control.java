package org.socengine.jobs.detection;

import org.socengine.rules.engine.CompiledRule;

/**
 * A message to every detection subtask: deploy or remove a rule, or an analyst's status change of
 * an alert. Broadcast beside the events; rules travel compiled, so no subtask runs the compiler.
 */
public class Control {

    public static final String DEPLOY = "deploy";
    public static final String REMOVE = "remove";
    public static final String ALERT_STATUS = "alert_status";

    public String kind;
    public String ruleId;

    /** The Java-serialized {@link CompiledRule} of a deploy. */
    public byte[] compiledRule;

    public String alertId;
    public String status;
    public String disposition;

    public Control() {}

    public static Control deploy(CompiledRule rule) {
        Control c = new Control();
        c.kind = DEPLOY;
        c.ruleId = rule.id();
        c.compiledRule = serialize(rule);
        return c;
    }

    public static Control remove(String ruleId) {
        Control c = new Control();
        c.kind = REMOVE;
        c.ruleId = ruleId;
        return c;
    }

    public static Control alertStatus(String alertId, String status, String disposition) {
        Control c = new Control();
        c.kind = ALERT_STATUS;
        c.alertId = alertId;
        c.status = status;
        c.disposition = disposition;
        return c;
    }

    public CompiledRule rule() {
        return deserialize(compiledRule);
    }

    static byte[] serialize(CompiledRule rule) {
        return JavaSerialization.write(rule);
    }

    static CompiledRule deserialize(byte[] bytes) {
        return JavaSerialization.read(bytes, CompiledRule.class);
    }
}
