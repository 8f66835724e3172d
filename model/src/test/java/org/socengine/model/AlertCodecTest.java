package org.socengine.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertCodecTest {

    // ---- completeness: the codec must carry every field Alert has ----

    /**
     * The guard against a field added to Alert and forgotten in the codec: the filler finds the
     * fields by reflection, so a new field is filled here without anyone touching this test, and
     * the codec, written by hand, drops it. Every filled value differs from the default, so a field
     * the codec skips cannot come back equal by way of the constructor.
     */
    @Test
    void everyFieldRoundTrips() {
        Filler filler = new Filler();
        Alert full = filler.fill();

        // Alert has 25 fields today; a filler that skipped some would let the test pass vacuously.
        assertThat(filler.filled).as("fields filled").hasSizeGreaterThanOrEqualTo(25);
        Alert defaults = new Alert();
        for (Field f : instanceFields(Alert.class)) {
            assertThat(differences(get(f, defaults), get(f, full)))
                    .as("%s filled with a value other than its default", f.getName())
                    .isNotEmpty();
        }
        assertThat(full.evidence).as("evidence filled").hasSize(2);

        assertThat(differences(full, roundTrip(full))).isEmpty();
    }

    /**
     * Each field alone, every other one null, zero or false: catches a mask bit written for one
     * field and read for another (the booleans, all true in the full alert, most of all), which the
     * all-present alert above cannot see.
     */
    @Test
    void eachFieldAloneRoundTrips() {
        Alert full = new Filler().fill();
        for (Field f : instanceFields(Alert.class)) {
            Alert only = blank();
            set(f, only, get(f, full));

            assertThat(differences(only, roundTrip(only))).as(f.getName()).isEmpty();
        }
    }

    // ---- shapes of real alerts ----

    /** What a rule starts from: empty collections must come back empty, not null, and open. */
    @Test
    void aDefaultAlertRoundTrips() {
        Alert a = new Alert();

        byte[] bytes = AlertCodec.toBytes(a);
        Alert back = AlertCodec.fromBytes(bytes);

        assertThat(differences(a, back)).isEmpty();
        assertThat(back.tags).isEmpty();
        assertThat(back.entity).isEmpty();
        assertThat(back.details).isEmpty();
        assertThat(back.evidence).isEmpty();
        assertThat(back.status).isEqualTo(Alert.STATUS_OPEN);
        // Version, a 3-byte mask (departments is bit 17), eight zero numbers, five zero counts and
        // "open" (1 + 4).
        assertThat(bytes).hasSize(1 + 3 + 8 + 5 + 5);
    }

    /**
     * The fields start as empty collections but may be set to null, and a sink writes an absent
     * field differently from an empty one: the constructor's values must not stand in for null.
     */
    @Test
    void nullsWhereCollectionsUsuallyAreStayNull() {
        Alert a = bruteForceAlert(3);
        a.tags = null;
        a.entity = null;
        a.details = null;
        a.evidence = null;
        a.status = null;

        Alert back = roundTrip(a);

        assertThat(differences(a, back)).isEmpty();
        assertThat(back.tags).isNull();
        assertThat(back.entity).isNull();
        assertThat(back.details).isNull();
        assertThat(back.evidence).isNull();
        assertThat(back.status).isNull();
        assertThat(back.ruleName).isEqualTo(a.ruleName);
    }

    /** Null and empty side by side, so that a codec that confused them in one direction shows. */
    @Test
    void nullAndEmptyCollectionsKeepTheirDifference() {
        Alert a = blank();
        a.tags = new ArrayList<>();
        a.details = new LinkedHashMap<>();

        Alert back = roundTrip(a);

        assertThat(back.tags).isEmpty();
        assertThat(back.details).isEmpty();
        assertThat(back.entity).isNull();
        assertThat(back.evidence).isNull();
        assertThat(differences(a, back)).isEmpty();
        // The all-absent alert: version, a 1-byte mask and eight zero numbers.
        assertThat(AlertCodec.toBytes(blank())).hasSize(1 + 1 + 8);
    }

    /** Nulls inside collections must keep their place, not shift the elements after them. */
    @Test
    void nullElementsInsideCollectionsKeepTheirPlace() {
        Alert a = bruteForceAlert(3);
        a.tags =
                new ArrayList<>(
                        Arrays.asList("attack.t1110", null, "", "attack.credential_access"));
        a.entity.put("user.name", null);
        a.entity.put(null, "no key");
        a.evidence.add(1, null);
        a.evidence.add(null);

        Alert back = roundTrip(a);

        assertThat(differences(a, back)).isEmpty();
        assertThat(back.evidence).hasSize(5);
        assertThat(back.evidence.get(1)).isNull();
        assertThat(back.evidence.get(4)).isNull();
        assertThat(new ArrayList<>(back.entity.keySet()))
                .containsExactly("source.ip", "user.name", null);
    }

    /** The evidence cap: what every alert of a busy rule carries, and the reason for the codec. */
    @Test
    void anAlertWithTwentyEvidenceEventsRoundTripsAndIsSmallerThanJavaSerialization()
            throws IOException {
        Alert a = bruteForceAlert(20);

        byte[] bytes = AlertCodec.toBytes(a);
        int java = javaSerialized(a).length;

        assertThat(differences(a, AlertCodec.fromBytes(bytes))).isEmpty();
        // About 5.6 KB against 9.7 KB. Both carry the same 4.8 KB of UTF-8 text; Java adds class
        // descriptors and a marker for every object and absent field, this a few bytes of masks,
        // lengths and numbers.
        assertThat(bytes.length * 3).isLessThan(java * 2);
        assertThat(bytes.length - utf8Length(a)).isLessThan(20 * 40);

        int evidence = 0;
        for (SecurityEvent e : a.evidence) {
            evidence += SecurityEventCodec.toBytes(e).length;
        }
        List<SecurityEvent> events = a.evidence;
        a.evidence = null;
        int text = utf8Length(a);
        // The evidence goes as SecurityEventCodec writes it, with one count byte in front of it
        // all; the alert's own fields add a byte of length per string and 54 bytes of mask,
        // counts and numbers (four millisecond times take six bytes each).
        assertThat(bytes.length - evidence - text).isLessThanOrEqualTo(54);
        a.evidence = events;
    }

    @Test
    void vietnameseDepartmentNamesRoundTrip() {
        Alert a = bruteForceAlert(2);
        a.departmentId = "so-tttt-hue";
        a.departmentName = "Sở Thông tin và Truyền thông tỉnh Thừa Thiên Huế";
        a.ruleName = "Đăng nhập SSH thất bại nhiều lần 🔥";
        a.details.put("Ghi chú", "Ủy ban nhân dân tỉnh — đã chặn địa chỉ");
        a.tags.add("phòng-ban:ủy-ban-nhân-dân");

        Alert back = roundTrip(a);

        assertThat(differences(a, back)).isEmpty();
        assertThat(back.departmentName)
                .isEqualTo("Sở Thông tin và Truyền thông tỉnh Thừa Thiên Huế");
    }

    /** Flink writes records back to back into one buffer: each read must stop at its own end. */
    @Test
    void alertsWrittenBackToBackReadBackInOrder() throws IOException {
        List<Alert> alerts =
                List.of(bruteForceAlert(20), new Alert(), new Filler().fill(), blank(), update());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (Alert a : alerts) {
            AlertCodec.write(a, out);
        }

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        for (Alert a : alerts) {
            assertThat(differences(a, AlertCodec.read(in))).isEmpty();
        }
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void numbersAtTheirExtremesRoundTrip() {
        long[] values = {0, 1, -1, 63, -64, 64, Integer.MAX_VALUE, Integer.MIN_VALUE};
        for (long v : values) {
            Alert a = blank();
            a.timestamp = v == 0 ? Long.MIN_VALUE : v * 1_000_003L;
            a.ruleVersion = (int) v;
            a.riskScore = (int) -v;
            a.windowStart = Long.MIN_VALUE + v;
            a.windowEnd = Long.MAX_VALUE - v;
            a.count = v;
            a.suppressedCount = -v;
            a.lastSeen = v << 32;

            assertThat(differences(a, roundTrip(a))).as("value " + v).isEmpty();
        }
    }

    // ---- versions and damaged input ----

    @Test
    void anUnknownVersionIsAnIoExceptionThatNamesIt() {
        byte[] bytes = AlertCodec.toBytes(bruteForceAlert(2));
        for (int version : new int[] {0, 3, 0xFF}) {
            bytes[0] = (byte) version;

            assertThatThrownBy(() -> AlertCodec.read(input(bytes)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Alert")
                    .hasMessageContaining("version " + version);
            assertThatThrownBy(() -> AlertCodec.fromBytes(bytes))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(IOException.class)
                    .hasMessageContaining("version " + version);
        }
    }

    /** Alerts written by the previous build (version 1: no departments, no province) still read. */
    @Test
    void versionOneStillReads() {
        Alert a = bruteForceAlert(2);
        a.departments = null;
        byte[] bytes = AlertCodec.toBytes(a);
        bytes[0] = 1;

        Alert back = AlertCodec.fromBytes(bytes);

        assertThat(differences(a, back)).isEmpty();
        assertThat(back.province).isFalse();
    }

    /** A version-1 record cannot carry the bits version 2 added: such bytes are not an alert. */
    @Test
    void versionTwoBitsInAVersionOneRecordFail() {
        Alert a = bruteForceAlert(1);
        a.province = true;
        byte[] bytes = AlertCodec.toBytes(a);
        bytes[0] = 1;

        assertThatThrownBy(() -> AlertCodec.fromBytes(bytes))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("unknown bits");
    }

    /** Evidence events carry their own version: a newer one inside an old alert must fail too. */
    @Test
    void anUnknownEvidenceEventVersionIsAnIoException() {
        Alert a = bruteForceAlert(1);
        byte[] bytes = AlertCodec.toBytes(a);
        int at = indexOf(bytes, SecurityEventCodec.toBytes(a.evidence.get(0)));
        assertThat(at).as("the event's bytes inside the alert's").isPositive();
        bytes[at] = 2;

        assertThatThrownBy(() -> AlertCodec.read(input(bytes)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("SecurityEvent binary format version 2");
    }

    /** Bits this version does not define mean a misaligned stream, not booleans to ignore. */
    @Test
    void unknownMaskBitsFail() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(AlertCodec.VERSION);
        SecurityEventCodec.writeVarInt(out, 1 << 20);
        out.write(new byte[8]);

        assertThatThrownBy(() -> AlertCodec.fromBytes(bytes.toByteArray()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("unknown bits");
    }

    /** A torn record must fail, never come back as an alert with fields or evidence missing. */
    @Test
    void everyTruncationFails() {
        byte[] bytes = AlertCodec.toBytes(new Filler().fill());
        for (int n = 0; n < bytes.length; n++) {
            byte[] torn = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> AlertCodec.fromBytes(torn))
                    .as("first %d of %d bytes", n, bytes.length)
                    .isInstanceOf(UncheckedIOException.class);
        }
    }

    @Test
    void bytesAfterTheAlertFail() {
        byte[] bytes = AlertCodec.toBytes(bruteForceAlert(2));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);

        assertThatThrownBy(() -> AlertCodec.fromBytes(longer))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("left after the alert");
    }

    // ---- helpers ----

    private static Alert roundTrip(Alert a) {
        return AlertCodec.fromBytes(AlertCodec.toBytes(a));
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }

    /** Every reference field null, every number zero, every boolean false. */
    private static Alert blank() {
        Alert a = new Alert();
        for (Field f : instanceFields(Alert.class)) {
            if (!f.getType().isPrimitive()) {
                set(f, a, null);
            }
        }
        return a;
    }

    /** What the SSH brute-force rule raises for one source, with its capped evidence. */
    private static Alert bruteForceAlert(int events) {
        Alert a = new Alert();
        long t0 = 1_764_072_000_000L;
        a.id = "b3f1c2d4e5a6978812345678";
        a.ruleId = "ssh-brute-force";
        a.ruleName = "SSH brute force from one source";
        a.ruleVersion = 3;
        a.severity = "high";
        a.riskScore = 73;
        a.ruleStatus = "stable";
        a.tags.add("attack.credential_access");
        a.tags.add("attack.t1110");
        a.departmentId = "so-tttt";
        a.departmentName = "Sở Thông tin và Truyền thông";
        a.entity.put("source.ip", "203.0.113.45");
        a.details.put("failures", String.valueOf(events));
        a.details.put("distinct_users", "7");
        a.windowStart = t0;
        a.windowEnd = t0 + 300_000;
        a.count = events;
        for (int i = 0; i < events; i++) {
            SecurityEvent e = SecurityEventCodecTest.sshdFailedLogin();
            e.timestamp = t0 + i * 1_000L;
            e.source.port = 52_814 + i;
            e.user.name = "user" + (i % 7);
            e.event.original = e.event.original.replace("52814", String.valueOf(e.source.port));
            // As the operator holds them: decoded from the wire, each with its own strings. Java
            // serialization writes a string instance once per stream, so events sharing the
            // literals of this method would flatter it.
            a.evidence.add(SecurityEventCodec.fromBytes(SecurityEventCodec.toBytes(e)));
        }
        a.timestamp = t0 + (events - 1) * 1_000L;
        a.lastSeen = a.timestamp;
        return a;
    }

    /** An update record: the same alert's new totals, as the operator sends a repeat. */
    private static Alert update() {
        Alert a = bruteForceAlert(20);
        a.update = true;
        a.count = 57;
        a.suppressedCount = 37;
        a.lastSeen = a.timestamp + 30_000;
        return a;
    }

    private static byte[] javaSerialized(Alert a) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(a);
        }
        return bytes.toByteArray();
    }

    /** The UTF-8 length of every string in the tree, keys and elements included. */
    private static int utf8Length(Object o) {
        if (o instanceof String s) {
            return s.getBytes(UTF_8).length;
        }
        int n = 0;
        if (o instanceof List<?> list) {
            for (Object e : list) {
                n += utf8Length(e);
            }
        } else if (o instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                n += utf8Length(e.getKey()) + utf8Length(e.getValue());
            }
        } else if (o != null && o.getClass().getPackage() == Alert.class.getPackage()) {
            for (Field f : instanceFields(o.getClass())) {
                n += utf8Length(get(f, o));
            }
        }
        return n;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    // ---- reflection: filling and comparing alerts ----

    /**
     * Puts a distinct, non-null value into every field of an Alert, so that two fields swapped by
     * the codec show too. A field of a type it does not know fails the test: the codec needs
     * teaching about that type as well.
     */
    private static final class Filler {
        final List<String> filled = new ArrayList<>();
        private int counter;

        Alert fill() {
            filled.clear();
            Alert a = new Alert();
            for (Field f : instanceFields(Alert.class)) {
                set(f, a, value(f));
                filled.add(f.getName());
            }
            return a;
        }

        private Object value(Field f) {
            String name = f.getName();
            Class<?> type = f.getType();
            int n = ++counter;
            if (type == String.class) {
                // Non-ASCII in every other string, so both UTF-8 paths are exercised.
                return n % 2 == 0 ? name + "#" + n : name + " ở Sở #" + n;
            }
            if (type == int.class) {
                return (n % 2 == 0 ? 1 : -1) * n * 1_000_003;
            }
            if (type == long.class) {
                return (n % 2 == 0 ? 1L : -1L) * n * 10_000_000_019L;
            }
            if (type == boolean.class) {
                // Only one value differs from the default; eachFieldAloneRoundTrips tells them
                // apart.
                return true;
            }
            if (type == List.class && elementType(f) == String.class) {
                return new ArrayList<>(List.of(name + ".z#" + n, name + ".a#" + n, "ở#" + n));
            }
            if (type == List.class && elementType(f) == SecurityEvent.class) {
                SecurityEvent login = SecurityEventCodecTest.sshdFailedLogin();
                SecurityEvent query = new SecurityEvent();
                query.timestamp = n;
                query.ensureEvent().category = "network";
                query.ensureDns().ensureQuestion().name = "c2.example.net";
                query.ensureSource().ip = "10.0.0." + n;
                query.field("Ghi chú", "truy vấn #" + n);
                return new ArrayList<>(List.of(login, query));
            }
            if (type == Map.class) {
                // Not sorted and not hash order, so an order-losing map would show.
                Map<String, String> map = new LinkedHashMap<>();
                map.put(name + ".z#" + n, "ź#" + n);
                map.put(name + ".a#" + n, "a#" + n);
                map.put(name + ".m#" + n, "m#" + n);
                return map;
            }
            throw new AssertionError(
                    name
                            + " has type "
                            + f.getGenericType().getTypeName()
                            + ", which this test cannot fill: teach AlertCodec and this filler"
                            + " about it");
        }

        private static Type elementType(Field f) {
            return ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
        }
    }

    /** Paths whose expected and actual values differ, each with both values. */
    private static List<String> differences(Object expected, Object actual) {
        List<String> out = new ArrayList<>();
        diff(expected, actual, "", out);
        return out;
    }

    /** Deep: into lists element by element and into model objects field by field. */
    private static void diff(Object expected, Object actual, String path, List<String> out) {
        if (expected == null || actual == null) {
            if (expected != actual) {
                out.add(path + ": expected " + expected + " but was " + actual);
            }
            return;
        }
        if (expected instanceof List<?> list) {
            if (!(actual instanceof ArrayList<?> other)) {
                out.add(path + ": expected an ArrayList but was " + actual.getClass());
            } else if (list.size() != other.size()) {
                out.add(path + ": expected " + list.size() + " elements but was " + other.size());
            } else {
                for (int i = 0; i < list.size(); i++) {
                    diff(list.get(i), other.get(i), path + "[" + i + "]", out);
                }
            }
        } else if (expected instanceof Map<?, ?> map) {
            if (!(actual instanceof LinkedHashMap)) {
                out.add(path + ": expected a LinkedHashMap but was " + actual.getClass());
            } else if (!new ArrayList<>(map.entrySet())
                    .equals(new ArrayList<>(((Map<?, ?>) actual).entrySet()))) {
                out.add(path + ": expected " + expected + " but was " + actual);
            }
        } else if (expected.getClass() != actual.getClass()) {
            out.add(path + ": expected a " + expected.getClass() + " but was " + actual.getClass());
        } else if (expected.getClass().getPackage() == Alert.class.getPackage()) {
            for (Field f : instanceFields(expected.getClass())) {
                String p = path.isEmpty() ? f.getName() : path + "." + f.getName();
                diff(get(f, expected), get(f, actual), p, out);
            }
        } else if (!expected.equals(actual)) {
            out.add(path + ": expected " + expected + " but was " + actual);
        }
    }

    /** Instance fields, inherited ones included, in a stable order. */
    private static List<Field> instanceFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
                    f.setAccessible(true);
                    fields.add(f);
                }
            }
        }
        return fields;
    }

    private static Object get(Field f, Object o) {
        try {
            return f.get(o);
        } catch (IllegalAccessException x) {
            throw new AssertionError(x);
        }
    }

    private static void set(Field f, Object o, Object value) {
        try {
            f.set(o, value);
        } catch (IllegalAccessException x) {
            throw new AssertionError(x);
        }
    }
}
