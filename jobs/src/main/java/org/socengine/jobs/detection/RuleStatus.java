package org.socengine.jobs.detection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.socengine.model.Json;
import org.socengine.model.Timestamps;

/** What the running job made of a rule, for {@code soc.rules.status}. */
public class RuleStatus {

    public static final String DEPLOYED = "deployed";
    public static final String REFUSED = "refused";
    public static final String DISABLED = "disabled";
    public static final String REMOVED = "removed";
    public static final String STALE = "stale";

    /**
     * Taken out by the detectors for going over its limits ({@code error} says which); a newer
     * version of the file deploys again.
     */
    public static final String QUARANTINED = "quarantined";

    public String ruleId;
    public int version;
    public String status;
    public String error;
    public long at;

    public RuleStatus() {}

    public static RuleStatus of(String ruleId, int version, String status, String error, long at) {
        RuleStatus s = new RuleStatus();
        s.ruleId = ruleId;
        s.version = version;
        s.status = status;
        s.error = error;
        s.at = at;
        return s;
    }

    public String toJson() {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("rule_id", ruleId);
        n.put("version", version);
        n.put("status", status);
        if (error != null) {
            n.put("error", error);
        }
        n.put("@timestamp", Timestamps.format(at));
        return n.toString();
    }
}
