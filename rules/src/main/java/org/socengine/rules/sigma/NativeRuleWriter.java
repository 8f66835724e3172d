package org.socengine.rules.sigma;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.socengine.rules.RuleDefinition;

/**
 * Writes a rule definition as a native rule file: what {@code ./soc rules sigma convert} prints for
 * a Sigma rule, to be read, reviewed or kept instead of the Sigma file. Strings are written
 * double-quoted (JSON's quoting is valid YAML), the EPL as a literal block.
 */
public final class NativeRuleWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NativeRuleWriter() {}

    public static String write(RuleDefinition r) {
        StringBuilder b = new StringBuilder();
        b.append("id: ").append(q(r.id())).append('\n');
        b.append("name: ").append(q(r.name())).append('\n');
        if (r.description() != null) {
            b.append("description: ").append(q(r.description())).append('\n');
        }
        b.append("version: ").append(r.version()).append('\n');
        b.append("severity: ").append(r.severity()).append('\n');
        b.append("risk_score: ").append(r.riskScore()).append('\n');
        b.append("status: ").append(r.status()).append('\n');
        list(b, "tags", r.tags());
        list(b, "reads", r.reads());
        list(b, "group_by", r.groupBy());
        if (r.suppressFor() != null) {
            b.append("suppress: {for: ")
                    .append(org.socengine.rules.Durations.format(r.suppressFor()))
                    .append("}\n");
        }
        b.append("epl: |\n");
        for (String line : r.epl().split("\n")) {
            b.append("  ").append(line.stripTrailing()).append('\n');
        }
        list(b, "false_positives", r.falsePositives());
        list(b, "references", r.references());
        return b.toString();
    }

    private static void list(StringBuilder b, String key, List<String> values) {
        if (values == null || values.isEmpty()) {
            return;
        }
        b.append(key).append(":\n");
        for (String v : values) {
            b.append("  - ").append(q(v)).append('\n');
        }
    }

    private static String q(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
