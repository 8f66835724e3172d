package org.socengine.model;

import static org.socengine.model.SecurityEventCodec.readString;
import static org.socengine.model.SecurityEventCodec.readVarInt;
import static org.socengine.model.SecurityEventCodec.readVarLong;
import static org.socengine.model.SecurityEventCodec.writeString;
import static org.socengine.model.SecurityEventCodec.writeVarInt;
import static org.socengine.model.SecurityEventCodec.writeVarLong;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.socengine.model.SecurityEventCodec.ByteSink;
import org.socengine.model.SecurityEventCodec.ByteSource;

/**
 * The binary form of an {@link Alert} between the detection operator and the alert sinks.
 *
 * <p>Why not Flink's POJO serializer: every alert and every alert update carries its evidence, up
 * to twenty events, and the POJO serializer sets each field of the alert, of each event and of each
 * object nested in an event by reflection, after a null flag for each. Decoding that was a top cost
 * of the sink thread in the profile. This codec is written out by hand and writes only what is
 * present, and each evidence event goes through {@link SecurityEventCodec}, so events have one
 * binary form wherever they travel.
 *
 * <p>Why null and empty collections are told apart: the fields start as empty collections but code
 * may set them to null, and a sink that sees an empty list where the operator had null (or the
 * reverse) would write a different document. A presence bit says null; a count of zero says empty.
 *
 * <p>Why a format version in the first byte: alerts sit in network buffers and may sit in state
 * across a redeploy. A build that changes the format writes a new version and keeps reading the old
 * ones; a build that meets a version it does not know fails loudly instead of misreading the bytes.
 * Each evidence event carries its own {@link SecurityEventCodec} version, so the two formats change
 * independently.
 *
 * <p>Why {@link #write} and {@link #read} take {@link DataOutput} and {@link DataInput}: Flink's
 * {@code DataOutputView} and {@code DataInputView} are those, so a {@code TypeSerializer} calls
 * them directly and this module stays free of Flink.
 */
public final class AlertCodec {

    /**
     * The format {@link #write} writes. Version 1, in order:
     *
     * <pre>
     * byte     version (1)
     * varint   mask: bits 0-12 say which nullable fields are present: 0 id, 1 ruleId, 2 ruleName,
     *          3 severity, 4 ruleStatus, 5 tags, 6 departmentId, 7 departmentName, 8 entity,
     *          9 details, 10 evidence, 11 status, 12 disposition; bits 13-16 are the booleans:
     *          13 late, 14 shadow, 15 update, 16 meta
     * fields   in declaration order, the absent ones skipped:
     *          id, timestamp, ruleId, ruleName, ruleVersion, severity, riskScore, ruleStatus,
     *          tags, departmentId, departmentName, entity, details, windowStart, windowEnd, count,
     *          evidence, status, suppressedCount, lastSeen, disposition
     *
     * String       as {@link SecurityEventCodec} writes strings (UTF-8, no 64 KB limit)
     * int          zigzag varint
     * long         zigzag varlong
     * tags         varint count, then each string (a null element is a null string)
     * entity       varint count, then the key and value of each entry in iteration order
     * details      as entity
     * evidence     varint (count &lt;&lt; 1 | n): n = 1 when some element is null, and then each
     *              element is preceded by a boolean byte, present or not; then each present
     *              event as {@link SecurityEventCodec#write} writes it, its own version included
     * </pre>
     *
     * Collections read back as {@link ArrayList} and {@link LinkedHashMap}, in the order written,
     * empty ones empty and absent ones null.
     *
     * <p>Version 2 adds two mask bits and one field: bit 17 says {@code departments} is present,
     * bit 18 is the boolean {@code province}; {@code departments} (written as tags are) follows
     * {@code disposition}. Version 1 is still read: it has neither, so {@code departments} reads
     * back null and {@code province} false.
     */
    static final int VERSION = 2;

    private static final int VERSION_1 = 1;

    private static final int ID = 1;
    private static final int RULE_ID = 1 << 1;
    private static final int RULE_NAME = 1 << 2;
    private static final int SEVERITY = 1 << 3;
    private static final int RULE_STATUS = 1 << 4;
    private static final int TAGS = 1 << 5;
    private static final int DEPARTMENT_ID = 1 << 6;
    private static final int DEPARTMENT_NAME = 1 << 7;
    private static final int ENTITY = 1 << 8;
    private static final int DETAILS = 1 << 9;
    private static final int EVIDENCE = 1 << 10;
    private static final int STATUS = 1 << 11;
    // Usually null, like the booleans usually false: above the others so that a typical mask
    // stays under 14 bits, two bytes of varint.
    private static final int DISPOSITION = 1 << 12;
    private static final int LATE = 1 << 13;
    private static final int SHADOW = 1 << 14;
    private static final int UPDATE = 1 << 15;
    private static final int META = 1 << 16;
    private static final int MASK_BITS_1 = 17;
    private static final int DEPARTMENTS = 1 << 17;
    private static final int PROVINCE = 1 << 18;
    private static final int MASK_BITS = 19;

    /** Capacity allocated up front at most, so a corrupt count cannot exhaust the heap. */
    private static final int MAX_PRESIZED_ENTRIES = 1 << 12;

    private AlertCodec() {}

    /** Writes the alert in the current {@link #VERSION}; {@link #read} reads it back equal. */
    public static void write(Alert a, DataOutput out) throws IOException {
        Objects.requireNonNull(a, "alert");
        int m = 0;
        if (a.id != null) m |= ID;
        if (a.ruleId != null) m |= RULE_ID;
        if (a.ruleName != null) m |= RULE_NAME;
        if (a.severity != null) m |= SEVERITY;
        if (a.ruleStatus != null) m |= RULE_STATUS;
        if (a.tags != null) m |= TAGS;
        if (a.departmentId != null) m |= DEPARTMENT_ID;
        if (a.departmentName != null) m |= DEPARTMENT_NAME;
        if (a.entity != null) m |= ENTITY;
        if (a.details != null) m |= DETAILS;
        if (a.evidence != null) m |= EVIDENCE;
        if (a.status != null) m |= STATUS;
        if (a.disposition != null) m |= DISPOSITION;
        if (a.late) m |= LATE;
        if (a.shadow) m |= SHADOW;
        if (a.update) m |= UPDATE;
        if (a.meta) m |= META;
        if (a.departments != null) m |= DEPARTMENTS;
        if (a.province) m |= PROVINCE;

        out.writeByte(VERSION);
        writeVarInt(out, m);
        if ((m & ID) != 0) writeString(out, a.id);
        writeLong(out, a.timestamp);
        if ((m & RULE_ID) != 0) writeString(out, a.ruleId);
        if ((m & RULE_NAME) != 0) writeString(out, a.ruleName);
        writeInt(out, a.ruleVersion);
        if ((m & SEVERITY) != 0) writeString(out, a.severity);
        writeInt(out, a.riskScore);
        if ((m & RULE_STATUS) != 0) writeString(out, a.ruleStatus);
        if ((m & TAGS) != 0) writeStrings(out, a.tags);
        if ((m & DEPARTMENT_ID) != 0) writeString(out, a.departmentId);
        if ((m & DEPARTMENT_NAME) != 0) writeString(out, a.departmentName);
        if ((m & ENTITY) != 0) writeMap(out, a.entity, "entity");
        if ((m & DETAILS) != 0) writeMap(out, a.details, "details");
        writeLong(out, a.windowStart);
        writeLong(out, a.windowEnd);
        writeLong(out, a.count);
        if ((m & EVIDENCE) != 0) writeEvidence(out, a.evidence);
        if ((m & STATUS) != 0) writeString(out, a.status);
        writeLong(out, a.suppressedCount);
        writeLong(out, a.lastSeen);
        if ((m & DISPOSITION) != 0) writeString(out, a.disposition);
        if ((m & DEPARTMENTS) != 0) writeStrings(out, a.departments);
    }

    /**
     * Reads one alert written by {@link #write}, and not a byte more.
     *
     * @throws IOException at the end of the input, on a format version this build does not know (of
     *     the alert or of an evidence event), or on bytes that cannot be an alert
     */
    public static Alert read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION && version != VERSION_1) {
            throw new IOException(
                    "Unknown Alert binary format version "
                            + version
                            + ": this build reads versions "
                            + VERSION_1
                            + " and "
                            + VERSION
                            + " only (data written by a newer build, or not an alert at all)");
        }
        int m = readVarInt(in);
        if ((m & -(1 << (version == VERSION_1 ? MASK_BITS_1 : MASK_BITS))) != 0) {
            // Bits this version does not define: the stream is misaligned or not an alert.
            throw new IOException(
                    "Corrupt Alert: unknown bits in the mask: 0x" + Integer.toHexString(m));
        }
        // Every field is assigned, absent ones too: the constructor's empty collections and "open"
        // status must not stand in for a null that was written.
        Alert a = new Alert();
        a.id = (m & ID) != 0 ? readString(in) : null;
        a.timestamp = readLong(in);
        a.ruleId = (m & RULE_ID) != 0 ? readString(in) : null;
        a.ruleName = (m & RULE_NAME) != 0 ? readString(in) : null;
        a.ruleVersion = readInt(in);
        a.severity = (m & SEVERITY) != 0 ? readString(in) : null;
        a.riskScore = readInt(in);
        a.ruleStatus = (m & RULE_STATUS) != 0 ? readString(in) : null;
        a.tags = (m & TAGS) != 0 ? readStrings(in) : null;
        a.departmentId = (m & DEPARTMENT_ID) != 0 ? readString(in) : null;
        a.departmentName = (m & DEPARTMENT_NAME) != 0 ? readString(in) : null;
        a.entity = (m & ENTITY) != 0 ? readMap(in, "entity") : null;
        a.details = (m & DETAILS) != 0 ? readMap(in, "details") : null;
        a.windowStart = readLong(in);
        a.windowEnd = readLong(in);
        a.count = readLong(in);
        a.evidence = (m & EVIDENCE) != 0 ? readEvidence(in) : null;
        a.status = (m & STATUS) != 0 ? readString(in) : null;
        a.suppressedCount = readLong(in);
        a.lastSeen = readLong(in);
        a.disposition = (m & DISPOSITION) != 0 ? readString(in) : null;
        a.departments = (m & DEPARTMENTS) != 0 ? readStrings(in) : null;
        a.province = (m & PROVINCE) != 0;
        a.late = (m & LATE) != 0;
        a.shadow = (m & SHADOW) != 0;
        a.update = (m & UPDATE) != 0;
        a.meta = (m & META) != 0;
        return a;
    }

    /** {@link #write} into a new array. */
    public static byte[] toBytes(Alert a) {
        ByteSink sink = new ByteSink();
        try {
            write(a, new DataOutputStream(sink));
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return sink.toByteArray();
    }

    /**
     * {@link #read} from an array that holds exactly one alert.
     *
     * @throws UncheckedIOException if the bytes are not one alert of a known version
     */
    public static Alert fromBytes(byte[] bytes) {
        ByteSource source = new ByteSource(bytes);
        try {
            Alert a = read(new DataInputStream(source));
            if (source.available() != 0) {
                throw new IOException(
                        source.available() + " bytes left after the alert of " + bytes.length);
            }
            return a;
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    // ---- collections ----

    private static void writeStrings(DataOutput out, List<String> list) throws IOException {
        int size = list.size();
        writeVarInt(out, size);
        int written = 0;
        for (String s : list) {
            writeString(out, s);
            written++;
        }
        checkWritten("tags", written, size);
    }

    private static List<String> readStrings(DataInput in) throws IOException {
        int size = readCount(in, "tags");
        List<String> list = new ArrayList<>(Math.min(size, MAX_PRESIZED_ENTRIES));
        for (int i = 0; i < size; i++) {
            list.add(readString(in));
        }
        return list;
    }

    private static void writeMap(DataOutput out, Map<String, String> map, String what)
            throws IOException {
        int size = map.size();
        writeVarInt(out, size);
        int written = 0;
        for (Map.Entry<String, String> entry : map.entrySet()) {
            writeString(out, entry.getKey());
            writeString(out, entry.getValue());
            written++;
        }
        checkWritten(what, written, size);
    }

    private static Map<String, String> readMap(DataInput in, String what) throws IOException {
        int size = readCount(in, what);
        // Sized for the entries without rehashing (load factor 0.75).
        Map<String, String> map =
                new LinkedHashMap<>(Math.min(size, MAX_PRESIZED_ENTRIES) * 4 / 3 + 1);
        for (int i = 0; i < size; i++) {
            String key = readString(in);
            map.put(key, readString(in));
        }
        return map;
    }

    private static void writeEvidence(DataOutput out, List<SecurityEvent> evidence)
            throws IOException {
        int size = evidence.size();
        // A null event is a bug upstream, but it must not fail the sink or shift the list: it
        // costs a flag byte per element, only in a list that has one.
        boolean nulls = false;
        for (SecurityEvent e : evidence) {
            if (e == null) {
                nulls = true;
                break;
            }
        }
        writeVarInt(out, size << 1 | (nulls ? 1 : 0));
        int written = 0;
        for (SecurityEvent e : evidence) {
            if (nulls) {
                out.writeBoolean(e != null);
            }
            if (e != null) {
                SecurityEventCodec.write(e, out);
            }
            written++;
        }
        checkWritten("evidence", written, size);
    }

    private static List<SecurityEvent> readEvidence(DataInput in) throws IOException {
        int h = readVarInt(in);
        if (h < 0) {
            throw new IOException("Corrupt Alert: evidence header " + h);
        }
        int size = h >>> 1;
        boolean nulls = (h & 1) != 0;
        List<SecurityEvent> evidence = new ArrayList<>(Math.min(size, MAX_PRESIZED_ENTRIES));
        for (int i = 0; i < size; i++) {
            evidence.add(!nulls || in.readBoolean() ? SecurityEventCodec.read(in) : null);
        }
        return evidence;
    }

    private static int readCount(DataInput in, String what) throws IOException {
        int size = readVarInt(in);
        if (size < 0) {
            throw new IOException("Corrupt Alert: " + what + " count " + size);
        }
        return size;
    }

    private static void checkWritten(String what, int written, int size) throws IOException {
        if (written != size) {
            // A collection changed while written (or a broken size()) would misalign the reader.
            throw new IOException(what + " had " + written + " elements but size() " + size);
        }
    }

    // ---- scalars ----

    private static void writeInt(DataOutput out, int i) throws IOException {
        writeVarInt(out, (i << 1) ^ (i >> 31));
    }

    private static int readInt(DataInput in) throws IOException {
        int z = readVarInt(in);
        return (z >>> 1) ^ -(z & 1);
    }

    private static void writeLong(DataOutput out, long l) throws IOException {
        writeVarLong(out, (l << 1) ^ (l >> 63));
    }

    private static long readLong(DataInput in) throws IOException {
        long z = readVarLong(in);
        return (z >>> 1) ^ -(z & 1);
    }
}
