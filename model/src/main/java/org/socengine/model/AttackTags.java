package org.socengine.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MITRE ATT&CK tags as Sigma writes them ({@code attack.credential_access}, {@code
 * attack.t1110.001}) turned into ECS {@code threat.*}.
 */
public final class AttackTags {

    /** Enterprise tactics: tag name to id and display name. */
    public static final Map<String, String[]> TACTICS =
            Map.ofEntries(
                    Map.entry("reconnaissance", new String[] {"TA0043", "Reconnaissance"}),
                    Map.entry(
                            "resource_development",
                            new String[] {"TA0042", "Resource Development"}),
                    Map.entry("initial_access", new String[] {"TA0001", "Initial Access"}),
                    Map.entry("execution", new String[] {"TA0002", "Execution"}),
                    Map.entry("persistence", new String[] {"TA0003", "Persistence"}),
                    Map.entry(
                            "privilege_escalation",
                            new String[] {"TA0004", "Privilege Escalation"}),
                    Map.entry("defense_evasion", new String[] {"TA0005", "Defense Evasion"}),
                    Map.entry("credential_access", new String[] {"TA0006", "Credential Access"}),
                    Map.entry("discovery", new String[] {"TA0007", "Discovery"}),
                    Map.entry("lateral_movement", new String[] {"TA0008", "Lateral Movement"}),
                    Map.entry("collection", new String[] {"TA0009", "Collection"}),
                    Map.entry(
                            "command_and_control", new String[] {"TA0011", "Command and Control"}),
                    Map.entry("exfiltration", new String[] {"TA0010", "Exfiltration"}),
                    Map.entry("impact", new String[] {"TA0040", "Impact"}));

    private AttackTags() {}

    /** The tactic tag names ({@code credential_access}) among the tags. */
    public static List<String> tactics(List<String> tags) {
        List<String> out = new ArrayList<>();
        for (String tag : tags) {
            String t = strip(tag);
            if (t != null && TACTICS.containsKey(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** The technique ids ({@code T1110.001}) among the tags. */
    public static List<String> techniques(List<String> tags) {
        List<String> out = new ArrayList<>();
        for (String tag : tags) {
            String t = strip(tag);
            if (t != null && t.matches("t\\d{4}(\\.\\d{3})?")) {
                out.add(t.toUpperCase(Locale.ROOT));
            }
        }
        return out;
    }

    static void addThreat(ObjectNode doc, List<String> tags) {
        List<String> tactics = tactics(tags);
        List<String> techniques = techniques(tags);
        if (tactics.isEmpty() && techniques.isEmpty()) {
            return;
        }
        ObjectNode threat = doc.putObject("threat");
        threat.put("framework", "MITRE ATT&CK");
        if (!tactics.isEmpty()) {
            ObjectNode tactic = threat.putObject("tactic");
            ArrayNode ids = tactic.putArray("id");
            ArrayNode names = tactic.putArray("name");
            for (String t : tactics) {
                ids.add(TACTICS.get(t)[0]);
                names.add(TACTICS.get(t)[1]);
            }
        }
        if (!techniques.isEmpty()) {
            ArrayNode ids = threat.putObject("technique").putArray("id");
            techniques.forEach(ids::add);
        }
    }

    private static String strip(String tag) {
        String lower = tag.toLowerCase(Locale.ROOT);
        return lower.startsWith("attack.") ? lower.substring("attack.".length()) : null;
    }
}
