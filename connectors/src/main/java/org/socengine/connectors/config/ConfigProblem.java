package org.socengine.connectors.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One mistake in a configuration, where it is: {@code file:line: key: message}. {@code where} is a
 * file's path, or {@code $SOC_...} for an environment variable (then {@code line} is 0).
 */
public record ConfigProblem(String where, int line, String key, String message) {

    /** {@code soc.yml:12: kafka.bootstrp: unknown key; did you mean kafka.bootstrap?} */
    public String format() {
        StringBuilder b = new StringBuilder(where);
        if (line > 0) {
            b.append(':').append(line);
        }
        b.append(": ");
        if (key != null && !key.isEmpty()) {
            b.append(key).append(": ");
        }
        return b.append(message).toString();
    }

    /** One NDJSON line: file, line, key, message. */
    public String toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("file", where);
        n.put("line", line);
        n.put("key", key == null ? "" : key);
        n.put("message", message);
        return n.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
