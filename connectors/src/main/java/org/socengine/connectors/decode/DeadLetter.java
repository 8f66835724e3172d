package org.socengine.connectors.decode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.model.Json;
import org.socengine.model.Timestamps;

/** A record that could not be decoded, with why and where it came from, for {@code soc.dlq}. */
public class DeadLetter {

    /** Raw bytes kept in the dead letter; a larger record keeps its first bytes and says so. */
    public static final int MAX_RAW_BYTES = 1024 * 1024;

    public String reasonCode;
    public String reason;
    public String decoder;
    public String source;
    public String topic;
    public int partition;
    public long offset;
    public long kafkaTimestamp;
    public String key;

    /**
     * The department the record is counted under: for a {@code department_mismatch}, the one the
     * topic or the device address gives (the authoritative one); otherwise the one the record
     * claims.
     */
    public String department;

    /** For a {@code department_mismatch}: the department the header or key claimed. */
    public String claimedDepartment;

    public byte[] raw;
    public long time;

    public DeadLetter() {}

    public static DeadLetter of(RawRecord r, String decoder, DecodeException e, long now) {
        DeadLetter d = new DeadLetter();
        d.reasonCode = e.reasonCode();
        d.reason = e.getMessage();
        d.decoder = decoder;
        d.source = r.source;
        d.topic = r.topic;
        d.partition = r.partition;
        d.offset = r.offset;
        d.kafkaTimestamp = r.kafkaTimestamp;
        d.key = r.key;
        d.department = r.departmentHeader != null ? r.departmentHeader : r.key;
        d.raw = r.value;
        d.time = now;
        return d;
    }

    public ObjectNode toTree() {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("@timestamp", Timestamps.format(time));
        n.put("reason_code", reasonCode);
        n.put("reason", reason);
        n.put("decoder", decoder);
        n.put("source", source);
        n.put("topic", topic);
        n.put("partition", partition);
        n.put("offset", offset);
        if (kafkaTimestamp > 0) {
            n.put("kafka_timestamp", Timestamps.format(kafkaTimestamp));
        }
        if (key != null) {
            n.put("key", key);
        }
        if (department != null) {
            n.put("department", department);
        }
        if (claimedDepartment != null) {
            n.put("claimed_department", claimedDepartment);
        }
        byte[] bytes = raw == null ? new byte[0] : raw;
        boolean cut = bytes.length > MAX_RAW_BYTES;
        if (cut) {
            bytes = java.util.Arrays.copyOf(bytes, MAX_RAW_BYTES);
            n.put("raw_truncated_from", raw.length);
        }
        String text = utf8(bytes);
        if (text != null) {
            n.put("raw", text);
        } else {
            n.put("raw_base64", Base64.getEncoder().encodeToString(bytes));
        }
        return n;
    }

    public String toJson() {
        return toTree().toString();
    }

    private static String utf8(byte[] b) {
        try {
            String s =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(b))
                            .toString();
            return s.indexOf('\0') >= 0 ? null : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
