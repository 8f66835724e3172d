package org.socengine.jobs.escalation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.socengine.model.Json;
import org.socengine.model.Timestamps;

/**
 * What the escalation job made of a policy it was given, for {@code soc.escalation-policy.status}:
 * accepted, or refused with every problem as {@code file:line: message}.
 */
public class PolicyStatus {

    public static final String ACCEPTED = "accepted";
    public static final String REFUSED = "refused";

    public String origin;
    public String status;
    public List<String> problems = new ArrayList<>();
    public long at;

    public PolicyStatus() {}

    public static PolicyStatus of(String origin, String status, List<String> problems, long at) {
        PolicyStatus s = new PolicyStatus();
        s.origin = origin;
        s.status = status;
        s.problems = new ArrayList<>(problems);
        s.at = at;
        return s;
    }

    public String toJson() {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("origin", origin);
        n.put("status", status);
        ArrayNode p = n.putArray("problems");
        problems.forEach(p::add);
        n.put("at", Timestamps.format(at));
        if (REFUSED.equals(status)) {
            n.put(
                    "message",
                    "policy refused, the running policy stays: " + String.join("; ", problems));
        }
        return n.toString();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
