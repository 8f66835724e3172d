package org.socengine.cli.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * Hostile records made from real ones: what a broken shipper, a truncating relay, a corrupted disk
 * or an attacker who can write to a raw topic sends. Deterministic for a seed, so that a record
 * that breaks a decoder in a million-record run can be made again from the seed and its index.
 *
 * <p>Each mutation starts from a valid line of some source and keeps most of it, so that the
 * decoder of that source gets past its first checks and the damage lands in the fields it reads.
 */
public final class RecordMutator {

    /** What was done to a record; the weights are its share of the records, in parts of 100. */
    public enum Kind {
        /** The line as it was: the run must still decode these. */
        VALID(12),
        /** One to eight bits flipped anywhere. */
        BIT_FLIP(16),
        /** Cut at a random byte, often in the middle of a UTF-8 sequence or a field. */
        TRUNCATE(12),
        /** The head of this line and the tail of another source's line. */
        SPLICE(10),
        /** Bytes inserted, deleted or repeated at random places. */
        BYTE_EDIT(12),
        /** Control characters (NUL, CR, LF, ESC, DEL, TAB, form feed) put in. */
        CONTROL_CHARS(10),
        /** Bytes that are not UTF-8: lone continuation bytes, overlong forms, surrogates, FF FE. */
        INVALID_UTF8(8),
        /** A delimiter, quote or escape of the format repeated many times at one place. */
        DELIMITER_STORM(8),
        /** Nesting thousands deep: JSON arrays and objects, or brackets and quotes in text. */
        DEEP_NESTING(6),
        /** One field grown to between 4 KiB and just over the 1 MiB record limit. */
        HUGE_FIELD(2),
        /** Nothing of the line left: random bytes of a random length. */
        GARBAGE(4);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    /** A mutated record. */
    public record Mutant(Kind kind, byte[] value) {}

    private static final int TOTAL = Arrays.stream(Kind.values()).mapToInt(k -> k.weight).sum();

    private static final byte[][] DELIMITERS = {
        b("|"), b("\\"), b("\""), b("="), b("\t"), b(":"), b("{"), b("["), b("\\\""), b("%"),
        b("<"), b("@"), b(","), b(" "), b("\\|"), b("\\="), b("'"), b("#"), b("/"), b("0")
    };

    private static final byte[][] BAD_UTF8 = {
        {(byte) 0x80},
        {(byte) 0xBF},
        {(byte) 0xC0, (byte) 0xAF},
        {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0xFF},
        {(byte) 0xFE, (byte) 0xFF},
        {(byte) 0xC3},
        {(byte) 0xE2, (byte) 0x82}
    };

    private static final byte[] CONTROLS = {0, 1, 7, 8, 9, 10, 11, 12, 13, 27, 127};

    /** The record limit of the decoders: huge fields go up to just past it. */
    public static final int MAX_HUGE = 1024 * 1024 + 16;

    private final Random rnd;
    private final int maxField;

    public RecordMutator(long seed) {
        this(seed, MAX_HUGE);
    }

    /**
     * @param maxFieldBytes the most bytes one mutation adds (huge fields, delimiter storms, deep
     *     nesting): {@link #MAX_HUGE} for the real run, less where a test must stay quick
     */
    public RecordMutator(long seed, int maxFieldBytes) {
        this.rnd = new Random(seed);
        this.maxField = Math.max(4096, Math.min(MAX_HUGE, maxFieldBytes));
    }

    /**
     * A mutant of {@code line}.
     *
     * @param other a line of another record (often another source), for splicing
     */
    public Mutant mutate(byte[] line, byte[] other) {
        Kind kind = pick();
        return new Mutant(kind, apply(kind, line, other));
    }

    /** A mutant of {@code line} of a given kind. */
    public byte[] apply(Kind kind, byte[] line, byte[] other) {
        return switch (kind) {
            case VALID -> line.clone();
            case BIT_FLIP -> bitFlip(line);
            case TRUNCATE -> Arrays.copyOf(line, line.length == 0 ? 0 : rnd.nextInt(line.length));
            case SPLICE -> splice(line, other);
            case BYTE_EDIT -> byteEdit(line);
            case CONTROL_CHARS ->
                    insertEach(line, 1 + rnd.nextInt(6), () -> new byte[] {pick(CONTROLS)});
            case INVALID_UTF8 ->
                    insertEach(
                            line, 1 + rnd.nextInt(3), () -> BAD_UTF8[rnd.nextInt(BAD_UTF8.length)]);
            case DELIMITER_STORM -> storm(line);
            case DEEP_NESTING -> deepNesting(line);
            case HUGE_FIELD -> hugeField(line);
            case GARBAGE -> garbage();
        };
    }

    private Kind pick() {
        int p = rnd.nextInt(TOTAL);
        for (Kind k : Kind.values()) {
            p -= k.weight;
            if (p < 0) {
                return k;
            }
        }
        throw new IllegalStateException("weights do not add up");
    }

    private byte[] bitFlip(byte[] line) {
        byte[] out = line.clone();
        if (out.length == 0) {
            return out;
        }
        for (int i = 1 + rnd.nextInt(8); i > 0; i--) {
            out[rnd.nextInt(out.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
        return out;
    }

    private byte[] splice(byte[] line, byte[] other) {
        int a = line.length == 0 ? 0 : rnd.nextInt(line.length + 1);
        int b = other.length == 0 ? 0 : rnd.nextInt(other.length + 1);
        byte[] out = Arrays.copyOf(line, a + other.length - b);
        System.arraycopy(other, b, out, a, other.length - b);
        return out;
    }

    private byte[] byteEdit(byte[] line) {
        byte[] out = line;
        for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
            int at = rnd.nextInt(out.length + 1);
            switch (rnd.nextInt(3)) {
                case 0 -> out = insert(out, at, new byte[] {(byte) rnd.nextInt(256)});
                case 1 -> {
                    if (at < out.length) {
                        int n = 1 + rnd.nextInt(Math.min(16, out.length - at));
                        byte[] cut = new byte[out.length - n];
                        System.arraycopy(out, 0, cut, 0, at);
                        System.arraycopy(out, at + n, cut, at, out.length - at - n);
                        out = cut;
                    }
                }
                default -> {
                    // a piece of the line repeated in place, as a stuttering relay does
                    if (at < out.length) {
                        int n = 1 + rnd.nextInt(Math.min(32, out.length - at));
                        byte[] piece = Arrays.copyOfRange(out, at, at + n);
                        out = insert(out, at, repeat(piece, 2 + rnd.nextInt(8)));
                    }
                }
            }
        }
        return out == line ? line.clone() : out;
    }

    private byte[] insertEach(byte[] line, int times, java.util.function.Supplier<byte[]> what) {
        byte[] out = line;
        for (int i = 0; i < times; i++) {
            out = insert(out, rnd.nextInt(out.length + 1), what.get());
        }
        return out == line ? line.clone() : out;
    }

    private byte[] storm(byte[] line) {
        byte[] d = DELIMITERS[rnd.nextInt(DELIMITERS.length)];
        int n = Math.min(100 << rnd.nextInt(8), maxField / d.length); // 100 to 12,800 repeats
        return insert(line, rnd.nextInt(line.length + 1), repeat(d, n));
    }

    private byte[] deepNesting(byte[] line) {
        int depth = 1_000 << rnd.nextInt(6); // 1,000 to 32,000 deep
        String[][] pairs = {{"[", "]"}, {"{\"a\":", "}"}, {"(", ")"}, {"\"\\", "\""}, {"<", ">"}};
        String[] p = pairs[rnd.nextInt(pairs.length)];
        depth = Math.min(depth, maxField / (p[0].length() + p[1].length()));
        byte[] open = repeat(b(p[0]), depth);
        byte[] close = rnd.nextBoolean() ? repeat(b(p[1]), depth) : new byte[0];
        int at = rnd.nextInt(line.length + 1);
        if (rnd.nextBoolean() && line.length > 0 && line[0] == '{') {
            // inside a JSON record: the value of its first field
            int colon = indexOf(line, (byte) ':');
            at = colon < 0 ? at : colon + 1;
        }
        byte[] out = insert(line, at, open);
        return insert(out, at + open.length, close);
    }

    private byte[] hugeField(byte[] line) {
        // log-uniform: mostly kilobytes, now and then a megabyte
        int size = (int) Math.min(maxField, 4096 * Math.pow(2, rnd.nextDouble() * 8.01));
        byte fill = (byte) "aA0 =|\"\\x".charAt(rnd.nextInt(9));
        byte[] field = new byte[size];
        Arrays.fill(field, fill);
        int at = rnd.nextInt(line.length + 1);
        return insert(line, at, field);
    }

    private byte[] garbage() {
        byte[] out = new byte[rnd.nextInt(512)];
        rnd.nextBytes(out);
        return out;
    }

    private byte pick(byte[] from) {
        return from[rnd.nextInt(from.length)];
    }

    private static byte[] insert(byte[] into, int at, byte[] what) {
        byte[] out = new byte[into.length + what.length];
        System.arraycopy(into, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(into, at, out, at + what.length, into.length - at);
        return out;
    }

    private static byte[] repeat(byte[] what, int times) {
        byte[] out = new byte[what.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(what, 0, out, i * what.length, what.length);
        }
        return out;
    }

    private static int indexOf(byte[] in, byte b) {
        for (int i = 0; i < in.length; i++) {
            if (in[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
