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
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityEventCodecTest {

    // ---- completeness: the codec must carry every field the model has ----

    /**
     * The guard against a field added to SecurityEvent (or to a class nested in it) and forgotten
     * in the codec: the filler finds fields by reflection, so a new field is filled here without
     * anyone touching this test, and the codec, written by hand, drops it.
     */
    @Test
    void everyFieldOfEveryNestedObjectRoundTrips() {
        Filler filler = new Filler();
        SecurityEvent full = filler.fill();

        // Without these floors a filler that skipped a class would let the test pass vacuously.
        assertThat(filler.leaves).as("leaf fields filled").hasSizeGreaterThanOrEqualTo(80);
        assertThat(filler.objects).as("nested objects filled").hasSizeGreaterThanOrEqualTo(20);
        assertThat(nullPaths(full, "")).as("fields the filler left null").isEmpty();

        assertThat(differences(full, roundTrip(full))).isEmpty();
    }

    /**
     * Each field alone, with every other field and object absent: catches a mask bit written for
     * one field and read for another, which the all-present event above cannot see, and nulls next
     * to a present field.
     */
    @Test
    void eachFieldAloneRoundTrips() {
        Filler filler = new Filler();
        filler.fill();
        List<Node> all = new ArrayList<>(filler.leaves);
        all.addAll(filler.objects);
        for (Node node : all) {
            SecurityEvent only = node.aloneInEvent();
            assertThat(differences(only, roundTrip(only))).as(node.name()).isEmpty();
        }
    }

    /** Present but empty objects stay present: rules test {@code user is not null}. */
    @Test
    void emptyNestedObjectsStayPresent() {
        SecurityEvent e = new SecurityEvent();
        e.ensureUser().ensureTarget();
        e.ensureHttp();
        e.fields = new LinkedHashMap<>();

        SecurityEvent back = roundTrip(e);

        assertThat(back.user.target).isNotNull();
        assertThat(back.user.group).isNull();
        assertThat(back.http).isNotNull();
        assertThat(back.http.request).isNull();
        assertThat(back.fields).isEmpty();
        assertThat(differences(e, back)).isEmpty();
    }

    // ---- shapes of real events ----

    @Test
    void emptyEventIsTheVersionTheTimestampAndOneMaskByte() {
        SecurityEvent e = new SecurityEvent();

        byte[] bytes = SecurityEventCodec.toBytes(e);

        assertThat(bytes).hasSize(1 + 8 + 1);
        assertThat(differences(e, SecurityEventCodec.fromBytes(bytes))).isEmpty();
    }

    @Test
    void someObjectsWithNullsInsideRoundTrip() {
        SecurityEvent e = sshdFailedLogin();
        e.ensureDestination().port = 22;
        e.ensureProcess().pid = 4242L;
        e.ensureProcess().ensureParent().name = "systemd";

        SecurityEvent back = roundTrip(e);

        assertThat(differences(e, back)).isEmpty();
        assertThat(back.destination.ip).isNull();
        assertThat(back.process.parent.pid).isNull();
        assertThat(back.network).isNull();
    }

    @Test
    void vietnameseAndEmojiStringsRoundTrip() {
        SecurityEvent e = sshdFailedLogin();
        e.organization.name = "Sở Thông tin và Truyền thông";
        e.ensureObserver().name = "Trung tâm Phục vụ hành chính công";
        e.user.name = "nguyễn.văn.ấn";
        e.event.original = "Đăng nhập thất bại 🔥 từ 🇻🇳 — \u0000 NUL and \uFFFD too";
        e.field("Ghi chú", "Ủy ban nhân dân tỉnh 😀");

        assertThat(differences(e, roundTrip(e))).isEmpty();
    }

    /**
     * UTF-8 cannot carry a lone surrogate (getBytes writes '?'), so such strings go as UTF-16; a
     * real '?' next to one must not fool the check that picks the form.
     */
    @Test
    void stringsWithLoneSurrogatesRoundTripExactly() {
        for (String s :
                List.of(
                        "\uD800",
                        "a\uDC00b",
                        "?\uD83D?",
                        "\uDE00\uD83D",
                        "x\uD83D",
                        "what? \uD83D\uDE00?",
                        "?",
                        "")) {
            SecurityEvent e = new SecurityEvent();
            e.ensureEvent().original = s;
            e.field(s, s);

            SecurityEvent back = roundTrip(e);

            assertThat(back.event.original).as(escaped(s)).isEqualTo(s);
            assertThat(back.fields).containsExactly(Map.entry(s, s));
        }
    }

    /** Lengths around the varint steps of the string header and the codec's read buffer. */
    @Test
    void stringsOfEveryHeaderLengthRoundTrip() {
        for (int n : new int[] {0, 1, 62, 63, 64, 65, 127, 128, 8190, 8191, 8192, 8193, 1 << 20}) {
            SecurityEvent e = new SecurityEvent();
            e.ensureEvent().id = "a".repeat(n);
            e.event.original = "ở".repeat(n);

            assertThat(differences(e, roundTrip(e))).as("length " + n).isEmpty();
        }
    }

    /** writeUTF would stop at 64 KB; a syslog line can be a whole 10 MB payload. */
    @Test
    void tenMegabyteOriginalRoundTrips() throws IOException {
        String line = "Nov 25 12:00:00 web01 app: Đăng nhập thất bại 🔥 payload=";
        SecurityEvent e = sshdFailedLogin();
        e.event.original = line.repeat(10_000_000 / line.length() + 1);
        assertThat(e.event.original.length()).isGreaterThan(10_000_000);

        assertThat(differences(e, SecurityEventCodec.fromBytes(SecurityEventCodec.toBytes(e))))
                .isEmpty();
        // And through plain java.io streams, as Flink's views would stream it.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SecurityEventCodec.write(e, new DataOutputStream(bytes));
        SecurityEvent back =
                SecurityEventCodec.read(
                        new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back.event.original).isEqualTo(e.event.original);
    }

    @Test
    void numbersAtTheirExtremesRoundTrip() {
        for (long v : new long[] {0, 1, -1, 63, -64, 64, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            SecurityEvent e = new SecurityEvent();
            e.timestamp = v;
            e.ensureSource().port = (int) v;
            e.source.bytes = v * 1_000_003L;
            e.ensureNetwork().packets = v == 0 ? Long.MAX_VALUE : Long.MIN_VALUE / v;
            assertThat(differences(e, roundTrip(e))).as("value " + v).isEmpty();
        }
        SecurityEvent e = new SecurityEvent();
        e.timestamp = Long.MIN_VALUE;
        e.ensureProcess().pid = Long.MAX_VALUE;
        e.process.ensureParent().pid = Long.MIN_VALUE;
        assertThat(differences(e, roundTrip(e))).isEmpty();
    }

    /** Sigma rules read fields by name, and the JSON written from it keeps the source order. */
    @Test
    void fieldsKeepTheirInsertionOrderAndNulls() {
        SecurityEvent e = new SecurityEvent();
        e.fields = new LinkedHashMap<>();
        // Not sorted and not hash order, so an order-losing map would show.
        for (int i = 0; i < 5000; i++) {
            int k = (i * 7919) % 5000;
            e.fields.put("Field" + k, "value " + k + " ở");
        }
        // field() never stores nulls, but a map filled directly may; they must not shift entries.
        e.fields.put("NullValue", null);
        e.fields.put(null, "null key");
        e.fields.put("Last", "");

        SecurityEvent back = roundTrip(e);

        assertThat(back.fields).isInstanceOf(LinkedHashMap.class);
        assertThat(new ArrayList<>(back.fields.entrySet()))
                .isEqualTo(new ArrayList<>(e.fields.entrySet()));
    }

    /** Flink writes records back to back into one buffer: each read must stop at its own end. */
    @Test
    void eventsWrittenBackToBackReadBackInOrder() throws IOException {
        Filler filler = new Filler();
        List<SecurityEvent> events =
                List.of(sshdFailedLogin(), new SecurityEvent(), filler.fill(), sshdFailedLogin());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (SecurityEvent e : events) {
            SecurityEventCodec.write(e, out);
        }

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        for (SecurityEvent e : events) {
            assertThat(differences(e, SecurityEventCodec.read(in))).isEmpty();
        }
        assertThat(in.read()).isEqualTo(-1);
    }

    // ---- compactness ----

    /**
     * The point of the codec besides speed: the bytes crossing the network and going into each
     * checkpoint are little more than the strings themselves.
     */
    @Test
    void aTypicalEventIsFarSmallerThanJavaSerialization() throws IOException {
        SecurityEvent e = sshdFailedLogin();

        int codec = SecurityEventCodec.toBytes(e).length;
        int java = javaSerialized(e).length;

        assertThat(codec).isLessThan(java);
        // Beyond the UTF-8 text: version, timestamp, masks, one length byte per string, the port.
        assertThat(codec - utf8Length(e)).isLessThan(40);
    }

    // ---- versions and damaged input ----

    @Test
    void anUnknownVersionIsAnIoExceptionThatNamesIt() {
        byte[] bytes = SecurityEventCodec.toBytes(sshdFailedLogin());
        for (int version : new int[] {0, 2, 0xFF}) {
            bytes[0] = (byte) version;

            assertThatThrownBy(
                            () ->
                                    SecurityEventCodec.read(
                                            new DataInputStream(new ByteArrayInputStream(bytes))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("version " + version);
            assertThatThrownBy(() -> SecurityEventCodec.fromBytes(bytes))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(IOException.class)
                    .hasMessageContaining("version " + version);
        }
    }

    /** A torn record must fail, never come back as an event with fields missing. */
    @Test
    void everyTruncationFails() {
        byte[] bytes = SecurityEventCodec.toBytes(new Filler().fill());
        for (int n = 0; n < bytes.length; n++) {
            byte[] torn = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> SecurityEventCodec.fromBytes(torn))
                    .as("first %d of %d bytes", n, bytes.length)
                    .isInstanceOf(UncheckedIOException.class);
        }
    }

    @Test
    void bytesAfterTheEventFail() {
        byte[] bytes = SecurityEventCodec.toBytes(sshdFailedLogin());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);

        assertThatThrownBy(() -> SecurityEventCodec.fromBytes(longer))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("left after the event");
    }

    // ---- helpers ----

    private static SecurityEvent roundTrip(SecurityEvent e) {
        return SecurityEventCodec.fromBytes(SecurityEventCodec.toBytes(e));
    }

    /** What a decoder makes of a failed sshd login, about 120 characters of original line. */
    static SecurityEvent sshdFailedLogin() {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = 1_764_072_000_000L;
        SecurityEvent.Event ev = e.ensureEvent();
        ev.kind = "event";
        ev.category = "authentication";
        ev.type = "start";
        ev.action = "ssh_login";
        ev.outcome = "failure";
        ev.dataset = "system.auth";
        ev.module = "system";
        ev.original =
                "<38>Nov 25 12:00:00 web01 sshd[4242]: Failed password for invalid user admin"
                        + " from 203.0.113.45 port 52814 ssh2";
        e.ensureOrganization().id = "so-tttt";
        e.organization.name = "Sở Thông tin và Truyền thông";
        e.ensureSource().ip = "203.0.113.45";
        e.source.port = 52814;
        e.ensureUser().name = "admin";
        e.ensureHost().name = "web01";
        return e;
    }

    private static byte[] javaSerialized(SecurityEvent e) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        return bytes.toByteArray();
    }

    /** The UTF-8 length of every string in the tree. */
    private static int utf8Length(Object o) {
        int n = 0;
        for (Field f : modelFields(o.getClass())) {
            Object v = get(f, o);
            if (v instanceof String s) {
                n += s.getBytes(UTF_8).length;
            } else if (v != null && isModelClass(v.getClass())) {
                n += utf8Length(v);
            }
        }
        return n;
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x80 ? String.valueOf(c) : String.format("\\u%04X", (int) c));
        }
        return b.toString();
    }

    // ---- reflection: filling and comparing the whole model ----

    /** A filled field, by the fields that lead to it from the event, and the value put there. */
    private record Node(List<Field> path, Object value) {

        String name() {
            StringBuilder b = new StringBuilder();
            for (Field f : path) {
                b.append(b.length() == 0 ? "" : ".").append(f.getName());
            }
            return b.toString();
        }

        /** An event that has this field and the objects on the way to it, nothing else. */
        SecurityEvent aloneInEvent() {
            SecurityEvent e = new SecurityEvent();
            Object at = e;
            for (Field f : path.subList(0, path.size() - 1)) {
                Object next = newInstance(f.getType());
                set(f, at, next);
                at = next;
            }
            Field last = path.get(path.size() - 1);
            set(last, at, isModelClass(last.getType()) ? newInstance(last.getType()) : value);
            return e;
        }
    }

    /**
     * Puts a distinct, non-null value into every field reachable from a SecurityEvent, so that two
     * fields swapped by the codec show too. A field of a type it does not know fails the test: the
     * codec needs teaching about that type as well.
     */
    private static final class Filler {
        final List<Node> leaves = new ArrayList<>();
        final List<Node> objects = new ArrayList<>();
        private int counter;

        SecurityEvent fill() {
            leaves.clear();
            objects.clear();
            SecurityEvent e = new SecurityEvent();
            fill(e, List.of());
            return e;
        }

        private void fill(Object target, List<Field> path) {
            for (Field f : modelFields(target.getClass())) {
                List<Field> p = new ArrayList<>(path);
                p.add(f);
                Class<?> type = f.getType();
                Object value;
                if (isModelClass(type)) {
                    value = newInstance(type);
                    objects.add(new Node(List.copyOf(p), value));
                    fill(value, p);
                } else {
                    value = leafValue(type, new Node(p, null).name());
                    leaves.add(new Node(List.copyOf(p), value));
                }
                set(f, target, value);
            }
        }

        private Object leafValue(Class<?> type, String name) {
            int n = ++counter;
            if (type == String.class) {
                // Non-ASCII in every other string, so both UTF-8 paths are exercised.
                return n % 2 == 0 ? name + "#" + n : name + " ở Sở #" + n;
            }
            if (type == Integer.class || type == int.class) {
                return (n % 2 == 0 ? 1 : -1) * n * 1_000_003;
            }
            if (type == Long.class || type == long.class) {
                return (n % 2 == 0 ? 1L : -1L) * n * 10_000_000_019L;
            }
            if (type == List.class && name.equals("threat.enrichments")) {
                // Two entries, each filled as a whole (the list is one leaf to this filler).
                List<SecurityEvent.Enrichment> list = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    SecurityEvent.Enrichment x = new SecurityEvent.Enrichment();
                    Filler inner = new Filler();
                    inner.counter = n * 100 + i * 10;
                    inner.fill(x, List.of());
                    list.add(x);
                }
                return list;
            }
            if (type == Map.class) {
                Map<String, String> map = new LinkedHashMap<>();
                map.put(name + ".z#" + n, "ź#" + n);
                map.put(name + ".a#" + n, "a#" + n);
                map.put(name + ".m#" + n, "m#" + n);
                return map;
            }
            throw new AssertionError(
                    name
                            + " has type "
                            + type.getName()
                            + ", which this test cannot fill: teach SecurityEventCodec and"
                            + " this filler about it");
        }
    }

    /** Paths whose expected and actual values differ, each with both values. */
    private static List<String> differences(Object expected, Object actual) {
        List<String> out = new ArrayList<>();
        diff(expected, actual, "", out);
        return out;
    }

    private static void diff(Object expected, Object actual, String path, List<String> out) {
        if (expected == null || actual == null) {
            if (expected != actual) {
                out.add(path + ": expected " + expected + " but was " + actual);
            }
            return;
        }
        if (expected.getClass() != actual.getClass() && !(expected instanceof Map)) {
            out.add(path + ": expected a " + expected.getClass() + " but was " + actual.getClass());
            return;
        }
        if (isModelClass(expected.getClass())) {
            for (Field f : modelFields(expected.getClass())) {
                String p = path.isEmpty() ? f.getName() : path + "." + f.getName();
                diff(get(f, expected), get(f, actual), p, out);
            }
        } else if (expected instanceof List<?> list) {
            List<?> other = (List<?>) actual;
            if (list.size() != other.size()) {
                out.add(path + ": expected " + list.size() + " entries but was " + other.size());
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
        } else if (!expected.equals(actual)) {
            out.add(path + ": expected " + expected + " but was " + actual);
        }
    }

    private static List<String> nullPaths(Object o, String path) {
        List<String> out = new ArrayList<>();
        for (Field f : modelFields(o.getClass())) {
            String p = path.isEmpty() ? f.getName() : path + "." + f.getName();
            Object v = get(f, o);
            if (v == null) {
                out.add(p);
            } else if (isModelClass(v.getClass())) {
                out.addAll(nullPaths(v, p));
            }
        }
        return out;
    }

    /** The model's own classes: SecurityEvent, its nested classes, and any of the package's. */
    private static boolean isModelClass(Class<?> type) {
        return type.getPackage() == SecurityEvent.class.getPackage()
                && !type.isEnum()
                && !type.isInterface();
    }

    /** Instance fields, inherited ones included, in a stable order. */
    private static List<Field> modelFields(Class<?> type) {
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

    private static Object newInstance(Class<?> type) {
        try {
            Constructor<?> c = type.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance();
        } catch (ReflectiveOperationException x) {
            throw new AssertionError(type + " has no constructor without arguments", x);
        }
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
