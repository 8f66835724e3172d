package org.socengine.connectors.decode.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Strict reading of one JSON object per record, and null-safe access to its members. */
public final class JsonRecords {

    private static final ObjectMapper MAPPER =
            new ObjectMapper(
                            JsonFactory.builder()
                                    // Deeply nested garbage must fail fast, not exhaust the stack.
                                    .streamReadConstraints(
                                            StreamReadConstraints.builder()
                                                    .maxNestingDepth(64)
                                                    .build())
                                    .build())
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .disable(JsonParser.Feature.ALLOW_COMMENTS);

    private JsonRecords() {}

    /** Parses the text as one JSON object; anything else is a decode failure with a reason. */
    public static JsonNode object(String text) throws DecodeException {
        String t = text.strip();
        if (!t.startsWith("{")) {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT, "record is not a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(t);
        } catch (JsonEOFException e) {
            throw new DecodeException(
                    DecodeException.Reason.TRUNCATED, "JSON ends early: " + firstLine(e));
        } catch (StreamConstraintsException e) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED, "JSON too deep: " + firstLine(e));
        } catch (IOException e) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED, "invalid JSON: " + firstLine(e));
        }
        if (node == null || !node.isObject()) {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT, "record is not a JSON object");
        }
        return node;
    }

    private static String firstLine(IOException e) {
        String m =
                e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                        ? j.getOriginalMessage()
                        : e.getMessage();
        m = String.valueOf(m);
        int nl = m.indexOf('\n');
        return DecoderSupport.cap(nl < 0 ? m : m.substring(0, nl), 200);
    }

    /** The text of a scalar member, or null when it is missing, null or a container. */
    public static String text(JsonNode n, String field) {
        if (n == null) {
            return null;
        }
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = scalar(v);
        return s.isEmpty() ? null : s;
    }

    /**
     * The text of a scalar as the source wrote it: Jackson prints large floating-point numbers in
     * scientific notation ({@code 1.7956E9}), which no time or number parser downstream expects.
     */
    public static String scalar(JsonNode v) {
        if (v.isDouble() || v.isFloat()) {
            double d = v.doubleValue();
            return Double.isFinite(d)
                    ? java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString()
                    : v.asText();
        }
        if (v.isBigDecimal()) {
            return v.decimalValue().toPlainString();
        }
        return v.asText();
    }

    /** The text of a member under a dotted path of nested objects ({@code winlog.event_id}). */
    public static String path(JsonNode n, String dotted) {
        JsonNode cur = n;
        int start = 0;
        while (cur != null) {
            int dot = dotted.indexOf('.', start);
            if (dot < 0) {
                return text(cur, dotted.substring(start));
            }
            cur = cur.get(dotted.substring(start, dot));
            start = dot + 1;
        }
        return null;
    }

    public static Long longValue(JsonNode n, String field) {
        String s = text(n, field);
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            try {
                double d = Double.parseDouble(s);
                return Double.isFinite(d) ? (long) d : null;
            } catch (NumberFormatException e2) {
                return null;
            }
        }
    }

    public static Integer intValue(JsonNode n, String field) {
        Long l = longValue(n, field);
        return l == null || l > Integer.MAX_VALUE || l < Integer.MIN_VALUE ? null : l.intValue();
    }
}
